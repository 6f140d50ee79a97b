// CloudWatch Embedded Metric Format without a library: one line per metric, written at once, shaped as
// Powertools Metrics' singleMetric() writes it (dimension set [service, <dimension>]), so the alarms and dashboards
// (lib/usage-metrics.ts) find the same series. Powertools builds a whole Metrics object per singleMetric() and
// reads the environment each time; this is a template and one JSON.stringify. Measured in `npm run bench`.

export const MetricUnit = { Count: 'Count' } as const;
export type MetricUnitName = (typeof MetricUnit)[keyof typeof MetricUnit];

export interface EmfMetricsOptions {
  namespace: string;
  serviceName: string;
  /** Where each line goes (without its newline). @default process.stdout */
  write?: (line: string) => void;
  /** @default Date.now */
  now?: () => number;
}

export interface SingleMetric {
  addDimension(name: string, value: string): void;
  addMetric(name: string, unit: MetricUnitName, value: number): void;
}

export class EmfMetrics {
  private readonly write: (line: string) => void;
  private readonly now: () => number;

  constructor(private readonly options: EmfMetricsOptions) {
    this.write = options.write ?? ((line) => void process.stdout.write(`${line}\n`));
    this.now = options.now ?? Date.now;
  }

  /** Like Powertools' singleMetric(): dimensions first, then one metric, written immediately. */
  singleMetric(): SingleMetric {
    const dimensions: [string, string][] = [];
    return {
      addDimension: (name, value) => void dimensions.push([name, value]),
      addMetric: (name, unit, value) => {
        const line: Record<string, unknown> = {
          _aws: {
            Timestamp: this.now(),
            CloudWatchMetrics: [
              {
                Namespace: this.options.namespace,
                Dimensions: [['service', ...dimensions.map(([n]) => n)]],
                Metrics: [{ Name: name, Unit: unit }],
              },
            ],
          },
          service: this.options.serviceName,
        };
        for (const [n, v] of dimensions) line[n] = v;
        line[name] = value;
        this.write(JSON.stringify(line));
      },
    };
  }
}
