// mapBounded (lambda/broker/batch-sessions.ts): a grid's KVS calls run concurrently but never more than the bound
// at once, and the answers keep the order of the entries whatever order the calls finish in.
import { describe, expect, it } from '@jest/globals';
import { BATCH_CONCURRENCY, mapBounded } from '../../../lambda/broker/batch-sessions';

/** Work whose calls finish only when the test says so: how many are in flight is exact, no timer involved. */
function controlled() {
  const pending: { i: number; resolve: () => void }[] = [];
  let inFlight = 0;
  let peak = 0;
  const work = (item: number) =>
    new Promise<string>((resolve) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      pending.push({
        i: item,
        resolve: () => {
          inFlight -= 1;
          resolve(`answer-${item}`);
        },
      });
    });
  const tick = () => new Promise<void>((r) => setImmediate(r));
  return { pending, work, tick, peak: () => peak };
}

describe('mapBounded', () => {
  it(`runs at most ${BATCH_CONCURRENCY} at once and answers in the items' order, finishing last-first`, async () => {
    const c = controlled();
    const items = Array.from({ length: 16 }, (_, i) => i);
    const all = mapBounded(items, BATCH_CONCURRENCY, c.work);
    for (let done = 0; done < 16; done += 1) {
      await c.tick();
      expect(c.pending.length).toBeLessThanOrEqual(BATCH_CONCURRENCY);
      c.pending.pop()!.resolve(); // the newest call finishes first
    }
    expect(await all).toEqual(items.map((i) => `answer-${i}`));
    expect(c.peak()).toBe(BATCH_CONCURRENCY);
  });

  it('runs everything at once when there are fewer items than the bound, and nothing for none', async () => {
    const c = controlled();
    const all = mapBounded([0, 1, 2], 8, c.work);
    await c.tick();
    expect(c.pending.map((p) => p.i)).toEqual([0, 1, 2]);
    c.pending.forEach((p) => p.resolve());
    expect(await all).toEqual(['answer-0', 'answer-1', 'answer-2']);
    expect(await mapBounded([], 8, c.work)).toEqual([]);
  });
});
