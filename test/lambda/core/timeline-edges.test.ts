// The timeline's edges (docs/api.md, "Archive"): fragments outside the range show nothing, the slice length follows
// the density the last slice showed (cut harder after several pages), and the budget ends at its exact limit.
import { describe, expect, it } from '@jest/globals';
import {
  TIMELINE_BUDGET,
  buildTimeline,
  mergeIntervals,
  nextSliceMs,
  type FragmentTime,
  type ListPage,
  type TimelineBudget,
} from '../../../lambda/core/timeline';

const T = Date.UTC(2026, 0, 15, 0, 0, 0);
const MIN = 60_000;
const budget = (b: Partial<TimelineBudget>): TimelineBudget => ({ ...TIMELINE_BUDGET, ...b });

/** A fake ListFragments that records each slice asked, pages by `pageSize` and moves the clock `msPerCall`. */
function recordingKvs(all: readonly FragmentTime[], pageSize: number, msPerCall: number) {
  const t = { now: T + 24 * 60 * MIN, slices: [] as { startMs: number; endMs: number }[] };
  const list: ListPage = async (slice, token) => {
    t.now += msPerCall;
    if (token === undefined) t.slices.push(slice);
    const inSlice = all.filter((f) => f.startMs >= slice.startMs && f.startMs <= slice.endMs);
    const offset = Number(token ?? 0);
    const next = offset + pageSize;
    return {
      fragments: inSlice.slice(offset, next),
      ...(next < inSlice.length ? { nextToken: String(next) } : {}),
    };
  };
  return { t, list, now: () => t.now };
}

describe('mergeIntervals edges', () => {
  it('shows nothing for a fragment that ends at or before from, or starts at to', () => {
    expect(mergeIntervals([{ startMs: T - 2000, durationMs: 1000 }], 0, T, T + MIN)).toStrictEqual([]);
    expect(mergeIntervals([{ startMs: T - 1000, durationMs: 1000 }], 0, T, T + MIN)).toStrictEqual([]);
    expect(mergeIntervals([{ startMs: T + MIN, durationMs: 1000 }], 0, T, T + MIN)).toStrictEqual([]);
  });
});

describe('nextSliceMs', () => {
  const b = budget({ fragmentsPerSlice: 900 });

  it('quadruples a slice that held no fragment', () => {
    expect(nextSliceMs(MIN, 0, 1, b)).toBe(4 * MIN);
  });

  it('aims at fragmentsPerSlice at the density of a one-page slice', () => {
    expect(nextSliceMs(MIN, 60, 1, b)).toBe(15 * MIN);
  });

  it('cuts a slice that needed several pages to at most half its length', () => {
    // fitted 54 s, above half of 60 s: half it is
    expect(nextSliceMs(MIN, 1000, 2, b)).toBe(MIN / 2);
    // fitted 27 s, below half: the fitted length
    expect(nextSliceMs(MIN, 2000, 2, b)).toBe(27_000);
  });
});

describe('buildTimeline edges', () => {
  it('after a slice of two pages, asks for half that slice next', async () => {
    const frags = Array.from({ length: 120 }, (_, i) => ({ startMs: T + i * 1000, durationMs: 1000 }));
    const kvs = recordingKvs(frags, 50, 10);
    const b = budget({ firstSliceMs: MIN, maxCalls: 3 });
    const out = await buildTimeline({ fromMs: T, toMs: T + 60 * MIN, gapMs: 0 }, kvs.list, kvs.now, b);
    expect(kvs.t.slices).toStrictEqual([
      { startMs: T, endMs: T + MIN - 1 },
      { startMs: T + MIN, endMs: T + MIN + MIN / 2 - 1 },
    ]);
    expect(out).toMatchObject({ calls: 3, completeToMs: T + MIN + MIN / 2, truncated: true });
  });

  it('stops when the clock reaches the deadline exactly', async () => {
    const kvs = recordingKvs([], 1000, 1000);
    const b = budget({ firstSliceMs: MIN, maxCalls: 100, maxMs: 3000 });
    const out = await buildTimeline({ fromMs: T, toMs: T + 60 * MIN, gapMs: 0 }, kvs.list, kvs.now, b);
    expect(out).toStrictEqual({ intervals: [], completeToMs: T + 21 * MIN, truncated: true, calls: 3 });
  });

  it('asks nothing past to once the range is whole', async () => {
    const kvs = recordingKvs([{ startMs: T, durationMs: 1000 }], 1000, 10);
    const b = budget({ firstSliceMs: MIN });
    const out = await buildTimeline({ fromMs: T, toMs: T + 2 * MIN, gapMs: 0 }, kvs.list, kvs.now, b);
    expect(kvs.t.slices).toStrictEqual([
      { startMs: T, endMs: T + MIN - 1 },
      { startMs: T + MIN, endMs: T + 2 * MIN - 1 },
    ]);
    expect(out).toStrictEqual({
      intervals: [{ startMs: T, endMs: T + 1000 }],
      completeToMs: T + 2 * MIN,
      truncated: false,
      calls: 2,
    });
  });
});
