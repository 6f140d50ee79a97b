// Loads the committed media fixture (see fixture/README.md) and checks the invariants looping it relies on.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeInitSegment, describeMediaFragment } from './isobmff';
import { countPayloadPackets, readPesTimestamps, TS_CLOCK_HZ } from './mpegts';

export const DEFAULT_FIXTURE_DIR = fileURLToPath(new URL('./fixture/', import.meta.url));

export interface VideoTrack {
  readonly trackId: number;
  /** Track timescale of the fMP4 fragments (ticks per second). */
  readonly timescale: number;
  /** RFC 6381 codecs parameter, e.g. avc1.42c01e. */
  readonly codecs: string;
  readonly width: number;
  readonly height: number;
  readonly frameRate: number;
}

/** What manifests and playlists need to know about the media, without its bytes. */
export interface MediaDescription {
  readonly video: VideoTrack;
  /** Every fragment lasts exactly this long. */
  readonly fragmentDurationMs: number;
  /** Peak bits per second over the fragments, per container (for BANDWIDTH and @bandwidth). */
  readonly peakBitrate: { readonly mp4: number; readonly ts: number };
}

export interface MediaFixture extends MediaDescription {
  readonly init: Uint8Array;
  readonly mp4Fragments: readonly Uint8Array[];
  readonly tsFragments: readonly Uint8Array[];
  /** tfdt of the first fMP4 fragment, in the track timescale. */
  readonly mp4Origin: bigint;
  /** First PTS of the first TS fragment (90 kHz). */
  readonly tsOrigin: number;
  /** Payload packets per PID over one whole loop of the TS fragments. */
  readonly tsPayloadPacketsPerLoop: ReadonlyMap<number, number>;
}

function read(dir: string, name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(dir, name)));
}

function readNumbered(dir: string, extension: string): Uint8Array[] {
  const files: Uint8Array[] = [];
  while (existsSync(join(dir, `fragment-${files.length}.${extension}`))) {
    files.push(read(dir, `fragment-${files.length}.${extension}`));
  }
  return files;
}

function invalid(dir: string, problem: string): Error {
  return new Error(`media fixture in ${dir}: ${problem}`);
}

/** Each TS fragment's first timestamp, checked to follow on from the previous fragment's. */
function checkTsTiming(
  dir: string,
  tsFragments: readonly Uint8Array[],
  fragmentDurationMs: number,
): number[] {
  const tsTicks = (fragmentDurationMs * TS_CLOCK_HZ) / 1000;
  const tsStarts = tsFragments.map((fragment, k) => {
    const first = readPesTimestamps(fragment).find((pes) => pes.pts !== undefined);
    if (!first) throw invalid(dir, `fragment-${k}.mpegts has no PES packet with a PTS`);
    return first.dts ?? first.pts!;
  });
  tsStarts.forEach((start, k) => {
    if (start !== tsStarts[0]! + k * tsTicks)
      throw invalid(dir, `fragment-${k}.mpegts does not start ${k * tsTicks} ticks in`);
  });

  return tsStarts;
}

/** Payload packets per PID in one pass over the fixture, so continuity counters can carry on across loops. */
function payloadPacketsPerPid(tsFragments: readonly Uint8Array[]): Map<number, number> {
  const tsPayloadPacketsPerLoop = new Map<number, number>();
  for (const fragment of tsFragments) {
    for (const [pid, count] of countPayloadPackets(fragment)) {
      tsPayloadPacketsPerLoop.set(pid, (tsPayloadPacketsPerLoop.get(pid) ?? 0) + count);
    }
  }
  return tsPayloadPacketsPerLoop;
}

/**
 * Reads init.mp4, fragment-<k>.m4s and fragment-<k>.mpegts from `dir`. Fails loudly, once, unless the
 * fMP4 and TS fragments are equally many, all of one whole-millisecond duration, each starting with a
 * keyframe and following on from the previous one.
 */
export function loadFixture(dir: string = DEFAULT_FIXTURE_DIR): MediaFixture {
  const init = read(dir, 'init.mp4');
  const mp4Fragments = readNumbered(dir, 'm4s');
  const tsFragments = readNumbered(dir, 'mpegts');
  if (mp4Fragments.length === 0) throw invalid(dir, 'no fragment-0.m4s');
  if (tsFragments.length !== mp4Fragments.length) {
    throw invalid(dir, `${mp4Fragments.length} fMP4 fragments but ${tsFragments.length} TS fragments`);
  }

  const tracks = describeInitSegment(init);
  const video = tracks.find((track) => track.handlerType === 'vide');
  if (!video || tracks.length !== 1) throw invalid(dir, 'init.mp4 must declare exactly one video track');
  if (!video.codecs) throw invalid(dir, 'the video track is not H.264 (avc1/avc3)');

  const timing = mp4Fragments.map((fragment, k) => {
    const track = describeMediaFragment(fragment, tracks).tracks.find((t) => t.trackId === video.trackId);
    if (!track) throw invalid(dir, `fragment-${k}.m4s has no fragment of track ${video.trackId}`);
    if (!track.startsWithSyncSample) throw invalid(dir, `fragment-${k}.m4s does not start with a keyframe`);
    return track;
  });
  const ticks = timing[0]!.duration;
  const fragmentDurationMs = (ticks * 1000) / video.timescale;
  if (!Number.isInteger(fragmentDurationMs) || fragmentDurationMs <= 0) {
    throw invalid(
      dir,
      `fragment duration ${ticks}/${video.timescale} s is not a whole number of milliseconds`,
    );
  }
  timing.forEach((track, k) => {
    if (track.duration !== ticks)
      throw invalid(dir, `fragment-${k}.m4s lasts ${track.duration} ticks, not ${ticks}`);
    if (track.baseMediaDecodeTime !== timing[0]!.baseMediaDecodeTime + BigInt(k * ticks)) {
      throw invalid(dir, `fragment-${k}.m4s does not follow on from the previous fragment`);
    }
  });

  const tsStarts = checkTsTiming(dir, tsFragments, fragmentDurationMs);
  const peak = (fragments: readonly Uint8Array[]) =>
    Math.ceil(Math.max(...fragments.map((f) => f.length)) * 8 * (1000 / fragmentDurationMs));

  return {
    video: {
      trackId: video.trackId,
      timescale: video.timescale,
      codecs: video.codecs,
      width: video.width,
      height: video.height,
      frameRate: (timing[0]!.sampleCount * 1000) / fragmentDurationMs,
    },
    fragmentDurationMs,
    peakBitrate: { mp4: peak(mp4Fragments), ts: peak(tsFragments) },
    init,
    mp4Fragments,
    tsFragments,
    mp4Origin: timing[0]!.baseMediaDecodeTime,
    tsOrigin: tsStarts[0]!,
    tsPayloadPacketsPerLoop: payloadPacketsPerPid(tsFragments),
  };
}
