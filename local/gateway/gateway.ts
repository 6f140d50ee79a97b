// A local stand-in for API Gateway (REST) in front of the real handlers: REQUEST authorizer call with its result
// cache, IAM policy evaluation, proxy events, stage throttling, CORS preflight and JSON gateway responses.
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { gatewayResponse } from '../../lambda/contract/gateway-responses';
import { ROUTES, type ApiRoute, type RouteLambda } from '../../lambda/contract/routes';
import type { RateLimitConfig } from '../../lambda/contract/waf';
import { corsHeaders } from '../../lambda/core/cors';
import { readBody } from '../http/body';
import { TokenBucket } from '../http/token-bucket';
import { cachedAuthorizer, type AuthorizerHandler } from './authorizer-cache';
import {
  authorizerEvent,
  headersOf,
  lambdaContext,
  methodArn,
  proxyEvent,
  requestContext,
  type GatewayRequest,
  type Stage,
} from './events';
import { evaluatePolicy } from './iam';
import { evaluateWebAcl, webAcl, type WebAcl } from './rate-limit';
import { RouteTable } from './routing';

export type { AuthorizerHandler } from './authorizer-cache';
/** A proxy result whose body may stream (a Lambda that streams its answer, API Gateway REST response streaming). */
export type ProxyResult = Omit<APIGatewayProxyResult, 'body'> & { body: string | Readable | ReadableStream };
export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<ProxyResult>;

/** The gateway responses this stand-in produces (a subset of the deployed API's). */
type GatewayResponseType =
  | 'UNAUTHORIZED'
  | 'ACCESS_DENIED'
  | 'MISSING_AUTHENTICATION_TOKEN'
  | 'THROTTLED'
  | 'AUTHORIZER_FAILURE'
  | 'INTEGRATION_FAILURE'
  | 'REQUEST_TOO_LARGE'
  | 'BAD_REQUEST_PARAMETERS';

class GatewayRefusal extends Error {
  constructor(readonly type: GatewayResponseType) {
    super(type);
  }
}

export interface LocalGatewayOptions {
  authorizer: AuthorizerHandler;
  /** The function of every route, unless `functions` names the route's own (its row's `lambda`). */
  broker: ProxyHandler;
  /** The deployed functions by the route table's `lambda` column: a route goes to its row's, as API Gateway sends it. */
  functions?: Partial<Record<RouteLambda, ProxyHandler>>;
  /** @default ROUTES, the contract's route table */
  routes?: readonly ApiRoute[];
  /** Authorizer result cache TTL, keyed by the Authorization header as API Gateway does; 0 disables it. */
  authorizerCacheTtlSeconds: number;
  throttle: { rateLimit: number; burstLimit: number };
  corsAllowOrigins: readonly string[];
  /** @default Date.now */
  now?: () => number;
  region?: string;
  accountId?: string;
  apiId?: string;
  stage?: string;
  /** @default API_GATEWAY_MAX_PAYLOAD_BYTES; larger bodies get REQUEST_TOO_LARGE */
  maxBodyBytes?: number;
  /**
   * The deployed AWS WAF rate-based rules: per bearer token and per client IP (config `api.tokenRateLimit` and
   * `api.ipRateLimit`; false: that rule is off). @default both off
   */
  rateLimits?: RateLimitConfig;
  /** @default AUTHORIZER_TIMEOUT_MS (the authorizer Lambda's timeout) */
  authorizerTimeoutMs?: number;
}

/**
 * REST API quotas (API Gateway developer guide, "Quotas for configuring and running a REST API in API Gateway"):
 * payload size 10 MB, and 10240 bytes for the total combined size of the request line and header values. Neither
 * can be raised. Over either, this stand-in answers the REQUEST_TOO_LARGE gateway response (413, JSON).
 */
export const API_GATEWAY_MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
export const API_GATEWAY_MAX_HEADER_BYTES = 10240;

/** The request line and the header values, counted as the REST API quota counts them. */
export function requestLineAndHeaderBytes(req: IncomingMessage): number {
  const line = Buffer.byteLength(`${req.method ?? ''} ${req.url ?? ''} HTTP/${req.httpVersion}`);
  return req.rawHeaders.reduce((sum, v, i) => (i % 2 === 1 ? sum + Buffer.byteLength(v) : sum), line);
}

/** The stand-in's state: one record that the module functions below take, no closures. */
interface Gateway {
  options: LocalGatewayOptions;
  now: () => number;
  stage: Stage;
  routes: RouteTable;
  maxBodyBytes: number;
  authorize: ReturnType<typeof cachedAuthorizer>;
  /** API Gateway stage throttling: `rateLimit` per second, bursts up to `burstLimit`. */
  stageBucket: TokenBucket;
  /** AWS WAF in front of the stage (local/gateway/rate-limit.ts). */
  waf: WebAcl;
}

/** Takes a stage throttle token, or says there is none. */
function admit(g: Gateway): boolean {
  if (g.stageBucket.available(g.now()) < 1) return false;
  g.stageBucket.take();
  return true;
}

/** The authorizer's context for the broker, or the gateway response that ends the request. */
async function authorized(
  g: Gateway,
  r: GatewayRequest,
  context: APIGatewayProxyEvent['requestContext'],
): Promise<APIGatewayProxyEvent['requestContext']> {
  if (r.matched.route.authorizer === 'none') return context;
  // The identity source is the Authorization header: without it API Gateway answers 401 and calls nobody.
  const identity = r.headers.authorization;
  if (!identity) throw new GatewayRefusal('UNAUTHORIZED');
  const auth = await g.authorize(authorizerEvent(g.stage, r, context), identity, r.requestId);
  if (auth === 'UNAUTHORIZED' || auth === 'AUTHORIZER_FAILURE') throw new GatewayRefusal(auth);
  if (evaluatePolicy(auth.policy, methodArn(g.stage, r.method, r.url.pathname)) !== 'ALLOW')
    throw new GatewayRefusal('ACCESS_DENIED');
  return { ...context, authorizer: { ...auth.context, principalId: auth.principalId } };
}

/** A routed request through throttling, the body cap, the authorizer and the route's function. */
async function invoke(g: Gateway, req: IncomingMessage, r: GatewayRequest): Promise<ProxyResult> {
  if (!admit(g)) throw new GatewayRefusal('THROTTLED');
  const body = await readBody(req, g.maxBodyBytes, () => new GatewayRefusal('REQUEST_TOO_LARGE'));
  const context = await authorized(g, r, requestContext(g.stage, r, req.socket.remoteAddress ?? '127.0.0.1'));
  let result: ProxyResult;
  try {
    const fn = r.matched.route.lambda;
    const handler = g.options.functions?.[fn] ?? g.options.broker;
    result = await handler(proxyEvent(r, context, body), lambdaContext(fn, r.requestId));
  } catch {
    throw new GatewayRefusal('INTEGRATION_FAILURE');
  }
  if (!result || typeof result.statusCode !== 'number') throw new GatewayRefusal('INTEGRATION_FAILURE');
  return result;
}

function gatewayState(options: LocalGatewayOptions): Gateway {
  const now = options.now ?? Date.now;
  return {
    options,
    now,
    stage: {
      region: options.region ?? 'local',
      accountId: options.accountId ?? '000000000000',
      apiId: options.apiId ?? 'local',
      stage: options.stage ?? 'local',
    },
    routes: new RouteTable(options.routes ?? ROUTES),
    maxBodyBytes: options.maxBodyBytes ?? API_GATEWAY_MAX_PAYLOAD_BYTES,
    authorize: cachedAuthorizer(
      options.authorizer,
      options.authorizerCacheTtlSeconds,
      now,
      options.authorizerTimeoutMs,
    ),
    stageBucket: new TokenBucket(options.throttle.rateLimit, now(), options.throttle.burstLimit),
    // AWS WAF sits in front of the stage: it sees every request (unknown routes and preflights included) and its
    // refusals never reach API Gateway, so they spend no stage throttle.
    waf: webAcl(
      options.rateLimits ?? { tokenRateLimit: false, ipRateLimit: false },
      options.corsAllowOrigins,
    ),
  };
}

type Answer = { statusCode: number; headers?: Record<string, unknown>; body?: ProxyResult['body'] };

/** Writes an answer with the request's CORS headers and id; a streamed body goes out as it is read. */
async function sendAnswer(
  res: ServerResponse,
  cors: Record<string, string>,
  requestId: string,
  result: Answer,
) {
  const resultHeaders = Object.fromEntries(
    Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]),
  );
  res.writeHead(result.statusCode, { ...cors, ...resultHeaders, 'x-amzn-RequestId': requestId });
  if (result.body === undefined || typeof result.body === 'string') res.end(result.body);
  // A streamed answer goes out as it is read (response streaming); a failure mid-body cuts the connection.
  else await pipeline(result.body instanceof Readable ? result.body : Readable.fromWeb(result.body), res);
}

/** Routing, preflight and the routed request: the answer, or a GatewayRefusal. */
async function route(
  g: Gateway,
  req: IncomingMessage,
  requestId: string,
  headers: GatewayRequest['headers'],
) {
  if (requestLineAndHeaderBytes(req) > API_GATEWAY_MAX_HEADER_BYTES)
    throw new GatewayRefusal('REQUEST_TOO_LARGE');
  const url = URL.parse(req.url ?? '/', 'http://local');
  if (!url) throw new GatewayRefusal('BAD_REQUEST_PARAMETERS');
  const method = req.method ?? 'GET';
  const preflight =
    method === 'OPTIONS' && g.options.corsAllowOrigins.length > 0 && g.routes.preflight(url.pathname);
  if (preflight) return { statusCode: 204, headers: preflight };
  const matched = g.routes.match(method, url.pathname);
  if (!matched) throw new GatewayRefusal('MISSING_AUTHENTICATION_TOKEN');
  if (matched === 'BAD_REQUEST_PARAMETERS') throw new GatewayRefusal(matched);
  // extendedRequestId: API Gateway's own id, which a client cannot choose (unlike requestId, which a client can
  // set with x-amzn-RequestId); audit lines correlate by it.
  const extendedRequestId = randomBytes(12).toString('base64');
  return invoke(g, req, { requestId, extendedRequestId, method, url, headers, matched, nowMs: g.now() });
}

/** One request through WAF, the stage and the route, answered as API Gateway would. */
async function handleGatewayRequest(g: Gateway, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const wafBlocked = evaluateWebAcl(g.waf, req, g.now());
  if (wafBlocked) {
    res.writeHead(wafBlocked.statusCode, wafBlocked.headers).end(wafBlocked.body);
    return;
  }
  const requestId = randomUUID();
  const headers = headersOf(req);
  const cors = corsHeaders(headers.origin, g.options.corsAllowOrigins);
  let answer: Answer;
  try {
    answer = await route(g, req, requestId, headers);
  } catch (error) {
    if (!(error instanceof GatewayRefusal)) throw error;
    answer = gatewayResponse(error.type, requestId);
  }
  await sendAnswer(res, cors, requestId, answer);
}

/** The stand-in as a request handler over a fresh state (module functions over one record, no closures). */
export function createLocalGateway(options: LocalGatewayOptions) {
  const g = gatewayState(options);
  return (req: IncomingMessage, res: ServerResponse) => handleGatewayRequest(g, req, res);
}
