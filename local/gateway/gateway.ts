// A local stand-in for API Gateway (REST) in front of the real handlers: REQUEST authorizer call with its result
// cache, IAM policy evaluation, proxy events, stage throttling, CORS preflight and JSON gateway responses.
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { gatewayResponse } from '../../lambda/contract/gateway-responses';
import { ROUTES, type ApiRoute } from '../../lambda/contract/routes';
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
import { evaluateWebAcl, webAcl } from './rate-limit';
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
  broker: ProxyHandler;
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

interface Gateway {
  options: LocalGatewayOptions;
  stage: Stage;
  maxBodyBytes: number;
  authorize: ReturnType<typeof cachedAuthorizer>;
  admit: () => boolean;
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

/** A routed request through throttling, the body cap, the authorizer and the broker. */
async function invoke(g: Gateway, req: IncomingMessage, r: GatewayRequest): Promise<ProxyResult> {
  if (!g.admit()) throw new GatewayRefusal('THROTTLED');
  const body = await readBody(req, g.maxBodyBytes, () => new GatewayRefusal('REQUEST_TOO_LARGE'));
  const context = await authorized(g, r, requestContext(g.stage, r, req.socket.remoteAddress ?? '127.0.0.1'));
  let result: ProxyResult;
  try {
    result = await g.options.broker(proxyEvent(r, context, body), lambdaContext('broker', r.requestId));
  } catch {
    throw new GatewayRefusal('INTEGRATION_FAILURE');
  }
  if (!result || typeof result.statusCode !== 'number') throw new GatewayRefusal('INTEGRATION_FAILURE');
  return result;
}

// eslint-disable-next-line max-lines-per-function -- a factory: the request handler and its helpers share the authorizer cache, throttles and limits they close over
export function createLocalGateway(options: LocalGatewayOptions) {
  const now = options.now ?? Date.now;
  const stage: Stage = {
    region: options.region ?? 'local',
    accountId: options.accountId ?? '000000000000',
    apiId: options.apiId ?? 'local',
    stage: options.stage ?? 'local',
  };
  const routes = new RouteTable(options.routes ?? ROUTES);
  // API Gateway stage throttling: `rateLimit` per second, bursts up to `burstLimit`.
  const stageBucket = new TokenBucket(options.throttle.rateLimit, now(), options.throttle.burstLimit);
  const gateway: Gateway = {
    options,
    stage,
    maxBodyBytes: options.maxBodyBytes ?? API_GATEWAY_MAX_PAYLOAD_BYTES,
    authorize: cachedAuthorizer(
      options.authorizer,
      options.authorizerCacheTtlSeconds,
      now,
      options.authorizerTimeoutMs,
    ),
    admit: () => {
      if (stageBucket.available(now()) < 1) return false;
      stageBucket.take();
      return true;
    },
  };

  // AWS WAF sits in front of the stage: it sees every request (unknown routes and preflights included) and its
  // refusals never reach API Gateway, so they spend no stage throttle.
  const waf = webAcl(
    options.rateLimits ?? { tokenRateLimit: false, ipRateLimit: false },
    options.corsAllowOrigins,
  );

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const wafBlocked = evaluateWebAcl(waf, req, now());
    if (wafBlocked) {
      res.writeHead(wafBlocked.statusCode, wafBlocked.headers).end(wafBlocked.body);
      return;
    }
    const requestId = randomUUID();
    const headers = headersOf(req);
    const cors = corsHeaders(headers.origin, options.corsAllowOrigins);
    const send = async (result: {
      statusCode: number;
      headers?: Record<string, unknown>;
      body?: ProxyResult['body'];
    }) => {
      const resultHeaders = Object.fromEntries(
        Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]),
      );
      res.writeHead(result.statusCode, { ...cors, ...resultHeaders, 'x-amzn-RequestId': requestId });
      if (result.body === undefined || typeof result.body === 'string') res.end(result.body);
      // A streamed answer goes out as it is read (response streaming); a failure mid-body cuts the connection.
      else await pipeline(result.body instanceof Readable ? result.body : Readable.fromWeb(result.body), res);
    };
    try {
      if (requestLineAndHeaderBytes(req) > API_GATEWAY_MAX_HEADER_BYTES)
        throw new GatewayRefusal('REQUEST_TOO_LARGE');
      const url = URL.parse(req.url ?? '/', 'http://local');
      if (!url) throw new GatewayRefusal('BAD_REQUEST_PARAMETERS');
      const method = req.method ?? 'GET';
      const preflight =
        method === 'OPTIONS' && options.corsAllowOrigins.length > 0 && routes.preflight(url.pathname);
      if (preflight) return await send({ statusCode: 204, headers: preflight });
      const matched = routes.match(method, url.pathname);
      if (!matched) throw new GatewayRefusal('MISSING_AUTHENTICATION_TOKEN');
      if (matched === 'BAD_REQUEST_PARAMETERS') throw new GatewayRefusal(matched);
      // extendedRequestId: API Gateway's own id, which a client cannot choose (unlike requestId, which a client can
      // set with x-amzn-RequestId); audit lines correlate by it.
      const extendedRequestId = randomBytes(12).toString('base64');
      await send(
        await invoke(gateway, req, {
          requestId,
          extendedRequestId,
          method,
          url,
          headers,
          matched,
          nowMs: now(),
        }),
      );
    } catch (error) {
      if (!(error instanceof GatewayRefusal)) throw error;
      await send(gatewayResponse(error.type, requestId));
    }
  };
}
