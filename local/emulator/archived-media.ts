// GetDASHStreamingSessionURL / GetHLSStreamingSessionURL: can this stream be played now, and the signed session URL.
import { KvsError } from './errors';
import type { Protocol } from './playback';
import type { StreamingSessionInput } from './streaming-session-input';
import { signSessionToken, type SessionClaims } from './session-token';
import type { Stream } from './streams';

// Track codecs KVS can package, per protocol: H.264/H.265 video, AAC audio, and G.711 audio for DASH only.
const VIDEO = ['video/h264', 'video/avc', 'video/h265', 'video/hevc'];
const PLAYABLE: Record<Protocol, readonly string[]> = {
  HLS: [...VIDEO, 'audio/aac'],
  DASH: [...VIDEO, 'audio/aac', 'audio/alaw', 'audio/mulaw', 'audio/pcma', 'audio/pcmu', 'audio/g711'],
};

/** The stream-level refusals KVS documents for both operations, in the order it would meet them. */
export function checkPlayable(stream: Stream, protocol: Protocol): void {
  if (stream.dataRetentionInHours === 0) {
    throw new KvsError(
      'NoDataRetentionException',
      `Stream ${stream.name} does not retain data (DataRetentionInHours is 0), so it cannot be played back.`,
    );
  }
  const tracks = stream.mediaType.split(',').map((t) => t.trim().toLowerCase());
  const unsupported = tracks.filter((t) => !PLAYABLE[protocol].includes(t));
  if (unsupported.length > 0) {
    throw new KvsError(
      'UnsupportedStreamMediaTypeException',
      `The media type ${stream.mediaType} of stream ${stream.name} is not supported for ${protocol} playback ` +
        `(unsupported: ${unsupported.join(', ')}); use H.264 or H.265 video, optionally with AAC audio.`,
    );
  }
  if (stream.fault === 'MissingCodecPrivateDataException') {
    throw new KvsError(
      'MissingCodecPrivateDataException',
      `No codec private data was found in at least one of the tracks of stream ${stream.name}.`,
    );
  }
  if (stream.fault === 'InvalidCodecPrivateDataException') {
    throw new KvsError(
      'InvalidCodecPrivateDataException',
      `The codec private data in at least one of the tracks of stream ${stream.name} is not valid for this operation.`,
    );
  }
}

/** The oldest media an (always live) emulated stream holds at `nowMs`: max(creation, now - retention). */
export function oldestRetainedMs(stream: Stream, nowMs: number): number {
  return Math.max(stream.creationTime, nowMs - stream.dataRetentionInHours * 3_600_000);
}

/**
 * An emulated stream is always live: it holds fragments from max(creation, now - retention) up to now.
 * LIVE needs no check; a replay or on-demand range must overlap that window.
 */
export function checkFragmentsInRange(request: StreamingSessionInput, stream: Stream, nowMs: number): void {
  const { playbackMode, startTimestampMs: start, endTimestampMs: end } = request;
  if (playbackMode === 'LIVE') return checkLiveHasMedia(stream, nowMs);
  if (start === undefined) return;
  if (
    request.fragmentSelectorType === 'SERVER_TIMESTAMP' &&
    end !== undefined &&
    end > nowMs &&
    start <= nowMs
  ) {
    throw new KvsError(
      'InvalidArgumentException',
      'EndTimestamp must be in the past when FragmentSelectorType is SERVER_TIMESTAMP.',
    );
  }
  const oldest = oldestRetainedMs(stream, nowMs);
  const noFragments = (why: string) =>
    new KvsError(
      'ResourceNotFoundException',
      `No fragments found in stream ${stream.name} for the streaming request: ${why}.`,
    );
  if (start > nowMs) throw noFragments('the requested range starts in the future');
  if (end !== undefined && end < oldest) {
    throw noFragments(
      `the requested range ends before the oldest retained fragment (${new Date(oldest).toISOString()}, ` +
        `DataRetentionInHours ${stream.dataRetentionInHours})`,
    );
  }
  // an open LIVE_REPLAY range holds what was recorded up to now
  if (!recordsDuring(stream, Math.max(start, oldest), Math.min(end ?? nowMs, nowMs))) {
    throw noFragments('the camera recorded nothing in the requested range');
  }
}

/** KVS: a LIVE session of a stream "that has no fragments within the last 30 seconds" is a ResourceNotFoundException. */
export const LIVE_RECENT_MEDIA_MS = 30_000;

/**
 * A LIVE session needs media in the last 30 s (ResourceNotFoundException, GetHLSStreamingSessionURL and
 * GetDASHStreamingSessionURL). Checked for a camera's recording gaps only: a newly created emulated stream is
 * treated as recording from its creation.
 */
function checkLiveHasMedia(stream: Stream, nowMs: number): void {
  if (recordsDuring(stream, nowMs - LIVE_RECENT_MEDIA_MS, nowMs)) return;
  throw new KvsError(
    'ResourceNotFoundException',
    `No fragments found in stream ${stream.name} for the streaming request: the camera recorded nothing in the ` +
      `last ${LIVE_RECENT_MEDIA_MS / 1000} seconds.`,
  );
}

/** Whether a stream with a recording schedule has media anywhere in [fromMs, toMs]. */
export function recordsDuring(stream: Stream, fromMs: number, toMs: number): boolean {
  const r = stream.recording;
  if (r === undefined) return true;
  const period = r.everySeconds * 1000;
  const inPeriod = ((fromMs % period) + period) % period;
  return inPeriod < r.forSeconds * 1000 || fromMs - inPeriod + period <= toMs;
}

export interface SessionMinting {
  endpoint: string;
  secret: Uint8Array;
  nowMs: number;
  sessionId: string;
}

const ENTRY_POINT: Record<Protocol, string> = {
  DASH: '/dash/v1/getDASHManifest.mpd',
  HLS: '/hls/v1/getHLSMasterPlaylist.m3u8',
};

export function sessionClaims(
  request: StreamingSessionInput,
  stream: Stream,
  m: Omit<SessionMinting, 'endpoint' | 'secret'>,
): SessionClaims {
  const claims: SessionClaims = {
    sessionId: m.sessionId,
    streamName: stream.name,
    protocol: request.protocol,
    playbackMode: request.playbackMode,
    fragmentSelectorType: request.fragmentSelectorType,
    displayFragmentTimestamp: request.displayFragmentTimestamp,
    maxFragmentResults: request.maxFragmentResults,
    issuedAtMs: m.nowMs,
    expiresAtMs: m.nowMs + request.expiresSeconds * 1000,
    // the media side lists and serves nothing older, whatever the mode and range
    oldestMs: oldestRetainedMs(stream, m.nowMs),
  };
  // and nothing in its recording gaps
  if (stream.recording !== undefined) claims.recording = stream.recording;
  // Optional members are left out rather than set to undefined, so tokens stay short and compare equal.
  if (request.startTimestampMs !== undefined) claims.startTimestampMs = request.startTimestampMs;
  if (request.endTimestampMs !== undefined) claims.endTimestampMs = request.endTimestampMs;
  if (request.displayFragmentNumber !== undefined)
    claims.displayFragmentNumber = request.displayFragmentNumber;
  if (request.containerFormat !== undefined) claims.containerFormat = request.containerFormat;
  if (request.discontinuityMode !== undefined) claims.discontinuityMode = request.discontinuityMode;
  return claims;
}

export function streamingSessionUrl(
  request: StreamingSessionInput,
  stream: Stream,
  m: SessionMinting,
): string {
  checkPlayable(stream, request.protocol);
  checkFragmentsInRange(request, stream, m.nowMs);
  const token = signSessionToken(sessionClaims(request, stream, m), m.secret);
  return `${m.endpoint}${ENTRY_POINT[request.protocol]}?SessionToken=${token}`;
}
