// The timeline algorithm: slices each fully paged before the next (ListFragments is unordered even across pages),
// intervals merged by gapMs, at most 10 calls and 3 s, and a truncated answer complete up to its `to`.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { BrokerError } from '../../../lambda/core/errors';
import {
  TIMELINE_BUDGET,
  buildTimeline,
  mergeIntervals,
  type FragmentTime,
  type ListPage,
} from '../../../lambda/core/timeline';

const T = Date.UTC(2026, 0, 15, 0, 0, 0);
const H = 3_600_000;

/**
 * A fake ListFragments over a fixed set of fragments: pages of `pageSize`, shuffled by `seed` across the whole
 * slice (so a page says nothing of where the slice's fragments lie), with a call counter and a clock per call.
 */
function fakeKvs(
  all: readonly FragmentTime[],
  opts: { pageSize?: number; seed?: number; msPerCall?: number } = {},
) {
  const pageSize = opts.pageSize ?? 1000;
  const clock = { now: T + 10 * 24 * H, calls: 0 };
  const shuffle = <X>(xs: X[], seed: number) =>
    xs
      .map((x, i) => ({ x, k: Math.sin(seed * 9301 + i * 49297) }))
      .sort((a, b) => a.k - b.k)
      .map((e) => e.x);
  const list: ListPage = async (slice, token) => {
    clock.calls += 1;
    clock.now += opts.msPerCall ?? 50;
    const inSlice = shuffle(
      all.filter((f) => f.startMs >= slice.startMs && f.startMs <= slice.endMs),
      opts.seed ?? 1,
    );
    const offset = token === undefined ? 0 : Number(token);
    const next = offset + pageSize;
    return {
      fragments: inSlice.slice(offset, next),
      ...(next < inSlice.length ? { nextToken: String(next) } : {}),
    };
  };
  return { list, clock, now: () => clock.now };
}

const everySecond = (fromMs: number, toMs: number, keep: (startMs: number) => boolean = () => true) => {
  const out: FragmentTime[] = [];
  for (let t = fromMs; t < toMs; t += 1000) if (keep(t)) out.push({ startMs: t, durationMs: 1000 });
  return out;
};

describe('mergeIntervals', () => {
  it('merges touching fragments and gaps shorter than gapMs, keeps longer gaps, sorts', () => {
    const f = (s: number, d = 1000) => ({ startMs: T + s, durationMs: d });
    expect(mergeIntervals([f(5000), f(0), f(1000), f(3500)], 2000, T, T + H)).toEqual([
      { startMs: T, endMs: T + 6000 },
    ]);
    expect(mergeIntervals([f(0), f(3000)], 2000, T, T + H)).toEqual([
      { startMs: T, endMs: T + 1000 },
      { startMs: T + 3000, endMs: T + 4000 },
    ]);
    expect(mergeIntervals([f(0), f(1000)], 0, T, T + H)).toEqual([{ startMs: T, endMs: T + 2000 }]);
    expect(mergeIntervals([f(0), f(1001)], 0, T, T + H)).toHaveLength(2);
  });

  it('clips to the range', () => {
    expect(mergeIntervals([{ startMs: T - 500, durationMs: 1000 }], 0, T, T + 200)).toEqual([
      { startMs: T, endMs: T + 200 },
    ]);
  });
});

describe('buildTimeline', () => {
  it('answers a motion-triggered hour whole, in one call per slice', async () => {
    const frags = everySecond(T, T + H, (t) => (t - T) % 60_000 < 40_000);
    const kvs = fakeKvs(frags);
    const out = await buildTimeline({ fromMs: T, toMs: T + H, gapMs: 2000 }, kvs.list, kvs.now);
    expect(out.truncated).toBe(false);
    expect(out.completeToMs).toBe(T + H);
    expect(out.intervals).toHaveLength(60);
    expect(out.intervals[0]).toEqual({ startMs: T, endMs: T + 40_000 });
    expect(out.calls).toBeLessThanOrEqual(10);
  });

  it('stops after 10 KVS calls on 24 h of 1 s fragments, complete up to its to', async () => {
    const kvs = fakeKvs(everySecond(T, T + 24 * H));
    const out = await buildTimeline({ fromMs: T, toMs: T + 24 * H, gapMs: 2000 }, kvs.list, kvs.now);
    expect(kvs.clock.calls).toBe(TIMELINE_BUDGET.maxCalls);
    expect(out.truncated).toBe(true);
    expect(out.intervals).toEqual([{ startMs: T, endMs: out.completeToMs }]);
    expect(out.completeToMs - T).toBeGreaterThan(2 * H);
  });

  it('stops at 3 s, and never answers a slice it could not page to the end', async () => {
    const kvs = fakeKvs(everySecond(T, T + 4 * H), { pageSize: 100, msPerCall: 700 });
    const out = await buildTimeline({ fromMs: T, toMs: T + 4 * H, gapMs: 2000 }, kvs.list, kvs.now);
    expect(kvs.clock.calls).toBe(5); // 5 x 700 ms passes 3 s
    expect(out.truncated).toBe(true);
    // the first slice (15 min = 900 fragments) needs 9 pages of 100: not whole, so nothing is answered
    expect(out).toMatchObject({ completeToMs: T, intervals: [] });
  });

  it('answers the whole slices when KVS throttles later, and fails when it throttles at once', async () => {
    const kvs = fakeKvs(everySecond(T, T + H));
    let n = 0;
    const throttled: ListPage = (slice, token, deadline) =>
      ++n >= 2 ? Promise.reject(new BrokerError('THROTTLED', 'slow down')) : kvs.list(slice, token, deadline);
    const out = await buildTimeline({ fromMs: T, toMs: T + H, gapMs: 0 }, throttled, kvs.now);
    expect(out).toMatchObject({ truncated: true, completeToMs: T + 15 * 60_000 });
    n = 1;
    await expect(
      buildTimeline({ fromMs: T, toMs: T + H, gapMs: 0 }, throttled, kvs.now),
    ).rejects.toMatchObject({
      code: 'THROTTLED',
    });
  });

  it('property: sorted, disjoint intervals separated by at least gapMs, covering exactly the fragments before to', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 0, max: 6 * 3600 - 1 }), { maxLength: 3000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 9999 }),
        async (seconds, gapMs, pageSize, seed) => {
          const frags = seconds.map((s) => ({ startMs: T + s * 1000, durationMs: 1000 }));
          const kvs = fakeKvs(frags, { pageSize, seed });
          const toMs = T + 6 * H;
          const out = await buildTimeline({ fromMs: T, toMs, gapMs }, kvs.list, kvs.now);
          expect(kvs.clock.calls).toBeLessThanOrEqual(TIMELINE_BUDGET.maxCalls);
          expect(out.truncated).toBe(out.completeToMs < toMs);
          out.intervals.forEach((iv, i) => {
            expect(iv.endMs).toBeGreaterThan(iv.startMs);
            if (i > 0)
              expect(iv.startMs - out.intervals[i - 1]!.endMs).toBeGreaterThanOrEqual(Math.max(gapMs, 1));
          });
          const covered = (t: number) => out.intervals.some((iv) => iv.startMs <= t && t < iv.endMs);
          for (const f of frags) {
            if (f.startMs < out.completeToMs) expect(covered(f.startMs)).toBe(true);
          }
          // nothing is invented: every covered second is a fragment or a merged gap shorter than gapMs
          for (const iv of out.intervals) {
            expect(frags.some((f) => f.startMs === iv.startMs)).toBe(true);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
