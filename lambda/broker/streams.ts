// GET /v1/streams (docs/api.md and SECURITY.md): the caller's catalog, resolving prefix grants with KVS ListStreams
// within a bounded number of calls and time, from a brief per-prefix cache of ListStreams answers.
import {
  buildCatalog,
  listingPrefixes,
  pageOf,
  parseListQuery,
  prefixesFor,
  type ListQuery,
} from '../core/discovery';
import { BrokerError } from '../core/errors';
import { isServed } from '../core/grants';
import { DISCOVERY_AUDIT } from '../core/telemetry';
import type { KvsAdapter, StreamPage } from '../kvs/adapter';
import { countDiscovery } from './metrics';
import type { RouteAudit, TokenRoute } from './pipeline';

/** SECURITY.md: what one discovery request may cost. */
export const DISCOVERY_LIMITS = {
  /** KVS calls per request (ListStreams: 50 TPS per account, shared by every caller). */
  maxKvsCalls: 10,
  /** Time for the KVS calls, leaving room inside the 3 s answer for the rest of the request. */
  kvsBudgetMs: 2500,
  /** How long a ListStreams answer is reused for the same prefix and page. */
  listingCacheTtlMs: 10_000,
  /** Cached ListStreams answers kept per instance. */
  listingCacheEntries: 1000,
} as const;

export type DiscoveryLimits = { [K in keyof typeof DISCOVERY_LIMITS]: number };

/** ListStreams answers by prefix and page token, for a short time; the oldest entry goes first when full. */
class ListingCache {
  private readonly entries = new Map<string, { page: StreamPage; expiresAtMs: number }>();

  constructor(private readonly limits: DiscoveryLimits) {}

  get(prefix: string, token: string | undefined, nowMs: number): StreamPage | undefined {
    const entry = this.entries.get(`${prefix}\u0000${token ?? ''}`);
    return entry && entry.expiresAtMs > nowMs ? entry.page : undefined;
  }

  set(prefix: string, token: string | undefined, page: StreamPage, nowMs: number): void {
    const key = `${prefix}\u0000${token ?? ''}`;
    this.entries.delete(key);
    this.entries.set(key, { page, expiresAtMs: nowMs + this.limits.listingCacheTtlMs });
    if (this.entries.size > this.limits.listingCacheEntries)
      this.entries.delete(this.entries.keys().next().value!);
  }
}

/** Discovery answers: one `kvs-discovery` line and one DiscoveryRequests each, granted or refused. */
const DISCOVERY_DECISIONS: RouteAudit = {
  kind: DISCOVERY_AUDIT,
  message: 'discovery',
  count: (metrics) => countDiscovery(metrics),
};

/**
 * The stream names under each prefix, in order, until the calls or the time run out. `listedBefore` is the first
 * prefix not listed completely. A timeout before any prefix was listed is the 504 it is.
 */
async function existingStreams(
  lister: Lister,
  prefixes: readonly string[],
  deadlineMs: number,
): Promise<{ names: string[]; listedBefore?: string }> {
  const budget = { calls: 0 };
  const names: string[] = [];
  for (const [i, prefix] of prefixes.entries()) {
    let listed: string[] | undefined;
    try {
      listed = await listPrefix(lister, prefix, budget, deadlineMs);
    } catch (error) {
      const outOfTime =
        error instanceof BrokerError && error.code === 'UPSTREAM_TIMEOUT' && lister.now() >= deadlineMs;
      if (!outOfTime || i === 0) throw error;
    }
    if (listed === undefined) return { names, listedBefore: prefix };
    names.push(...listed);
  }
  return { names };
}

interface Lister {
  kvs: KvsAdapter;
  now: () => number;
  cache: ListingCache;
  limits: DiscoveryLimits;
}

async function listPrefix(lister: Lister, prefix: string, budget: { calls: number }, deadlineMs: number) {
  const { kvs, now, cache, limits } = lister;
  const found: string[] = [];
  let token: string | undefined;
  do {
    let page = cache.get(prefix, token, now());
    if (!page) {
      if (budget.calls >= limits.maxKvsCalls || now() >= deadlineMs) return undefined;
      budget.calls += 1;
      page = await kvs.listStreams(prefix, token, { deadlineMs });
      cache.set(prefix, token, page, now());
    }
    found.push(...page.streamNames);
    token = page.nextToken;
  } while (token);
  return found;
}

/** GET /v1/streams, with its per-instance ListStreams cache. */
export function createStreamsRoute(limits: DiscoveryLimits = DISCOVERY_LIMITS): TokenRoute<ListQuery> {
  const cache = new ListingCache(limits);
  return {
    auth: 'jwt',
    audit: DISCOVERY_DECISIONS,
    parse: ({ query }) => parseListQuery(query),
    async handle({ input: query, caller, nowMs, deps }) {
      const { config, kvs, now } = deps;
      const prefixes = prefixesFor(listingPrefixes(caller.grants), query);
      const lister = { kvs, now, cache, limits };
      const { names, listedBefore } = await existingStreams(lister, prefixes, nowMs + limits.kvsBudgetMs);
      const catalog = buildCatalog(caller.grants, names).filter((e) =>
        isServed(config.streams, e.streamName),
      );
      const page = pageOf(catalog, query, listedBefore);
      return {
        body: { json: page },
        audit: { streamsListed: page.streams.length, truncated: page.truncated === true },
      };
    },
  };
}
