import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_FIXTURE_DIR } from '../../../local/media/fixture';
import {
  readPcrs,
  readPesTimestamps,
  readTimestamp,
  readTsPackets,
  rewriteTransportStream,
  TIMESTAMP_MODULUS,
  writeTimestamp,
} from '../../../local/media/mpegts';

const fixtureFile = (name: string) => new Uint8Array(readFileSync(join(DEFAULT_FIXTURE_DIR, name)));

/** ISO/IEC 13818-1 2.4.3.7 layout, written out independently of the code under test. */
function encodeTimestamp(prefix: number, value: number): number[] {
  const high = Math.floor(value / 2 ** 30);
  const low = value % 2 ** 30;
  return [
    (prefix << 4) | (high << 1) | 1,
    low >>> 22,
    ((low >>> 14) & 0xfe) | 1,
    (low >>> 7) & 0xff,
    ((low << 1) & 0xfe) | 1,
  ];
}

function encodePcr(base: number, extension: number): number[] {
  const rest = base % 2 ** 25;
  return [
    Math.floor(base / 2 ** 25),
    rest >>> 17,
    (rest >>> 9) & 0xff,
    (rest >>> 1) & 0xff,
    ((rest & 1) << 7) | 0x7e | (extension >> 8),
    extension & 0xff,
  ];
}

interface PacketSpec {
  pid: number;
  cc: number;
  pts?: number;
  dts?: number;
  pcr?: { base: number; extension: number };
  payload?: boolean;
}

/** One 188-byte packet: optional PCR adaptation field, then (if any payload) a video PES header. */
function packet({ pid, cc, pts, dts, pcr, payload = true }: PacketSpec): Uint8Array {
  const adaptation = pcr ? [7, 0x10, ...encodePcr(pcr.base, pcr.extension)] : [];
  const control = (pcr ? 0x2 : 0) | (payload ? 0x1 : 0);
  const header = [0x47, (payload ? 0x40 : 0) | (pid >> 8), pid & 0xff, (control << 4) | cc];
  const timestamps = [
    ...(pts === undefined ? [] : encodeTimestamp(dts === undefined ? 0x2 : 0x3, pts)),
    ...(dts === undefined ? [] : encodeTimestamp(0x1, dts)),
  ];
  const flags = (pts === undefined ? 0 : 0x80) | (dts === undefined ? 0 : 0x40);
  const pes = payload ? [0, 0, 1, 0xe0, 0, 0, 0x80, flags, timestamps.length, ...timestamps] : [];
  const bytes = new Uint8Array(188).fill(0xff);
  bytes.set([...header, ...adaptation, ...pes]);
  if (!payload && pcr) bytes[4] = 183; // an adaptation-only packet fills itself with stuffing
  return bytes;
}

function stream(...packets: Uint8Array[]): Uint8Array {
  return new Uint8Array(packets.flatMap((p) => [...p]));
}

describe('PES timestamps', () => {
  it('reads what the 33-bit layout encodes, and writes it back the same way, keeping the prefix', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: TIMESTAMP_MODULUS - 1 }),
        fc.constantFrom(0x1, 0x2, 0x3),
        (value, prefix) => {
          const expected = encodeTimestamp(prefix, value);
          expect(readTimestamp(new Uint8Array(expected), 0)).toBe(value);
          const written = new Uint8Array([prefix << 4, 0, 0, 0, 0]);
          writeTimestamp(written, 0, value);
          expect([...written]).toEqual(expected);
        },
      ),
    );
  });
});

describe('readTsPackets', () => {
  it.each([
    ['a length that is not whole packets', new Uint8Array(200).fill(0x47)],
    ['a packet without its sync byte', new Uint8Array(188)],
  ])('refuses %s', (_, bytes) => {
    expect(() => readTsPackets(bytes)).toThrow(RangeError);
  });

  it('reads PID, continuity counter, payload and PCR position', () => {
    const bytes = stream(
      packet({ pid: 256, cc: 5, pts: 1, pcr: { base: 0, extension: 0 } }),
      packet({ pid: 0x1fff, cc: 0, payload: false }),
    );
    expect(readTsPackets(bytes)).toEqual([
      {
        offset: 0,
        pid: 256,
        payloadUnitStart: true,
        continuityCounter: 5,
        hasPayload: true,
        payloadOffset: 12,
        pcrOffset: 6,
      },
      {
        offset: 188,
        pid: 0x1fff,
        payloadUnitStart: false,
        continuityCounter: 0,
        hasPayload: false,
        payloadOffset: 376,
      },
    ]);
  });
});

describe('rewriteTransportStream', () => {
  it('moves PTS, DTS and PCR by the offset, keeping the PCR extension', () => {
    const bytes = stream(
      packet({ pid: 256, cc: 0, pts: 129_600, dts: 126_000, pcr: { base: 63_000, extension: 299 } }),
    );
    const moved = rewriteTransportStream(bytes, { timestampOffset: 90_000 });

    expect(readPesTimestamps(moved)).toEqual([{ pid: 256, pts: 219_600, dts: 216_000 }]);
    expect(readPcrs(moved)).toEqual([{ pid: 256, base: 153_000 }]);
    expect([...moved.subarray(10, 12)]).toEqual(encodePcr(153_000, 299).slice(4));
  });

  it('wraps at 2^33 in both directions, as the 90 kHz clock does', () => {
    const bytes = stream(
      packet({ pid: 256, cc: 0, pts: TIMESTAMP_MODULUS - 100, pcr: { base: 50, extension: 0 } }),
    );
    expect(readPesTimestamps(rewriteTransportStream(bytes, { timestampOffset: 300 }))).toEqual([
      { pid: 256, pts: 200 },
    ]);
    expect(readPcrs(rewriteTransportStream(bytes, { timestampOffset: -100 }))).toEqual([
      { pid: 256, base: TIMESTAMP_MODULUS - 50 },
    ]);
  });

  it('shifts continuity counters of the PIDs asked, modulo 16, only on packets with a payload', () => {
    const bytes = stream(
      packet({ pid: 256, cc: 14, pts: 0 }),
      packet({ pid: 256, cc: 14, payload: false, pcr: { base: 0, extension: 0 } }),
      packet({ pid: 257, cc: 3, pts: 0 }),
    );
    const shifted = rewriteTransportStream(bytes, {
      timestampOffset: 0,
      continuityShift: new Map([[256, 3]]),
    });
    expect(readTsPackets(shifted).map((p) => p.continuityCounter)).toEqual([1, 14, 3]);
  });

  it('leaves PSI packets and media payload bytes alone', () => {
    const original = fixtureFile('fragment-0.mpegts');
    const moved = rewriteTransportStream(original, { timestampOffset: 12_345 });
    const packets = readTsPackets(original);
    const psi = packets.filter((p) => p.pid === 0 || p.pid === 17 || p.pid === 4096);
    expect(psi).toHaveLength(3);
    for (const p of psi)
      expect(moved.subarray(p.offset, p.offset + 188)).toEqual(original.subarray(p.offset, p.offset + 188));
    const changed = [...moved.keys()].filter((i) => moved[i] !== original[i]).length;
    expect(changed).toBeLessThanOrEqual(
      readPesTimestamps(original).length * 5 + readPcrs(original).length * 5,
    );
  });

  it('moves every timestamp of a real fragment by the same offset', () => {
    const original = fixtureFile('fragment-3.mpegts');
    const offset = 158_784_624_000_000 % TIMESTAMP_MODULUS;
    const moved = rewriteTransportStream(original, { timestampOffset: offset });
    const shift = (t: number) => (t + offset) % TIMESTAMP_MODULUS;

    expect(readPesTimestamps(moved)).toEqual(
      readPesTimestamps(original).map((pes) => ({ pid: pes.pid, pts: shift(pes.pts!) })),
    );
    expect(readPcrs(moved)).toEqual(
      readPcrs(original).map((pcr) => ({ pid: pcr.pid, base: shift(pcr.base) })),
    );
    expect(readPesTimestamps(original)).toHaveLength(25);
  });

  it('refuses an offset that is not a safe integer', () => {
    expect(() => rewriteTransportStream(new Uint8Array(0), { timestampOffset: 0.5 })).toThrow(RangeError);
  });
});
