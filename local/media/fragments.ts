// The bytes of stream fragment n: fixture fragment n mod N, its clock moved so the looped stream runs on without a jump.
import type { MediaFixture } from './fixture';
import { rewriteMediaFragment } from './isobmff';
import { rewriteTransportStream, TS_CLOCK_HZ } from './mpegts';

/**
 * Stream fragment n starts at media time n x fragment duration (epoch-based, like KVS producer/server
 * timestamps), so decode times are continuous across fragments and across loops of the fixture.
 */
function loopOf(fixture: MediaFixture, fragmentNumber: number): { k: number; loop: number } {
  if (!Number.isSafeInteger(fragmentNumber) || fragmentNumber < 0) {
    throw new RangeError(`fragment number ${fragmentNumber} is not a non-negative integer`);
  }
  const count = fixture.mp4Fragments.length;
  return { k: fragmentNumber % count, loop: Math.floor(fragmentNumber / count) };
}

/** GetMP4MediaFragment: moof + mdat with tfdt = n x duration (track timescale) and mfhd sequence_number = n mod 2^32. */
export function mp4MediaFragment(fixture: MediaFixture, fragmentNumber: number): Uint8Array {
  const { k, loop } = loopOf(fixture, fragmentNumber);
  const ticksPerLoop =
    BigInt((fixture.fragmentDurationMs * fixture.video.timescale) / 1000) *
    BigInt(fixture.mp4Fragments.length);
  const shift = BigInt(loop) * ticksPerLoop - fixture.mp4Origin;
  return rewriteMediaFragment(fixture.mp4Fragments[k]!, {
    sequenceNumber: fragmentNumber % 2 ** 32,
    baseMediaDecodeTime: (_trackId, current) => current + shift,
  });
}

/**
 * GetTSFragment: the TS fragment with PTS/DTS/PCR moved so its first decode time is n x duration (90 kHz,
 * modulo 2^33 as the format wraps), and continuity counters carried on from the previous loop.
 */
export function tsFragment(fixture: MediaFixture, fragmentNumber: number): Uint8Array {
  const { k, loop } = loopOf(fixture, fragmentNumber);
  const ticksPerLoop = ((fixture.fragmentDurationMs * TS_CLOCK_HZ) / 1000) * fixture.tsFragments.length;
  const continuityShift = new Map<number, number>();
  for (const [pid, packets] of fixture.tsPayloadPacketsPerLoop)
    continuityShift.set(pid, (loop * (packets % 16)) % 16);
  return rewriteTransportStream(fixture.tsFragments[k]!, {
    timestampOffset: ((loop * ticksPerLoop) % 2 ** 33) - fixture.tsOrigin,
    continuityShift,
  });
}
