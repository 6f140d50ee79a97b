// The archive media the KVS emulator's ListFragments, GetImages and GetClip answer from: fragment sizes, MP4 clips
// built from the fixture's fragments, and images of the fixture's frames resized and encoded by sharp.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { ArchiveMedia, ImageOptions } from '../emulator';
import { buildClip } from './clip';
import { DEFAULT_FIXTURE_DIR, loadFixture, type MediaFixture } from './fixture';

/** Resized images kept, so a scrubbing player asking for the same thumbnails again is answered at once. */
const IMAGE_CACHE_ENTRIES = 256;

/**
 * `frame-<k>.png` beside the fixture is the first frame (the keyframe) of fixture fragment k, decoded by Chromium
 * (fixture/extract-frames.ts). The image of any instant is the keyframe of the fragment holding it: a thumbnail
 * shows the right second of the stream's frame counter.
 */
export function loadFrames(fixture: MediaFixture, dir: string = DEFAULT_FIXTURE_DIR): Buffer[] {
  return fixture.mp4Fragments.map((_, k) => readFileSync(join(dir, `frame-${k}.png`)));
}

export interface ArchiveMediaOptions {
  /** @default the committed fixture (loadFixture) */
  readonly fixture?: MediaFixture;
  /** @default the fixture's committed frames (loadFrames) */
  readonly frames?: readonly Buffer[];
  /**
   * Bytes added to every fragment's media, so that the small fixture (about 10 KB a fragment) can make a clip of the
   * most KVS returns (100 MB): FragmentSizeInBytes counts them, and GetClip's file carries them in its mdat after
   * the fragment's samples, where no sample table points (a valid MP4). HLS and DASH media are not padded.
   * @default 0
   */
  readonly fragmentPaddingBytes?: number;
}

export function createArchiveMedia(options: ArchiveMediaOptions = {}): ArchiveMedia {
  const fixture = options.fixture ?? loadFixture();
  const frames = options.frames ?? loadFrames(fixture);
  const padding = options.fragmentPaddingBytes ?? 0;
  if (!Number.isInteger(padding) || padding < 0 || padding > 16 * 1024 * 1024)
    throw new TypeError(`fragmentPaddingBytes must be an integer 0..16 MiB, got ${padding}`);
  const d = fixture.fragmentDurationMs;
  const count = fixture.mp4Fragments.length;
  const cache = new Map<string, Promise<Uint8Array>>();

  const encode = (k: number, o: ImageOptions): Promise<Uint8Array> => {
    const resized = sharp(frames[k]!).resize({
      ...(o.width !== undefined ? { width: o.width } : {}),
      ...(o.height !== undefined ? { height: o.height } : {}),
      // both given: stretched to that size, as KVS does; one given: the other follows the aspect ratio
      ...(o.width !== undefined && o.height !== undefined ? { fit: 'fill' as const } : {}),
    });
    const encoded = o.format === 'PNG' ? resized.png() : resized.jpeg({ quality: o.quality });
    return encoded.toBuffer().then((b) => new Uint8Array(b));
  };

  return {
    fragmentDurationMs: d,
    fragmentSize: (n) => fixture.mp4Fragments[n % count]!.length + padding,
    clip: (fragmentNumbers) => buildClip(fixture, fragmentNumbers, padding),
    image(timeMs, options) {
      const k = Math.floor(timeMs / d) % count;
      const key = `${k}|${options.format}|${options.width}|${options.height}|${options.quality}`;
      let image = cache.get(key);
      if (!image) {
        image = encode(k, options);
        cache.set(key, image);
        image.catch(() => cache.delete(key));
        if (cache.size > IMAGE_CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
      }
      return image;
    },
  };
}
