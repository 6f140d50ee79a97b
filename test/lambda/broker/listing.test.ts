// The instance's ListStreams budget (lambda/broker/listing.ts) on an injected clock: a request's first call may use
// the whole budget, its later calls only what is left above the reserve; the budget refills at its rate; pages are
// cached for their TTL and a page in flight is shared.
import { describe, expect, it } from '@jest/globals';
import { StreamListings, type ListingLimits } from '../../../lambda/broker/listing';
import type { KvsAdapter } from '../../../lambda/kvs/adapter';

const LIMITS: ListingLimits = {
  maxKvsCalls: 10,
  listingCacheTtlMs: 10_000,
  listingCacheEntries: 100,
  listStreamsPerSecond: 2,
  listStreamsBurst: 4,
  firstCallReserve: 2,
};

function setup() {
  const clock = { ms: 0 };
  const calls: string[] = [];
  const kvs = {
    listStreams: async (prefix: string) => {
      calls.push(prefix);
      return { streamNames: [`${prefix}cam`] };
    },
  } as unknown as KvsAdapter;
  const listings = new StreamListings(LIMITS, () => clock.ms);
  const request = () => ({ calls: 0, deadlineMs: 1_000_000 });
  return {
    clock,
    calls,
    listings,
    page: (p: string, r = request()) => listings.page(kvs, p, undefined, r),
    request,
  };
}

describe('StreamListings', () => {
  it("stops a request's later calls at the reserve and keeps the reserve for other requests' first calls", async () => {
    const s = setup();
    const greedy = s.request();
    expect(await s.page('a', greedy)).toEqual({ streamNames: ['acam'] }); // 4 -> 3
    expect(await s.page('b', greedy)).toBeDefined(); // 3 -> 2: the reserve is reached
    expect(await s.page('c', greedy)).toBeUndefined();
    expect(greedy.calls).toBe(2);
    expect(await s.page('d')).toBeDefined(); // a first call takes from the reserve: 2 -> 1
    expect(await s.page('e')).toBeDefined(); // 1 -> 0
    expect(await s.page('f')).toBeUndefined(); // nothing left, even for a first call
    expect(s.calls).toEqual(['a', 'b', 'd', 'e']);
  });

  it('refills at its rate, never above its burst', async () => {
    const s = setup();
    for (const p of ['a', 'b', 'c', 'd']) await s.page(p);
    expect(await s.page('e')).toBeUndefined();
    s.clock.ms += 500; // one call's worth at 2 per second
    expect(await s.page('e')).toBeDefined();
    expect(await s.page('f')).toBeUndefined();
    s.clock.ms += 60_000;
    const r = s.request();
    for (const p of ['g', 'h']) expect(await s.page(p, r)).toBeDefined();
    expect(await s.page('i', r)).toBeUndefined(); // 4 at most: 2 left is the reserve
  });

  it("stops at the request's own calls and deadline", async () => {
    const s = setup();
    expect(await s.page('a', { calls: 10, deadlineMs: 1_000_000 })).toBeUndefined();
    expect(await s.page('a', { calls: 0, deadlineMs: 0 })).toBeUndefined();
    expect(s.calls).toEqual([]);
  });

  it('serves a page from the cache until its TTL and shares a page in flight, spending no budget', async () => {
    const s = setup();
    const [one, two] = await Promise.all([s.page('a'), s.page('a')]);
    expect(one).toBe(two);
    s.clock.ms += 9_999;
    expect(await s.page('a', { calls: 10, deadlineMs: 1_000_000 })).toEqual({ streamNames: ['acam'] });
    expect(s.calls).toEqual(['a']);
    s.clock.ms += 1;
    await s.page('a');
    expect(s.calls).toEqual(['a', 'a']);
  });
});
