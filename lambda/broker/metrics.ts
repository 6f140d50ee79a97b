// The broker's Powertools Metrics, as its authors intend: metrics are added during an invocation and flushed once
// at its end by the logMetrics middleware (handler.ts), with Powertools' ColdStart metric. Names from telemetry.ts.
import type { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { BrokerConfig } from '../core/config';
import type { ErrorCode } from '../core/errors';
import {
  ARCHIVE_REQUESTS,
  IMAGES_RETURNED,
  OPERATION_DIMENSION,
  DISCOVERY_REQUESTS,
  ERROR_CODE_DIMENSION,
  METRICS_NAMESPACE,
  SERVICE_NAME,
  SESSIONS_DENIED,
  SESSIONS_ISSUED,
  STREAM_NAME_DIMENSION,
} from '../core/telemetry';

/**
 * The broker's Metrics instance. Powertools warns on every flush without metrics (GET /openapi.json has none):
 * that warning goes to the logger at DEBUG, not to every line of the log group.
 */
export function brokerMetrics(logger: Logger): Metrics {
  return new Metrics({
    namespace: METRICS_NAMESPACE,
    serviceName: SERVICE_NAME,
    logger: {
      debug: (...args: unknown[]) => logger.debug(String(args[0])),
      info: (...args: unknown[]) => logger.info(String(args[0])),
      warn: (...args: unknown[]) => logger.debug(String(args[0])),
      error: (...args: unknown[]) => logger.error(String(args[0])),
    },
  });
}

/**
 * One session decision, as its own EMF line (Powertools' singleMetric): a batch request makes several decisions,
 * each with its own dimensions. Default dimensions only (`service`), so the metric count does not grow with the
 * streams; `metrics.perStreamDimensions` adds StreamName to SessionsIssued. ErrorCode has a fixed, small set of values.
 */
export function countSession(
  metrics: Metrics,
  config: Pick<BrokerConfig, 'metrics'>,
  decision: { streamName: string } | { errorCode: ErrorCode },
): void {
  const single = metrics.singleMetric();
  if ('errorCode' in decision) {
    single.addDimension(ERROR_CODE_DIMENSION, decision.errorCode);
    single.addMetric(SESSIONS_DENIED, MetricUnit.Count, 1);
    return;
  }
  if (config.metrics.perStreamDimensions) single.addDimension(STREAM_NAME_DIMENSION, decision.streamName);
  single.addMetric(SESSIONS_ISSUED, MetricUnit.Count, 1);
}

/** One discovery answer, granted or refused (the audit line says which). */
export function countDiscovery(metrics: Metrics): void {
  metrics.addMetric(DISCOVERY_REQUESTS, MetricUnit.Count, 1);
}

/**
 * One archive request as its own EMF line: dimensions Operation (three values) and, when refused, ErrorCode; an
 * images answer also counts the images it returned (KVS bills GetImages per image: README, "Costs").
 */
export function countArchive(
  metrics: Metrics,
  operation: string,
  outcome: { errorCode: ErrorCode } | { imagesReturned?: number },
): void {
  const single = metrics.singleMetric();
  single.addDimension(OPERATION_DIMENSION, operation);
  if ('errorCode' in outcome) single.addDimension(ERROR_CODE_DIMENSION, outcome.errorCode);
  else if (outcome.imagesReturned !== undefined)
    single.addMetric(IMAGES_RETURNED, MetricUnit.Count, outcome.imagesReturned);
  single.addMetric(ARCHIVE_REQUESTS, MetricUnit.Count, 1);
}
