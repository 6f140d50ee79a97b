// The KVS playback resource names under /dash/v1/ and /hls/v1/, and the relative URLs manifests point at them with.

/** File names KVS serves for each playback action, resolved against the session URL's folder. */
export const Resource = {
  GetDASHManifest: 'getDASHManifest.mpd',
  GetHLSMasterPlaylist: 'getHLSMasterPlaylist.m3u8',
  GetHLSMediaPlaylist: 'getHLSMediaPlaylist.m3u8',
  GetMP4InitFragment: 'getMP4InitFragment.mp4',
  GetMP4MediaFragment: 'getMP4MediaFragment.mp4',
  GetTSFragment: 'getTSFragment.ts',
} as const;
export type Resource = (typeof Resource)[keyof typeof Resource];

export const DASH_PATH_PREFIX = '/dash/v1/';
export const HLS_PATH_PREFIX = '/hls/v1/';

/** The one track the emulated streams have (KVS numbers tracks from 1; video is track 1). */
export const VIDEO_TRACK_NUMBER = '1';

/** `name=value&...` with values percent-encoded, in the order given (KVS lists them alphabetically). */
export function query(params: Readonly<Record<string, string>>): string {
  return Object.entries(params)
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join('&');
}

/** A URL relative to the session URL's folder, e.g. `getMP4InitFragment.mp4?SessionToken=…&TrackNumber=1`. */
export function resourceUrl(resource: Resource, params: Readonly<Record<string, string>>): string {
  return `${resource}?${query(params)}`;
}
