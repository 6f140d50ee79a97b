// What the usage report reads, and only that: KVS playback bytes per stream from CloudWatch (GetMetricData with
// SEARCH expressions), granted sessions per principal and stream from the audit lines (Logs Insights), and the
// archive's images from its audit lines (archive-usage.ts).
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient,
  GetQueryResultsCommand,
  StartQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { KVS_PLAYBACK_BYTE_METRICS, type KvsPlaybackByteMetric } from '../lambda/core/telemetry';
import {
  kvsBytesSearch,
  renderQuery,
  sessionsByPrincipalQuery,
  type AuditQuery,
} from '../lambda/core/telemetry-queries';
import type { SessionRow } from '../lambda/core/usage-attribution';

export interface Window {
  startMs: number;
  endMs: number;
}

/** Bytes per stream over the window, and the same per period for charts. */
export interface StreamBytes {
  byStream: Record<string, number>;
  /** Sum of the three byte metrics per stream and period start (epoch ms). */
  series: Record<string, Record<number, number>>;
  /** Each byte metric's bytes per stream (GetClip.OutgoingBytes: the clips downloaded). */
  byStreamMetric: Record<string, Partial<Record<KvsPlaybackByteMetric, number>>>;
  periodSeconds: number;
}

/**
 * One-minute data lives 15 days in CloudWatch, hourly data 455 days (CloudWatch metric retention): a day or less
 * is read by the minute, longer windows by the hour.
 */
export function periodFor(window: Window): number {
  return window.endMs - window.startMs <= 24 * 3600_000 ? 60 : 3600;
}

/** Labels each series found by SEARCH with its stream (a dynamic label, read back as the stream name). */
export const STREAM_LABEL = "${PROP('Dim.StreamName')}";

/**
 * The GetMetricData queries: one SEARCH per KVS byte metric, each one series per stream. No Metrics Insights
 * query (it reads only the last 3 hours, Metrics Insights quotas), so the one-per-request limit is never near.
 */
export function bytesQueries(periodSeconds: number, stream?: string): MetricDataQuery[] {
  return KVS_PLAYBACK_BYTE_METRICS.map((metric, i) => ({
    Id: `bytes${i}`,
    Expression: kvsBytesSearch(metric, stream ?? '*', periodSeconds),
    Label: STREAM_LABEL,
    ReturnData: true,
  }));
}

export async function streamBytes(
  client: CloudWatchClient,
  window: Window,
  stream?: string,
): Promise<StreamBytes> {
  const periodSeconds = periodFor(window);
  const result: StreamBytes = { byStream: {}, series: {}, byStreamMetric: {}, periodSeconds };
  let NextToken: string | undefined;
  do {
    const page = await client.send(
      new GetMetricDataCommand({
        MetricDataQueries: bytesQueries(periodSeconds, stream),
        StartTime: new Date(window.startMs),
        EndTime: new Date(window.endMs),
        ScanBy: 'TimestampAscending',
        NextToken,
      }),
    );
    for (const series of page.MetricDataResults ?? []) {
      const name = series.Label;
      if (!name) continue;
      const points = (result.series[name] ??= {});
      // each query's Id is bytes<i>, i its metric's place in KVS_PLAYBACK_BYTE_METRICS (bytesQueries)
      const metric = KVS_PLAYBACK_BYTE_METRICS[Number(series.Id?.replace(/^bytes/, ''))];
      const byMetric = (result.byStreamMetric[name] ??= {});
      (series.Values ?? []).forEach((value, i) => {
        const at = series.Timestamps?.[i]?.getTime();
        if (at === undefined) return;
        points[at] = (points[at] ?? 0) + value;
        result.byStream[name] = (result.byStream[name] ?? 0) + value;
        if (metric) byMetric[metric] = (byMetric[metric] ?? 0) + value;
      });
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return result;
}

const TERMINAL = new Set(['Complete', 'Failed', 'Cancelled', 'Timeout', 'Unknown']);

/** One field of a Logs Insights result row, by name. */
export type ResultRow = (name: string) => string;

/** Runs one Logs Insights query over `logGroupNames` and waits for its rows. */
export async function insightsRows(
  client: CloudWatchLogsClient,
  logGroupNames: string[],
  window: Window,
  query: AuditQuery,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<ResultRow[]> {
  const { queryId } = await client.send(
    new StartQueryCommand({
      logGroupNames,
      startTime: Math.floor(window.startMs / 1000),
      endTime: Math.ceil(window.endMs / 1000),
      queryString: renderQuery(query),
      limit: query.limit,
    }),
  );
  for (;;) {
    const answer = await client.send(new GetQueryResultsCommand({ queryId }));
    if (TERMINAL.has(answer.status ?? 'Unknown')) {
      if (answer.status !== 'Complete')
        throw new Error(`Logs Insights query ${queryId} ended ${answer.status}`);
      return (answer.results ?? []).map(
        (fields) => (name: string) => fields.find((f) => f.field === name)?.value ?? '',
      );
    }
    await sleep(1000);
  }
}

/** Granted sessions and session-seconds per principal and stream, from the audit lines of `logGroupNames`. */
export async function sessionRows(
  client: CloudWatchLogsClient,
  logGroupNames: string[],
  window: Window,
  stream?: string,
  sleep?: (ms: number) => Promise<void>,
): Promise<SessionRow[]> {
  const rows = await insightsRows(client, logGroupNames, window, sessionsByPrincipalQuery(stream), sleep);
  return rows.map((get) => ({
    issuer: get('issuer'),
    tenant: get('tenant'),
    sub: get('sub'),
    stream: get('stream'),
    sessions: Number(get('sessions')) || 0,
    sessionSeconds: Number(get('sessionSeconds')) || 0,
  }));
}
