// Revocation rules (docs/api.md, Revocation): who may revoke, what a revocation matches, how long it is kept, and
// the item that records it. Pure: the viewer-state adapter (lambda/state) stores and reads the items.
import { BrokerError } from './errors';
import { scopeEntries } from './grants';

/** A revocation reaches every instance within this: each caches what it read for at most this long. */
export const REVOCATION_CACHE_MS = 5_000;

/** What the broker knows of a token it answers (verified by the authorizer). */
export interface TokenIdentity {
  issuer: string;
  sub: string;
  /** `iat`, in seconds, when the token has one. */
  iatS?: number;
  jti?: string;
}

export type RevocationTarget = { kind: 'sub'; sub: string } | { kind: 'jti'; jti: string };

export interface RevocationRequest {
  target: RevocationTarget;
  /** Tokens issued (by `iat`) before this instant are revoked; for a jti, the time of the revocation. */
  beforeMs: number;
}

/**
 * A revocation as stored: who revoked which subject or token, and when. Never a token. `expiresAtS` is the
 * table's TTL attribute: after it no token the revocation matches can still be accepted.
 */
export interface RevocationRecord {
  key: string;
  kind: 'sub' | 'jti';
  issuer: string;
  /** The revoked sub, or the revoked jti. */
  subject: string;
  beforeMs: number;
  revokedAtMs: number;
  /** The admin token's sub. */
  revokedBy: string;
  expiresAtS: number;
}

/** What the table says about one token: its sub's latest revocation instant, and whether its jti is revoked. */
export interface RevocationState {
  subBeforeMs?: number;
  jtiRevoked: boolean;
}

/** A sub or jti as the route accepts it (lambda/core/schemas/revocation.ts documents it). */
export const SUBJECT = /^[\x20-\x7e]{1,256}$/;

const BODY_FIELDS = new Set(['sub', 'jti', 'before']);

function invalid(field: string, message: string): BrokerError {
  return new BrokerError('INVALID_REQUEST', `${field}: ${message}`);
}

/** The item key of a revocation: one item per (issuer, sub) and per (issuer, jti), unambiguous whatever they hold. */
export function revocationKey(issuer: string, target: RevocationTarget): string {
  return JSON.stringify(['revocation', issuer, target.kind, target.kind === 'sub' ? target.sub : target.jti]);
}

function parseBefore(value: unknown, nowMs: number, toleranceS: number): number {
  if (value === undefined) return nowMs;
  const ms = typeof value === 'string' && /(Z|[+-]\d\d:\d\d)$/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw invalid('before', 'must be an ISO 8601 date-time with a zone');
  if (ms > nowMs + toleranceS * 1000) throw invalid('before', 'must not be in the future');
  return ms;
}

/** The body `{ sub } | { jti }`, with an optional `before` (ISO 8601, default now) for a sub. */
export function parseRevocationRequest(body: unknown, nowMs: number, toleranceS: number): RevocationRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid('body', 'must be a JSON object with sub or jti');
  }
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter((k) => !BODY_FIELDS.has(k));
  if (unknown.length > 0) throw invalid(unknown.join(', '), 'unknown field');
  if ((b.sub === undefined) === (b.jti === undefined)) throw invalid('body', 'exactly one of sub or jti');
  const field = b.sub !== undefined ? 'sub' : 'jti';
  const value = b[field];
  if (typeof value !== 'string' || !SUBJECT.test(value)) {
    throw invalid(field, 'must be 1 to 256 printable ASCII characters');
  }
  if (field === 'jti') {
    if (b.before !== undefined) throw invalid('before', 'only allowed with sub');
    return { target: { kind: 'jti', jti: value }, beforeMs: nowMs };
  }
  return { target: { kind: 'sub', sub: value }, beforeMs: parseBefore(b.before, nowMs, toleranceS) };
}

/** What the revocation rules read of an issuer's configuration. */
export interface RevokingIssuer {
  issuer: string;
  adminScope?: string;
  maxTokenAgeSeconds?: number;
}

/** Whether a token's claims hold its issuer's `adminScope` (in `scope` or `scp`). No adminScope: nobody may revoke. */
export function holdsAdminScope(
  issuer: RevokingIssuer | undefined,
  claims: Record<string, unknown>,
): boolean {
  if (!issuer?.adminScope) return false;
  return scopeEntries(claims.scope, claims.scp).has(issuer.adminScope);
}

/**
 * When the record may go. A token it matches was issued before `beforeMs`; the authorizer refuses it once older
 * than the issuer's `maxTokenAgeSeconds` (plus the clock tolerance), and API Gateway may serve a cached Allow for
 * it `authorizerCacheTtlSeconds` longer. After the sum, no matching token reaches the broker.
 */
export function revocationExpiresAtS(
  beforeMs: number,
  maxTokenAgeSeconds: number,
  clockToleranceSeconds: number,
  authorizerCacheTtlSeconds: number,
): number {
  return Math.ceil(beforeMs / 1000) + maxTokenAgeSeconds + clockToleranceSeconds + authorizerCacheTtlSeconds;
}

export interface RecordOptions {
  issuer: RevokingIssuer & { maxTokenAgeSeconds: number };
  revokedBy: string;
  nowMs: number;
  clockToleranceSeconds: number;
  authorizerCacheTtlSeconds: number;
}

export function revocationRecord(request: RevocationRequest, o: RecordOptions): RevocationRecord {
  const { target } = request;
  return {
    key: revocationKey(o.issuer.issuer, target),
    kind: target.kind,
    issuer: o.issuer.issuer,
    subject: target.kind === 'sub' ? target.sub : target.jti,
    beforeMs: request.beforeMs,
    revokedAtMs: o.nowMs,
    revokedBy: o.revokedBy,
    expiresAtS: revocationExpiresAtS(
      request.beforeMs,
      o.issuer.maxTokenAgeSeconds,
      o.clockToleranceSeconds,
      o.authorizerCacheTtlSeconds,
    ),
  };
}

/**
 * Whether a token is revoked: its jti is, or it was issued before its sub's revocation instant. A token without
 * `iat` under a sub revocation is revoked (it cannot prove it came after). Expired records match nothing: TTL
 * deletion may lag for days (DynamoDB developer guide, "Using time to live"), so expiry is read, not trusted.
 */
export function isRevoked(token: TokenIdentity, state: RevocationState): boolean {
  if (state.jtiRevoked) return true;
  if (state.subBeforeMs === undefined) return false;
  return token.iatS === undefined || token.iatS * 1000 < state.subBeforeMs;
}

export function tokenRevoked(): BrokerError {
  return new BrokerError('TOKEN_REVOKED', 'This token was revoked');
}
