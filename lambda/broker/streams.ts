// GET /v1/streams (docs/api.md and SECURITY.md): the caller's catalog, resolving prefix grants with KVS ListStreams
// within a bounded number of calls and time, through the instance's shared ListStreams cache and budget (listing.ts).
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
import type { KvsAdapter } from '../kvs/adapter';
import { StreamListings, type ListingRequest } from './listing';
import { countDiscovery } from './metrics';
import type { RouteAudit, TokenRoute } from './pipeline';

/** SECURITY.md: what one discovery request, and all of one instance's, may cost. */
export const DISCOVERY_LIMITS = {
  /** KVS calls per request (ListStreams: 50 TPS per account, shared by every caller). */
  maxKvsCalls: 10,
  /** Time for the KVS calls, leaving room inside the 3 s answer for the rest of the request. */
  kvsBudgetMs: 2500,
  /** How long a ListStreams answer is reused for the same prefix and page. */
  listingCacheTtlMs: 10_000,
  /** Cached ListStreams answers kept per instance. */
  listingCacheEntries: 1000,
  /**
   * ListStreams calls per second of one instance, all callers together: half of KVS's 50 TPS per account (KVS
   * developer guide, "Kinesis Video Streams service quotas"), so two busy instances stay inside it.
   */
  listStreamsPerSecond: 25,
  /** The instance's calls at once after a quiet spell: KVS's 50 per account, never more. */
  listStreamsBurst: 50,
  /** Of those, the calls kept for each request's first one: 20 greedy callers still leave a modest one its answer. */
  firstCallReserve: 25,
} as const;

export type DiscoveryLimits = { [K in keyof typeof DISCOVERY_LIMITS]: number };

/** Discovery answers: one `kvs-discovery` line and one DiscoveryRequests each, granted or refused. */
const DISCOVERY_DECISIONS: RouteAudit = {
  kind: DISCOVERY_AUDIT,
  message: 'discovery',
  count: (metrics) => countDiscovery(metrics),
};

interface Lister {
  kvs: KvsAdapter;
  now: () => number;
  listings: StreamListings;
}

/** Every page under a prefix, or undefined when the request or the instance ran out of calls or time. */
async function listPrefix(lister: Lister, prefix: string, request: ListingRequest) {
  const found: string[] = [];
  let token: string | undefined;
  do {
    const page = await lister.listings.page(lister.kvs, prefix, token, request);
    if (!page) return undefined;
    found.push(...page.streamNames);
    token = page.nextToken;
  } while (token);
  return found;
}

/**
 * The stream names under each prefix, in order, until the calls or the time run out. `listedBefore` is the first
 * prefix not listed completely. A timeout before any prefix was listed is the 504 it is.
 */
async function existingStreams(
  lister: Lister,
  prefixes: readonly string[],
  deadlineMs: number,
): Promise<{ names: string[]; listedBefore?: string }> {
  const request: ListingRequest = { calls: 0, deadlineMs };
  const names: string[] = [];
  for (const [i, prefix] of prefixes.entries()) {
    let listed: string[] | undefined;
    try {
      listed = await listPrefix(lister, prefix, request);
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

/** GET /v1/streams, with the instance's ListStreams cache and budget, shared by its callers. */
export function createStreamsRoute(
  limits: DiscoveryLimits = DISCOVERY_LIMITS,
  now: () => number = Date.now,
): TokenRoute<ListQuery> {
  const listings = new StreamListings(limits, now);
  return {
    auth: 'jwt',
    audit: DISCOVERY_DECISIONS,
    parse: ({ query }) => parseListQuery(query),
    async handle({ input: query, caller, nowMs, deps }) {
      const { config, kvs } = deps;
      const prefixes = prefixesFor(listingPrefixes(caller.grants), query);
      const lister = { kvs, now: deps.now, listings };
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
