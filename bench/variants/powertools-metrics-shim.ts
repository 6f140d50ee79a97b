// Measured variant (not deployed): Powertools Metrics replaced by lambda/runtime/metrics.ts (singleMetric only).
import { EmfMetrics, MetricUnit } from '../../lambda/runtime/metrics';

export { MetricUnit };
export class Metrics extends EmfMetrics {}
