// The archive an emulated stream holds: which fragments exist (retention, stream head, recording gaps), what the
// archive APIs need of the media (sizes, clips, images), and the paging tokens they hand out.
import { KvsError } from './errors';
import { oldestRetainedMs } from './archived-media';
import type { Recording, Stream } from './streams';

export type ImageFormat = 'JPEG' | 'PNG';

export interface ImageOptions {
  readonly format: ImageFormat;
  /** Both absent: the media's own size. One absent: computed from the other, aspect kept. */
  readonly width?: number;
  readonly height?: number;
  /** JPEG only, 1..100. */
  readonly quality: number;
}

/** An MP4 file written in pieces, so that neither side holds it whole. */
export interface Clip {
  /** GetClip's Content-Type header; empty: no header. */
  readonly contentType: string;
  readonly byteLength: number;
  chunks(): Iterable<Uint8Array>;
}

/** What the media side (local/media/archive.ts) gives the archive APIs. */
export interface ArchiveMedia {
  /** Every fragment lasts this long; fragment n starts at n x this, epoch milliseconds. */
  readonly fragmentDurationMs: number;
  /** FragmentSizeInBytes of fragment n. */
  fragmentSize(fragmentNumber: number): number;
  /** A playable MP4 file (ftyp, moov with sample tables, mdat) of these fragments, in this order. */
  clip(fragmentNumbers: readonly number[]): Clip;
  /** The picture shown at `timeMs` (a time with media), encoded as asked. */
  image(timeMs: number, options: ImageOptions): Promise<Uint8Array>;
}

/** Without a media side, ListFragments still answers: 1 s fragments of a nominal size. */
export const NOMINAL_FRAGMENT_DURATION_MS = 1000;
export const NOMINAL_FRAGMENT_SIZE = 10_000;

/** Whether a camera with this recording schedule records at `timeMs` (periods counted from the Unix epoch). */
export function isRecording(recording: Recording | undefined, timeMs: number): boolean {
  if (recording === undefined) return true;
  const period = recording.everySeconds * 1000;
  return ((timeMs % period) + period) % period < recording.forSeconds * 1000;
}

/**
 * Whether the stream holds fragment n at `nowMs`: complete (ended by now), still retained (starts at or after the
 * oldest retained time) and recorded (starts inside a recording part of its period).
 */
export function holdsFragment(stream: Stream, n: number, durationMs: number, nowMs: number): boolean {
  const start = n * durationMs;
  return (
    start + durationMs <= nowMs &&
    start >= oldestRetainedMs(stream, nowMs) &&
    isRecording(stream.recording, start)
  );
}

/** Fragments held at `nowMs` whose start lies in [startMs, endMs] (KVS: both ends inclusive), oldest first. */
export function fragmentsBetween(
  stream: Stream,
  durationMs: number,
  startMs: number,
  endMs: number,
  nowMs: number,
): number[] {
  const out: number[] = [];
  for (let n = Math.ceil(startMs / durationMs); n * durationMs <= endMs; n++) {
    if (holdsFragment(stream, n, durationMs, nowMs)) out.push(n);
  }
  return out;
}

/** KVS's NextToken shape (the SDK model: 1..4096 of base64). */
const NEXT_TOKEN = /^[a-zA-Z0-9+/]+={0,2}$/;

export function encodePageToken(state: object): string {
  return Buffer.from(JSON.stringify(state), 'utf8').toString('base64');
}

/** The state a token of ours carries, checked by `isState`; anything else is KVS's InvalidArgumentException. */
export function decodePageToken<T>(token: string, operation: string, isState: (v: unknown) => v is T): T {
  if (NEXT_TOKEN.test(token) && token.length <= 4096) {
    try {
      const value: unknown = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
      if (isState(value)) return value;
    } catch {
      // fall through: a token we did not mint
    }
  }
  throw new KvsError(
    'InvalidArgumentException',
    `NextToken is not valid: pass the NextToken of a previous ${operation} answer.`,
  );
}

/** A deterministic shuffle (mulberry32 + Fisher-Yates): the same seed gives the same order on every page. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0;
  const random = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Epoch seconds, as restJson1 carries timestamps. */
export const seconds = (ms: number): number => ms / 1000;
