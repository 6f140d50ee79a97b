// Measured variant (not deployed): Powertools Metrics replaced by bench/variants/lean-metrics.ts (singleMetric only).
import { EmfMetrics, MetricUnit } from './lean-metrics';

export { MetricUnit };
export class Metrics extends EmfMetrics {}
