import { describe, expect, it } from '@jest/globals';
import { buildHlsMasterPlaylist, buildHlsMediaPlaylist } from '../../../local/media/hls';
import type { MediaSession } from '../../../local/media/session';
import { sessionFragments } from '../../../local/media/timeline';
import { BASE, parse, type Playlist, type Segment } from './m3u8';
import { HOUR, liveSession, MEDIA, NOW, onDemandSession, replaySession, SECOND } from './sessions';

const TOKEN = 'CiD~token_with-odd&chars"<>';
const F = NOW / 1000;

function media(session: MediaSession, nowMs: number): Playlist {
  const fragments = sessionFragments(session, MEDIA.fragmentDurationMs, nowMs);
  return parse(buildHlsMediaPlaylist({ session, sessionToken: TOKEN, nowMs, fragments, media: MEDIA }));
}

const hlsLive = (overrides: Partial<MediaSession> = {}) => liveSession({ protocol: 'HLS', ...overrides });
const fragmentNumber = (segment: Segment) => Number(segment.uri.searchParams.get('FragmentNumber'));

describe('the master playlist', () => {
  it('names one variant with its bandwidth, codecs and resolution, and the media playlist with the token', () => {
    const lines = buildHlsMasterPlaylist({ session: hlsLive(), sessionToken: TOKEN, media: MEDIA }).split(
      '\n',
    );
    expect(lines[0]).toBe('#EXTM3U');
    const inf = lines.findIndex((line) => line.startsWith('#EXT-X-STREAM-INF:'));
    expect(lines[inf]).toBe(
      '#EXT-X-STREAM-INF:BANDWIDTH=90000,CODECS="avc1.42c01e",RESOLUTION=320x180,FRAME-RATE=25.000',
    );
    const uri = new URL(lines[inf + 1]!, BASE);
    expect(uri.pathname).toBe('/hls/v1/getHLSMediaPlaylist.m3u8');
    expect(Object.fromEntries(uri.searchParams)).toEqual({ SessionToken: TOKEN, TrackNumber: '1' });
  });

  it('uses the TS bitrate and names no track, for MPEG_TS', () => {
    const text = buildHlsMasterPlaylist({
      session: hlsLive({ containerFormat: 'MPEG_TS' }),
      sessionToken: TOKEN,
      media: MEDIA,
    });
    expect(text).toContain('BANDWIDTH=115000,');
    const uri = new URL(
      text.split('\n').find((line) => line.startsWith('getHLSMediaPlaylist'))!,
      BASE,
    );
    expect(Object.fromEntries(uri.searchParams)).toEqual({ SessionToken: TOKEN });
  });
});

describe('a LIVE fMP4 media playlist', () => {
  const playlist = media(hlsLive(), NOW + 500);

  it('is version 7 with an EXT-X-MAP init section, and has no end', () => {
    expect(playlist.header.get('EXT-X-VERSION')).toBe('7');
    expect(playlist.header.has('EXT-X-PLAYLIST-TYPE')).toBe(false);
    expect(playlist.endList).toBe(false);
    const maps = playlist.lines.filter((line) => line.startsWith('#EXT-X-MAP:'));
    expect(maps).toHaveLength(1);
    const uri = new URL(/URI="([^"]+)"/.exec(maps[0]!)![1]!, BASE);
    expect(uri.pathname).toBe('/hls/v1/getMP4InitFragment.mp4');
    expect(Object.fromEntries(uri.searchParams)).toEqual({ SessionToken: TOKEN, TrackNumber: '1' });
  });

  it('lists the 5 newest fragments as getMP4MediaFragment URLs that carry the token', () => {
    expect(playlist.segments.map(fragmentNumber)).toEqual([-5, -4, -3, -2, -1].map((k) => F + k));
    for (const { uri } of playlist.segments) {
      expect(uri.pathname).toBe('/hls/v1/getMP4MediaFragment.mp4');
      expect(uri.searchParams.get('SessionToken')).toBe(TOKEN);
      expect(uri.searchParams.get('TrackNumber')).toBe('1');
    }
  });

  it('has a target duration no shorter than any rounded EXTINF', () => {
    const target = Number(playlist.header.get('EXT-X-TARGETDURATION'));
    for (const segment of playlist.segments) {
      expect(segment.duration).toBe(1);
      expect(Math.round(segment.duration)).toBeLessThanOrEqual(target);
    }
  });

  it('numbers segments per session from 0, like KVS, so the media sequence grows as the window slides', () => {
    const later = media(hlsLive(), NOW + 3500);
    expect(playlist.header.get('EXT-X-MEDIA-SEQUENCE')).toBe('0');
    expect(later.header.get('EXT-X-MEDIA-SEQUENCE')).toBe('3');
    for (const segment of [...playlist.segments, ...later.segments]) {
      expect(segment.mediaSequence).toBe(fragmentNumber(segment) - (F - 5));
    }
  });
});

describe('DiscontinuityMode', () => {
  it('ALWAYS: a small discontinuity sequence (hls.js hangs on one the size of a fragment number)', () => {
    const playlist = media(hlsLive({ discontinuityMode: 'ALWAYS' }), NOW + 2500);
    expect(playlist.header.get('EXT-X-DISCONTINUITY-SEQUENCE')).toBe('2');
  });

  it('ALWAYS: a discontinuity before every fragment, and each fragment keeps its discontinuity number as the window slides', () => {
    const first = media(hlsLive({ discontinuityMode: 'ALWAYS' }), NOW + 500);
    const later = media(hlsLive({ discontinuityMode: 'ALWAYS' }), NOW + 2500);
    for (const segment of first.segments) expect(segment.tags).toContain('EXT-X-DISCONTINUITY');
    const numbering = (playlist: Playlist) =>
      playlist.segments.map((s) => [fragmentNumber(s), s.discontinuity]);
    const overlap = numbering(later).filter(([n]) => numbering(first).some(([m]) => m === n));
    expect(overlap).toHaveLength(3);
    expect(overlap).toEqual(numbering(first).filter(([n]) => overlap.some(([m]) => m === n)));
  });

  it.each(['NEVER', 'ON_DISCONTINUITY'] as const)(
    '%s: none, since the emulated stream has no gaps',
    (discontinuityMode) => {
      const playlist = media(hlsLive({ discontinuityMode }), NOW);
      expect(playlist.lines.filter((line) => line.startsWith('#EXT-X-DISCONTINUITY'))).toEqual([]);
    },
  );
});

describe('DisplayFragmentTimestamp', () => {
  it('ALWAYS: each fragment carries its start as EXT-X-PROGRAM-DATE-TIME', () => {
    const playlist = media(hlsLive({ displayFragmentTimestamp: 'ALWAYS' }), NOW);
    for (const segment of playlist.segments) {
      expect(segment.tags).toContain(
        `EXT-X-PROGRAM-DATE-TIME:${new Date(fragmentNumber(segment) * 1000).toISOString()}`,
      );
    }
  });

  it('NEVER: no dates', () => {
    expect(media(hlsLive(), NOW).lines.filter((line) => line.startsWith('#EXT-X-PROGRAM-DATE-TIME'))).toEqual(
      [],
    );
  });
});

describe('an MPEG_TS media playlist', () => {
  const playlist = media(hlsLive({ containerFormat: 'MPEG_TS' }), NOW);

  it('is version 3, without EXT-X-MAP, listing getTSFragment URLs with the token and no track', () => {
    expect(playlist.header.get('EXT-X-VERSION')).toBe('3');
    expect(playlist.lines.filter((line) => line.startsWith('#EXT-X-MAP'))).toEqual([]);
    for (const segment of playlist.segments) {
      expect(segment.uri.pathname).toBe('/hls/v1/getTSFragment.ts');
      expect(Object.fromEntries(segment.uri.searchParams)).toEqual({
        FragmentNumber: String(fragmentNumber(segment)),
        SessionToken: TOKEN,
      });
    }
  });
});

describe('an ON_DEMAND media playlist', () => {
  const start = NOW - HOUR;

  it('is a VOD playlist of exactly the requested range, ending with EXT-X-ENDLIST', () => {
    const playlist = media(onDemandSession(start, start + 19 * SECOND, { protocol: 'HLS' }), NOW);
    expect(playlist.header.get('EXT-X-PLAYLIST-TYPE')).toBe('VOD');
    expect(playlist.endList).toBe(true);
    expect(playlist.lines.at(-2)).toBe('#EXT-X-ENDLIST');
    expect(playlist.segments.map(fragmentNumber)).toEqual([...Array(20).keys()].map((i) => start / 1000 + i));
  });

  it('keeps the oldest fragments up to maxFragmentResults', () => {
    const playlist = media(
      onDemandSession(start, start + 19 * SECOND, { protocol: 'HLS', maxFragmentResults: 3 }),
      NOW,
    );
    expect(playlist.segments.map(fragmentNumber)).toEqual([0, 1, 2].map((i) => start / 1000 + i));
  });
});

describe('a LIVE_REPLAY media playlist', () => {
  const start = NOW - HOUR;

  it('grows from StartTimestamp without an end, then ends once it has listed EndTimestamp', () => {
    const session = replaySession(start, start + 4 * SECOND, { protocol: 'HLS' });
    const early = media(session, NOW + 1000);
    expect(early.segments.map(fragmentNumber)).toEqual([0, 1].map((i) => start / 1000 + i));
    expect(early.endList).toBe(false);
    const done = media(session, NOW + 60 * SECOND);
    expect(done.endList).toBe(true);
    expect(done.header.has('EXT-X-PLAYLIST-TYPE')).toBe(false);
    expect(fragmentNumber(done.segments.at(-1)!)).toBe(start / 1000 + 4);
  });
});
