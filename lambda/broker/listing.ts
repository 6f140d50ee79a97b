// KVS ListStreams for discovery, per instance and shared by every caller (SECURITY.md, discovery): a brief cache of
// answers, one call in flight per prefix and page however many callers want it, and one budget of calls per second
// for the whole instance, from which each caller's first call is served before anyone's further calls.
import type { KvsAdapter, StreamPage } from '../kvs/adapter';

/** What the listing of one instance may cost (part of DISCOVERY_LIMITS). */
export interface ListingLimits {
  /** ListStreams calls one request may make. */
  maxKvsCalls: number;
  /** How long a ListStreams answer is reused for the same prefix and page. */
  listingCacheTtlMs: number;
  /** Cached ListStreams answers kept per instance. */
  listingCacheEntries: number;
  /** ListStreams calls per second the instance makes for all its callers together. */
  listStreamsPerSecond: number;
  /** Calls the instance may make at once after a quiet spell (the budget's capacity). */
  listStreamsBurst: number;
  /** Calls of the budget only a request's first call may take: a greedy caller cannot leave a modest one nothing. */
  firstCallReserve: number;
}

/** One request's share: calls made so far, and when its time is up. */
export interface ListingRequest {
  calls: number;
  deadlineMs: number;
}

const key = (prefix: string, token: string | undefined) => `${prefix}\u0000${token ?? ''}`;

export class StreamListings {
  private readonly cache = new Map<string, { page: StreamPage; expiresAtMs: number }>();
  private readonly inFlight = new Map<string, Promise<StreamPage>>();
  private tokens: number;
  private refilledAtMs: number;

  constructor(
    private readonly limits: ListingLimits,
    private readonly now: () => number,
  ) {
    this.tokens = limits.listStreamsBurst;
    this.refilledAtMs = now();
  }

  /**
   * One page of the streams under `prefix`: cached, shared with a call in flight, or from a new call when the
   * request and the instance both have budget for it. `undefined` when they have not (the answer is truncated).
   */
  async page(
    kvs: KvsAdapter,
    prefix: string,
    token: string | undefined,
    request: ListingRequest,
  ): Promise<StreamPage | undefined> {
    const k = key(prefix, token);
    const nowMs = this.now();
    const cached = this.cache.get(k);
    if (cached && cached.expiresAtMs > nowMs) return cached.page;
    const pending = this.inFlight.get(k);
    if (pending) return pending;
    if (request.calls >= this.limits.maxKvsCalls || nowMs >= request.deadlineMs) return undefined;
    if (!this.take(nowMs, request.calls === 0 ? 0 : this.limits.firstCallReserve)) return undefined;
    request.calls += 1;
    const call = kvs
      .listStreams(prefix, token, { deadlineMs: request.deadlineMs })
      .then((page) => {
        this.remember(k, page);
        return page;
      })
      .finally(() => this.inFlight.delete(k));
    this.inFlight.set(k, call);
    return call;
  }

  /** Takes one call from the instance's budget if more than `reserve` would remain. */
  private take(nowMs: number, reserve: number): boolean {
    const { listStreamsBurst, listStreamsPerSecond } = this.limits;
    const elapsedMs = Math.max(0, nowMs - this.refilledAtMs);
    this.tokens = Math.min(listStreamsBurst, this.tokens + (elapsedMs * listStreamsPerSecond) / 1000);
    this.refilledAtMs = nowMs;
    if (this.tokens < 1 + reserve) return false;
    this.tokens -= 1;
    return true;
  }

  private remember(k: string, page: StreamPage): void {
    this.cache.delete(k);
    this.cache.set(k, { page, expiresAtMs: this.now() + this.limits.listingCacheTtlMs });
    // The oldest entry goes first when full.
    if (this.cache.size > this.limits.listingCacheEntries) this.cache.delete(this.cache.keys().next().value!);
  }
}
