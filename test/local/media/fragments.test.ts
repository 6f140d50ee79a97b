import { describe, expect, it } from '@jest/globals';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_FIXTURE_DIR, loadFixture } from '../../../local/media/fixture';
import { mp4MediaFragment, tsFragment } from '../../../local/media/fragments';
import { describeInitSegment, describeMediaFragment, readBoxes } from '../../../local/media/isobmff';
import { readPcrs, readPesTimestamps, readTsPackets, TIMESTAMP_MODULUS } from '../../../local/media/mpegts';

const fixture = loadFixture();
const tracks = describeInitSegment(fixture.init);
/** Fragment number of 2025-11-27T20:00:00Z with 1 s fragments; a multiple of 4, so fixture fragment 0. */
const N = 1_764_273_600;

describe('the committed fixture', () => {
  it('is small: well under 1 MB in all', () => {
    const bytes = readdirSync(DEFAULT_FIXTURE_DIR)
      .filter((name) => /\.(mp4|m4s|mpegts)$/.test(name))
      .reduce((sum, name) => sum + statSync(join(DEFAULT_FIXTURE_DIR, name)).size, 0);
    expect(bytes).toBeLessThan(250_000);
  });

  it('is 4 fragments of exactly 1 s of 320x180 H.264 at 25 fps, in fMP4 and in MPEG-TS', () => {
    expect(fixture).toMatchObject({
      fragmentDurationMs: 1000,
      video: { trackId: 1, timescale: 90_000, codecs: 'avc1.42c01e', width: 320, height: 180, frameRate: 25 },
    });
    expect(fixture.mp4Fragments).toHaveLength(4);
    expect(fixture.tsFragments).toHaveLength(4);
  });

  it('refuses, naming the folder, a fixture folder with fragments missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kvs-fixture-'));
    try {
      copyFileSync(join(DEFAULT_FIXTURE_DIR, 'init.mp4'), join(dir, 'init.mp4'));
      copyFileSync(join(DEFAULT_FIXTURE_DIR, 'fragment-0.m4s'), join(dir, 'fragment-0.m4s'));
      expect(() => loadFixture(dir)).toThrow(`media fixture in ${dir}: 1 fMP4 fragments but 0 TS fragments`);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});

describe('mp4MediaFragment', () => {
  it('serves fixture fragment n mod 4 with tfdt n x 90000 and mfhd sequence n', () => {
    for (const n of [N, N + 1, N + 5, N + 7]) {
      const served = mp4MediaFragment(fixture, n);
      expect(describeMediaFragment(served, tracks)).toMatchObject({
        sequenceNumber: n,
        tracks: [{ baseMediaDecodeTime: BigInt(n) * 90_000n, duration: 90_000 }],
      });
      const mdat = (bytes: Uint8Array) => {
        const box = readBoxes(bytes).find((b) => b.type === 'mdat')!;
        return bytes.subarray(box.start, box.end);
      };
      expect(Buffer.from(mdat(served)).equals(mdat(fixture.mp4Fragments[n % 4]!))).toBe(true);
    }
  });

  it('runs on without a gap or overlap across the loop of the fixture', () => {
    const times = [N + 2, N + 3, N + 4, N + 5].map(
      (n) => describeMediaFragment(mp4MediaFragment(fixture, n), tracks).tracks[0]!,
    );
    for (let i = 1; i < times.length; i++) {
      expect(times[i]!.baseMediaDecodeTime).toBe(
        times[i - 1]!.baseMediaDecodeTime + BigInt(times[i - 1]!.duration),
      );
    }
  });

  it('refuses a fragment number that is not a non-negative integer', () => {
    expect(() => mp4MediaFragment(fixture, -1)).toThrow(RangeError);
    expect(() => mp4MediaFragment(fixture, 1.5)).toThrow(RangeError);
  });
});

describe('tsFragment', () => {
  const firstPts = (bytes: Uint8Array) => readPesTimestamps(bytes)[0]!.pts!;

  it('serves fragment n starting at PTS n x 90000 modulo 2^33, with 25 frames 3600 ticks apart', () => {
    for (const n of [N, N + 3, N + 6]) {
      const pts = readPesTimestamps(tsFragment(fixture, n)).map((pes) => pes.pts!);
      expect(pts[0]).toBe((n * 90_000) % TIMESTAMP_MODULUS);
      expect(pts).toHaveLength(25);
      pts
        .slice(1)
        .forEach((t, i) => expect((t - pts[i]! + TIMESTAMP_MODULUS) % TIMESTAMP_MODULUS).toBe(3600));
    }
  });

  it('keeps the PCR trailing the first PTS by as much as the fixture does', () => {
    const served = tsFragment(fixture, N + 1);
    const lead = (firstPts(served) - readPcrs(served)[0]!.base + TIMESTAMP_MODULUS) % TIMESTAMP_MODULUS;
    expect(lead).toBe(firstPts(fixture.tsFragments[1]!) - readPcrs(fixture.tsFragments[1]!)[0]!.base);
  });

  it('continues timestamps and continuity counters across the loop of the fixture', () => {
    const fragments = [N + 2, N + 3, N + 4, N + 5].map((n) => tsFragment(fixture, n));
    for (let i = 1; i < fragments.length; i++) {
      expect(
        (firstPts(fragments[i]!) - firstPts(fragments[i - 1]!) + TIMESTAMP_MODULUS) % TIMESTAMP_MODULUS,
      ).toBe(90_000);
      const before = readTsPackets(fragments[i - 1]!).filter((p) => p.hasPayload);
      const after = readTsPackets(fragments[i]!).filter((p) => p.hasPayload);
      for (const pid of new Set(after.map((p) => p.pid))) {
        const last = before.filter((p) => p.pid === pid).at(-1)!.continuityCounter;
        const next = after.find((p) => p.pid === pid)!.continuityCounter;
        expect({ pid, next }).toEqual({ pid, next: (last + 1) % 16 });
      }
    }
  });
});
