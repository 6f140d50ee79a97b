// The CloudWatch (awsJson1_0, GraniteServiceVersion20100801) and CloudWatch Logs (awsJson1_1, Logs_20140328) calls
// the usage report makes, on local mode's own port: POST / with X-Amz-Target. No signature is checked.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LOCAL_AUDIT_LOG_GROUP } from '../../lambda/core/telemetry-queries';
import type { KvsEmulator } from '../emulator';
import { readBody } from '../http/body';
import type { AuditRing } from './audit-ring';
import { parseQuery, QueryError, runQuery, type ResultRow } from './logs-insights';
import { getMetricData } from './metric-data';

export { LOCAL_AUDIT_LOG_GROUP };
const MAX_BODY_BYTES = 64 * 1024;
const MAX_QUERIES_KEPT = 100;

export interface CloudWatchApiDeps {
  emulator: KvsEmulator;
  ring: AuditRing;
}

/** Whether the request is one of the CloudWatch APIs served here. */
export function isCloudWatchCall(req: IncomingMessage, url: URL): boolean {
  const target = req.headers['x-amz-target'];
  return (
    req.method === 'POST' &&
    url.pathname === '/' &&
    typeof target === 'string' &&
    /^(GraniteServiceVersion20100801|Logs_20140328)\./.test(target)
  );
}

type StoredQuery = { status: string; results: ResultRow[]; scanned: number };

/** The stand-in's state: its dependencies and the queries started (the last MAX_QUERIES_KEPT). */
export interface CloudWatchState {
  readonly deps: CloudWatchApiDeps;
  readonly queries: Map<string, StoredQuery>;
}

function startQuery(state: CloudWatchState, body: Record<string, unknown>) {
  const groups = body.logGroupNames ?? body.logGroupIdentifiers;
  if (!Array.isArray(groups) || groups.length === 0 || groups.some((g) => g !== LOCAL_AUDIT_LOG_GROUP)) {
    throw new QueryError(
      'ResourceNotFoundException',
      `The specified log group does not exist: local mode has ${LOCAL_AUDIT_LOG_GROUP}`,
    );
  }
  if (typeof body.queryString !== 'string') throw new QueryError('InvalidParameterException', 'queryString');
  const startMs = Number(body.startTime) * 1000;
  const endMs = Number(body.endTime) * 1000;
  if (!Number.isFinite(startMs) || !Number.isFinite(endMs) || startMs > endMs) {
    throw new QueryError(
      'InvalidParameterException',
      'startTime and endTime: epoch seconds, start before end',
    );
  }
  const parsed = parseQuery(body.queryString);
  if (typeof body.limit === 'number') parsed.limit = Math.min(parsed.limit ?? body.limit, body.limit);
  // endTime is inclusive in Logs Insights: lines up to the end of that second.
  const records = state.deps.ring.between(startMs, endMs + 1000);
  const queryId = randomUUID();
  state.queries.set(queryId, {
    status: 'Complete',
    results: runQuery(parsed, records),
    scanned: records.length,
  });
  if (state.queries.size > MAX_QUERIES_KEPT) state.queries.delete(state.queries.keys().next().value!);
  return { queryId };
}

function getQueryResults(state: CloudWatchState, body: Record<string, unknown>) {
  const query = state.queries.get(String(body.queryId));
  if (!query) throw new QueryError('ResourceNotFoundException', `No query ${String(body.queryId)}`);
  return {
    status: query.status,
    results: query.results,
    statistics: { recordsMatched: query.results.length, recordsScanned: query.scanned, bytesScanned: 0 },
  };
}

/** One operation's answer for a parsed body, or a QueryError. */
function operate(state: CloudWatchState, target: string, body: Record<string, unknown>): unknown {
  if (target === 'GraniteServiceVersion20100801.GetMetricData') {
    return getMetricData(body, state.deps.emulator.outgoingBytesSeries());
  }
  if (target === 'Logs_20140328.StartQuery') return startQuery(state, body);
  if (target === 'Logs_20140328.GetQueryResults') return getQueryResults(state, body);
  throw new QueryError(
    'InvalidParameterException',
    `local mode does not serve ${target.slice(target.indexOf('.') + 1)}`,
  );
}

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = await readBody(
    req,
    MAX_BODY_BYTES,
    () => new QueryError('InvalidParameterException', 'body too large'),
  );
  try {
    return JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>;
  } catch {
    throw new QueryError('InvalidParameterException', 'body: not JSON');
  }
}

/** Answers one CloudWatch or CloudWatch Logs call (isCloudWatchCall) as the service would. */
export async function answerCloudWatch(
  state: CloudWatchState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const target = String(req.headers['x-amz-target']);
  const logs = target.startsWith('Logs_20140328.');
  const contentType = logs ? 'application/x-amz-json-1.1' : 'application/x-amz-json-1.0';
  const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': contentType, 'x-amzn-RequestId': randomUUID(), ...headers });
    res.end(JSON.stringify(body));
  };
  try {
    reply(200, operate(state, target, await jsonBody(req)));
  } catch (error) {
    const e =
      error instanceof QueryError ? error : new QueryError('InvalidParameterException', String(error));
    // CloudWatch's JSON errors carry the Query protocol's code too (x-amzn-query-error), as the client expects.
    if (logs) return reply(400, { __type: e.type, message: e.message });
    reply(
      400,
      { __type: 'InvalidParameterValueException', message: e.message },
      { 'x-amzn-query-error': 'InvalidParameterValue;Sender' },
    );
  }
}

/** The stand-in as a request handler over a fresh state. */
export function cloudWatchApi(deps: CloudWatchApiDeps) {
  const state: CloudWatchState = { deps, queries: new Map() };
  return (req: IncomingMessage, res: ServerResponse) => answerCloudWatch(state, req, res);
}
