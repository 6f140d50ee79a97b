// ISO-BMFF (fragmented MP4) box walking, and the two rewrites looping a fixture needs: tfdt and mfhd.

/** One box: `type` is its four-character code; the payload is `bytes.subarray(start + headerSize, end)`. */
export interface Box {
  readonly type: string;
  readonly start: number;
  readonly headerSize: number;
  readonly end: number;
}

/** Boxes whose payload is only child boxes, after `skip` bytes of their own fields. */
const CONTAINERS: Readonly<Record<string, number>> = {
  moov: 0,
  trak: 0,
  mdia: 0,
  minf: 0,
  stbl: 0,
  edts: 0,
  dinf: 0,
  mvex: 0,
  moof: 0,
  traf: 0,
  stsd: 8, // FullBox header + entry_count
  avc1: 78, // VisualSampleEntry fields
  avc3: 78,
};

const UINT32 = 2 ** 32;

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function fourCC(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
}

/** The sibling boxes laid end to end in `bytes[start, end)`. Throws on a box that overruns its parent. */
export function readBoxes(bytes: Uint8Array, start = 0, end = bytes.length): Box[] {
  const dv = view(bytes);
  const boxes: Box[] = [];
  let at = start;
  while (at < end) {
    if (end - at < 8) throw new RangeError(`truncated box header at offset ${at}`);
    let size = dv.getUint32(at);
    const type = fourCC(bytes, at + 4);
    let headerSize = 8;
    if (size === 1) {
      if (end - at < 16) throw new RangeError(`truncated largesize of '${type}' at offset ${at}`);
      size = Number(dv.getBigUint64(at + 8));
      headerSize = 16;
    } else if (size === 0) {
      size = end - at;
    }
    if (type === 'uuid') headerSize += 16;
    if (size < headerSize || at + size > end) {
      throw new RangeError(`box '${type}' at offset ${at} has size ${size}, outside its parent`);
    }
    boxes.push({ type, start: at, headerSize, end: at + size });
    at += size;
  }
  return boxes;
}

/** The children of a container box (see CONTAINERS for which boxes are walked into). */
export function childBoxes(bytes: Uint8Array, box: Box): Box[] {
  const skip = CONTAINERS[box.type];
  if (skip === undefined) throw new TypeError(`'${box.type}' is not a container box`);
  return readBoxes(bytes, box.start + box.headerSize + skip, box.end);
}

/** Every box reached by following `path` from the top level, e.g. `['moof', 'traf', 'tfdt']`. */
export function findBoxes(bytes: Uint8Array, path: readonly string[], within?: Box): Box[] {
  let level = within ? childBoxes(bytes, within) : readBoxes(bytes);
  let found: Box[] = [];
  path.forEach((type, depth) => {
    found = level.filter((box) => box.type === type);
    if (depth < path.length - 1) level = found.flatMap((box) => childBoxes(bytes, box));
  });
  return found;
}

function findBox(bytes: Uint8Array, path: readonly string[], within?: Box): Box | undefined {
  return findBoxes(bytes, path, within)[0];
}

function requireBox(bytes: Uint8Array, path: readonly string[], within?: Box): Box {
  const box = findBox(bytes, path, within);
  if (!box) throw new RangeError(`no '${path.join('/')}' box${within ? ` in '${within.type}'` : ''}`);
  return box;
}

/** Payload offset, version and flags of a FullBox. */
function fullBox(bytes: Uint8Array, box: Box): { at: number; version: number; flags: number } {
  const at = box.start + box.headerSize;
  return { at: at + 4, version: bytes[at]!, flags: view(bytes).getUint32(at) & 0xffffff };
}

/** The baseMediaDecodeTime of a `tfdt` box. */
export function readBaseMediaDecodeTime(bytes: Uint8Array, tfdt: Box): bigint {
  const { at, version } = fullBox(bytes, tfdt);
  return version === 1 ? view(bytes).getBigUint64(at) : BigInt(view(bytes).getUint32(at));
}

/** The sequence_number of a `moof`'s `mfhd`. */
export function readSequenceNumber(bytes: Uint8Array, moof: Box): number {
  return view(bytes).getUint32(fullBox(bytes, requireBox(bytes, ['mfhd'], moof)).at);
}

function trackIdOfTraf(bytes: Uint8Array, traf: Box): number {
  return view(bytes).getUint32(fullBox(bytes, requireBox(bytes, ['tfhd'], traf)).at);
}

export interface TrackDescription {
  readonly trackId: number;
  /** hdlr handler_type: 'vide', 'soun', ... */
  readonly handlerType: string;
  readonly timescale: number;
  /** RFC 6381 codecs parameter, e.g. avc1.42c01e (empty when the sample entry is not AVC). */
  readonly codecs: string;
  readonly width: number;
  readonly height: number;
  /** trex default_sample_duration, used when a fragment does not say. */
  readonly defaultSampleDuration: number;
  readonly defaultSampleFlags: number;
}

/** The tracks an initialization segment (ftyp + moov with mvex) declares. */
export function describeInitSegment(init: Uint8Array): TrackDescription[] {
  const dv = view(init);
  const moov = requireBox(init, ['moov']);
  const trexes = findBoxes(init, ['mvex', 'trex'], moov).map((trex) => {
    const { at } = fullBox(init, trex);
    return {
      trackId: dv.getUint32(at),
      defaultSampleDuration: dv.getUint32(at + 8),
      defaultSampleFlags: dv.getUint32(at + 16),
    };
  });
  return findBoxes(init, ['trak'], moov).map((trak) => {
    const tkhdBox = requireBox(init, ['tkhd'], trak);
    const tkhd = fullBox(init, tkhdBox);
    const trackId = dv.getUint32(tkhd.at + (tkhd.version === 1 ? 16 : 8));
    // width and height close the tkhd, as 16.16 fixed point
    const width = dv.getUint32(tkhdBox.end - 8) / 65536;
    const height = dv.getUint32(tkhdBox.end - 4) / 65536;
    const mdia = requireBox(init, ['mdia'], trak);
    const mdhd = fullBox(init, requireBox(init, ['mdhd'], mdia));
    const timescale = dv.getUint32(mdhd.at + (mdhd.version === 1 ? 16 : 8));
    const handlerType = fourCC(init, fullBox(init, requireBox(init, ['hdlr'], mdia)).at + 4);
    const avcC =
      findBox(init, ['minf', 'stbl', 'stsd', 'avc1', 'avcC'], mdia) ??
      findBox(init, ['minf', 'stbl', 'stsd', 'avc3', 'avcC'], mdia);
    // avc1.PPCCLL: AVCProfileIndication, profile_compatibility, AVCLevelIndication from the avcC record
    const hex = (at: number) => init[at]!.toString(16).padStart(2, '0');
    const codecs = avcC ? `avc1.${[1, 2, 3].map((i) => hex(avcC.start + avcC.headerSize + i)).join('')}` : '';
    const trex = trexes.find((t) => t.trackId === trackId);
    return {
      trackId,
      handlerType,
      timescale,
      codecs,
      width,
      height,
      defaultSampleDuration: trex?.defaultSampleDuration ?? 0,
      defaultSampleFlags: trex?.defaultSampleFlags ?? 0,
    };
  });
}

export interface TrackFragmentDescription {
  readonly trackId: number;
  readonly baseMediaDecodeTime: bigint;
  readonly sampleCount: number;
  /** Sum of the sample durations, in the track's timescale. */
  readonly duration: number;
  /** Whether the first sample is a sync sample (a keyframe a player can start from). */
  readonly startsWithSyncSample: boolean;
}

export interface MediaFragmentDescription {
  readonly sequenceNumber: number;
  readonly tracks: readonly TrackFragmentDescription[];
}

const SAMPLE_IS_NON_SYNC = 0x10000;

/** Reads the timing of a media fragment (moof + mdat), with defaults from the init segment's tracks. */
export function describeMediaFragment(
  fragment: Uint8Array,
  initTracks: readonly TrackDescription[],
): MediaFragmentDescription {
  const dv = view(fragment);
  const moof = requireBox(fragment, ['moof']);
  const tracks = findBoxes(fragment, ['traf'], moof).map((traf) => {
    const tfhdBox = requireBox(fragment, ['tfhd'], traf);
    const tfhd = fullBox(fragment, tfhdBox);
    const trackId = dv.getUint32(tfhd.at);
    const defaults = initTracks.find((t) => t.trackId === trackId);
    let defaultDuration = defaults?.defaultSampleDuration ?? 0;
    let defaultFlags = defaults?.defaultSampleFlags ?? 0;
    let at = tfhd.at + 4;
    if (tfhd.flags & 0x01) at += 8; // base_data_offset
    if (tfhd.flags & 0x02) at += 4; // sample_description_index
    if (tfhd.flags & 0x08) defaultDuration = dv.getUint32(at);
    if (tfhd.flags & 0x08) at += 4;
    if (tfhd.flags & 0x10) at += 4; // default_sample_size
    if (tfhd.flags & 0x20) defaultFlags = dv.getUint32(at);

    let sampleCount = 0;
    let duration = 0;
    let firstFlags: number | undefined;
    for (const trunBox of findBoxes(fragment, ['trun'], traf)) {
      const trun = fullBox(fragment, trunBox);
      const count = dv.getUint32(trun.at);
      let p = trun.at + 4;
      if (trun.flags & 0x01) p += 4; // data_offset
      if (trun.flags & 0x04) {
        if (firstFlags === undefined && sampleCount === 0) firstFlags = dv.getUint32(p);
        p += 4;
      }
      for (let i = 0; i < count; i++) {
        duration += trun.flags & 0x100 ? dv.getUint32(p) : defaultDuration;
        if (trun.flags & 0x100) p += 4;
        if (trun.flags & 0x200) p += 4;
        if (trun.flags & 0x400) {
          if (firstFlags === undefined && sampleCount + i === 0) firstFlags = dv.getUint32(p);
          p += 4;
        }
        if (trun.flags & 0x800) p += 4;
      }
      sampleCount += count;
    }
    const tfdt = requireBox(fragment, ['tfdt'], traf);
    return {
      trackId,
      baseMediaDecodeTime: readBaseMediaDecodeTime(fragment, tfdt),
      sampleCount,
      duration,
      startsWithSyncSample: ((firstFlags ?? defaultFlags) & SAMPLE_IS_NON_SYNC) === 0,
    };
  });
  return { sequenceNumber: readSequenceNumber(fragment, moof), tracks };
}

export interface FragmentRewrite {
  /** New mfhd sequence_number (0 .. 2^32-1). */
  readonly sequenceNumber: number;
  /** New tfdt baseMediaDecodeTime for a track, given its current one. */
  readonly baseMediaDecodeTime: (trackId: number, current: bigint) => bigint;
}

/**
 * A copy of `fragment` with its mfhd sequence number and every track's tfdt rewritten in place.
 * Sizes do not change, so sample data offsets stay valid; a version-0 tfdt that cannot hold the
 * new time is an error rather than a silent wrap.
 */
export function rewriteMediaFragment(fragment: Uint8Array, rewrite: FragmentRewrite): Uint8Array {
  const out = fragment.slice();
  const dv = view(out);
  const moofs = findBoxes(out, ['moof']);
  if (moofs.length === 0) throw new RangeError('no moof box: not a media fragment');
  if (
    !Number.isInteger(rewrite.sequenceNumber) ||
    rewrite.sequenceNumber < 0 ||
    rewrite.sequenceNumber >= UINT32
  ) {
    throw new RangeError(`sequence number ${rewrite.sequenceNumber} does not fit mfhd`);
  }
  for (const moof of moofs) {
    dv.setUint32(fullBox(out, requireBox(out, ['mfhd'], moof)).at, rewrite.sequenceNumber);
    for (const traf of findBoxes(out, ['traf'], moof)) {
      const trackId = trackIdOfTraf(out, traf);
      const tfdtBox = requireBox(out, ['tfdt'], traf);
      const next = rewrite.baseMediaDecodeTime(trackId, readBaseMediaDecodeTime(out, tfdtBox));
      const { at, version } = fullBox(out, tfdtBox);
      if (next < 0n) throw new RangeError(`track ${trackId}: negative baseMediaDecodeTime ${next}`);
      if (version === 1) {
        dv.setBigUint64(at, next);
      } else if (next < BigInt(UINT32)) {
        dv.setUint32(at, Number(next));
      } else {
        throw new RangeError(`track ${trackId}: baseMediaDecodeTime ${next} needs a version 1 tfdt`);
      }
    }
  }
  return out;
}
