// The events and Lambda context API Gateway hands the authorizer and the broker (REQUEST authorizer, proxy).
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import type { MatchedRoute } from './routing';

/** API Gateway gives up on an integration after 29 s; the Lambda's remaining time says so. */
const INTEGRATION_TIMEOUT_MS = 29_000;

export function lambdaContext(functionName: string, requestId: string): Context {
  const deadline = Date.now() + INTEGRATION_TIMEOUT_MS;
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

export interface Stage {
  region: string;
  accountId: string;
  apiId: string;
  stage: string;
}

/** What API Gateway knows of a request before calling anyone: headers, query, route, identity, method ARN. */
export interface GatewayRequest {
  requestId: string;
  extendedRequestId: string;
  method: string;
  url: URL;
  headers: Record<string, string>;
  matched: MatchedRoute;
  nowMs: number;
}

export function headersOf(req: IncomingMessage): Record<string, string> {
  return Object.fromEntries(
    Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]),
  );
}

export function methodArn(stage: Stage, method: string, path: string): string {
  return `arn:aws:execute-api:${stage.region}:${stage.accountId}:${stage.apiId}/${stage.stage}/${method}${path}`;
}

export function requestContext(
  stage: Stage,
  r: GatewayRequest,
  sourceIp: string,
): APIGatewayProxyEvent['requestContext'] {
  return {
    accountId: stage.accountId,
    apiId: stage.apiId,
    stage: stage.stage,
    requestId: r.requestId,
    extendedRequestId: r.extendedRequestId,
    httpMethod: r.method,
    resourcePath: r.matched.route.path,
    path: `/${stage.stage}${r.url.pathname}`,
    requestTimeEpoch: r.nowMs,
    identity: { sourceIp, userAgent: r.headers['user-agent'] ?? null },
  } as APIGatewayProxyEvent['requestContext'];
}

const queryOf = (url: URL) => (url.searchParams.size > 0 ? Object.fromEntries(url.searchParams) : null);

export function authorizerEvent(
  stage: Stage,
  r: GatewayRequest,
  context: APIGatewayProxyEvent['requestContext'],
): APIGatewayRequestAuthorizerEvent {
  return {
    type: 'REQUEST',
    methodArn: methodArn(stage, r.method, r.url.pathname),
    resource: r.matched.route.path,
    path: r.url.pathname,
    httpMethod: r.method,
    headers: r.headers,
    multiValueHeaders: null,
    queryStringParameters: queryOf(r.url),
    multiValueQueryStringParameters: null,
    pathParameters: r.matched.pathParameters,
    stageVariables: null,
    requestContext: context,
  } as unknown as APIGatewayRequestAuthorizerEvent;
}

export function proxyEvent(
  r: GatewayRequest,
  context: APIGatewayProxyEvent['requestContext'],
  body: Buffer,
): APIGatewayProxyEvent {
  return {
    resource: r.matched.route.path,
    path: r.url.pathname,
    httpMethod: r.method,
    headers: r.headers,
    multiValueHeaders: {},
    queryStringParameters: queryOf(r.url),
    multiValueQueryStringParameters: null,
    pathParameters: r.matched.pathParameters,
    stageVariables: null,
    requestContext: context,
    body: body.length > 0 ? body.toString('utf8') : null,
    isBase64Encoded: false,
  };
}
