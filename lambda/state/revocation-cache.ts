// The per-instance view of revocations (docs/api.md, Revocation): each (issuer, sub) and (issuer, jti) is read at
// most once per REVOCATION_CACHE_MS per instance, concurrent misses share one read (single flight), and a
// revocation made on this instance is seen here at once. So a revocation reaches every instance within 5 s.
import {
  isRevoked,
  REVOCATION_CACHE_MS,
  revocationKey,
  tokenRevoked,
  type RevocationRecord,
  type TokenIdentity,
} from '../core/revocation';
import type { StateStore } from './store';

/** Entries kept per instance; the oldest goes first when full. */
const MAX_ENTRIES = 10_000;

type Lookup = { beforeMs: number } | undefined;

export interface RevocationCheck {
  /** Throws TOKEN_REVOKED for a revoked token, STATE_UNAVAILABLE when the table cannot say (fail closed). */
  assertNotRevoked(token: TokenIdentity, deadlineMs?: number): Promise<void>;
  /** Records a revocation in the table and in this instance's cache. */
  revoke(record: RevocationRecord): Promise<void>;
}

export function createRevocationCheck(
  store: StateStore,
  now: () => number,
  ttlMs: number = REVOCATION_CACHE_MS,
): RevocationCheck {
  const cache = new Map<string, { value: Lookup; expiresAtMs: number }>();
  const inFlight = new Map<string, Promise<Lookup>>();

  function remember(key: string, value: Lookup): void {
    cache.delete(key);
    cache.set(key, { value, expiresAtMs: now() + ttlMs });
    if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  }

  function lookup(key: string, deadlineMs?: number): Promise<Lookup> {
    const hit = cache.get(key);
    if (hit && hit.expiresAtMs > now()) return Promise.resolve(hit.value);
    let pending = inFlight.get(key);
    if (!pending) {
      // A failed read is not cached: the next request asks again.
      pending = store
        .readRevocation(key, deadlineMs)
        .then((value) => {
          remember(key, value);
          return value;
        })
        .finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return pending;
  }

  return {
    async assertNotRevoked(token, deadlineMs) {
      const [bySub, byJti] = await Promise.all([
        lookup(revocationKey(token.issuer, { kind: 'sub', sub: token.sub }), deadlineMs),
        token.jti === undefined
          ? undefined
          : lookup(revocationKey(token.issuer, { kind: 'jti', jti: token.jti }), deadlineMs),
      ]);
      const state = {
        ...(bySub ? { subBeforeMs: bySub.beforeMs } : {}),
        jtiRevoked: byJti !== undefined,
      };
      if (isRevoked(token, state)) throw tokenRevoked();
    },
    async revoke(record) {
      await store.putRevocation(record);
      const cached = cache.get(record.key)?.value;
      remember(record.key, { beforeMs: Math.max(record.beforeMs, cached?.beforeMs ?? 0) });
    },
  };
}
