// GetHLSMasterPlaylist and GetHLSMediaPlaylist (RFC 8216): fMP4 with EXT-X-MAP, or MPEG-TS.
import type { ManifestInput } from './manifest';
import { Resource, resourceUrl, VIDEO_TRACK_NUMBER } from './resources';
import type { MediaSession } from './session';

/** Version 7 for fMP4 with EXT-X-MAP (6 is the minimum, KVS says 7); 3 for TS with decimal EXTINF. */
function playlistVersion(session: MediaSession): number {
  return session.containerFormat === 'FRAGMENTED_MP4' ? 7 : 3;
}

function isFmp4(session: MediaSession): boolean {
  return session.containerFormat === 'FRAGMENTED_MP4';
}

/** The query that names the track, where the container has one track per playlist. */
function trackParams(session: MediaSession): Record<string, string> {
  return isFmp4(session) ? { TrackNumber: VIDEO_TRACK_NUMBER } : {};
}

export type MasterPlaylistInput = Pick<ManifestInput, 'session' | 'sessionToken' | 'media'>;

/** One variant: the media playlist of the video track. */
export function buildHlsMasterPlaylist({ session, sessionToken, media }: MasterPlaylistInput): string {
  const { video } = media;
  const streamInf = [
    `BANDWIDTH=${isFmp4(session) ? media.peakBitrate.mp4 : media.peakBitrate.ts}`,
    `CODECS="${video.codecs}"`,
    `RESOLUTION=${video.width}x${video.height}`,
    `FRAME-RATE=${video.frameRate.toFixed(3)}`,
  ].join(',');
  return [
    '#EXTM3U',
    `#EXT-X-VERSION:${playlistVersion(session)}`,
    '#EXT-X-INDEPENDENT-SEGMENTS',
    `#EXT-X-STREAM-INF:${streamInf}`,
    resourceUrl(Resource.GetHLSMediaPlaylist, { SessionToken: sessionToken, ...trackParams(session) }),
    '',
  ].join('\n');
}

/**
 * Where the playlist puts EXT-X-DISCONTINUITY, and the discontinuity sequence number of its first fragment's
 * predecessor (so that each fragment's number, that plus the tags up to it, is the same on every reload; RFC 8216
 * 6.2.1 asks this of a server that drops a tag off the top). KVS's DiscontinuityMode: ALWAYS, before every
 * fragment; NEVER, none; ON_DISCONTINUITY, "between fragments that have a gap or overlap of more than 50
 * milliseconds" (GetHLSStreamingSessionURL, DiscontinuityMode), which here is where a recording gap lies.
 */
function discontinuities(
  session: MediaSession,
  listed: ManifestInput['fragments']['listed'],
): { before: (i: number) => boolean; sequence: number | undefined } {
  const first = listed[0]!;
  switch (session.discontinuityMode) {
    case 'ALWAYS':
      return { before: () => true, sequence: first.sequence };
    case 'NEVER':
      return { before: () => false, sequence: undefined };
    case 'ON_DISCONTINUITY': {
      const sequence = first.gapsBefore - (first.afterGap ? 1 : 0);
      // absent means 0 (RFC 8216 4.3.3.3)
      return { before: (i) => listed[i]!.afterGap, sequence: sequence > 0 ? sequence : undefined };
    }
  }
}

/**
 * The media playlist for what `fragments` lists. Media sequence numbers are the fragments' numbers in the
 * session (recorded fragments counted from its first, from 0, as KVS's are), so EXT-X-MEDIA-SEQUENCE grows by one
 * per fragment the live window slides, across recording gaps too; fragment URLs carry the fragment number itself.
 * With DiscontinuityMode ALWAYS every fragment is preceded by EXT-X-DISCONTINUITY (as KVS does), so
 * EXT-X-DISCONTINUITY-SEQUENCE slides along too. (Both stay small on purpose: hls.js indexes per-discontinuity
 * state by that number.) Throws when nothing is listed.
 */
export function buildHlsMediaPlaylist({ session, sessionToken, fragments, media }: ManifestInput): string {
  const listed = fragments.listed;
  if (listed.length === 0) throw new RangeError('a media playlist needs at least one fragment');
  const { before, sequence } = discontinuities(session, listed);
  const head = [
    '#EXTM3U',
    `#EXT-X-VERSION:${playlistVersion(session)}`,
    `#EXT-X-TARGETDURATION:${Math.max(1, Math.ceil(media.fragmentDurationMs / 1000))}`,
    `#EXT-X-MEDIA-SEQUENCE:${listed[0]!.sequence}`,
    ...(sequence === undefined ? [] : [`#EXT-X-DISCONTINUITY-SEQUENCE:${sequence}`]),
    ...(session.playbackMode === 'ON_DEMAND' ? ['#EXT-X-PLAYLIST-TYPE:VOD'] : []),
    '#EXT-X-INDEPENDENT-SEGMENTS',
  ];
  const initUrl = resourceUrl(Resource.GetMP4InitFragment, {
    SessionToken: sessionToken,
    ...trackParams(session),
  });
  const map = `#EXT-X-MAP:URI="${initUrl}"`;
  const segments = listed.flatMap((fragment, i) => [
    ...(before(i) ? ['#EXT-X-DISCONTINUITY'] : []),
    ...(i === 0 && isFmp4(session) ? [map] : []),
    ...(session.displayFragmentTimestamp === 'ALWAYS'
      ? [`#EXT-X-PROGRAM-DATE-TIME:${new Date(fragment.startMs).toISOString()}`]
      : []),
    `#EXTINF:${(fragment.durationMs / 1000).toFixed(3)},`,
    resourceUrl(isFmp4(session) ? Resource.GetMP4MediaFragment : Resource.GetTSFragment, {
      FragmentNumber: String(fragment.fragmentNumber),
      SessionToken: sessionToken,
      ...trackParams(session),
    }),
  ]);
  return [...head, ...segments, ...(fragments.ended ? ['#EXT-X-ENDLIST'] : []), ''].join('\n');
}
