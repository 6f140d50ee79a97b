// The media fixture as H.264 access units for an RTP sender: each fMP4 sample (AVCC, length-prefixed NAL units)
// in decoding order, with its duration, and the SPS and PPS from the init segment's avcC record.
import { parseAvcDecoderConfigurationRecord } from 'werift';
import type { MediaFixture } from '../media/fixture';
import { findBoxes, type Box } from '../media/isobmff';

export interface AccessUnit {
  /** Length-prefixed NAL units (the sample as stored). */
  readonly data: Buffer;
  /** Duration in the track timescale. */
  readonly duration: number;
  readonly keyframe: boolean;
}

export interface H264Track {
  readonly naluLengthSize: number;
  /** SPS then PPS, raw NAL units. */
  readonly parameterSets: readonly Buffer[];
  readonly timescale: number;
  /** One whole loop of the fixture. */
  readonly units: readonly AccessUnit[];
}

const u32 = (bytes: Uint8Array, at: number) => new DataView(bytes.buffer, bytes.byteOffset).getUint32(at);
const SAMPLE_IS_NON_SYNC = 0x10000;

interface TrunSample {
  duration: number;
  size: number;
  flags: number;
}

/** tfhd defaults (duration, size, flags), with trex's as the fall-back. */
function trackDefaults(bytes: Uint8Array, tfhd: Box, trex: { duration: number; flags: number }) {
  const flags = u32(bytes, tfhd.start + 8) & 0xffffff;
  let at = tfhd.start + 16;
  if (flags & 0x01) at += 8;
  if (flags & 0x02) at += 4;
  const duration = flags & 0x08 ? u32(bytes, at) : trex.duration;
  if (flags & 0x08) at += 4;
  const size = flags & 0x10 ? u32(bytes, at) : 0;
  if (flags & 0x10) at += 4;
  return { duration, size, flags: flags & 0x20 ? u32(bytes, at) : trex.flags };
}

/** The samples of one trun, and where its data starts (data_offset from the moof, default-base-is-moof). */
function readTrun(
  bytes: Uint8Array,
  trun: Box,
  defaults: TrunSample,
): { dataOffset: number; samples: TrunSample[] } {
  const flags = u32(bytes, trun.start + 8) & 0xffffff;
  const count = u32(bytes, trun.start + 12);
  let at = trun.start + 16;
  const dataOffset = flags & 0x01 ? u32(bytes, at) : 0;
  if (flags & 0x01) at += 4;
  const firstFlags = flags & 0x04 ? u32(bytes, at) : undefined;
  if (flags & 0x04) at += 4;
  const samples: TrunSample[] = [];
  for (let i = 0; i < count; i++) {
    const read = (bit: number, fallback: number) => {
      if (!(flags & bit)) return fallback;
      const value = u32(bytes, at);
      at += 4;
      return value;
    };
    const duration = read(0x100, defaults.duration);
    const size = read(0x200, defaults.size);
    const sampleFlags = read(0x400, i === 0 && firstFlags !== undefined ? firstFlags : defaults.flags);
    read(0x800, 0);
    samples.push({ duration, size, flags: sampleFlags });
  }
  return { dataOffset, samples };
}

function fragmentUnits(fragment: Uint8Array, trex: { duration: number; flags: number }): AccessUnit[] {
  const [moof] = findBoxes(fragment, ['moof']);
  if (!moof) throw new Error('media fixture: a fragment has no moof');
  const units: AccessUnit[] = [];
  for (const traf of findBoxes(fragment, ['traf'], moof)) {
    const defaults = trackDefaults(fragment, findBoxes(fragment, ['tfhd'], traf)[0]!, trex);
    for (const trunBox of findBoxes(fragment, ['trun'], traf)) {
      const { dataOffset, samples } = readTrun(fragment, trunBox, defaults);
      let at = moof.start + dataOffset;
      for (const s of samples) {
        units.push({
          data: Buffer.from(fragment.subarray(at, at + s.size)),
          duration: s.duration,
          keyframe: (s.flags & SAMPLE_IS_NON_SYNC) === 0,
        });
        at += s.size;
      }
    }
  }
  return units;
}

/** The fixture's video as access units (one loop), with its parameter sets. */
export function h264Track(fixture: MediaFixture): H264Track {
  const [avcC] = findBoxes(fixture.init, ['moov', 'trak', 'mdia', 'minf', 'stbl', 'stsd', 'avc1', 'avcC']);
  if (!avcC) throw new Error('media fixture: init.mp4 has no avcC record');
  const record = parseAvcDecoderConfigurationRecord(
    fixture.init.subarray(avcC.start + avcC.headerSize, avcC.end),
  );
  const [trex] = findBoxes(fixture.init, ['moov', 'mvex', 'trex']);
  const trexDefaults = trex
    ? { duration: u32(fixture.init, trex.start + 20), flags: u32(fixture.init, trex.start + 28) }
    : { duration: 0, flags: 0 };
  return {
    naluLengthSize: record.naluLengthSize,
    parameterSets: record.parameterSets,
    timescale: fixture.video.timescale,
    units: fixture.mp4Fragments.flatMap((f) => fragmentUnits(f, trexDefaults)),
  };
}
