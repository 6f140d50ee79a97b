// The one route pipeline (docs/ARCHITECTURE.md, "One route pipeline"): every row of the route table runs through
// runRoute, which reads the caller, runs the token checks, parses, calls the route's handler, then writes the audit
// lines and metrics and the answer (CORS, Cache-Control, errors). A route brings only parse and handle.
import type { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { ApiRoute, OperationId } from '../contract/routes';
import { auditEvent, auditFields, type AuditEvent, type AuditInput } from '../core/audit';
import type { BrokerConfig } from '../core/config';
import { BrokerError, errorBody, errorHeaders, toBrokerError } from '../core/errors';
import type { SessionRequest } from '../core/request';
import type { KvsAdapter } from '../kvs/adapter';
import type { WebrtcAdapter } from '../kvs/webrtc';
import type { ArchiveAdapter } from '../kvs/archive';
import { callerFromEvent, jsonBody, responseHeaders, type Caller } from './http';

/**
 * A check of one granted session (HLS, DASH or WebRTC) before KVS is asked for it (seats: a viewer's seat held or
 * refused). It refuses that session alone by throwing a BrokerError: a grid's other entries are decided as if it had
 * not been asked. What it holds for the session it may give back through the function it returns, called when KVS
 * then fails to open the session.
 */
export type SessionCheck = (
  caller: Caller,
  session: {
    request: Pick<SessionRequest, 'streamName' | 'viewerId'>;
    expiresAtMs: number;
    requestId: string;
    nowMs: number;
  },
) => Promise<void | SessionRelease>;

/** Gives back what a session check held for a session that was not opened. Never throws. */
export type SessionRelease = () => Promise<void>;

/** What every route may use: the parsed config, the KVS adapter, the clock and the session checks. */
export interface RouteDeps {
  config: BrokerConfig;
  kvs: KvsAdapter;
  /** KVS WebRTC signaling (POST /v1/streams/{streamName}/webrtc); without it that route answers 404. */
  webrtc?: WebrtcAdapter;
  /** The archive calls (timeline, images, clip); without it those routes answer 404. */
  archive?: ArchiveAdapter;
  now: () => number;
  /** @default [] */
  sessionChecks?: readonly SessionCheck[];
}

/** The request as a route's parse step sees it: path parameters, query parameters and the decoded JSON body. */
export interface RouteInput {
  path: Readonly<Record<string, string | undefined>>;
  query: Readonly<Record<string, string | undefined>>;
  /** Decoded JSON (POST routes); `undefined` for an empty body or a GET. */
  body: unknown;
}

/** The audit fields one decision adds to the request's (auditFields): its stream, request, expiry, counts. */
export type DecisionFields = Omit<
  AuditInput,
  'audit' | 'nowMs' | 'errorCode' | 'reason' | keyof RequestFields
>;
type RequestFields = ReturnType<typeof auditFields>;

/** One audited decision: its fields, and the error when it was refused or failed. */
export interface Decision {
  fields: DecisionFields;
  error?: BrokerError;
}

/** A JSON value, a JSON text already serialised, or a stream of bytes (a Lambda that streams its answer). */
export type AnswerBody = { json: unknown } | { text: string } | { stream: Readable | ReadableStream };

export interface RouteAnswer {
  /** @default 200 */
  status?: number;
  body: AnswerBody;
  /** Added to (and overriding) the defaults: `Content-Type: application/json`, `Cache-Control: no-store`, CORS. */
  headers?: Record<string, string>;
  /** Fields the one decision of this answer adds to those of `describe(input)` (an expiry, counts). */
  audit?: DecisionFields;
  /**
   * The decisions this answer made, each audited and counted alone (a batch makes several).
   * @default one granted decision with the fields of `describe(input)` and `audit`
   */
  decisions?: Decision[];
}

/** What a route's handler is called with. */
export interface RouteCall<Input, C extends Caller | undefined> {
  input: Input;
  caller: C;
  nowMs: number;
  requestId: string;
  deps: RouteDeps;
}

/** How a route's decisions are audited and counted. Absent on routes that decide nothing (GET /openapi.json). */
export interface RouteAudit {
  /** The `audit` field of its lines. */
  kind: AuditEvent['audit'];
  /** The log message of its lines. */
  message: string;
  /** The metric of one decision (granted or not). */
  count(metrics: Metrics, config: BrokerConfig, decision: Decision, streamName?: string): void;
}

interface RouteBase<Input> {
  audit?: RouteAudit;
  /** Pure: the route's input from the request; throws INVALID_REQUEST naming the field. */
  parse(request: RouteInput): Input;
  /** What the audit line knows from the input alone (the one decision's fields when it is refused or fails). */
  describe?(input: Input): DecisionFields;
}

/** A route behind the JWT authorizer (`authorizer: 'jwt'` in the route table). */
export interface TokenRoute<Input> extends RouteBase<Input> {
  auth: 'jwt';
  handle(call: RouteCall<Input, Caller>): Promise<RouteAnswer>;
}

/** A route open to anyone (`authorizer: 'none'`). */
export interface OpenRoute<Input> extends RouteBase<Input> {
  auth: 'none';
  handle(call: RouteCall<Input, undefined>): Promise<RouteAnswer>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a table of routes of different inputs
export type Route = TokenRoute<any> | OpenRoute<any>;

/** What a token check sees: which route, for which request, at what time. */
export interface CheckContext {
  operationId: OperationId;
  requestId: string;
  nowMs: number;
  /** The `{streamName}` path parameter, as sent (unvalidated), on routes that have one. */
  streamName?: string;
}

/**
 * A check run on every token route after the caller is known and before anything is parsed or decided (revoked
 * tokens, seats): it refuses by throwing a BrokerError, which is audited and answered like any other.
 */
export type TokenCheck = (caller: Caller, context: CheckContext) => Promise<void>;

export interface PipelineOptions extends RouteDeps {
  logger: Logger;
  metrics: Metrics;
  /** @default [] */
  checks?: readonly TokenCheck[];
}

/** The answer of the pipeline: a buffered proxy result, or one whose body streams. */
export interface PipelineResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string | Readable | ReadableStream;
}

function routeInput(event: APIGatewayProxyEvent, row: ApiRoute): RouteInput {
  return {
    path: event.pathParameters ?? {},
    query: event.queryStringParameters ?? {},
    body: row.method === 'POST' ? jsonBody(event) : undefined,
  };
}

function answer(event: APIGatewayProxyEvent, config: BrokerConfig, a: RouteAnswer): PipelineResult {
  const body =
    'json' in a.body ? JSON.stringify(a.body.json) : 'text' in a.body ? a.body.text : a.body.stream;
  return { statusCode: a.status ?? 200, headers: responseHeaders(event, config.cors, a.headers), body };
}

/** The contract's JSON error (docs/api.md), with `Retry-After` when the error carries one and `WWW-Authenticate` on a 401. */
export function errorAnswer(
  event: APIGatewayProxyEvent,
  config: BrokerConfig,
  error: BrokerError,
  requestId: string,
): PipelineResult {
  return answer(event, config, {
    status: error.status,
    body: { json: errorBody(error, requestId) },
    headers: errorHeaders(error.status, error.retryAfterSeconds),
  });
}

/** Writes one audit line per decision and counts each: the only place a route's audit lines come from. */
function auditDecisions(
  options: PipelineOptions,
  audit: RouteAudit,
  base: AuditInput,
  decisions: readonly Decision[],
): void {
  for (const decision of decisions) {
    const { error } = decision;
    options.logger.info(audit.message, {
      ...auditEvent({
        ...base,
        ...decision.fields,
        errorCode: error?.code,
        reason: error ? (error.reason ?? error.detail) : undefined,
      }),
    });
    audit.count(options.metrics, options.config, decision, base.streamName);
  }
}

/** Caller (401), token checks, parse (400), handle: the answer, or the error that ends the request. */
async function decide(
  options: PipelineOptions,
  row: ApiRoute,
  route: Route,
  event: APIGatewayProxyEvent,
  known: { requestId: string; nowMs: number; caller?: Caller; described: DecisionFields },
): Promise<RouteAnswer> {
  const { config } = options;
  const { requestId, nowMs } = known;
  const deps: RouteDeps = {
    config,
    kvs: options.kvs,
    now: options.now,
    ...(options.archive ? { archive: options.archive } : {}),
    ...(options.sessionChecks ? { sessionChecks: options.sessionChecks } : {}),
    ...(options.webrtc ? { webrtc: options.webrtc } : {}),
  };
  if (route.auth === 'none') {
    const input: unknown = route.parse(routeInput(event, row));
    known.described = route.describe?.(input) ?? {};
    return route.handle({ input, caller: undefined, nowMs, requestId, deps });
  }
  const caller = (known.caller = callerFromEvent(event, nowMs, config.clockToleranceSeconds, config.issuers));
  const streamName = event.pathParameters?.streamName;
  const context = { operationId: row.operationId, requestId, nowMs, ...(streamName ? { streamName } : {}) };
  for (const check of options.checks ?? []) await check(caller, context);
  const input: unknown = route.parse(routeInput(event, row));
  known.described = route.describe?.(input) ?? {};
  return route.handle({ input, caller, nowMs, requestId, deps });
}

/**
 * One request through one route: decide, then audit and answer. Never throws: every failure is the contract's JSON
 * error, and each INTERNAL_ERROR (the request's, or a batch entry's) is logged once, here.
 */
export async function runRoute(
  options: PipelineOptions,
  row: ApiRoute,
  route: Route,
  event: APIGatewayProxyEvent,
  requestId: string,
): Promise<PipelineResult> {
  const { config } = options;
  const known: Parameters<typeof decide>[4] = { requestId, nowMs: options.now(), described: {} };
  let result: RouteAnswer | BrokerError;
  try {
    result = await decide(options, row, route, event, known);
  } catch (thrown) {
    result = toBrokerError(thrown);
  }
  const decisions =
    result instanceof BrokerError
      ? [{ fields: known.described, error: result }]
      : (result.decisions ?? [{ fields: { ...known.described, ...result.audit } }]);
  for (const { error } of decisions)
    if (error?.code === 'INTERNAL_ERROR') options.logger.error('unhandled error', { detail: error.detail });
  if (route.audit) {
    const base = {
      ...auditFields(event, known.caller, config.issuers),
      requestId,
      audit: route.audit.kind,
      nowMs: known.nowMs,
    };
    auditDecisions(options, route.audit, base, decisions);
  }
  return result instanceof BrokerError
    ? errorAnswer(event, config, result, requestId)
    : answer(event, config, result);
}

/** A route the table lists but this broker cannot serve here: the contract's 404. */
export function noRoute(event: APIGatewayProxyEvent): BrokerError {
  return new BrokerError('NOT_FOUND', `No route ${event.httpMethod} ${event.path}`);
}
