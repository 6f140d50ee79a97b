// Reading HLS media playlists in the media tests, as a player reads them.
import { expect } from '@jest/globals';

export const BASE = 'https://kvs.example/hls/v1/getHLSMasterPlaylist.m3u8';

export interface Segment {
  /** Tags between the previous segment and this one's URI, without '#'. */
  tags: string[];
  uri: URL;
  duration: number;
  mediaSequence: number;
  /** The discontinuity sequence number, counted as RFC 8216 6.2.2 (and hls.js) count it. */
  discontinuity: number;
}

export interface Playlist {
  header: Map<string, string>;
  segments: Segment[];
  endList: boolean;
  lines: string[];
}

/** Reads a media playlist the way a player does. */
export function parse(text: string): Playlist {
  const lines = text.split('\n');
  expect(lines[0]).toBe('#EXTM3U');
  expect(lines.at(-1)).toBe('');
  const header = new Map<string, string>();
  const segments: Segment[] = [];
  let pending: string[] = [];
  let seenSegment = false;
  let endList = false;
  let discontinuity = 0;
  for (const line of lines.slice(1, -1)) {
    if (line === '#EXT-X-ENDLIST') {
      endList = true;
    } else if (line.startsWith('#')) {
      const [name, value = ''] = line.slice(1).split(/:(.*)/s);
      if (
        !seenSegment &&
        pending.length === 0 &&
        !['EXTINF', 'EXT-X-DISCONTINUITY', 'EXT-X-MAP', 'EXT-X-PROGRAM-DATE-TIME'].includes(name!)
      ) {
        header.set(name!, value);
      } else {
        pending.push(line.slice(1));
      }
    } else {
      seenSegment = true;
      if (segments.length === 0) discontinuity = Number(header.get('EXT-X-DISCONTINUITY-SEQUENCE') ?? 0);
      if (pending.includes('EXT-X-DISCONTINUITY')) discontinuity++;
      const extinf = pending.find((tag) => tag.startsWith('EXTINF:'));
      expect(extinf).toBeDefined();
      segments.push({
        tags: pending,
        uri: new URL(line, BASE),
        duration: Number(extinf!.slice('EXTINF:'.length).split(',')[0]),
        mediaSequence: Number(header.get('EXT-X-MEDIA-SEQUENCE')) + segments.length,
        discontinuity,
      });
      pending = [];
    }
  }
  expect(pending).toEqual([]);
  return { header, segments, endList, lines };
}
