// The timeline of a range (docs/api.md, "Archive"): where the archive has media, from ListFragments pages that come in
// no order, even across pages. So the range is listed in consecutive slices, each fully paged before the next, and
// the answer holds only whole slices: when the budget of calls or time ends first, it stops at the last whole one.
import { BrokerError } from './errors';

export interface FragmentTime {
  startMs: number;
  durationMs: number;
}

export interface Interval {
  startMs: number;
  endMs: number;
}

/** One ListFragments page of fragments starting in [startMs, endMs] (both inclusive, as KVS compares). */
export type ListPage = (
  slice: { startMs: number; endMs: number },
  nextToken: string | undefined,
  deadlineMs: number,
) => Promise<{ fragments: FragmentTime[]; nextToken?: string }>;

export interface TimelineBudget {
  /** KVS calls per request. */
  maxCalls: number;
  /** Time per request, from the first call. */
  maxMs: number;
  /** Fragments a slice aims at: under one ListFragments page (1,000), so a slice usually takes one call. */
  fragmentsPerSlice: number;
  /** The first slice, before the stream's fragment density is known. */
  firstSliceMs: number;
}

/** 10 KVS calls and 3 s per request (docs/api.md); 1,000 fragments a page. */
export const TIMELINE_BUDGET: TimelineBudget = {
  maxCalls: 10,
  maxMs: 3000,
  fragmentsPerSlice: 900,
  firstSliceMs: 15 * 60_000,
};

export interface TimelineResult {
  intervals: Interval[];
  /** Everything before this is in `intervals`; the asked `to` unless truncated. */
  completeToMs: number;
  truncated: boolean;
  calls: number;
}

/**
 * Sorted, non-overlapping intervals of the fragments, clipped to [fromMs, toMs]; a gap shorter than `gapMs`
 * (or none at all) between two fragments is merged.
 */
export function mergeIntervals(
  fragments: readonly FragmentTime[],
  gapMs: number,
  fromMs: number,
  toMs: number,
): Interval[] {
  const spans = fragments
    .map((f) => ({ startMs: Math.max(f.startMs, fromMs), endMs: Math.min(f.startMs + f.durationMs, toMs) }))
    .filter((s) => s.endMs > s.startMs)
    .sort((a, b) => a.startMs - b.startMs);
  const out: Interval[] = [];
  for (const s of spans) {
    const last = out[out.length - 1];
    if (last && s.startMs - last.endMs < Math.max(gapMs, 1)) last.endMs = Math.max(last.endMs, s.endMs);
    else out.push({ ...s });
  }
  return out;
}

/** The next slice's length: aims at `fragmentsPerSlice` at the density the last slice showed. */
export function nextSliceMs(
  lastSliceMs: number,
  lastCount: number,
  lastCalls: number,
  budget: TimelineBudget,
): number {
  if (lastCount === 0) return lastSliceMs * 4;
  const fitted = Math.floor((lastSliceMs * budget.fragmentsPerSlice) / lastCount);
  // a slice that needed several pages is cut harder: its fragments were denser than one page
  return Math.max(1000, lastCalls > 1 ? Math.min(fitted, lastSliceMs / 2) : fitted);
}

/** A failure after whole slices are in hand ends the answer there; before any, it is the answer. */
const ENDS_EARLY = new Set(['THROTTLED', 'UPSTREAM_TIMEOUT']);

/**
 * Lists [fromMs, toMs) slice by slice within the budget. `now` is the caller's clock (epoch ms), read between
 * calls; each call is given the request's deadline.
 */
export async function buildTimeline(
  range: { fromMs: number; toMs: number; gapMs: number },
  list: ListPage,
  now: () => number,
  budget: TimelineBudget = TIMELINE_BUDGET,
): Promise<TimelineResult> {
  const deadlineMs = now() + budget.maxMs;
  // Stryker disable next-line ArrayDeclaration: a non-fragment entry maps to NaN bounds, which mergeIntervals drops
  const fragments: FragmentTime[] = [];
  let calls = 0;
  let doneTo = range.fromMs;
  let sliceMs = budget.firstSliceMs;
  const spent = () => calls >= budget.maxCalls || now() >= deadlineMs;
  while (doneTo < range.toMs && !spent()) {
    const slice = { startMs: doneTo, endMs: Math.min(doneTo + sliceMs, range.toMs) - 1 };
    const inSlice: FragmentTime[] = [];
    let token: string | undefined;
    let sliceCalls = 0;
    try {
      do {
        if (spent()) break;
        calls += 1;
        sliceCalls += 1;
        const page = await list(slice, token, deadlineMs);
        inSlice.push(...page.fragments);
        token = page.nextToken;
      } while (token !== undefined);
    } catch (error) {
      if (doneTo > range.fromMs && error instanceof BrokerError && ENDS_EARLY.has(error.code)) break;
      throw error;
    }
    if (token !== undefined) break; // the budget ended inside this slice: it is not whole
    fragments.push(...inSlice);
    doneTo = slice.endMs + 1;
    sliceMs = nextSliceMs(slice.endMs + 1 - slice.startMs, inSlice.length, sliceCalls, budget);
  }
  return {
    // clipped to the asked range, not to doneTo: a fragment started before doneTo runs on past it
    intervals: mergeIntervals(fragments, range.gapMs, range.fromMs, range.toMs),
    completeToMs: doneTo,
    truncated: doneTo < range.toMs,
    calls,
  };
}
