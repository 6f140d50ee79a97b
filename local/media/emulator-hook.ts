// Wires the emulated media (this folder) into the KVS emulator: a verified session token becomes a MediaSession,
// bytes of media fragments are metered per stream like KVS's GetMP4MediaFragment/GetTSFragment.OutgoingBytes, and
// the media's refusals are answered, logged and counted as the emulator's own KVS errors.
import type { KvsEmulator, MediaHook, VerifiedSession } from '../emulator';
import { KvsError } from '../emulator/errors';
import { createMediaHook, MediaError } from './hook';
import type { MediaSession } from './session';

export function toMediaSession(session: VerifiedSession): MediaSession {
  return {
    streamName: session.streamName,
    protocol: session.protocol,
    playbackMode: session.playbackMode,
    fragmentSelectorType: session.fragmentSelectorType,
    issuedAtMs: session.issuedAtMs,
    ...(session.oldestMs !== undefined ? { oldestMs: session.oldestMs } : {}),
    ...(session.recording !== undefined ? { recording: session.recording } : {}),
    ...(session.startTimestampMs !== undefined ? { startMs: session.startTimestampMs } : {}),
    ...(session.endTimestampMs !== undefined ? { endMs: session.endTimestampMs } : {}),
    displayFragmentTimestamp: session.displayFragmentTimestamp,
    displayFragmentNumber: session.displayFragmentNumber ?? 'NEVER',
    containerFormat: session.containerFormat ?? 'FRAGMENTED_MP4',
    discontinuityMode: session.discontinuityMode ?? 'ALWAYS',
    maxFragmentResults: session.maxFragmentResults,
    expiresAtMs: session.expiresAtMs,
  };
}

/** The emulator's media hook: real DASH/HLS manifests and fragments from the committed fixture. */
export function emulatorMedia(now: () => number = Date.now): (emulator: KvsEmulator) => MediaHook {
  return (emulator) => {
    const serve = createMediaHook({
      now,
      recordOutgoingBytes: (stream, bytes, metric) => emulator.recordOutgoingBytes(stream, bytes, metric),
    });
    return async (req, res, session, path) => {
      try {
        await serve(req, res, toMediaSession(session), path);
      } catch (error) {
        // the emulator writes a KvsError as KVS would, and counts it in stats() and its log line
        throw error instanceof MediaError ? new KvsError(error.type, error.message, error.status) : error;
      }
    };
  };
}
