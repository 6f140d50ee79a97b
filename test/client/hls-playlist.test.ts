// Media playlists of a renewed KVS session restart their numbering at 0; the continuity rewrite makes them go on
// from the numbers the player already has, matched by FragmentNumber.
import { describe, expect, it } from '@jest/globals';
import { createPlaylistContinuity } from '../../client';

const BASE = 'https://b-1.kinesisvideo.eu-west-1.amazonaws.com/hls/v1';
const playlistUrl = (token: string) => `${BASE}/getHLSMediaPlaylist.m3u8?SessionToken=${token}&TrackNumber=1`;

/** A LIVE fMP4 playlist as KVS writes it with DiscontinuityMode ALWAYS (or NEVER: `always` false). */
function playlist(token: string, sequence: number, fragments: number[], always = true): string {
  return [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    '#EXT-X-TARGETDURATION:1',
    `#EXT-X-MEDIA-SEQUENCE:${sequence}`,
    ...(always ? [`#EXT-X-DISCONTINUITY-SEQUENCE:${sequence}`] : []),
    '#EXT-X-INDEPENDENT-SEGMENTS',
    ...fragments.flatMap((f, i) => [
      ...(always ? ['#EXT-X-DISCONTINUITY'] : []),
      ...(i === 0 ? [`#EXT-X-MAP:URI="getMP4InitFragment.mp4?SessionToken=${token}&TrackNumber=1"`] : []),
      '#EXTINF:1.000,',
      `getMP4MediaFragment.mp4?FragmentNumber=${f}&SessionToken=${token}&TrackNumber=1`,
    ]),
    '',
  ].join('\n');
}

const headers = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.startsWith('#EXT-X-MEDIA-SEQUENCE') || l.startsWith('#EXT-X-DISCONTINUITY-SEQ'));

describe('createPlaylistContinuity', () => {
  it('leaves one session alone while its window slides', () => {
    const c = createPlaylistContinuity();
    const first = playlist('A', 10, [110, 111, 112]);
    const next = playlist('A', 11, [111, 112, 113]);
    expect(c.rewrite(playlistUrl('A'), first)).toBe(first);
    expect(c.rewrite(playlistUrl('A'), next)).toBe(next);
  });

  it("continues the old session's numbers in the renewed session's playlist, and keeps doing so", () => {
    const c = createPlaylistContinuity();
    c.rewrite(playlistUrl('A'), playlist('A', 240, [340, 341, 342]));
    // the new session lists from its own first fragment, 341, as sequence 0
    const renewed = c.rewrite(playlistUrl('B'), playlist('B', 0, [341, 342, 343]));
    expect(headers(renewed)).toEqual(['#EXT-X-MEDIA-SEQUENCE:241', '#EXT-X-DISCONTINUITY-SEQUENCE:241']);
    expect(renewed).toBe(playlist('B', 241, [341, 342, 343]));
    const later = c.rewrite(playlistUrl('B'), playlist('B', 2, [343, 344, 345]));
    expect(headers(later)).toEqual(['#EXT-X-MEDIA-SEQUENCE:243', '#EXT-X-DISCONTINUITY-SEQUENCE:243']);
  });

  it('moves the discontinuity sequence by its own offset when the mode is not ALWAYS', () => {
    const c = createPlaylistContinuity();
    c.rewrite(playlistUrl('A'), playlist('A', 7, [57, 58], false));
    const renewed = c.rewrite(playlistUrl('B'), playlist('B', 0, [58, 59], false));
    expect(headers(renewed)).toEqual(['#EXT-X-MEDIA-SEQUENCE:8']);
  });

  it('keeps the offset when the windows share no fragment, and keeps playlists of other tracks apart', () => {
    const c = createPlaylistContinuity();
    c.rewrite(playlistUrl('A'), playlist('A', 100, [200, 201]));
    c.rewrite(playlistUrl('B'), playlist('B', 0, [201, 202]));
    expect(headers(c.rewrite(playlistUrl('B'), playlist('B', 9, [210, 211])))[0]).toBe(
      '#EXT-X-MEDIA-SEQUENCE:110', // fragment 210: 100 + 10 in the first session's numbers,
    );
    const otherTrack = `${BASE}/getHLSMediaPlaylist.m3u8?SessionToken=B&TrackNumber=2`;
    expect(headers(c.rewrite(otherTrack, playlist('B', 0, [201, 202])))[0]).toBe('#EXT-X-MEDIA-SEQUENCE:0');
  });

  it('passes master playlists and anything else through untouched', () => {
    const master = '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\ngetHLSMediaPlaylist.m3u8?SessionToken=A\n';
    expect(createPlaylistContinuity().rewrite(playlistUrl('A'), master)).toBe(master);
    expect(createPlaylistContinuity().rewrite(playlistUrl('A'), 'not a playlist')).toBe('not a playlist');
  });
});
