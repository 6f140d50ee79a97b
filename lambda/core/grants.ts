// Grants (docs/tokens.md and 7): read from a JWT's claims, confined to the issuer's streamPrefix, matched to streams.
import { GRANT_MODES, PROTOCOLS, STREAM_PATTERN, type GrantMode, type Protocol } from './config-rules';

export interface Grant {
  /** Exact stream name, a prefix ending in `*`, or `*`. */
  stream: string;
  modes: GrantMode[];
  protocols: Protocol[];
  /** Window on the media time reached, NumericDate seconds. */
  from?: number;
  to?: number;
  maxExpiresSeconds?: number;
}

/** What an issuer says about where its grants come from and how far they reach. */
export interface GrantSource {
  grantsFrom: 'claim' | 'scope';
  grantsClaim: string;
  scopePrefix: string;
  streamPrefix: string;
}

export interface GrantsReading {
  grants: Grant[];
  /** Entries that were present but malformed, and so ignored (fail closed). */
  ignored: number;
}

const GRANT_FIELDS = new Set(['stream', 'modes', 'protocols', 'from', 'to', 'maxExpiresSeconds']);

function isStringArrayOf<T extends string>(value: unknown, allowed: readonly T[]): value is T[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    // `includes` over the allowed strings is false for every non-string.
    value.every((v) => (allowed as readonly unknown[]).includes(v))
  );
}

function isNumericDate(value: unknown): value is number {
  return Number.isFinite(value) && (value as number) >= 0; // Number.isFinite is false for every non-number
}

function isPositiveInteger(value: unknown): value is number {
  // Number.isInteger is false for every non-number.
  return Number.isInteger(value) && (value as number) > 0;
}

/** One grant object from a claim, or undefined when any part of it is malformed. */
export function parseGrant(raw: unknown): Grant | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const entry = raw as Record<string, unknown>;
  if (Object.keys(entry).some((k) => !GRANT_FIELDS.has(k))) return undefined;
  const { stream, modes, protocols, from, to, maxExpiresSeconds } = entry;
  if (typeof stream !== 'string' || !STREAM_PATTERN.test(stream)) return undefined;
  if (modes !== undefined && !isStringArrayOf(modes, GRANT_MODES)) return undefined;
  if (protocols !== undefined && !isStringArrayOf(protocols, PROTOCOLS)) return undefined;
  if (from !== undefined && !isNumericDate(from)) return undefined;
  if (to !== undefined && !isNumericDate(to)) return undefined;
  // A missing bound leaves that side of the window open.
  if ((to ?? Infinity) < (from ?? -Infinity)) return undefined;
  if (maxExpiresSeconds !== undefined && !isPositiveInteger(maxExpiresSeconds)) return undefined;
  return {
    stream,
    modes: modes ? [...new Set(modes)] : ['LIVE'],
    protocols: protocols ? [...new Set(protocols)] : [...PROTOCOLS],
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    ...(maxExpiresSeconds !== undefined ? { maxExpiresSeconds } : {}),
  };
}

/** Grants from a structured claim: a JSON array of grant objects. */
export function grantsFromClaim(value: unknown): GrantsReading {
  if (value === undefined) return { grants: [], ignored: 0 };
  if (!Array.isArray(value)) return { grants: [], ignored: 1 };
  const grants: Grant[] = [];
  let ignored = 0;
  for (const raw of value) {
    const grant = parseGrant(raw);
    if (grant) grants.push(grant);
    else ignored += 1;
  }
  return { grants, ignored };
}

/**
 * The scope entries of a token: `scope` and `scp`, each either a space-separated string (RFC 8693's `scope`;
 * Microsoft Entra ID's `scp`) or an array of strings (Okta's `scp`), deduplicated.
 */
export function scopeEntries(scope: unknown, scp: unknown): Set<string> {
  const entries = new Set<string>();
  for (const value of [scope, scp]) {
    if (typeof value === 'string') value.split(' ').forEach((s) => s && entries.add(s));
    else if (Array.isArray(value)) value.forEach((s) => typeof s === 'string' && entries.add(s));
  }
  return entries;
}

/** Grants from OAuth2 scopes: `<scopePrefix>:<MODE>:<stream>`, one mode, both protocols. Other scopes are ignored. */
export function grantsFromScopes(scope: unknown, scp: unknown, scopePrefix: string): GrantsReading {
  const entries = scopeEntries(scope, scp);
  const grants: Grant[] = [];
  let ignored = 0;
  const head = `${scopePrefix}:`;
  for (const entry of entries) {
    if (!entry.startsWith(head)) continue;
    const rest = entry.slice(head.length);
    const colon = rest.indexOf(':');
    const mode = rest.slice(0, colon);
    const stream = rest.slice(colon + 1);
    if (colon === -1 || !(GRANT_MODES as readonly string[]).includes(mode) || !STREAM_PATTERN.test(stream)) {
      ignored += 1;
      continue;
    }
    grants.push({ stream, modes: [mode as GrantMode], protocols: [...PROTOCOLS] });
  }
  return { grants, ignored };
}

/**
 * Narrows a stream pattern to the streams under `prefix` (tenant isolation): the result reaches only
 * streams that both the pattern and the prefix reach, or undefined when there are none.
 */
export function confineStream(pattern: string, prefix: string): string | undefined {
  if (!pattern.endsWith('*')) return pattern.startsWith(prefix) ? pattern : undefined;
  const patternPrefix = pattern.slice(0, -1);
  if (patternPrefix.startsWith(prefix)) return pattern;
  if (prefix.startsWith(patternPrefix)) return `${prefix}*`;
  return undefined;
}

/**
 * How many grant entries a token carries, well-formed or not, before any is parsed: the claim array's length, or
 * the scopes that start with the issuer's scopePrefix (SECURITY.md: a token with more than the cap is refused).
 */
export function grantEntryCount(claims: Record<string, unknown>, source: GrantSource): number {
  if (source.grantsFrom === 'claim') {
    const value = claims[source.grantsClaim];
    return Array.isArray(value) ? value.length : value === undefined ? 0 : 1;
  }
  const head = `${source.scopePrefix}:`;
  return [...scopeEntries(claims.scope, claims.scp)].filter((s) => s.startsWith(head)).length;
}

/** Reads and confines the grants an issuer's token carries. */
export function readGrants(claims: Record<string, unknown>, source: GrantSource): GrantsReading {
  const reading =
    source.grantsFrom === 'scope'
      ? grantsFromScopes(claims.scope, claims.scp, source.scopePrefix)
      : grantsFromClaim(claims[source.grantsClaim]);
  const grants: Grant[] = [];
  for (const grant of reading.grants) {
    const stream = confineStream(grant.stream, source.streamPrefix);
    if (stream !== undefined) grants.push({ ...grant, stream });
  }
  return { grants, ignored: reading.ignored };
}

/** Whether a stream pattern (exact, trailing-`*` prefix, or `*`) reaches a stream name. */
export function matchesStream(pattern: string, streamName: string): boolean {
  if (pattern.endsWith('*')) return streamName.startsWith(pattern.slice(0, -1));
  return pattern === streamName;
}

/** Whether the broker serves a stream at all: config `streams`, which also scopes its IAM role. */
export function isServed(servedPatterns: readonly string[], streamName: string): boolean {
  return servedPatterns.some((pattern) => matchesStream(pattern, streamName));
}
