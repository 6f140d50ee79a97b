// HTTP glue shared by the broker's routes: JSON responses, CORS, the authorizer context, and the error middleware.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { decodeJwt } from 'jose';
import { bearerToken, headerValue } from '../core/bearer';
import type { IssuerConfig } from '../core/config';
import { corsHeaders } from '../core/cors';
import { BrokerError, errorBody, toBrokerError } from '../core/errors';
import type { Grant } from '../core/grants';
import { contextGrants } from '../core/policy';

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
  /** The token's `exp`, in ms (for sessions.capAtTokenExpiry). */
  expMs: number;
}

/**
 * The bearer token's claims, decoded without verification: the authorizer verified this very token (API Gateway
 * caches its answer by the Authorization header) and bound it to its context by digest.
 */
export function tokenClaims(event: APIGatewayProxyEvent): Record<string, unknown> | undefined {
  const token = bearerToken(event.headers ?? {});
  if (!token) return undefined;
  try {
    return decodeJwt(token);
  } catch {
    return undefined;
  }
}

/**
 * The caller as the authorizer described it. Grants are re-read with the same parser (defence in depth); when the
 * authorizer left them out of its context to stay under 8 KB, they are read from the token, which must match the
 * context's sub, issuer, exp and grants digest. The token's expiry is checked again: API Gateway serves a cached
 * authorizer answer for its whole TTL, past `exp`. A missing, damaged or expired context is a 401, never a pass.
 */
export function callerFromEvent(
  event: APIGatewayProxyEvent,
  nowMs: number,
  clockToleranceSeconds: number,
  issuers: readonly IssuerConfig[],
): Caller {
  const ctx = (event.requestContext?.authorizer ?? {}) as Record<string, unknown>;
  const sub = ctx.sub;
  const issuer = ctx.issuer;
  const exp = Number(ctx.exp);
  const grants =
    typeof issuer === 'string'
      ? contextGrants(
          ctx,
          ctx.grants === undefined ? tokenClaims(event) : undefined,
          issuers.find((i) => i.issuer === issuer),
        )
      : undefined;
  if (
    typeof sub !== 'string' ||
    !sub ||
    typeof issuer !== 'string' ||
    !grants ||
    !Number.isFinite(exp) ||
    nowMs > (exp + clockToleranceSeconds) * 1000
  ) {
    throw new BrokerError('UNAUTHORIZED', 'Missing or invalid bearer token');
  }
  return { sub, issuer, grants, expMs: exp * 1000 };
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
 * Last line of defence (middy's "expose or hide"): any error that escaped a route becomes the contract's JSON error.
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
