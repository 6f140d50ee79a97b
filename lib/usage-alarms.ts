// The usage dashboard's alarms: playback bytes (one Metrics Insights alarm per KVS byte metric under a composite),
// and the health alarms, one table row each.
import type { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import type { KvsSessionBroker } from './kvs-session-broker';
import { METRICS_NAMESPACE, SESSIONS_DENIED } from './telemetry';
import {
  KVS_PLAYBACK_BYTE_METRICS,
  type KvsPlaybackByteMetric,
  alarmScopedToStreams,
  kvsBytesInsightsQuery,
  sessionsDeniedInsightsQuery,
} from './usage-metrics';

/** PutMetricAlarm and PutCompositeAlarm refuse an AlarmDescription over 1024 characters (CloudWatch API reference). */
export const ALARM_DESCRIPTION_MAX_CHARS = 1024;

function alarmDescription(text: string): string {
  return text.length <= ALARM_DESCRIPTION_MAX_CHARS
    ? text
    : `${text.slice(0, ALARM_DESCRIPTION_MAX_CHARS - 1)}…`;
}

/** The alarms the dashboard creates. */
export interface KvsUsageAlarms {
  /** In ALARM when any playback byte metric is over the threshold; the one that notifies `alarmTopic`. */
  readonly outgoingBytes: cloudwatch.CompositeAlarm;
  /** One Metrics Insights alarm per KVS playback byte metric (no actions: the composite notifies). */
  readonly outgoingBytesByMetric: Readonly<Record<KvsPlaybackByteMetric, cloudwatch.Alarm>>;
  readonly brokerErrors: cloudwatch.Alarm;
  readonly authorizerErrors: cloudwatch.Alarm;
  readonly serverErrors: cloudwatch.Alarm;
  readonly throttledSessions: cloudwatch.Alarm;
}

/** What the alarms need, every default filled in. */
export interface UsageAlarmSettings {
  readonly broker: KvsSessionBroker;
  readonly period: Duration;
  readonly outgoingBytesThreshold: number;
  readonly outgoingBytesPeriod: Duration;
  readonly throttledSessionsThreshold: number;
  readonly lambdaErrorsThreshold: number;
  readonly serverErrorsThreshold: number;
}

const COMMON = { evaluationPeriods: 1, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING };

export function createUsageAlarms(scope: Construct, s: UsageAlarmSettings): KvsUsageAlarms {
  return { ...bytesAlarms(scope, s), ...healthAlarms(scope, s) };
}

/**
 * CloudWatch allows ONE Metrics Insights query per alarm ("Each GetMetricData operation can have only one query",
 * Metrics Insights quotas), and a query selects one metric name: one alarm per byte metric, and a composite
 * alarm over the three that notifies.
 */
function bytesAlarms(scope: Construct, s: UsageAlarmSettings) {
  const streams = s.broker.config.streams;
  const over = `over ${s.outgoingBytesPeriod.toHumanString()}`;
  const which = alarmScopedToStreams(streams)
    ? `the ${new Set(streams).size} configured stream name(s)`
    : 'every stream of this account and region (config.streams has prefixes or many names)';
  const outgoingBytesByMetric = Object.fromEntries(
    KVS_PLAYBACK_BYTE_METRICS.map((metric) => [
      metric,
      new cloudwatch.Alarm(scope, `${metric.split('.')[0]}BytesAlarm`, {
        ...COMMON,
        metric: new cloudwatch.MathExpression({
          expression: kvsBytesInsightsQuery(metric, streams),
          label: metric,
          period: s.outgoingBytesPeriod,
          usingMetrics: {},
        }),
        threshold: s.outgoingBytesThreshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        alarmDescription: alarmDescription(
          `KVS ${metric} ${over} exceeds ${s.outgoingBytesThreshold} bytes, for ${which}.`,
        ),
      }),
    ]),
  ) as Record<KvsPlaybackByteMetric, cloudwatch.Alarm>;
  const outgoingBytes = new cloudwatch.CompositeAlarm(scope, 'OutgoingBytesAlarm', {
    alarmRule: cloudwatch.AlarmRule.anyOf(...Object.values(outgoingBytesByMetric)),
    alarmDescription: alarmDescription(
      `KVS playback bytes (one of ${KVS_PLAYBACK_BYTE_METRICS.join(', ')}) ${over} exceed ${s.outgoingBytesThreshold} bytes, for ${which}.`,
    ),
  });
  return { outgoingBytes, outgoingBytesByMetric };
}

/** The health alarms: each fires at or above its threshold within one period. */
function healthAlarms(scope: Construct, s: UsageAlarmSettings) {
  const { broker, period } = s;
  const sum = { period, statistic: cloudwatch.Stats.SUM };
  const rows = {
    brokerErrors: {
      id: 'BrokerErrorsAlarm',
      // Every function that serves routes (the route table's `lambda` column), summed.
      metric: new cloudwatch.MathExpression({
        expression: Object.keys(broker.functions).join(' + '),
        usingMetrics: Object.fromEntries(
          Object.entries(broker.functions).map(([name, fn]) => [name, fn.metricErrors(sum)]),
        ),
        period,
        label: `Errors of the ${Object.keys(broker.functions).join(', ')} Lambdas`,
      }),
      threshold: s.lambdaErrorsThreshold,
      description:
        'A Lambda serving routes (broker, archive, clip, webrtc) failed (unhandled error or timeout); clients saw 5XX.',
    },
    authorizerErrors: {
      id: 'AuthorizerErrorsAlarm',
      metric: broker.authorizerFunction.metricErrors(sum),
      threshold: s.lambdaErrorsThreshold,
      description: 'The authorizer Lambda failed; API Gateway refused those requests (AUTHORIZER_FAILURE).',
    },
    serverErrors: {
      id: 'ServerErrorsAlarm',
      metric: broker.api.metricServerError(sum),
      threshold: s.serverErrorsThreshold,
      description: 'The API answered 5XX (UPSTREAM_ERROR, UPSTREAM_TIMEOUT or a gateway failure).',
    },
    throttledSessions: {
      id: 'ThrottledSessionsAlarm',
      metric: new cloudwatch.MathExpression({
        expression: sessionsDeniedInsightsQuery('THROTTLED'),
        usingMetrics: {},
        period,
        label: `${METRICS_NAMESPACE} ${SESSIONS_DENIED} THROTTLED`,
      }),
      threshold: s.throttledSessionsThreshold,
      description: 'Sessions refused as THROTTLED: KVS ClientLimitExceeded persisted through retries.',
    },
  } satisfies Record<
    string,
    { id: string; metric: cloudwatch.IMetric; threshold: number; description: string }
  >;
  const alarm = (row: (typeof rows)[keyof typeof rows]) =>
    new cloudwatch.Alarm(scope, row.id, {
      ...COMMON,
      metric: row.metric,
      threshold: row.threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      alarmDescription: row.description,
    });
  return {
    brokerErrors: alarm(rows.brokerErrors),
    authorizerErrors: alarm(rows.authorizerErrors),
    serverErrors: alarm(rows.serverErrors),
    throttledSessions: alarm(rows.throttledSessions),
  };
}
