// Metric and log queries over the telemetry names (telemetry.ts): KVS playback bytes per stream beside the sessions the
// broker issued, for the CDK's dashboard, alarms and saved queries, the usage report (usage/) and local mode's
// CloudWatch stand-in (local/usage). Pure string builders, so that the exact SEARCH, Metrics Insights and Logs
// Insights text is testable.
import {
  ARCHIVE_AUDIT,
  DISCOVERY_AUDIT,
  ERROR_CODE_DIMENSION,
  GATEWAY_AUDIT,
  IMAGES_RETURNED,
  KVS_NAMESPACE,
  KVS_PLAYBACK_BYTE_METRICS,
  type KvsPlaybackByteMetric,
  METRICS_NAMESPACE,
  SESSION_AUDIT,
  SESSIONS_DENIED,
  SESSIONS_ISSUED,
  STREAM_NAME_DIMENSION,
} from './telemetry';
import { BYTES_PER_GB } from './usage-attribution';

export { KVS_NAMESPACE, KVS_PLAYBACK_BYTE_METRICS, type KvsPlaybackByteMetric };
/** The log group local mode answers Logs Insights queries for (its ring of audit lines), and the usage report reads. */
export const LOCAL_AUDIT_LOG_GROUP = '/aws/lambda/kvs-session-broker-local';
/** KVS and the broker both name the stream dimension StreamName. */
export const KVS_STREAM_DIMENSION = STREAM_NAME_DIMENSION;

/** Above this many exact names, the bytes alarm watches the whole account and region instead. */
export const MAX_STREAMS_IN_ALARM_QUERY = 20;

export function isExactStream(pattern: string): boolean {
  return !pattern.endsWith('*');
}

/**
 * A string literal of a CloudWatch search expression: double-quoted, with `\`, `"` and `'` escaped by a backslash
 * (the whole query sits between single quotes in SEARCH('...')). Stream names are checked against KVS's pattern
 * ([a-zA-Z0-9_.-], KVS API reference, CreateStream StreamName) before they get here, so nothing is escaped in
 * practice: this is the second line of defence.
 */
export function searchString(value: string): string {
  return `"${value.replace(/[\\"']/g, (c) => `\\${c}`)}"`;
}

/**
 * A string literal of a CloudWatch Logs Insights query: double-quoted, with `\` and `"` escaped by a backslash. As
 * for searchString, stream names are checked before they get here.
 */
export function logsInsightsString(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * The SEARCH term selecting one stream pattern's StreamName values. An exact name matches exactly
 * (quoted). SEARCH has no prefix operator, so a prefix becomes partial-match terms on its words:
 * `site7-*` -> `StreamName=site7`, a superset of the prefix. `*` selects every stream.
 */
export function streamSearchTerm(pattern: string): string {
  if (isExactStream(pattern)) return `${KVS_STREAM_DIMENSION}=${searchString(pattern)}`;
  // The trailing `*` parts words like any other character outside them, so `*` alone has no words (no term).
  const words = pattern.split(/[^a-zA-Z0-9]/).filter(Boolean);
  return words.map((word) => `${KVS_STREAM_DIMENSION}=${word}`).join(' AND ');
}

function search(query: string, statistic: string, periodSeconds: number): string {
  return `SEARCH('${query.trim()}', '${statistic}', ${periodSeconds})`;
}

/** One KVS byte metric, one time series per stream matching the pattern. */
export function kvsBytesSearch(
  metric: KvsPlaybackByteMetric,
  pattern: string,
  periodSeconds: number,
): string {
  return search(
    `{${KVS_NAMESPACE},${KVS_STREAM_DIMENSION}} MetricName="${metric}" ${streamSearchTerm(pattern)}`,
    'Sum',
    periodSeconds,
  );
}

/**
 * One of our EMF metrics. No metric schema (`{namespace,dims}` would demand that exact dimension set),
 * so the series are found whether or not they carry Powertools' `service` dimension.
 */
export function brokerMetricSearch(metric: string, term: string, periodSeconds: number): string {
  return search(`Namespace="${METRICS_NAMESPACE}" MetricName="${metric}" ${term}`, 'Sum', periodSeconds);
}

/** Sessions issued for the streams one pattern selects, one series per stream. */
export function sessionsIssuedSearch(pattern: string, periodSeconds: number): string {
  // All streams (`*`, no term): every SessionsIssued series, with or without StreamName (metrics.perStreamDimensions).
  return brokerMetricSearch(SESSIONS_ISSUED, streamSearchTerm(pattern), periodSeconds);
}

/**
 * Metrics Insights query (alarms cannot use SEARCH) summing one byte metric over the configured streams:
 * exact names only when every pattern is an exact name (and there are few enough of them), otherwise
 * every stream of the account and region.
 */
export function kvsBytesInsightsQuery(metric: KvsPlaybackByteMetric, patterns: readonly string[]): string {
  const base = `SELECT SUM("${metric}") FROM SCHEMA("${KVS_NAMESPACE}", ${KVS_STREAM_DIMENSION})`;
  const scoped = scopedQuery(base, patterns);
  return scoped !== undefined && scoped.length <= METRIC_EXPRESSION_MAX_CHARS ? scoped : base;
}

/** A metric query expression has at most 2048 characters (CloudWatch API reference, MetricDataQuery Expression). */
export const METRIC_EXPRESSION_MAX_CHARS = 2048;

function scopedQuery(base: string, patterns: readonly string[]): string | undefined {
  if (!patterns.every(isExactStream) || new Set(patterns).size > MAX_STREAMS_IN_ALARM_QUERY) return undefined;
  const names = [...new Set(patterns)].sort();
  return `${base} WHERE ${names.map((name) => `${KVS_STREAM_DIMENSION} = '${name}'`).join(' OR ')}`;
}

/**
 * Whether the bytes alarms watch the configured streams by name (true) or the whole account and region: by name only
 * when every byte metric's query names them (the longest metric name may push its query over the length limit).
 */
export function alarmScopedToStreams(patterns: readonly string[]): boolean {
  return KVS_PLAYBACK_BYTE_METRICS.every((metric) =>
    kvsBytesInsightsQuery(metric, patterns).includes(' WHERE '),
  );
}

/**
 * Metrics Insights query counting denied sessions with one error code. FROM the namespace (not SCHEMA):
 * it matches whatever dimension set carries ErrorCode, Powertools' `service` included.
 */
export function sessionsDeniedInsightsQuery(errorCode: string): string {
  return `SELECT SUM(${SESSIONS_DENIED}) FROM ${METRICS_NAMESPACE} WHERE ${ERROR_CODE_DIMENSION} = '${errorCode}'`;
}

/**
 * CloudWatch Logs Insights queries over the audit lines (README (Observability and audit)). KVS meters bytes per stream,
 * not per session: who watched a stream is read from the sessions issued per principal and stream.
 * `sub` is unique per issuer only, so both are kept.
 */
export const AUDIT_QUERIES = {
  /** Broker and authorizer decisions by outcome and error code. */
  decisions: [
    `filter audit = "${SESSION_AUDIT}"`,
    'stats count(*) as decisions by outcome, errorCode',
    'sort decisions desc',
  ],
  /** Sessions per principal and stream, with the outcome. */
  sessionsByPrincipal: [
    `filter audit = "${SESSION_AUDIT}"`,
    'stats count(*) as sessions by issuer, sub, stream, outcome',
    'sort sessions desc',
    'limit 100',
  ],
  /**
   * Error answers in the stage access log, by principal: the only trace of a 403 that API Gateway gave
   * from a cached policy, without calling the broker (then error.responseType is ACCESS_DENIED).
   */
  gatewayErrors: [
    `filter audit = "${GATEWAY_AUDIT}" and status like /^[45]/`,
    'stats count(*) as requests by status, error.responseType, issuer, sub, httpMethod, resourcePath',
    'sort requests desc',
    'limit 100',
  ],
} as const satisfies Record<string, readonly string[]>;

/** One Logs Insights query, by command: what logs.QueryString takes, and what the usage report sends. */
export interface AuditQuery {
  readonly filter: string;
  readonly stats: string;
  readonly sort?: string;
  readonly limit?: number;
}

/** The query's text as Logs Insights reads it, one command after the other. */
export function renderQuery(query: AuditQuery): string {
  return [
    `filter ${query.filter}`,
    `stats ${query.stats}`,
    ...(query.sort ? [`sort ${query.sort}`] : []),
    ...(query.limit !== undefined ? [`limit ${query.limit}`] : []),
  ].join(' | ');
}

/**
 * Granted sessions and session-seconds (the seconds each session was granted for) per principal and stream: the
 * attribution the usage report makes of each stream's bytes. `sub` is unique per issuer only, so both are kept.
 */
export function sessionsByPrincipalQuery(stream?: string): AuditQuery {
  return {
    filter: `audit = "${SESSION_AUDIT}" and outcome = "GRANTED"${stream === undefined ? '' : ` and stream = ${logsInsightsString(stream)}`}`,
    stats: 'count(*) as sessions, sum(expiresInSeconds) as sessionSeconds by issuer, tenant, sub, stream',
    sort: 'sessions desc',
    limit: 10000,
  };
}

/** GetImages answers the broker granted, as its `kvs-archive` audit lines count them (`imagesReturned`). */
function imagesFilter(stream?: string): string {
  const one = stream === undefined ? '' : ` and stream = ${logsInsightsString(stream)}`;
  return `audit = "${ARCHIVE_AUDIT}" and kvsOperation = "GetImages" and outcome = "GRANTED"${one}`;
}

/** Images returned per principal and stream: the usage report's images table (README, "Usage and cost report"). */
export function imagesByPrincipalQuery(stream?: string): AuditQuery {
  return {
    filter: imagesFilter(stream),
    stats: 'count(*) as requests, sum(imagesReturned) as images by issuer, tenant, sub, stream',
    sort: 'images desc',
    limit: 10000,
  };
}

/**
 * Images returned per stream: the dashboard's table. The ImagesReturned metric has no StreamName dimension (a
 * metric per stream would cost USD 0.30 a month each), so per stream is read from the audit lines.
 */
export function imagesByStreamQuery(): AuditQuery {
  return {
    filter: imagesFilter(),
    stats: 'count(*) as requests, sum(imagesReturned) as images by stream',
    sort: 'images desc',
    limit: 100,
  };
}

/** All ImagesReturned series summed (with or without Powertools' service dimension): the images of a period. */
export function imagesReturnedSum(periodSeconds: number): string {
  return `SUM(${brokerMetricSearch(IMAGES_RETURNED, '', periodSeconds)})`;
}

/** Metric math: the cost of a bytes series at a price per GB (1 GB = 2^30 bytes, as AWS bills data). */
export function bytesCostExpression(bytes: string, pricePerGb: number): string {
  return `${bytes} * ${pricePerGb} / ${BYTES_PER_GB}`;
}

/** Metric math: the cost of an images series at a price per 1,000 images. */
export function imagesCostExpression(images: string, pricePer1000Images: number): string {
  return `${images} * ${pricePer1000Images} / 1000`;
}

/** Where a saved query reads: the Lambdas' log groups (audit lines) or the stage's access log. */
export type QuerySource = 'lambdas' | 'access';

/** The saved Logs Insights queries (AWS::Logs::QueryDefinition) an operator finds in the console. */
export const SAVED_QUERIES: Record<string, { source: QuerySource; query: AuditQuery }> = {
  'sessions-by-principal-and-stream': { source: 'lambdas', query: sessionsByPrincipalQuery() },
  'refusals-by-reason': {
    source: 'lambdas',
    query: {
      filter: `audit in ["${SESSION_AUDIT}", "${DISCOVERY_AUDIT}"] and outcome != "GRANTED"`,
      stats: 'count(*) as refusals by audit, outcome, errorCode, reason',
      sort: 'refusals desc',
      limit: 1000,
    },
  },
  /** 401/403/429 that API Gateway answered itself (authorizer, cached policy, throttle): no Lambda line exists. */
  'gateway-denials': {
    source: 'access',
    query: {
      filter: `audit = "${GATEWAY_AUDIT}" and status in ["401", "403", "429"]`,
      stats: 'count(*) as denials by status, error.responseType, issuer, sub, sourceIp, resourcePath',
      sort: 'denials desc',
      limit: 1000,
    },
  },
  'discovery-by-caller': {
    source: 'lambdas',
    query: {
      filter: `audit = "${DISCOVERY_AUDIT}"`,
      stats: 'count(*) as requests, sum(streamsListed) as streamsListed by issuer, tenant, sub, outcome',
      sort: 'requests desc',
      limit: 1000,
    },
  },
  'top-streams-by-sessions': {
    source: 'lambdas',
    query: {
      filter: `audit = "${SESSION_AUDIT}" and outcome = "GRANTED"`,
      stats:
        'count(*) as sessions, count_distinct(sub) as principals, sum(expiresInSeconds) as sessionSeconds by stream',
      sort: 'sessions desc',
      limit: 100,
    },
  },
};
