import { describe, expect, it } from '@jest/globals';
import { buildDashManifest, KVS_DASH_NAMESPACE } from '../../../local/media/dash';
import type { MediaSession } from '../../../local/media/session';
import { sessionFragments } from '../../../local/media/timeline';
import { HOUR, liveSession, MEDIA, NOW, onDemandSession, replaySession, SECOND } from './sessions';
import { elements, only, parseXml, type XmlElement } from './xml';

const TOKEN = 'CiD~token_with-odd&chars"<$Number$>';
const F = NOW / 1000;

function mpd(session: MediaSession, nowMs: number, sessionToken = TOKEN): XmlElement {
  const fragments = sessionFragments(session, MEDIA.fragmentDurationMs, nowMs);
  return parseXml(buildDashManifest({ session, sessionToken, nowMs, fragments, media: MEDIA }));
}

interface Segment {
  /** $Number$: the fragment's number in the session. */
  number: number;
  /** The KVS fragment its media time names (1 s fragments at 90 kHz). */
  fragment: number;
  t: number;
  d: number;
  attributes: Readonly<Record<string, string>>;
}

/** The segments a SegmentTemplate + SegmentTimeline describe, numbered from startNumber. */
function segments(root: XmlElement): Segment[] {
  const template = only(root, 'SegmentTemplate');
  let t = 0;
  return elements(root, 'S').map((s, i) => {
    expect(s.attributes.r).toBeUndefined();
    t = s.attributes.t === undefined ? t : Number(s.attributes.t);
    const segment = {
      number: Number(template.attributes.startNumber) + i,
      fragment: t / 90_000,
      t,
      d: Number(s.attributes.d),
      attributes: s.attributes,
    };
    t += segment.d;
    return segment;
  });
}

/** When a segment of a dynamic MPD becomes available: AST + Period@start + (t + d - PTO) / timescale. */
function availableAtMs(root: XmlElement, segment: Segment): number {
  const template = only(root, 'SegmentTemplate');
  const timescale = Number(template.attributes.timescale);
  const pto = Number(template.attributes.presentationTimeOffset ?? 0);
  const periodStartMs = seconds(only(root, 'Period').attributes.start!) * 1000;
  return (
    Date.parse(root.attributes.availabilityStartTime!) +
    periodStartMs +
    ((segment.t + segment.d - pto) * 1000) / timescale
  );
}

function seconds(duration: string): number {
  const match = /^PT(\d+(?:\.\d+)?)S$/.exec(duration);
  if (!match) throw new Error(`unexpected duration ${duration}`);
  return Number(match[1]);
}

describe('a LIVE manifest', () => {
  const root = mpd(liveSession(), NOW + 500);

  it('is a dynamic isoff-live MPD that asks to be refreshed every fragment', () => {
    expect(root.name).toBe('MPD');
    expect(root.attributes).toMatchObject({
      xmlns: 'urn:mpeg:dash:schema:mpd:2011',
      profiles: 'urn:mpeg:dash:profile:isoff-live:2011',
      type: 'dynamic',
      minimumUpdatePeriod: 'PT1S',
      publishTime: new Date(NOW + 500).toISOString(),
    });
    expect(root.attributes.mediaPresentationDuration).toBeUndefined();
  });

  it('carries the emulator clock as a direct UTCTiming source', () => {
    expect(only(root, 'UTCTiming').attributes).toEqual({
      schemeIdUri: 'urn:mpeg:dash:utc:direct:2014',
      value: new Date(NOW + 500).toISOString(),
    });
  });

  it('describes one H.264 video representation', () => {
    expect(only(root, 'AdaptationSet').attributes).toMatchObject({
      mimeType: 'video/mp4',
      contentType: 'video',
      startWithSAP: '1',
    });
    expect(only(root, 'Representation').attributes).toMatchObject({
      codecs: 'avc1.42c01e',
      bandwidth: '90000',
      width: '320',
      height: '180',
      frameRate: '25',
    });
  });

  it('lists the 5 newest fragments, numbered in the session from 0, at epoch-based media times', () => {
    expect(segments(root).map(({ number, t, d }) => ({ number, t, d }))).toEqual(
      [-5, -4, -3, -2, -1].map((k, i) => ({ number: i, t: (F + k) * 90_000, d: 90_000 })),
    );
  });

  it('makes its newest fragment available by its own clock arithmetic, and the oldest within the time-shift buffer', () => {
    const listed = segments(root);
    const newest = availableAtMs(root, listed.at(-1)!);
    expect(newest).toBeLessThanOrEqual(NOW + 500);
    expect(newest).toBeGreaterThan(NOW + 500 - 1000);
    expect(NOW + 500 - availableAtMs(root, listed[0]!)).toBeLessThanOrEqual(
      seconds(root.attributes.timeShiftBufferDepth!) * 1000,
    );
  });

  it('slides with the clock', () => {
    const later = segments(mpd(liveSession(), NOW + 2500));
    expect(later.map((s) => s.fragment)).toEqual([-3, -2, -1, 0, 1].map((k) => F + k));
    // numbered from the session's first fragment (F - 5, when it was issued), so the numbers slide too
    expect(later.map((s) => s.number)).toEqual([2, 3, 4, 5, 6]);
  });

  it('carries the SessionToken on the init and media URLs, and $Number$ only where the template wants it', () => {
    const template = only(root, 'SegmentTemplate').attributes;
    const init = new URL(template.initialization!, 'https://kvs.example/dash/v1/getDASHManifest.mpd');
    const media = new URL(
      template.media!.replace('$Number$', '42'),
      'https://kvs.example/dash/v1/getDASHManifest.mpd',
    );

    expect(init.pathname).toBe('/dash/v1/getMP4InitFragment.mp4');
    expect(Object.fromEntries(init.searchParams)).toEqual({ SessionToken: TOKEN, TrackNumber: '1' });
    expect(media.pathname).toBe('/dash/v1/getMP4MediaFragment.mp4');
    expect(Object.fromEntries(media.searchParams)).toEqual({
      FragmentNumber: '42',
      SessionToken: TOKEN,
      TrackNumber: '1',
    });
    expect(template.media!.split('$Number$')).toHaveLength(2);
  });

  it('adds no kvs: attributes unless asked', () => {
    expect(root.attributes['xmlns:kvs']).toBeUndefined();
    for (const segment of segments(root))
      expect(Object.keys(segment.attributes).filter((a) => a.startsWith('kvs:'))).toEqual([]);
  });
});

describe('DisplayFragmentNumber and DisplayFragmentTimestamp', () => {
  it.each([
    ['ALWAYS', 'NEVER', ['kvs:fn']],
    ['NEVER', 'ALWAYS', ['kvs:ts']],
    ['ALWAYS', 'ALWAYS', ['kvs:fn', 'kvs:ts']],
  ] as const)(
    'number %s, timestamp %s: every S carries %j',
    (displayFragmentNumber, displayFragmentTimestamp, expected) => {
      const root = mpd(liveSession({ displayFragmentNumber, displayFragmentTimestamp }), NOW);
      expect(root.attributes['xmlns:kvs']).toBe(KVS_DASH_NAMESPACE);
      for (const segment of segments(root)) {
        expect(
          Object.keys(segment.attributes)
            .filter((a) => a.startsWith('kvs:'))
            .sort(),
        ).toEqual(expected);
        if (expected.includes('kvs:fn' as never))
          expect(segment.attributes['kvs:fn']).toBe(String(segment.fragment));
        if (expected.includes('kvs:ts' as never))
          expect(segment.attributes['kvs:ts']).toBe(String(segment.fragment * 1000));
      }
    },
  );
});

describe('an ON_DEMAND manifest', () => {
  const start = NOW - HOUR;
  const root = mpd(onDemandSession(start, start + 9 * SECOND), NOW);

  it('is static, as long as its fragments, with no refresh', () => {
    expect(root.attributes).toMatchObject({ type: 'static', mediaPresentationDuration: 'PT10S' });
    expect(root.attributes.minimumUpdatePeriod).toBeUndefined();
    expect(root.attributes.availabilityStartTime).toBeUndefined();
    expect(elements(root, 'UTCTiming')).toEqual([]);
  });

  it('lists exactly the requested range, presented from time 0', () => {
    const listed = segments(root);
    expect(listed.map((s) => s.fragment)).toEqual([...Array(10).keys()].map((i) => start / 1000 + i));
    expect(listed.map((s) => s.number)).toEqual([...Array(10).keys()]);
    const pto = Number(only(root, 'SegmentTemplate').attributes.presentationTimeOffset);
    expect(listed[0]!.t - pto).toBe(0);
  });

  it('caps the list at maxFragmentResults', () => {
    expect(
      segments(mpd(onDemandSession(start, start + 9 * SECOND, { maxFragmentResults: 4 }), NOW)),
    ).toHaveLength(4);
  });
});

describe('a LIVE_REPLAY manifest', () => {
  const start = NOW - HOUR;

  it('is dynamic, and its newest fragment is available by its own clock arithmetic as the replay advances', () => {
    for (const elapsed of [0, 700, 3000, 12_400]) {
      const root = mpd(replaySession(start), NOW + elapsed);
      expect(root.attributes.type).toBe('dynamic');
      const listed = segments(root);
      const newest = availableAtMs(root, listed.at(-1)!);
      expect(newest).toBeLessThanOrEqual(NOW + elapsed);
      expect(newest).toBeGreaterThan(NOW + elapsed - 1000);
    }
  });

  it('keeps one anchor across refreshes, so a fragment keeps its presentation time', () => {
    const first = mpd(replaySession(start), NOW + 2000);
    const later = mpd(replaySession(start), NOW + 4000);
    const at = (root: XmlElement, number: number) =>
      availableAtMs(
        root,
        segments(root).find((s) => s.fragment === number)!,
      );
    expect(at(later, start / 1000 + 2)).toBe(at(first, start / 1000 + 2));
  });

  it("replays from the oldest retained fragment when StartTimestamp is older than the stream's retention", () => {
    const session = replaySession(NOW - 20 * HOUR, undefined, { oldestMs: NOW - HOUR });
    for (const elapsed of [0, 3000]) {
      const root = mpd(session, NOW + elapsed);
      const listed = segments(root);
      expect(listed[0]!.fragment).toBe(F - 3600);
      const newest = availableAtMs(root, listed.at(-1)!);
      expect(newest).toBeLessThanOrEqual(NOW + elapsed);
      expect(newest).toBeGreaterThan(NOW + elapsed - 1000);
    }
  });

  it('once it has listed EndTimestamp, stops asking for refreshes and says where it ends', () => {
    const root = mpd(replaySession(start, start + 2 * SECOND), NOW + 30 * SECOND);
    expect(root.attributes.minimumUpdatePeriod).toBeUndefined();
    expect(root.attributes.mediaPresentationDuration).toBe('PT3S');
  });
});

it('refuses to build a manifest with no fragments', () => {
  const session = replaySession(NOW - 100);
  const fragments = sessionFragments(session, 1000, NOW);
  expect(() =>
    buildDashManifest({ session, sessionToken: 'T', nowMs: NOW, fragments, media: MEDIA }),
  ).toThrow(RangeError);
});
