import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_FIXTURE_DIR } from '../../../local/media/fixture';
import {
  describeInitSegment,
  describeMediaFragment,
  findBoxes,
  readBaseMediaDecodeTime,
  readBoxes,
  rewriteMediaFragment,
} from '../../../local/media/isobmff';

const fixtureFile = (name: string) => new Uint8Array(readFileSync(join(DEFAULT_FIXTURE_DIR, name)));

function u32(value: number): number[] {
  return [(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
}

function box(type: string, ...payload: (number[] | Uint8Array)[]): Uint8Array {
  const body = payload.flatMap((part) => [...part]);
  return new Uint8Array([...u32(8 + body.length), ...[...type].map((c) => c.charCodeAt(0)), ...body]);
}

/** A one-track moof + mdat with a version-0 tfdt, as a producer without 64-bit times writes it. */
function fragmentWithV0Tfdt(baseMediaDecodeTime: number): Uint8Array {
  const moof = box(
    'moof',
    box('mfhd', u32(0), u32(7)),
    box(
      'traf',
      box('tfhd', u32(0x000008), u32(1), u32(3600)),
      box('tfdt', u32(0), u32(baseMediaDecodeTime)),
      box('trun', u32(0), u32(2)),
    ),
  );
  return new Uint8Array([...moof, ...box('mdat', [1, 2, 3, 4])]);
}

describe('readBoxes', () => {
  it('walks sibling boxes, including a 64-bit largesize box and a size-0 box that runs to the end', () => {
    const large = new Uint8Array([
      ...u32(1),
      ...[...'wide'].map((c) => c.charCodeAt(0)),
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      18,
      0xaa,
      0xbb,
    ]);
    const bytes = new Uint8Array([
      ...box('free', [1, 2, 3]),
      ...large,
      ...u32(0),
      ...[...'mdat'].map((c) => c.charCodeAt(0)),
      9,
      9,
    ]);

    expect(readBoxes(bytes)).toEqual([
      { type: 'free', start: 0, headerSize: 8, end: 11 },
      { type: 'wide', start: 11, headerSize: 16, end: 29 },
      { type: 'mdat', start: 29, headerSize: 8, end: 39 },
    ]);
  });

  it.each([
    ['a box larger than its parent', new Uint8Array([...u32(64), 0x66, 0x72, 0x65, 0x65])],
    ['a size smaller than the header', new Uint8Array([...u32(4), 0x66, 0x72, 0x65, 0x65])],
    ['a truncated header', new Uint8Array([0, 0, 0])],
  ])('refuses %s', (_, bytes) => {
    expect(() => readBoxes(bytes)).toThrow(RangeError);
  });

  it('finds boxes by path through containers', () => {
    const fragment = fixtureFile('fragment-0.m4s');
    expect(readBoxes(fragment).map((b) => b.type)).toEqual(['moof', 'mdat']);
    expect(findBoxes(fragment, ['moof', 'traf', 'tfdt'])).toHaveLength(1);
    expect(findBoxes(fragment, ['moof', 'traf', 'senc'])).toEqual([]);
  });
});

describe('describeInitSegment', () => {
  it('reads the video track of the fixture init segment: id, timescale, RFC 6381 codec and size', () => {
    expect(describeInitSegment(fixtureFile('init.mp4'))).toEqual([
      {
        trackId: 1,
        handlerType: 'vide',
        timescale: 90_000,
        codecs: 'avc1.42c01e',
        width: 320,
        height: 180,
        defaultSampleDuration: 0,
        defaultSampleFlags: 0,
      },
    ]);
  });
});

describe('describeMediaFragment', () => {
  const tracks = describeInitSegment(fixtureFile('init.mp4'));

  it.each([0, 1, 2, 3])('reads fixture fragment %i as 25 frames over 1 s, starting with a keyframe', (k) => {
    expect(describeMediaFragment(fixtureFile(`fragment-${k}.m4s`), tracks)).toEqual({
      sequenceNumber: k + 1,
      tracks: [
        {
          trackId: 1,
          baseMediaDecodeTime: BigInt(k * 90_000),
          sampleCount: 25,
          duration: 90_000,
          startsWithSyncSample: true,
        },
      ],
    });
  });

  it('takes sample durations from tfhd defaults when trun has none', () => {
    const description = describeMediaFragment(fragmentWithV0Tfdt(500), []);
    expect(description.tracks[0]).toMatchObject({
      sampleCount: 2,
      duration: 7200,
      baseMediaDecodeTime: 500n,
    });
  });
});

describe('rewriteMediaFragment', () => {
  const tracks = describeInitSegment(fixtureFile('init.mp4'));

  it('sets tfdt and mfhd, and changes no other byte', () => {
    const original = fixtureFile('fragment-2.m4s');
    const target = 158_784_624_000_000n; // 2025-11-27T20:00:00Z at 90 kHz: needs all 64 bits of a version-1 tfdt
    const patched = rewriteMediaFragment(original, {
      sequenceNumber: 1_764_273_600,
      baseMediaDecodeTime: () => target,
    });

    expect(describeMediaFragment(patched, tracks)).toMatchObject({
      sequenceNumber: 1_764_273_600,
      tracks: [{ trackId: 1, baseMediaDecodeTime: target, duration: 90_000 }],
    });
    expect(patched.length).toBe(original.length);
    const changed = [...patched.keys()].filter((i) => patched[i] !== original[i]);
    const [tfdt] = findBoxes(original, ['moof', 'traf', 'tfdt']);
    const [mfhd] = findBoxes(original, ['moof', 'mfhd']);
    for (const i of changed) {
      const inTfdtValue = i >= tfdt!.start + 12 && i < tfdt!.end;
      const inSequenceNumber = i >= mfhd!.start + 12 && i < mfhd!.end;
      expect(inTfdtValue || inSequenceNumber).toBe(true);
    }
  });

  it('hands the current decode time and track to the rewrite, and leaves the input untouched', () => {
    const original = fixtureFile('fragment-1.m4s');
    const seen: [number, bigint][] = [];
    const patched = rewriteMediaFragment(original, {
      sequenceNumber: 9,
      baseMediaDecodeTime: (trackId, current) => {
        seen.push([trackId, current]);
        return current + 360_000n;
      },
    });
    expect(seen).toEqual([[1, 90_000n]]);
    expect(readBaseMediaDecodeTime(patched, findBoxes(patched, ['moof', 'traf', 'tfdt'])[0]!)).toBe(450_000n);
    expect(readBaseMediaDecodeTime(original, findBoxes(original, ['moof', 'traf', 'tfdt'])[0]!)).toBe(
      90_000n,
    );
  });

  it('rewrites a version-0 tfdt while the time fits 32 bits, and refuses to wrap it', () => {
    const fragment = fragmentWithV0Tfdt(0);
    const fits = rewriteMediaFragment(fragment, {
      sequenceNumber: 1,
      baseMediaDecodeTime: () => 2n ** 32n - 1n,
    });
    expect(describeMediaFragment(fits, []).tracks[0]!.baseMediaDecodeTime).toBe(2n ** 32n - 1n);
    expect(() =>
      rewriteMediaFragment(fragment, { sequenceNumber: 1, baseMediaDecodeTime: () => 2n ** 32n }),
    ).toThrow('needs a version 1 tfdt');
  });

  it.each([-1, 2 ** 32, 1.5])('refuses sequence number %p', (sequenceNumber) => {
    expect(() =>
      rewriteMediaFragment(fixtureFile('fragment-0.m4s'), {
        sequenceNumber,
        baseMediaDecodeTime: (_, t) => t,
      }),
    ).toThrow(RangeError);
  });

  it('refuses bytes without a moof', () => {
    expect(() =>
      rewriteMediaFragment(fixtureFile('init.mp4'), { sequenceNumber: 1, baseMediaDecodeTime: (_, t) => t }),
    ).toThrow('no moof');
  });
});
