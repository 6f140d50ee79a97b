import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { MediaSession } from '../../../local/media/session';
import {
  fragmentNumberAt,
  fragmentStartMs,
  isServable,
  lastCompleteFragment,
  sessionFragments,
} from '../../../local/media/timeline';
import { HOUR, liveSession, NOW, onDemandSession, replaySession, SECOND } from './sessions';

const D = 1000;
/** The fragment that starts at NOW. */
const F = NOW / D;

const numbers = (session: MediaSession, nowMs: number) =>
  sessionFragments(session, D, nowMs).listed.map((fragment) => fragment.fragmentNumber - F);

describe('fragment numbering', () => {
  it('numbers fixed-length fragments from the epoch', () => {
    expect(fragmentNumberAt(NOW, D)).toBe(F);
    expect(fragmentNumberAt(NOW + 999, D)).toBe(F);
    expect(fragmentStartMs(F + 1, D)).toBe(NOW + 1000);
  });

  it('counts a fragment as ingested once the clock reaches its end', () => {
    expect(lastCompleteFragment(NOW, D)).toBe(F - 1);
    expect(lastCompleteFragment(NOW + 999, D)).toBe(F - 1);
    expect(lastCompleteFragment(NOW + 1000, D)).toBe(F);
  });
});

describe('LIVE', () => {
  it.each([
    ['lists the 5 newest complete fragments by default', {}, NOW + 500, [-5, -4, -3, -2, -1]],
    ['slides one fragment per fragment duration', {}, NOW + 1500, [-4, -3, -2, -1, 0]],
    ['caps the list at maxFragmentResults', { maxFragmentResults: 3 }, NOW + 500, [-3, -2, -1]],
    ['lists more when allowed', { maxFragmentResults: 8 }, NOW, [-8, -7, -6, -5, -4, -3, -2, -1]],
  ])('%s', (_, overrides: Partial<MediaSession>, nowMs, expected) => {
    expect(numbers(liveSession(overrides), nowMs)).toEqual(expected);
  });

  it('counts its fragments from the first one it listed when issued', () => {
    expect(sessionFragments(liveSession({ issuedAtMs: NOW }), D, NOW + 60 * SECOND).firstInSession).toBe(
      F - 5,
    );
  });

  it('serves everything it has listed since the session was issued, and nothing newer than the head', () => {
    const fragments = sessionFragments(liveSession({ issuedAtMs: NOW }), D, NOW + 10 * SECOND);
    expect(fragments.servable).toEqual({ first: F - 5, last: F + 9 });
    expect(fragments.ended).toBe(false);
    expect(isServable(fragments, F - 5)).toBe(true);
    expect(isServable(fragments, F - 6)).toBe(false);
    expect(isServable(fragments, F + 10)).toBe(false);
  });
});

describe('LIVE_REPLAY', () => {
  const start = NOW - HOUR;
  const S = start / D - F; // fragment number of the start, relative to F

  it('lists the fragment at StartTimestamp as soon as the session is issued', () => {
    expect(numbers(replaySession(start), NOW)).toEqual([S]);
  });

  it('adds one fragment per fragment duration, at real speed, then slides like LIVE', () => {
    expect(numbers(replaySession(start), NOW + 2500)).toEqual([S, S + 1, S + 2]);
    expect(numbers(replaySession(start), NOW + 9000)).toEqual([S + 5, S + 6, S + 7, S + 8, S + 9]);
  });

  it('starts at the first fragment that starts at or after StartTimestamp', () => {
    expect(numbers(replaySession(start + 1), NOW)).toEqual([S + 1]);
  });

  it('stops at EndTimestamp (inclusive, against fragment start) and is then ended', () => {
    const session = replaySession(start, start + 3000);
    expect(sessionFragments(session, D, NOW + 2000)).toMatchObject({ ended: false });
    const done = sessionFragments(session, D, NOW + 60 * SECOND);
    expect(done.listed.map((f) => f.fragmentNumber - F)).toEqual([S, S + 1, S + 2, S + 3]);
    expect(done.ended).toBe(true);
  });

  it('waits for its first fragment to be complete when StartTimestamp is at the head', () => {
    const session = replaySession(NOW - 200, undefined, { issuedAtMs: NOW });
    expect(sessionFragments(session, D, NOW)).toEqual({ listed: [], firstInSession: F, ended: false });
    expect(numbers(session, NOW + 1000)).toEqual([0]);
  });

  it('serves from its first fragment to the newest listed one', () => {
    const fragments = sessionFragments(replaySession(start), D, NOW + 9000);
    expect(fragments.servable).toEqual({ first: F + S, last: F + S + 9 });
  });
});

describe('ON_DEMAND', () => {
  const start = NOW - HOUR;
  const S = start / D - F;

  it.each([
    [
      'lists [StartTimestamp, EndTimestamp], both inclusive',
      start,
      start + 3000,
      {},
      [S, S + 1, S + 2, S + 3],
    ],
    [
      'leaves out the fragment that starts before StartTimestamp',
      start + 1,
      start + 3000,
      {},
      [S + 1, S + 2, S + 3],
    ],
    ['leaves out the fragment that starts after EndTimestamp', start, start + 2999, {}, [S, S + 1, S + 2]],
    [
      'keeps the oldest fragments up to maxFragmentResults',
      start,
      start + 3000,
      { maxFragmentResults: 2 },
      [S, S + 1],
    ],
    ['lists nothing after the head', NOW - 2000, NOW + 5000, {}, [-2, -1]],
  ])('%s', (_, startMs, endMs, overrides: Partial<MediaSession>, expected) => {
    const fragments = sessionFragments(onDemandSession(startMs, endMs, overrides), D, NOW);
    expect(fragments.listed.map((f) => f.fragmentNumber - F)).toEqual(expected);
    expect(fragments.ended).toBe(true);
  });

  it('caps at 1,000 fragments by default', () => {
    expect(sessionFragments(onDemandSession(start, start + 2 * HOUR), D, NOW + 2 * HOUR).listed).toHaveLength(
      1000,
    );
  });

  it('is a programming error without EndTimestamp', () => {
    expect(() =>
      sessionFragments(liveSession({ playbackMode: 'ON_DEMAND', startMs: start }), D, NOW),
    ).toThrow(TypeError);
  });
});

describe("the stream's retention (oldestMs, fixed when the session was issued)", () => {
  // a stream that keeps 1 h: at NOW it holds media from NOW - 1 h on
  const oldestMs = NOW - HOUR;
  const O = oldestMs / D - F; // the oldest retained fragment, relative to F

  it('starts an ON_DEMAND range that began before it at the oldest retained fragment', () => {
    const session = onDemandSession(NOW - 20 * HOUR, NOW - 30 * 60 * SECOND, { oldestMs });
    const fragments = sessionFragments(session, D, NOW);
    expect(fragments.listed[0]!.fragmentNumber - F).toBe(O);
    expect(fragments.listed).toHaveLength(1000);
    expect(fragments.firstInSession - F).toBe(O);
    expect(isServable(fragments, F + O - 1)).toBe(false);
    expect(isServable(fragments, F + O)).toBe(true);
  });

  it('starts at the first fragment at or after it when it falls inside a fragment', () => {
    const session = onDemandSession(NOW - 20 * HOUR, NOW - 30 * 60 * SECOND, { oldestMs: oldestMs + 1 });
    expect(numbers(session, NOW)[0]).toBe(O + 1);
  });

  it('leaves a range that starts inside the retention alone', () => {
    const session = onDemandSession(NOW - 10 * SECOND, NOW - 8 * SECOND, { oldestMs });
    expect(numbers(session, NOW)).toEqual([-10, -9, -8]);
  });

  it('lists nothing for a range that ends before its first retained fragment', () => {
    const session = onDemandSession(NOW - 20 * HOUR, oldestMs + 1, { oldestMs: oldestMs + 1 });
    expect(sessionFragments(session, D, NOW)).toMatchObject({ listed: [], ended: true });
  });

  it('replays a LIVE_REPLAY that began before it from the oldest retained fragment, at real speed', () => {
    const session = replaySession(NOW - 20 * HOUR, undefined, { oldestMs });
    expect(numbers(session, NOW)).toEqual([O]);
    expect(numbers(session, NOW + 2000)).toEqual([O, O + 1, O + 2]);
    expect(sessionFragments(session, D, NOW + 2000).servable).toEqual({ first: F + O, last: F + O + 2 });
  });

  it('never lists LIVE fragments older than the stream (created a few seconds ago)', () => {
    const session = liveSession({ oldestMs: NOW - 3 * SECOND, maxFragmentResults: 5000 });
    const fragments = sessionFragments(session, D, NOW);
    expect(fragments.listed.map((f) => f.fragmentNumber - F)).toEqual([-3, -2, -1]);
    expect(fragments.firstInSession - F).toBe(-3);
    expect(isServable(fragments, F - 4)).toBe(false);
  });

  it('never lists LIVE fragments older than the retention, however many are asked for', () => {
    const session = liveSession({ oldestMs, maxFragmentResults: 5000 });
    const { listed } = sessionFragments(session, D, NOW);
    expect(listed[0]!.fragmentNumber - F).toBe(O);
    expect(listed).toHaveLength(3600);
  });
});

describe('every session', () => {
  const sessions = fc.oneof(
    fc.record({ mode: fc.constant('LIVE' as const), issuedAgo: fc.integer({ min: 0, max: HOUR }) }),
    fc.record({
      mode: fc.constantFrom('LIVE_REPLAY' as const, 'ON_DEMAND' as const),
      issuedAgo: fc.integer({ min: 0, max: HOUR }),
      startAgo: fc.integer({ min: -5000, max: 3 * HOUR }),
      length: fc.integer({ min: 1, max: 2 * HOUR }),
    }),
  );

  it('lists consecutive, complete fragments, within its range and cap, all servable', () => {
    fc.assert(
      fc.property(
        sessions,
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 999 }),
        (spec, cap, jitter) => {
          const nowMs = NOW + jitter;
          const startMs = 'startAgo' in spec ? nowMs - spec.startAgo : undefined;
          const endMs = 'length' in spec ? startMs! + spec.length : undefined;
          const session = liveSession({
            playbackMode: spec.mode,
            issuedAtMs: nowMs - spec.issuedAgo,
            maxFragmentResults: cap,
            ...(startMs === undefined ? {} : { startMs }),
            ...(endMs === undefined ? {} : { endMs }),
          });
          const { listed } = sessionFragments(session, D, nowMs);

          expect(listed.length).toBeLessThanOrEqual(cap);
          listed.forEach((fragment, i) => {
            if (i > 0) expect(fragment.fragmentNumber).toBe(listed[i - 1]!.fragmentNumber + 1);
            expect(fragment.startMs + fragment.durationMs).toBeLessThanOrEqual(nowMs);
            if (startMs !== undefined) expect(fragment.startMs).toBeGreaterThanOrEqual(startMs);
            if (endMs !== undefined) expect(fragment.startMs).toBeLessThanOrEqual(endMs);
            expect(isServable(sessionFragments(session, D, nowMs), fragment.fragmentNumber)).toBe(true);
          });
          if (spec.mode === 'LIVE')
            expect(listed.at(-1)!.fragmentNumber).toBe(lastCompleteFragment(nowMs, D));
        },
      ),
    );
  });
});
