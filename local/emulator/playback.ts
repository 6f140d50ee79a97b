// KVS playback vocabulary (enum values and documented defaults) shared by session requests and tokens.

export const PLAYBACK_MODES = ['LIVE', 'LIVE_REPLAY', 'ON_DEMAND'] as const;
export type PlaybackMode = (typeof PLAYBACK_MODES)[number];

export const FRAGMENT_SELECTOR_TYPES = ['PRODUCER_TIMESTAMP', 'SERVER_TIMESTAMP'] as const;
export type FragmentSelectorType = (typeof FRAGMENT_SELECTOR_TYPES)[number];

export const DISPLAY_OPTIONS = ['ALWAYS', 'NEVER'] as const;
export type DisplayOption = (typeof DISPLAY_OPTIONS)[number];

export const CONTAINER_FORMATS = ['FRAGMENTED_MP4', 'MPEG_TS'] as const;
export type ContainerFormat = (typeof CONTAINER_FORMATS)[number];

export const DISCONTINUITY_MODES = ['ALWAYS', 'NEVER', 'ON_DISCONTINUITY'] as const;
export type DiscontinuityMode = (typeof DISCONTINUITY_MODES)[number];

export type Protocol = 'DASH' | 'HLS';

export const API_NAMES = [
  'PUT_MEDIA',
  'GET_MEDIA',
  'LIST_FRAGMENTS',
  'GET_MEDIA_FOR_FRAGMENT_LIST',
  'GET_HLS_STREAMING_SESSION_URL',
  'GET_DASH_STREAMING_SESSION_URL',
  'GET_CLIP',
  'GET_IMAGES',
] as const;
export type ApiName = (typeof API_NAMES)[number];

export const EXPIRES_MIN_SECONDS = 300;
export const EXPIRES_MAX_SECONDS = 43_200;
export const MAX_FRAGMENT_RESULTS_LIMIT = 5000;
export const MAX_TIMESTAMP_RANGE_MS = 24 * 3600 * 1000;

/** KVS: 5 fragments for LIVE and LIVE_REPLAY, 1,000 for ON_DEMAND. */
export function defaultMaxFragmentResults(mode: PlaybackMode): number {
  return mode === 'ON_DEMAND' ? 1000 : 5;
}

/** KVS: ALWAYS when fragments are selected by server timestamp, NEVER by producer timestamp. */
export function defaultDiscontinuityMode(selector: FragmentSelectorType): DiscontinuityMode {
  return selector === 'SERVER_TIMESTAMP' ? 'ALWAYS' : 'NEVER';
}
