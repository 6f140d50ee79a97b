// The REQUEST authorizer: verify the bearer JWT (jose), read its grants, answer with a policy over ALL of them.
// Module functions over one state record built per cold start; the hot path is jose plus a few microseconds of
// ours (README (Performance)).
import { POLICY_PATHS } from '../contract/routes';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import {
  decodeJwt,
  errors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import { auditEvent, auditFields, hasUnsafeLogChars, logSafe } from '../core/audit';
import type { IssuerConfig } from '../core/config';
import { grantEntryCount, readGrants } from '../core/grants';
import { allowPolicy, createPolicyMemo, type AuthorizerPolicy, type PolicyMemo } from '../core/policy';
import { bearerToken } from '../core/bearer';
import type { StructuredLogger } from '../runtime/json-logger';
import type { AuthorizerConfig } from '../runtime/validate';
import { createJwksResolver } from './jwks';
import { Refusal, refusalReason } from './refusals';

export interface AuthorizerOptions {
  config: AuthorizerConfig;
  logger: StructuredLogger;
  /**
   * Where an issuer's verification keys come from.
   * @default one createJwksResolver per issuer (bounded fetch, stale-if-error, cooldown; see jwks.ts)
   */
  keyResolver?: (issuer: IssuerConfig) => JWTVerifyGetKey;
  /** @default () => new Date() */
  now?: () => Date;
}

interface IssuerEntry {
  issuer: IssuerConfig;
  keys: JWTVerifyGetKey;
  /** jose's options for this issuer, built once (the clock is added per call only where one was injected). */
  verifyOptions: JWTVerifyOptions;
}

interface AuthorizerState {
  config: AuthorizerConfig;
  logger: StructuredLogger;
  /** The injected clock, or undefined for the real one (then jose reads its own). */
  clock: (() => Date) | undefined;
  issuers: Map<string, IssuerEntry>;
  /** The one issuer, when only one is configured: its tokens are verified without decoding them first. */
  only: IssuerEntry | undefined;
  /** Answer shapes by grant set: tokens that share a grant set share the policy's building (core/policy.ts). */
  policyMemo: PolicyMemo;
}

/** Who a refused token is, where its signature was verified: the audit line names them. */
interface Known {
  issuer?: IssuerConfig;
  payload?: JWTPayload;
}

/** The usual sub, safe at a glance: 1..256 printable ASCII characters but `"` and `\`. */
const PLAIN_SUB = /^[\x20\x21\x23-\x5b\x5d-\x7e]{1,256}$/;

/**
 * A sub that may become the principalId: 1..256 characters, no quote or backslash (API Gateway writes it into the
 * JSON access log unescaped), and none of the characters the one log-text rule replaces (core/audit.ts logSafe).
 */
const isSafeSub = (sub: unknown): sub is string =>
  typeof sub === 'string' &&
  (PLAIN_SUB.test(sub) || (/^[^"\\]{1,256}$/.test(sub) && !hasUnsafeLogChars(sub)));

/** API Gateway turns exactly this error message into a 401 (gateway response UNAUTHORIZED). */
const UNAUTHORIZED = 'Unauthorized';

function verifyOptions(issuer: IssuerConfig, config: AuthorizerConfig): JWTVerifyOptions {
  return {
    issuer: issuer.issuer,
    // With audienceClaim client_id, `aud` is checked after jose, where present (verifyAudience).
    ...(issuer.audienceClaim === 'aud' ? { audience: issuer.audience } : {}),
    algorithms: issuer.algorithms,
    clockTolerance: config.clockToleranceSeconds,
    requiredClaims: ['exp', 'sub'],
    // RFC 8725 section 3.11: an ID token of the same issuer and audience is not an access token.
    ...(issuer.typ !== undefined ? { typ: issuer.typ } : {}),
    // jose then requires `iat` and refuses one older than this.
    ...(issuer.maxTokenAgeSeconds !== undefined ? { maxTokenAge: issuer.maxTokenAgeSeconds } : {}),
  };
}

/** The issuer a token names, before its signature is checked (to choose keys among several issuers). */
function claimedIssuer(state: AuthorizerState, token: string): IssuerEntry {
  let iss: unknown;
  try {
    iss = decodeJwt(token).iss;
  } catch {
    throw new Refusal('MALFORMED_TOKEN');
  }
  const entry = typeof iss === 'string' ? state.issuers.get(iss) : undefined;
  if (!entry) throw new Refusal('UNKNOWN_ISSUER');
  return entry;
}

/**
 * docs/tokens.md: a token that carries `aud` must name the issuer's audience, whatever `audienceClaim` says (RFC 9068
 * access tokens carry `client_id` AND `aud`: a token for another API of the same IdP names that API in `aud`).
 */
function verifyAudience(issuer: IssuerConfig, payload: JWTPayload): void {
  if (issuer.audienceClaim !== 'client_id') return; // jose checked `aud` already
  if (payload.client_id !== issuer.audience) throw new Refusal('CLIENT_ID_MISMATCH');
  const { aud } = payload;
  if (aud !== undefined && !(Array.isArray(aud) ? aud.includes(issuer.audience) : aud === issuer.audience)) {
    throw new Refusal('ERR_JWT_CLAIM_VALIDATION_FAILED:aud');
  }
}

async function verify(state: AuthorizerState, token: string, known: Known): Promise<JWTPayload> {
  // With one issuer, verify first and decode only to explain a failure: jose refuses another `iss` itself, and the
  // reasons stay those of decoding first (MALFORMED_TOKEN, UNKNOWN_ISSUER), which are checked on failure.
  const entry = state.only ?? claimedIssuer(state, token);
  const { clock } = state;
  let payload: JWTPayload;
  try {
    const options = clock ? { ...entry.verifyOptions, currentDate: clock() } : entry.verifyOptions;
    ({ payload } = await jwtVerify(token, entry.keys, options));
  } catch (error) {
    if (state.only) claimedIssuer(state, token);
    // jose checks the claims after the signature: these carry a verified payload of this issuer.
    if (
      (error instanceof errors.JWTClaimValidationFailed || error instanceof errors.JWTExpired) &&
      error.payload.iss === entry.issuer.issuer
    ) {
      Object.assign(known, { issuer: entry.issuer, payload: error.payload });
    }
    throw error;
  }
  Object.assign(known, { issuer: entry.issuer, payload });
  verifyAudience(entry.issuer, payload);
  // jose checks `iat` only against a maxTokenAge; a token issued in the future is refused here (docs/tokens.md).
  const nowS = (clock ? clock().getTime() : Date.now()) / 1000;
  if (payload.iat !== undefined && payload.iat > nowS + state.config.clockToleranceSeconds) {
    throw new Refusal('IAT_IN_FUTURE');
  }
  // `sub` becomes the principalId, which API Gateway writes into the JSON access log unescaped: refuse the
  // characters that could break or forge a log line.
  if (!isSafeSub(payload.sub)) throw new Refusal('INVALID_SUB');
  return payload;
}

/** The audit line of a refused request (core/audit.ts auditFields, as the broker's): who, where the signature said. */
function refusalAudit(state: AuthorizerState, event: APIGatewayRequestAuthorizerEvent, known: Known) {
  const sub = known.payload?.sub;
  const caller = known.issuer && { issuer: known.issuer.issuer, ...(isSafeSub(sub) ? { sub } : {}) };
  return auditEvent({
    nowMs: state.clock ? state.clock().getTime() : Date.now(),
    ...auditFields(event, caller, state.config.issuers),
    errorCode: 'UNAUTHORIZED',
  });
}

async function decide(
  state: AuthorizerState,
  event: APIGatewayRequestAuthorizerEvent,
  known: Known,
): Promise<AuthorizerPolicy> {
  const token = bearerToken(event.headers ?? {});
  if (!token) throw new Refusal('MISSING_BEARER_TOKEN');
  const payload = await verify(state, token, known);
  const issuer = known.issuer!;
  // SECURITY.md: more grants than the cap is a 401, before any is parsed.
  if (grantEntryCount(payload, issuer) > state.config.limits.maxGrantsPerToken) {
    throw new Refusal('TOO_MANY_GRANTS');
  }
  const { grants, ignored } = readGrants(payload, issuer);
  const policy = allowPolicy(
    event.methodArn,
    {
      sub: payload.sub!,
      issuer: issuer.issuer,
      exp: payload.exp!,
      grants,
    },
    POLICY_PATHS,
    state.policyMemo,
  );
  if (!policy) throw new Refusal('UNEXPECTED_METHOD_ARN');
  state.logger.info('token accepted', {
    requestId: logSafe(event.requestContext?.requestId ?? ''),
    extendedRequestId: logSafe(event.requestContext?.extendedRequestId),
    issuer: issuer.issuer,
    sub: payload.sub,
    grants: grants.length,
    ignoredGrants: ignored,
  });
  return policy;
}

/** Fail closed: whatever went wrong, the answer is a 401, never an Allow and never a 500. */
function refuse(
  state: AuthorizerState,
  event: APIGatewayRequestAuthorizerEvent,
  known: Known,
  error: unknown,
): never {
  const reason = refusalReason(error);
  if (reason === 'UNEXPECTED_ERROR') {
    state.logger.error('authorizer error', { error: error instanceof Error ? error.name : typeof error });
  }
  state.logger.info('token refused', { ...refusalAudit(state, event, known), reason });
  throw new Error(UNAUTHORIZED);
}

function authorize(
  state: AuthorizerState,
  event: APIGatewayRequestAuthorizerEvent,
): Promise<AuthorizerPolicy> {
  const known: Known = {};
  return decide(state, event, known).catch((error: unknown) => refuse(state, event, known, error));
}

/** The authorizer: issuers and their key resolvers built once (per cold start), then one call per request. */
export function createAuthorizer(
  options: AuthorizerOptions,
): (event: APIGatewayRequestAuthorizerEvent) => Promise<AuthorizerPolicy> {
  const { config, logger } = options;
  const clock = options.now;
  const nowMs = clock ? () => clock().getTime() : Date.now;
  const resolve =
    options.keyResolver ??
    ((issuer: IssuerConfig) =>
      createJwksResolver({
        url: new URL(issuer.jwksUri),
        now: nowMs,
        onFetchError: (detail) => logger.warn('JWKS fetch failed', { issuer: issuer.issuer, detail }),
      }));
  const issuers = new Map(
    config.issuers.map((issuer) => [
      issuer.issuer,
      { issuer, keys: resolve(issuer), verifyOptions: verifyOptions(issuer, config) },
    ]),
  );
  const only = issuers.size === 1 ? [...issuers.values()][0] : undefined;
  const state: AuthorizerState = { config, logger, clock, issuers, only, policyMemo: createPolicyMemo() };
  return (event) => authorize(state, event);
}
