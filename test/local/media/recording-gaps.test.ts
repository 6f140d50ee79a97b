// A motion-triggered camera (`recording`: media only in the first forSeconds of every everySeconds): which fragments
// its sessions list, number and serve, and how the HLS playlists and DASH manifests show the gaps.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { isRecording } from '../../../local/emulator/archive';
import { buildDashManifest } from '../../../local/media/dash';
import { buildHlsMediaPlaylist } from '../../../local/media/hls';
import { RecordedFragments } from '../../../local/media/recorded';
import type { MediaSession } from '../../../local/media/session';
import { fragmentOfSequence, isServable, sessionFragments } from '../../../local/media/timeline';
import { parse } from './m3u8';
import { liveSession, MEDIA, NOW, onDemandSession, replaySession, SECOND } from './sessions';
import { elements, only, parseXml } from './xml';

const D = 1000;
/** The fragment that starts at NOW: a multiple of 4, so a recording run (F, F + 1) starts here. */
const F = NOW / D;
const RECORDING = { everySeconds: 4, forSeconds: 2 };
const gaps = { recording: RECORDING };
const recorded = (n: number) => isRecording(RECORDING, n * D);

const numbers = (session: MediaSession, nowMs: number) =>
  sessionFragments(session, D, nowMs).listed.map((f) => f.fragmentNumber - F);

describe('RecordedFragments counts what isRecording (the archive APIs) holds, without walking it', () => {
  const schedules = fc
    .record({
      durationMs: fc.constantFrom(500, 1000, 2000, 3000),
      everySeconds: fc.integer({ min: 2, max: 30 }),
      forFraction: fc.double({ min: 0, max: 0.99, noNaN: true }),
      from: fc.integer({ min: 0, max: 2_000_000_000 }),
      length: fc.integer({ min: 0, max: 120 }),
    })
    .map((r) => ({
      ...r,
      recording: {
        everySeconds: r.everySeconds,
        forSeconds: 1 + Math.floor(r.forFraction * (r.everySeconds - 1)),
      },
    }));

  it('agrees fragment by fragment: recorded, ranks, gap ends', () => {
    fc.assert(
      fc.property(schedules, ({ durationMs, recording, from, length }) => {
        const schedule = new RecordedFragments(durationMs, recording);
        const held = (n: number) => isRecording(recording, n * durationMs);
        let count = 0;
        let gapEnds = 0;
        let lastGapEnd: number | undefined;
        for (let n = from; n < from + length; n++) {
          expect(schedule.isRecorded(n)).toBe(held(n));
          expect(schedule.rank(n) - schedule.rank(from)).toBe(count);
          if (held(n)) {
            expect(schedule.fragmentOfRank(schedule.rank(n))).toBe(n);
            count++;
          }
          if (n > from && held(n) && !held(n - 1)) {
            gapEnds++;
            lastGapEnd = n;
          }
          expect(schedule.gapsUpTo(n) - schedule.gapsUpTo(from)).toBe(gapEnds);
          if (lastGapEnd !== undefined) expect(schedule.lastGapEndUpTo(n)).toBe(lastGapEnd);
        }
        expect(schedule.countBetween(from, from + length - 1)).toBe(count);
      }),
    );
  });

  it('holds every fragment, with no gap, without a schedule', () => {
    const always = new RecordedFragments(D);
    expect(always.isRecorded(F + 3)).toBe(true);
    expect(always.rank(F + 3) - always.rank(F)).toBe(3);
    expect(always.gapsUpTo(F + 100)).toBe(0);
    expect(always.lastGapEndUpTo(F)).toBeUndefined();
  });
});

describe('sessions list recorded fragments only, and the cap counts those', () => {
  it('ON_DEMAND lists the recorded fragments of its range, numbered from 0 across the gaps', () => {
    const fragments = sessionFragments(onDemandSession(NOW - 20 * SECOND, NOW - 9 * SECOND, gaps), D, NOW);
    expect(fragments.listed.map((f) => f.fragmentNumber - F)).toEqual([-20, -19, -16, -15, -12, -11]);
    expect(fragments.listed.map((f) => f.sequence)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(fragments.listed.map((f) => f.afterGap)).toEqual([false, false, true, false, true, false]);
    expect(fragments.listed.map((f) => f.gapsBefore)).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it('caps ON_DEMAND at maxFragmentResults listed fragments, not at a span of time', () => {
    const session = onDemandSession(NOW - 20 * SECOND, NOW - 9 * SECOND, { ...gaps, maxFragmentResults: 3 });
    expect(numbers(session, NOW)).toEqual([-20, -19, -16]);
  });

  it('starts a range that opens in a gap at the first recorded fragment after it', () => {
    expect(numbers(onDemandSession(NOW - 18 * SECOND, NOW - 15 * SECOND, gaps), NOW)).toEqual([-16, -15]);
  });

  it('lists nothing for a range inside a gap', () => {
    const fragments = sessionFragments(onDemandSession(NOW - 18 * SECOND, NOW - 17 * SECOND, gaps), D, NOW);
    expect(fragments.listed).toEqual([]);
    expect(fragments.servable).toBeUndefined();
  });

  it('refuses a fragment in a gap even inside the range it has listed', () => {
    const fragments = sessionFragments(onDemandSession(NOW - 20 * SECOND, NOW - 9 * SECOND, gaps), D, NOW);
    expect(isServable(fragments, F - 16)).toBe(true);
    expect(isServable(fragments, F - 18)).toBe(false);
    expect(isServable(fragments, F - 17)).toBe(false);
    expect(isServable(fragments, F - 9)).toBe(false);
  });

  it('LIVE lists the newest recorded fragments, a gap at the head or not', () => {
    // at NOW + 500 the head is F - 1, in a gap
    expect(numbers(liveSession(gaps), NOW + 500)).toEqual([-11, -8, -7, -4, -3]);
    expect(numbers(liveSession(gaps), NOW + 2500)).toEqual([-7, -4, -3, 0, 1]);
  });

  it('LIVE_REPLAY starting in a gap lists the first recorded fragment at once, then runs at real speed through the gaps', () => {
    const session = replaySession(NOW - 62 * SECOND, NOW - 50 * SECOND, gaps);
    expect(numbers(session, NOW)).toEqual([-60]);
    expect(numbers(session, NOW + 1000)).toEqual([-60, -59]);
    expect(numbers(session, NOW + 3900)).toEqual([-60, -59]);
    expect(numbers(session, NOW + 4000)).toEqual([-60, -59, -56]);
    expect(sessionFragments(session, D, NOW + 8000).ended).toBe(false);
    const done = sessionFragments(session, D, NOW + 60 * SECOND);
    expect(done.listed.map((f) => f.fragmentNumber - F)).toEqual([-59, -56, -55, -52, -51]);
    expect(done.ended).toBe(true);
  });

  it('numbers a fragment the same on every reload, and maps a DASH number back to it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60_000 }), fc.integer({ min: 0, max: 60_000 }), (a, b) => {
        const session = liveSession(gaps);
        const [early, late] = [sessionFragments(session, D, NOW + a), sessionFragments(session, D, NOW + b)];
        for (const f of early.listed) {
          const same = late.listed.find((g) => g.fragmentNumber === f.fragmentNumber);
          if (same)
            expect([same.sequence, same.gapsBefore, same.runStart]).toEqual([
              f.sequence,
              f.gapsBefore,
              f.runStart,
            ]);
          expect(fragmentOfSequence(session, early, D, f.sequence)).toBe(f.fragmentNumber);
        }
        early.listed.forEach((f, i) => {
          if (i > 0) expect(f.sequence).toBe(early.listed[i - 1]!.sequence + 1);
          expect(recorded(f.fragmentNumber)).toBe(true);
        });
      }),
    );
  });
});

describe('HLS media playlists over gaps', () => {
  const hls = (session: MediaSession, nowMs: number) => {
    const fragments = sessionFragments(session, D, nowMs);
    return parse(buildHlsMediaPlaylist({ session, sessionToken: 'T', nowMs, fragments, media: MEDIA }));
  };
  const fragmentOf = (uri: URL) => Number(uri.searchParams.get('FragmentNumber'));

  it('ON_DISCONTINUITY: EXT-X-DISCONTINUITY exactly where a gap lies ("between fragments that have a gap")', () => {
    const session = onDemandSession(NOW - 20 * SECOND, NOW - 9 * SECOND, {
      ...gaps,
      protocol: 'HLS',
      discontinuityMode: 'ON_DISCONTINUITY',
    });
    const { segments, header } = hls(session, NOW);
    expect(segments.map((s) => fragmentOf(s.uri) - F)).toEqual([-20, -19, -16, -15, -12, -11]);
    expect(segments.map((s) => s.tags.includes('EXT-X-DISCONTINUITY'))).toEqual([
      false,
      false,
      true,
      false,
      true,
      false,
    ]);
    expect(header.get('EXT-X-MEDIA-SEQUENCE')).toBe('0');
    expect(header.has('EXT-X-DISCONTINUITY-SEQUENCE')).toBe(false);
  });

  it.each([
    ['ALWAYS', (i: number) => i >= 0],
    ['NEVER', () => false],
  ] as const)('%s: its own rule, gaps or not', (discontinuityMode, tagged) => {
    const session = onDemandSession(NOW - 20 * SECOND, NOW - 9 * SECOND, {
      ...gaps,
      protocol: 'HLS',
      discontinuityMode,
    });
    const { segments } = hls(session, NOW);
    expect(segments.map((s) => s.tags.includes('EXT-X-DISCONTINUITY'))).toEqual(
      segments.map((_, i) => tagged(i)),
    );
  });

  it.each(['ALWAYS', 'NEVER', 'ON_DISCONTINUITY'] as const)(
    'LIVE, %s: each fragment keeps its media and discontinuity sequence numbers on every reload',
    (discontinuityMode) => {
      const session = liveSession({ ...gaps, protocol: 'HLS', discontinuityMode, maxFragmentResults: 4 });
      const seen = new Map<number, [number, number]>();
      for (let t = 0; t <= 30_000; t += 250) {
        const playlist = hls(session, NOW + t);
        playlist.segments.forEach((s, i) => {
          const n = fragmentOf(s.uri);
          const numbers: [number, number] = [s.mediaSequence, s.discontinuity];
          expect(seen.get(n) ?? numbers).toEqual(numbers);
          seen.set(n, numbers);
          if (discontinuityMode === 'ON_DISCONTINUITY' && i > 0) {
            const previous = playlist.segments[i - 1]!;
            expect(s.discontinuity - previous.discontinuity).toBe(n === fragmentOf(previous.uri) + 1 ? 0 : 1);
          }
        });
      }
      // media sequence numbers count fragments, not seconds: consecutive over the recorded ones
      const sequences = [...seen.entries()].sort(([a], [b]) => a - b).map(([, [m]]) => m);
      expect(sequences).toEqual(sequences.map((_, i) => sequences[0]! + i));
    },
  );
});

describe('DASH manifests over gaps', () => {
  const mpd = (session: MediaSession, nowMs: number) => {
    const fragments = sessionFragments(session, D, nowMs);
    return parseXml(buildDashManifest({ session, sessionToken: 'T', nowMs, fragments, media: MEDIA }));
  };
  const seconds = (duration: string) => Number(/^PT([\d.]+)S$/.exec(duration)![1]);
  /** Each segment: its $Number$, the fragment its media time names, and when it is presented (ms). */
  const segments = (root: ReturnType<typeof parseXml>) =>
    elements(root, 'Period').flatMap((period) => {
      const template = only(period, 'SegmentTemplate').attributes;
      const pto = Number(template.presentationTimeOffset ?? 0);
      let t = 0;
      return elements(period, 'S').map((s, i) => {
        t = s.attributes.t === undefined ? t : Number(s.attributes.t);
        const segment = {
          number: Number(template.startNumber) + i,
          fragment: t / 90_000,
          presentedAtMs: seconds(period.attributes.start!) * 1000 + ((t - pto) * 1000) / 90_000,
        };
        t += Number(s.attributes.d);
        return segment;
      });
    });

  it('ON_DEMAND: a Period per run, numbers running on across them, the gaps kept in the presentation', () => {
    const root = mpd(onDemandSession(NOW - 20 * SECOND, NOW - 9 * SECOND, gaps), NOW);
    expect(elements(root, 'Period').map((p) => p.attributes.start)).toEqual(['PT0S', 'PT4S', 'PT8S']);
    expect(segments(root)).toEqual(
      [-20, -19, -16, -15, -12, -11].map((k, i) => ({
        number: i,
        fragment: F + k,
        presentedAtMs: (k + 20) * 1000,
      })),
    );
    expect(root.attributes.mediaPresentationDuration).toBe('PT10S');
  });

  it('LIVE: a segment keeps its Period, number and presentation time (its epoch time) on every refresh', () => {
    const session = liveSession(gaps);
    const seen = new Map<number, string>();
    for (let t = 0; t <= 30_000; t += 500) {
      const root = mpd(session, NOW + t);
      for (const period of elements(root, 'Period')) {
        const first = Number(elements(period, 'S')[0]!.attributes.t) / 90_000;
        expect(recorded(first)).toBe(true);
      }
      for (const s of segments(root)) {
        expect(s.presentedAtMs).toBe(s.fragment * D);
        const key = JSON.stringify(s);
        expect(seen.get(s.fragment) ?? key).toBe(key);
        seen.set(s.fragment, key);
      }
    }
  });

  it('LIVE_REPLAY: each listed segment is available by the MPD clock once listed, at one presentation time throughout', () => {
    const session = replaySession(NOW - 62 * SECOND, undefined, gaps);
    const seen = new Map<number, number>();
    for (let t = 0; t <= 20_000; t += 250) {
      const root = mpd(session, NOW + t);
      const availabilityStartMs = Date.parse(root.attributes.availabilityStartTime!);
      for (const s of segments(root)) {
        expect(availabilityStartMs + s.presentedAtMs + D).toBeLessThanOrEqual(NOW + t);
        expect(seen.get(s.fragment) ?? s.presentedAtMs).toBe(s.presentedAtMs);
        seen.set(s.fragment, s.presentedAtMs);
      }
    }
    // the replay runs at real speed through its gaps: F - 56 is presented 4 s after F - 60
    expect(seen.get(F - 56)! - seen.get(F - 60)!).toBe(4000);
  });

  it('LIVE: asks players to start on a listed fragment, also when the clock minus 3 fragments is in a gap', () => {
    for (let t = 0; t <= 8000; t += 100) {
      const root = mpd(liveSession(gaps), NOW + t);
      const startMs = NOW + t - seconds(root.attributes.suggestedPresentationDelay!) * 1000;
      const on = segments(root).filter((s) => s.presentedAtMs <= startMs && startMs < s.presentedAtMs + D);
      expect(on).toHaveLength(1);
    }
  });
});
