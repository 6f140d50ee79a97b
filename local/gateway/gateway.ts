// A local stand-in for API Gateway (REST) in front of the real handlers: REQUEST authorizer call with its result
// cache, IAM policy evaluation, proxy events, stage throttling, CORS preflight and JSON gateway responses.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  APIGatewayRequestAuthorizerEvent,
  Context,
} from 'aws-lambda';
import { corsHeaders } from '../../lambda/core/cors';
import { gatewayResponse } from '../../lambda/core/gateway-responses';
import { TokenBucket } from '../emulator/quotas';
import { evaluatePolicy, type PolicyDocument } from './iam';

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

export type AuthorizerHandler = (
  event: APIGatewayRequestAuthorizerEvent,
  context: Context,
) => Promise<unknown>;
export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface Route {
  method: string;
  /** API Gateway resource path, e.g. `/v1/streams/{streamName}/sessions`. */
  resource: string;
}

export interface LocalGatewayOptions {
  authorizer: AuthorizerHandler;
  broker: ProxyHandler;
  routes: Route[];
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
  /** @default 1 MiB; larger bodies get REQUEST_TOO_LARGE */
  maxBodyBytes?: number;
}

interface CachedAuthorization {
  policy: PolicyDocument | undefined;
  context: Record<string, unknown>;
  principalId: string;
  expiresAtMs: number;
}

interface Authorizer {
  principalId?: unknown;
  policyDocument?: PolicyDocument;
  context?: Record<string, unknown>;
}

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
}

/** Route templates as regular expressions, built once. */
function compileRoutes(routes: Route[]): CompiledRoute[] {
  return routes.map((route) => {
    const names: string[] = [];
    const source = route.resource.replace(/\{([^}]+)\}/g, (_m, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    return { route, pattern: new RegExp(`^${source}$`), names };
  });
}

function matchRoute(routes: CompiledRoute[], method: string, path: string) {
  for (const { route, pattern, names } of routes) {
    if (route.method !== method) continue;
    const match = pattern.exec(path);
    if (match) {
      try {
        const pathParameters = Object.fromEntries(
          names.map((n, i) => [n, decodeURIComponent(match[i + 1]!)]),
        );
        return { route, pathParameters };
      } catch {
        return 'BAD_REQUEST_PARAMETERS' as const; // a malformed %-escape
      }
    }
  }
  return undefined;
}

function lambdaContext(functionName: string, requestId: string): Context {
  const deadline = Date.now() + 29_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export function createLocalGateway(options: LocalGatewayOptions) {
  const now = options.now ?? Date.now;
  const region = options.region ?? 'local';
  const accountId = options.accountId ?? '000000000000';
  const apiId = options.apiId ?? 'local';
  const stage = options.stage ?? 'local';
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const routes = compileRoutes(options.routes);
  const cache = new Map<string, CachedAuthorization>();
  // API Gateway stage throttling: `rateLimit` per second, bursts up to `burstLimit`.
  const stageBucket = new TokenBucket(options.throttle.rateLimit, now(), options.throttle.burstLimit);
  const admit = () => {
    if (stageBucket.available(now()) < 1) return false;
    stageBucket.take();
    return true;
  };

  async function authorize(
    event: APIGatewayRequestAuthorizerEvent,
    identity: string,
    requestId: string,
  ): Promise<CachedAuthorization | 'UNAUTHORIZED' | 'AUTHORIZER_FAILURE'> {
    const cached = cache.get(identity);
    if (cached && cached.expiresAtMs > now()) return cached;
    let result: Authorizer;
    try {
      result = (await options.authorizer(event, lambdaContext('authorizer', requestId))) as Authorizer;
    } catch (error) {
      // Exactly 'Unauthorized' is API Gateway's 401; any other failure is its AUTHORIZER_FAILURE.
      return (error as Error)?.message === 'Unauthorized' ? 'UNAUTHORIZED' : 'AUTHORIZER_FAILURE';
    }
    if (!result || typeof result.principalId !== 'string' || !result.policyDocument)
      return 'AUTHORIZER_FAILURE';
    const entry: CachedAuthorization = {
      policy: result.policyDocument,
      context: result.context ?? {},
      principalId: result.principalId,
      expiresAtMs: now() + options.authorizerCacheTtlSeconds * 1000,
    };
    if (options.authorizerCacheTtlSeconds > 0) cache.set(identity, entry);
    return entry;
  }

  async function readBody(req: IncomingMessage): Promise<Buffer | 'TOO_LARGE'> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > maxBodyBytes) return 'TOO_LARGE';
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://local');
    } catch {
      const r = gatewayResponse('BAD_REQUEST_PARAMETERS', requestId);
      res.writeHead(r.statusCode, { ...r.headers, 'x-amzn-RequestId': requestId });
      res.end(r.body);
      return;
    }
    const method = req.method ?? 'GET';
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]),
    );
    const cors = corsHeaders(headers.origin, options.corsAllowOrigins);

    const send = (result: APIGatewayProxyResult | ReturnType<typeof gatewayResponse>) => {
      res.writeHead(result.statusCode, { ...cors, ...result.headers, 'x-amzn-RequestId': requestId });
      res.end(result.body);
    };
    const fail = (type: GatewayResponseType) => send(gatewayResponse(type, requestId));

    if (method === 'OPTIONS' && options.corsAllowOrigins.length > 0) {
      res.writeHead(204, {
        ...cors,
        'Access-Control-Allow-Methods': 'GET,POST,OPTIONS',
        'Access-Control-Allow-Headers': 'Authorization,Content-Type',
        'Access-Control-Max-Age': '600',
      });
      res.end();
      return;
    }
    const matched = matchRoute(routes, method, url.pathname);
    if (!matched) return fail('MISSING_AUTHENTICATION_TOKEN');
    if (matched === 'BAD_REQUEST_PARAMETERS') return fail(matched);
    if (!admit()) return fail('THROTTLED');

    const body = await readBody(req);
    if (body === 'TOO_LARGE') return fail('REQUEST_TOO_LARGE');
    const query = url.searchParams.size > 0 ? Object.fromEntries(url.searchParams) : null;
    const methodArn = `arn:aws:execute-api:${region}:${accountId}:${apiId}/${stage}/${method}${url.pathname}`;
    const sourceIp = req.socket.remoteAddress ?? '127.0.0.1';
    const identityContext = {
      sourceIp,
      userAgent: headers['user-agent'] ?? null,
    } as APIGatewayProxyEvent['requestContext']['identity'];
    const requestContext = {
      accountId,
      apiId,
      stage,
      requestId,
      httpMethod: method,
      resourcePath: matched.route.resource,
      path: `/${stage}${url.pathname}`,
      requestTimeEpoch: now(),
      identity: identityContext,
    } as APIGatewayProxyEvent['requestContext'];

    // The identity source is the Authorization header: without it API Gateway answers 401 and calls nobody.
    const identity = headers.authorization;
    if (!identity) return fail('UNAUTHORIZED');
    const authorizerEvent = {
      type: 'REQUEST',
      methodArn,
      resource: matched.route.resource,
      path: url.pathname,
      httpMethod: method,
      headers,
      multiValueHeaders: null,
      queryStringParameters: query,
      multiValueQueryStringParameters: null,
      pathParameters: matched.pathParameters,
      stageVariables: null,
      requestContext,
    } as unknown as APIGatewayRequestAuthorizerEvent;
    const auth = await authorize(authorizerEvent, identity, requestId);
    if (auth === 'UNAUTHORIZED' || auth === 'AUTHORIZER_FAILURE') return fail(auth);
    if (evaluatePolicy(auth.policy, methodArn) !== 'ALLOW') return fail('ACCESS_DENIED');

    const event: APIGatewayProxyEvent = {
      resource: matched.route.resource,
      path: url.pathname,
      httpMethod: method,
      headers,
      multiValueHeaders: {},
      queryStringParameters: query,
      multiValueQueryStringParameters: null,
      pathParameters: matched.pathParameters,
      stageVariables: null,
      requestContext: { ...requestContext, authorizer: { ...auth.context, principalId: auth.principalId } },
      body: body.length > 0 ? body.toString('utf8') : null,
      isBase64Encoded: false,
    };
    let result: APIGatewayProxyResult;
    try {
      result = await options.broker(event, lambdaContext('broker', requestId));
    } catch {
      return fail('INTEGRATION_FAILURE');
    }
    if (!result || typeof result.statusCode !== 'number') return fail('INTEGRATION_FAILURE');
    send({
      ...result,
      headers: Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)])),
    });
  };
}
