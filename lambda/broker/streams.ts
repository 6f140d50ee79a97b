// GET /v1/streams (docs/api.md and SECURITY.md): the caller's catalog, resolving prefix grants with KVS ListStreams
// within a bounded number of calls and time, from a brief per-prefix cache of ListStreams answers.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { auditEvent, tenantOf } from '../core/audit';
import type { BrokerConfig } from '../core/config';
import { STATE_BUDGET_MS } from '../core/config-rules';
import { buildCatalog, listingPrefixes, pageOf, parseListQuery, prefixesFor } from '../core/discovery';
import { BrokerError, toBrokerError } from '../core/errors';
import { DISCOVERY_AUDIT } from '../core/telemetry';
import { isServed } from '../core/grants';
import type { KvsAdapter, StreamPage } from '../kvs/adapter';
import { callerFromEvent, jsonResponse, type Caller } from './http';
import { countDiscovery } from './metrics';
import type { ViewerControl } from './viewer-control';

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

export interface StreamsRouteDeps {
  config: BrokerConfig;
  kvs: KvsAdapter;
  logger: Logger;
  metrics: Metrics;
  now: () => number;
  /** The revocation check (docs/api.md, Revocation). @default none: no issuer can revoke */
  viewers?: Pick<ViewerControl, 'assertNotRevoked'>;
  /** @default DISCOVERY_LIMITS */
  limits?: DiscoveryLimits;
}

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

// eslint-disable-next-line max-lines-per-function -- a factory: the route and its listing helpers share the per-instance ListStreams cache they close over
export function createStreamsRoute(deps: StreamsRouteDeps) {
  const { config, kvs, now } = deps;
  const limits = deps.limits ?? DISCOVERY_LIMITS;
  const cache = new ListingCache(limits);

  /**
   * The stream names under each prefix, in order, until the calls or the time run out. `listedBefore` is the
   * first prefix not listed completely. A timeout before any prefix was listed is the 504 it is.
   */
  async function existingStreams(prefixes: readonly string[], deadlineMs: number) {
    const budget = { calls: 0 };
    const names: string[] = [];
    for (const [i, prefix] of prefixes.entries()) {
      let listed: string[] | undefined;
      try {
        listed = await listPrefix(prefix, budget, deadlineMs);
      } catch (error) {
        const outOfTime =
          error instanceof BrokerError && error.code === 'UPSTREAM_TIMEOUT' && now() >= deadlineMs;
        if (!outOfTime || i === 0) throw error;
      }
      if (listed === undefined) return { names, listedBefore: prefix };
      names.push(...listed);
    }
    return { names };
  }

  async function listPrefix(prefix: string, budget: { calls: number }, deadlineMs: number) {
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

  /** The one audit line per discovery answer (SECURITY.md), and its metric. */
  function audit(
    event: APIGatewayProxyEvent,
    requestId: string,
    nowMs: number,
    caller: Caller | undefined,
    outcome: { error: BrokerError } | { streamsListed: number; truncated: boolean },
  ): void {
    const identity = event.requestContext?.identity;
    const error = 'error' in outcome ? outcome.error : undefined;
    deps.logger.info('discovery', {
      ...auditEvent({
        audit: DISCOVERY_AUDIT,
        nowMs,
        requestId,
        extendedRequestId: event.requestContext?.extendedRequestId,
        issuer: caller?.issuer,
        sub: caller?.sub,
        tenant: tenantOf(config.issuers.find((i) => i.issuer === caller?.issuer)),
        sourceIp: identity?.sourceIp,
        userAgent: identity?.userAgent ?? undefined,
        errorCode: error?.code,
        reason: error ? (error.reason ?? error.detail) : undefined,
        ...('error' in outcome ? {} : outcome),
      }),
    });
    countDiscovery(deps.metrics);
  }

  return async function listStreams(
    event: APIGatewayProxyEvent,
    requestId: string,
  ): Promise<APIGatewayProxyResult> {
    const startMs = now();
    let caller: Caller | undefined;
    try {
      caller = callerFromEvent(event, startMs, config.clockToleranceSeconds, config.issuers);
      await deps.viewers?.assertNotRevoked(event, caller, startMs + STATE_BUDGET_MS);
      const query = parseListQuery(event.queryStringParameters);
      const prefixes = prefixesFor(listingPrefixes(caller.grants), query);
      const { names, listedBefore } = await existingStreams(prefixes, startMs + limits.kvsBudgetMs);
      const catalog = buildCatalog(caller.grants, names).filter((e) =>
        isServed(config.streams, e.streamName),
      );
      const page = pageOf(catalog, query, listedBefore);
      audit(event, requestId, startMs, caller, {
        streamsListed: page.streams.length,
        truncated: page.truncated === true,
      });
      return jsonResponse(event, config.cors, 200, page);
    } catch (error) {
      // Audited here, answered by the error middleware (jsonErrors) as every other route's errors are.
      audit(event, requestId, startMs, caller, { error: toBrokerError(error) });
      throw error;
    }
  };
}
