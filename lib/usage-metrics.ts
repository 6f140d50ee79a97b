// The metric and Logs Insights query builders live beside the telemetry names (lambda/core/telemetry-queries.ts),
// where the usage report reads them too; the CDK reads the same.
export * from '../lambda/core/telemetry-queries';
