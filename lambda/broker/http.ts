// HTTP glue of the route pipeline (pipeline.ts): response headers, the caller from the authorizer context, the body.
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { decodeJwt } from 'jose';
import { bearerToken, headerValue } from '../core/bearer';
import type { IssuerConfig } from '../core/config';
import { corsHeaders } from '../core/cors';
import { BrokerError } from '../core/errors';
import type { Grant } from '../core/grants';
import { contextGrants } from '../core/policy';

export interface CorsOptions {
  allowOrigins: readonly string[];
}

/**
 * The headers of every answer: JSON and never cached (a session URL is a bearer credential for its lifetime), CORS
 * for an allowed origin, then the route's own (a stream's Content-Type, a cacheable document's Cache-Control).
 */
export function responseHeaders(
  event: APIGatewayProxyEvent,
  cors: CorsOptions,
  extraHeaders: Record<string, string> = {},
): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
    ...corsHeaders(headerValue(event.headers ?? {}, 'origin'), cors.allowOrigins),
    ...extraHeaders,
  };
}

export interface Caller {
  sub: string;
  issuer: string;
  grants: Grant[];
  /** The token's `exp`, in ms (for sessions.capAtTokenExpiry). */
  expMs: number;
  /**
   * The verified token's claims (`iat`, `jti`, scopes: revocation), when its sub and iss are the context's: the
   * authorizer verified this very token (API Gateway caches its answer by the Authorization header).
   */
  claims?: Record<string, unknown>;
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
  const claims = tokenClaims(event);
  const grants =
    typeof issuer === 'string'
      ? contextGrants(
          ctx,
          ctx.grants === undefined ? claims : undefined,
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
  const own = claims?.sub === sub && claims?.iss === issuer;
  return { sub, issuer, grants, expMs: exp * 1000, ...(own ? { claims } : {}) };
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
