// Sessions and media descriptions for the media tests.
import type { MediaDescription } from '../../../local/media/fixture';
import type { MediaSession } from '../../../local/media/session';

/** 2025-11-27T20:00:00Z, a whole second: fragment 1_764_273_600 starts here. */
export const NOW = Date.UTC(2025, 10, 27, 20, 0, 0);
export const SECOND = 1000;
export const HOUR = 3_600_000;

export function liveSession(overrides: Partial<MediaSession> = {}): MediaSession {
  return {
    streamName: 'cam-1',
    protocol: 'DASH',
    playbackMode: 'LIVE',
    fragmentSelectorType: 'SERVER_TIMESTAMP',
    issuedAtMs: NOW,
    displayFragmentTimestamp: 'NEVER',
    displayFragmentNumber: 'NEVER',
    containerFormat: 'FRAGMENTED_MP4',
    discontinuityMode: 'ALWAYS',
    expiresAtMs: NOW + 300 * SECOND,
    ...overrides,
  };
}

export function replaySession(
  startMs: number,
  endMs?: number,
  overrides: Partial<MediaSession> = {},
): MediaSession {
  return liveSession({
    playbackMode: 'LIVE_REPLAY',
    startMs,
    ...(endMs === undefined ? {} : { endMs }),
    ...overrides,
  });
}

export function onDemandSession(
  startMs: number,
  endMs: number,
  overrides: Partial<MediaSession> = {},
): MediaSession {
  return liveSession({ playbackMode: 'ON_DEMAND', startMs, endMs, ...overrides });
}

/** Media like the fixture's, without reading it: 1 s fragments at a 90 kHz timescale. */
export const MEDIA: MediaDescription = {
  video: { trackId: 1, timescale: 90_000, codecs: 'avc1.42c01e', width: 320, height: 180, frameRate: 25 },
  fragmentDurationMs: 1000,
  peakBitrate: { mp4: 90_000, ts: 115_000 },
};
