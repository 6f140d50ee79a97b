// The telemetry names live beside the Lambdas that write them (lambda/core/telemetry.ts); the CDK reads the same.
export * from '../lambda/core/telemetry';
