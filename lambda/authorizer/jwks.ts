// An issuer's signing keys (SECURITY.md, identity providers): fetched with hard bounds, cached, rotated without a
// redeploy, kept in use while the IdP fails (stale-if-error), and never fetched more than once per cooldown.
// jose's createRemoteJWKSet serves no stale keys past cacheMaxAge and has no size bound, so the fetch is ours and the
// key selection is jose's (createLocalJWKSet over the keys we fetched).
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';

/** API Gateway's own JWT authorizer gives up on a JWKS larger than 150 KB or slower than 1.5 s; so do we. */
export const JWKS_MAX_BYTES = 150 * 1024;
export const JWKS_TIMEOUT_MS = 1500;
/** Keys younger than this are used without asking the IdP again (unless a token names an unknown `kid`). */
export const JWKS_FRESH_MS = 10 * 60_000;
/** While the IdP fails, the keys it last served stay in use this long after they were fetched. */
export const JWKS_STALE_MS = 24 * 3600_000;
/** After a fetch (failed or not), no new fetch for this long: unknown `kid`s never multiply calls to the IdP. */
export const JWKS_COOLDOWN_MS = 30_000;

/** The IdP could not give us keys to check this token with: an outage, not a bad token. */
export class IdpUnavailable extends Error {
  override readonly name = 'IdpUnavailable';
  constructor(readonly detail: string) {
    super(`identity provider keys unavailable: ${detail}`);
  }
}

export interface JwksResolverOptions {
  url: URL;
  /** Clock for cache age and cooldown, in ms. */
  now: () => number;
  /** Told of every failed fetch (for an operator log line), with a short cause such as `HTTP 500`. */
  onFetchError?: (detail: string) => void;
  timeoutMs?: number;
  maxBytes?: number;
  /** The fetch deadline: a signal that aborts after `timeoutMs`. @default AbortSignal.timeout (tests end it themselves) */
  deadline?: JwksDeadline;
}

/** Gives the signal that ends one JWKS fetch (headers and body) once `timeoutMs` have passed. */
export type JwksDeadline = (timeoutMs: number) => AbortSignal;

async function readCapped(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<string> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new Error(`larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** One bounded JWKS fetch: HTTP 200, within `timeoutMs` for headers and body alike, at most `maxBytes`, no redirect. */
export async function fetchJwks(
  url: URL,
  timeoutMs = JWKS_TIMEOUT_MS,
  maxBytes = JWKS_MAX_BYTES,
  deadline: JwksDeadline = AbortSignal.timeout,
): Promise<JSONWebKeySet> {
  const signal = deadline(timeoutMs);
  try {
    const response = await fetch(url, { signal, redirect: 'error', headers: { accept: 'application/json' } });
    if (response.status !== 200 || !response.body) {
      await response.body?.cancel().catch(() => undefined);
      throw new Error(`HTTP ${response.status}`);
    }
    if (Number(response.headers.get('content-length')) > maxBytes) {
      await response.body.cancel().catch(() => undefined);
      throw new Error(`larger than ${maxBytes} bytes`);
    }
    const jwks: unknown = JSON.parse(await readCapped(response.body, maxBytes));
    createLocalJWKSet(jwks as JSONWebKeySet); // throws JWKSInvalid unless { keys: [...] }
    return jwks as JSONWebKeySet;
  } catch (error) {
    if (signal.aborted) throw new Error(`no answer within ${timeoutMs} ms`);
    throw error;
  }
}

/** A short cause for the operator log: `fetch failed: unexpected redirect` (duck-typed: fetch errors may come from another realm). */
function describe(error: unknown): string {
  const { message, cause } = (error ?? {}) as {
    message?: unknown;
    cause?: { message?: unknown; code?: unknown };
  };
  const text = typeof message === 'string' ? message : String(error);
  const why = cause?.code ?? cause?.message;
  return typeof why === 'string' ? `${text}: ${why}` : text;
}

/** A jose key resolver for one issuer (see the file comment for the rules). */
export function createJwksResolver(options: JwksResolverOptions): JWTVerifyGetKey {
  const { url, now } = options;
  let keys: { select: JWTVerifyGetKey; fetchedAt: number } | undefined;
  let lastFetchAt = -Infinity;
  let lastError: string | undefined;
  let inflight: Promise<void> | undefined;

  /** Fetches unless in cooldown; concurrent callers share one fetch. True when the keys were just refreshed. */
  async function refresh(): Promise<boolean> {
    if (!inflight) {
      if (now() - lastFetchAt < JWKS_COOLDOWN_MS) return false;
      lastFetchAt = now();
      inflight = fetchJwks(url, options.timeoutMs, options.maxBytes, options.deadline)
        .then((jwks) => {
          keys = { select: createLocalJWKSet(jwks), fetchedAt: now() };
          lastError = undefined;
        })
        .catch((error: unknown) => {
          lastError = describe(error);
          options.onFetchError?.(lastError);
        })
        .finally(() => {
          inflight = undefined;
        });
    }
    await inflight;
    return lastError === undefined;
  }

  const outage = () => new IdpUnavailable(lastError ?? 'no keys fetched yet');

  return async function getKey(header, token) {
    if (!keys || now() - keys.fetchedAt >= JWKS_FRESH_MS) await refresh();
    if (!keys || now() - keys.fetchedAt >= JWKS_STALE_MS) throw outage();
    try {
      return await keys.select(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      // An unknown kid: the IdP may have rotated its keys. Ask again, once per cooldown at most.
      if (await refresh()) return keys.select(header, token);
      // Cannot tell a new key from a bad token while the IdP fails: an outage. Else the kid is simply unknown.
      if (lastError !== undefined) throw outage();
      throw error;
    }
  };
}
