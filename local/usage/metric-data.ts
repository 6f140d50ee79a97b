// GetMetricData as the usage report sends it, answered from the emulator's byte meters: one SEARCH per KVS byte
// metric over {AWS/KinesisVideo,StreamName}, optionally one stream, Sum, labelled by the StreamName dimension.
import {
  KVS_NAMESPACE,
  KVS_PLAYBACK_BYTE_METRICS,
  type KvsPlaybackByteMetric,
} from '../../lambda/core/telemetry';
import type { OutgoingBytesSample } from '../emulator';
import { QueryError } from './logs-insights';

/** The one dynamic label emulated: each series is labelled with its stream. */
export const STREAM_NAME_LABEL = "${PROP('Dim.StreamName')}";

const SEARCH = new RegExp(
  `^SEARCH\\('\\{${KVS_NAMESPACE.replace('/', '\\/')},StreamName\\} MetricName="([^"]+)"(?: StreamName="([a-zA-Z0-9_.-]+)")?', 'Sum', (\\d+)\\)$`,
);

interface MetricQuery {
  Id?: unknown;
  Expression?: unknown;
  Label?: unknown;
  ReturnData?: unknown;
}

function invalid(message: string): never {
  throw new QueryError(
    'InvalidParameterException',
    `local mode answers only the usage report's GetMetricData: ${message}`,
  );
}

function parseSearch(q: MetricQuery): {
  id: string;
  metric: KvsPlaybackByteMetric;
  stream?: string;
  period: number;
} {
  if (typeof q.Id !== 'string' || !/^[a-z][a-zA-Z0-9_]*$/.test(q.Id))
    invalid('each query needs an Id like bytes0');
  if (q.Label !== STREAM_NAME_LABEL) invalid(`Label must be ${STREAM_NAME_LABEL}`);
  const m = typeof q.Expression === 'string' ? SEARCH.exec(q.Expression) : null;
  if (!m) invalid(`not a SEARCH over {${KVS_NAMESPACE},StreamName}: ${String(q.Expression)}`);
  const metric = m[1] as KvsPlaybackByteMetric;
  if (!KVS_PLAYBACK_BYTE_METRICS.includes(metric)) invalid(`no KVS byte metric ${metric}`);
  const period = Number(m[3]);
  if (period < 60 || period % 60 !== 0) invalid(`period ${period}: a multiple of 60`);
  return { id: q.Id, metric, period, ...(m[2] ? { stream: m[2] } : {}) };
}

/** The awsJson1_0 answer to a GetMetricData body: timestamps in epoch seconds, oldest first. */
export function getMetricData(body: Record<string, unknown>, samples: readonly OutgoingBytesSample[]) {
  const queries = body.MetricDataQueries;
  if (!Array.isArray(queries) || queries.length === 0 || queries.length > 500)
    invalid('MetricDataQueries: 1..500');
  if (body.ScanBy !== undefined && body.ScanBy !== 'TimestampAscending')
    invalid('ScanBy: TimestampAscending only');
  if (body.NextToken !== undefined) invalid('NextToken: every answer fits one page');
  const startMs = Number(body.StartTime) * 1000;
  const endMs = Number(body.EndTime) * 1000;
  if (!Number.isFinite(startMs) || !Number.isFinite(endMs) || startMs >= endMs) {
    invalid('StartTime before EndTime, in epoch seconds');
  }
  const results = (queries as MetricQuery[]).map(parseSearch).flatMap(({ id, metric, stream, period }) => {
    const periodMs = period * 1000;
    const byStream = new Map<string, Map<number, number>>();
    for (const s of samples) {
      if (s.metric !== metric || (stream !== undefined && s.stream !== stream)) continue;
      if (s.minuteMs < startMs || s.minuteMs >= endMs) continue;
      const bucket = Math.floor(s.minuteMs / periodMs) * periodMs;
      const points = byStream.get(s.stream) ?? new Map<number, number>();
      points.set(bucket, (points.get(bucket) ?? 0) + s.bytes);
      byStream.set(s.stream, points);
    }
    return [...byStream.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, points]) => {
        const ordered = [...points.entries()].sort(([a], [b]) => a - b);
        return {
          Id: id,
          Label: name,
          Timestamps: ordered.map(([t]) => t / 1000),
          Values: ordered.map(([, v]) => v),
          StatusCode: 'Complete',
        };
      });
  });
  return { MetricDataResults: results, Messages: [] };
}
