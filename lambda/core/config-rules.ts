// The configuration's facts that need no schema library: its constants (modes, protocols, algorithms, stream-name
// patterns, KVS limits) and its cross-field rules. Imported by the zod schema (lambda/core/config.ts), by the
// Lambdas' cold-start check (lambda/runtime/validate.ts) and by the domain, so that no Lambda bundles zod for them.

export const PLAYBACK_MODES = ['LIVE', 'LIVE_REPLAY', 'ON_DEMAND'] as const;
export const PROTOCOLS = ['DASH', 'HLS'] as const;
export type PlaybackMode = (typeof PLAYBACK_MODES)[number];
/** What a grant may allow: the playback modes, and live viewing over WebRTC (docs/tokens.md). */
export const GRANT_MODES = [...PLAYBACK_MODES, 'WEBRTC'] as const;
export type GrantMode = (typeof GRANT_MODES)[number];
export type Protocol = (typeof PROTOCOLS)[number];

/** Asymmetric JWS algorithms only: `none` and HS* can never be allowed, whatever the config says. */
export const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;

/** KVS stream names: 1..256 of [a-zA-Z0-9_.-]. */
export const STREAM_NAME = /^[a-zA-Z0-9_.-]{1,256}$/;
/** A stream name, a prefix ending in `*`, or `*` alone. */
export const STREAM_PATTERN = /^(\*|[a-zA-Z0-9_.-]{1,255}\*|[a-zA-Z0-9_.-]{1,256})$/;

/** An issuer's `scopePrefix` (and the Cognito trigger's): letters, digits or _.-/ */
export const SCOPE_PREFIX = /^[a-zA-Z0-9_.\-/]+$/;

export const KVS_MIN_EXPIRES_SECONDS = 300;
/** Time the broker may spend on KVS calls, retries included, inside API Gateway's 29 s integration timeout. */
export const KVS_BUDGET_MS = 25_000;
export const KVS_MAX_EXPIRES_SECONDS = 43200;
/**
 * Time all the viewer-state (DynamoDB) calls of one request may take (revocation read and seat write), waits
 * included. They come before the KVS calls: 2 s + KVS_BUDGET_MS stays inside the broker's 28 s function timeout and
 * API Gateway's 29 s integration timeout.
 */
export const STATE_BUDGET_MS = 2_000;
/** Highest `viewers.seatsPerPrincipal`: the seats of one principal live in one item (lambda/core/seats.ts). */
export const MAX_SEATS_PER_PRINCIPAL = 100;
/** Highest `limits.maxGrantsPerToken` a config may set: the policy size test proves 8 KB up to here. */
export const MAX_GRANTS_PER_TOKEN_CEILING = 100;
/** Default of `limits.maxGrantsPerToken` (and of the Cognito trigger's `maxGrants`). */
export const DEFAULT_MAX_GRANTS_PER_TOKEN = 100;

/** A field path as messages name it: `issuers[0].jwksUri`. */
export function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
    '',
  );
}

/** A cross-field problem: where (the field path) and what. */
export interface ConfigIssue {
  path: (string | number)[];
  message: string;
}

/** What the cross-field rules read of a (schema-valid, defaulted) configuration. */
export interface CrossFieldInput {
  issuers: readonly {
    issuer: string;
    streamPrefix: string;
    adminScope?: string;
    maxTokenAgeSeconds?: number;
  }[];
  sessions: { defaultExpiresSeconds: number; maxExpiresSeconds: number };
  kvs: { maxAttempts: number; timeoutMs: number };
}

/** The rules between fields, after each field is valid on its own. */
export function crossFieldIssues(config: CrossFieldInput): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (config.sessions.defaultExpiresSeconds > config.sessions.maxExpiresSeconds) {
    issues.push({
      path: ['sessions', 'defaultExpiresSeconds'],
      message: `must not exceed sessions.maxExpiresSeconds (${config.sessions.maxExpiresSeconds})`,
    });
  }
  // A session makes two KVS calls, each retried: all of it must fit API Gateway's 29 s integration timeout,
  // or the client gets a gateway 504 and no audit line.
  const worstCaseMs = 2 * config.kvs.maxAttempts * config.kvs.timeoutMs;
  if (worstCaseMs > KVS_BUDGET_MS) {
    issues.push({
      path: ['kvs', 'timeoutMs'],
      message: `2 calls x kvs.maxAttempts x kvs.timeoutMs is ${worstCaseMs} ms; it must stay within ${KVS_BUDGET_MS} ms (API Gateway gives up at 29 s)`,
    });
  }
  issues.push(...issuerIssues(config.issuers));
  return issues;
}

/** The rules between issuers: no issuer twice, no streamPrefix inside another's (what the authorizer checks). */
export function issuerIssues(issuers: CrossFieldInput['issuers']): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  issuers.forEach((issuer, i) => {
    if (seen.has(issuer.issuer)) issues.push({ path: ['issuers', i, 'issuer'], message: 'duplicate issuer' });
    seen.add(issuer.issuer);
    // A revocation is kept until no token it matches can be valid: that needs a bound on a token's life.
    if (issuer.adminScope !== undefined && issuer.maxTokenAgeSeconds === undefined) {
      issues.push({
        path: ['issuers', i, 'maxTokenAgeSeconds'],
        message:
          'required with adminScope: it bounds how long a revoked token could stay valid, and so how long a revocation is kept',
      });
    }
  });
  overlappingPrefixes(issuers).forEach(([i, j]) => {
    issues.push({
      path: ['issuers', j, 'streamPrefix'],
      message: `overlaps issuers[${i}].streamPrefix ("${issuers[i]!.streamPrefix}"): one issuer's tokens could reach the other's streams`,
    });
  });
  return issues;
}

/**
 * Pairs [i, j] (i < j) of partner issuers whose `streamPrefix`es overlap: one is a prefix of the other (`acme`
 * reaches `acmecorp-*`), or they are equal. The empty prefix is the operator's own (first-party) issuer, which
 * reaches every stream by design (config/example.json); it is not a tenant, so it is not compared.
 */
export function overlappingPrefixes(issuers: readonly { streamPrefix: string }[]): [number, number][] {
  const pairs: [number, number][] = [];
  issuers.forEach((a, i) =>
    issuers.forEach((b, j) => {
      const tenants = a.streamPrefix !== '' && b.streamPrefix !== '';
      if (
        i < j &&
        tenants &&
        (a.streamPrefix.startsWith(b.streamPrefix) || b.streamPrefix.startsWith(a.streamPrefix))
      ) {
        pairs.push([i, j]);
      }
    }),
  );
  return pairs;
}

/** Whether an issuer can revoke (adminScope): then every token route checks revocation. */
export function revocableIssuers(config: { issuers: readonly { adminScope?: string }[] }): boolean {
  return config.issuers.some((i) => i.adminScope !== undefined);
}

/** Whether the broker needs the viewer-state table: an issuer can revoke (adminScope), or seats are limited. */
export function needsViewerState(config: {
  issuers: readonly { adminScope?: string }[];
  viewers: { seatsPerPrincipal?: number };
}): boolean {
  return revocableIssuers(config) || config.viewers.seatsPerPrincipal !== undefined;
}
