// HTTP glue shared by the broker's routes: JSON responses, CORS, the authorizer context, and the error middleware.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { headerValue } from '../core/bearer';
import { corsHeaders } from '../core/cors';
import { BrokerError, errorBody, toBrokerError } from '../core/errors';
import { grantsFromClaim, type Grant } from '../core/grants';

export interface CorsOptions {
  allowOrigins: readonly string[];
}

/** Every answer is JSON and never cached: a session URL is a bearer credential for its lifetime. */
export function jsonResponse(
  event: APIGatewayProxyEvent,
  cors: CorsOptions,
  statusCode: number,
  body: unknown,
  extraHeaders: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-store',
      ...corsHeaders(headerValue(event.headers ?? {}, 'origin'), cors.allowOrigins),
      ...extraHeaders,
    },
    body: JSON.stringify(body),
  };
}

export function errorResponse(
  event: APIGatewayProxyEvent,
  cors: CorsOptions,
  error: unknown,
  requestId: string,
): APIGatewayProxyResult {
  const e = toBrokerError(error);
  return jsonResponse(
    event,
    cors,
    e.status,
    errorBody(e, requestId),
    e.retryAfterSeconds !== undefined ? { 'Retry-After': String(e.retryAfterSeconds) } : {},
  );
}

export interface Caller {
  sub: string;
  issuer: string;
  grants: Grant[];
}

/**
 * The caller as the authorizer described it. Grants are re-read with the same parser (defence in depth), and the
 * token's expiry is checked again: API Gateway serves a cached authorizer answer for its whole TTL, past `exp`.
 * A missing, damaged or expired context is a 401, never a pass.
 */
export function callerFromEvent(
  event: APIGatewayProxyEvent,
  nowMs: number,
  clockToleranceSeconds: number,
): Caller {
  const ctx = event.requestContext?.authorizer as Record<string, unknown> | null | undefined;
  const sub = ctx?.sub;
  const issuer = ctx?.issuer;
  const exp = Number(ctx?.exp);
  let rawGrants: unknown;
  try {
    rawGrants = typeof ctx?.grants === 'string' ? JSON.parse(ctx.grants) : undefined;
  } catch {
    rawGrants = undefined;
  }
  if (
    typeof sub !== 'string' ||
    !sub ||
    typeof issuer !== 'string' ||
    !Array.isArray(rawGrants) ||
    !Number.isFinite(exp) ||
    nowMs > (exp + clockToleranceSeconds) * 1000
  ) {
    throw new BrokerError('UNAUTHORIZED', 'Missing or invalid bearer token');
  }
  return { sub, issuer, grants: grantsFromClaim(rawGrants).grants };
}

/** Parses the JSON body; an empty body is `undefined` (every field is optional). */
export function jsonBody(event: APIGatewayProxyEvent): unknown {
  const raw =
    event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (raw === null || raw === undefined || raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw new BrokerError('INVALID_REQUEST', 'body: must be valid JSON');
  }
}

/**
 * Last line of defence (middy's "expose or hide"): any error that escaped a route becomes DESIGN's JSON error.
 * BrokerErrors carry their code out; anything else is logged in full and answered as INTERNAL_ERROR.
 */
export function jsonErrors(options: {
  logger: Logger;
  cors: CorsOptions;
}): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    onError: async (request) => {
      const e = toBrokerError(request.error);
      if (e.code === 'INTERNAL_ERROR') options.logger.error('unhandled error', { detail: e.detail });
      request.response = errorResponse(
        request.event,
        options.cors,
        e,
        request.event.requestContext?.requestId ?? request.context.awsRequestId,
      );
    },
  };
}
