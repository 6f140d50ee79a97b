// GetClip's answer: a progressive MP4 file (ftyp, moov with full sample tables, mdat) built from fMP4 media
// fragments. The head is computed from the fragments' trun tables; the samples follow fragment by fragment, so the
// file is never held whole.
import type { MediaFixture } from './fixture';
import { describeInitSegment, findBoxes, readBoxes, type Box, type TrackDescription } from './isobmff';

/** The samples of one media fragment (one track): what a sample table needs, and where their bytes lie. */
export interface FragmentSamples {
  readonly sizes: readonly number[];
  readonly durations: readonly number[];
  readonly sync: readonly boolean[];
  readonly compositionOffsets: readonly number[];
  /** The sample bytes are contiguous: fragment.subarray(dataStart, dataStart + dataLength). */
  readonly dataStart: number;
  readonly dataLength: number;
}

const NON_SYNC = 0x10000;

function payloadAt(bytes: Uint8Array, box: Box): { dv: DataView; at: number; flags: number } {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = box.start + box.headerSize;
  return { dv, at: at + 4, flags: dv.getUint32(at) & 0xffffff };
}

/** Reads the trun of a single-track media fragment (moof + mdat), with the init segment's trex defaults. */
export function readFragmentSamples(fragment: Uint8Array, track: TrackDescription): FragmentSamples {
  const moof = readBoxes(fragment).find((b) => b.type === 'moof');
  const tfhd = moof && findBoxes(fragment, ['traf', 'tfhd'], moof)[0];
  const trun = moof && findBoxes(fragment, ['traf', 'trun'], moof)[0];
  if (!moof || !tfhd || !trun) throw new RangeError('not a media fragment: no moof/traf/tfhd/trun');
  const h = payloadAt(fragment, tfhd);
  let p = h.at + 4;
  let base = moof.start;
  if (h.flags & 0x01) base = Number(h.dv.getBigUint64(p));
  if (h.flags & 0x01) p += 8;
  if (h.flags & 0x02) p += 4;
  const defaultDuration = h.flags & 0x08 ? h.dv.getUint32(p) : track.defaultSampleDuration;
  if (h.flags & 0x08) p += 4;
  const defaultSize = h.flags & 0x10 ? h.dv.getUint32(p) : 0;
  if (h.flags & 0x10) p += 4;
  const defaultFlags = h.flags & 0x20 ? h.dv.getUint32(p) : track.defaultSampleFlags;

  const r = payloadAt(fragment, trun);
  const count = r.dv.getUint32(r.at);
  let q = r.at + 4;
  const dataOffset = r.flags & 0x01 ? r.dv.getInt32(q) : 0;
  if (r.flags & 0x01) q += 4;
  const firstFlags = r.flags & 0x04 ? r.dv.getUint32(q) : undefined;
  if (r.flags & 0x04) q += 4;
  const sizes: number[] = [];
  const durations: number[] = [];
  const sync: boolean[] = [];
  const compositionOffsets: number[] = [];
  for (let i = 0; i < count; i++) {
    durations.push(r.flags & 0x100 ? r.dv.getUint32(q) : defaultDuration);
    if (r.flags & 0x100) q += 4;
    sizes.push(r.flags & 0x200 ? r.dv.getUint32(q) : defaultSize);
    if (r.flags & 0x200) q += 4;
    const flags =
      r.flags & 0x400 ? r.dv.getUint32(q) : i === 0 && firstFlags !== undefined ? firstFlags : defaultFlags;
    if (r.flags & 0x400) q += 4;
    sync.push((flags & NON_SYNC) === 0);
    compositionOffsets.push(r.flags & 0x800 ? r.dv.getInt32(q) : 0);
    if (r.flags & 0x800) q += 4;
  }
  const dataLength = sizes.reduce((a, b) => a + b, 0);
  return { sizes, durations, sync, compositionOffsets, dataStart: base + dataOffset, dataLength };
}

// --- box writing -------------------------------------------------------------------------------------------

function u32s(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => dv.setUint32(i * 4, v >>> 0));
  return out;
}

function box(type: string, ...parts: Uint8Array[]): Uint8Array {
  const size = 8 + parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, size);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  let at = 8;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const fullBox = (type: string, version: number, flags: number, ...parts: Uint8Array[]) =>
  box(type, u32s(((version << 24) | flags) >>> 0), ...parts);

const fourCCs = (...codes: string[]) => Uint8Array.from(codes.join(''), (c) => c.charCodeAt(0));
const UNITY_MATRIX = u32s(0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000);

/** Run-length entries [count, value] of a list of numbers (stts, ctts, stsc). */
function runs(values: readonly number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const v of values) {
    const last = out[out.length - 1];
    if (last && last[1] === v) last[0] += 1;
    else out.push([1, v]);
  }
  return out;
}

function sampleTable(
  stsd: Uint8Array,
  parts: readonly FragmentSamples[],
  chunkOffsets: number[],
): Uint8Array {
  const all = <T>(pick: (f: FragmentSamples) => readonly T[]) => parts.flatMap((f) => [...pick(f)]);
  const durations = runs(all((f) => f.durations));
  const sizes = all((f) => f.sizes);
  const syncNumbers = all((f) => f.sync).flatMap((s, i) => (s ? [i + 1] : []));
  const offsets = all((f) => f.compositionOffsets);
  const chunks = runs(parts.map((f) => f.sizes.length));
  let firstChunk = 1;
  const stsc = chunks.map(([n, perChunk]) => {
    const entry = [firstChunk, perChunk, 1];
    firstChunk += n;
    return entry;
  });
  return box(
    'stbl',
    stsd,
    fullBox('stts', 0, 0, u32s(durations.length, ...durations.flat())),
    ...(syncNumbers.length < sizes.length
      ? [fullBox('stss', 0, 0, u32s(syncNumbers.length, ...syncNumbers))]
      : []),
    ...(offsets.some((o) => o !== 0)
      ? [fullBox('ctts', 1, 0, u32s(runs(offsets).length, ...runs(offsets).flat()))]
      : []),
    fullBox('stsc', 0, 0, u32s(stsc.length, ...stsc.flat())),
    fullBox('stsz', 0, 0, u32s(0, sizes.length, ...sizes)),
    fullBox('stco', 0, 0, u32s(chunkOffsets.length, ...chunkOffsets)),
  );
}

/**
 * The clip's head: ftyp + moov, for samples laid out in an mdat that starts right after it, each fragment's samples
 * followed by `paddingBytes` no sample points at.
 */
function clipHead(
  init: Uint8Array,
  track: TrackDescription,
  parts: readonly FragmentSamples[],
  paddingBytes: number,
): Uint8Array {
  const stsdBox = findBoxes(init, ['moov', 'trak', 'mdia', 'minf', 'stbl', 'stsd'])[0];
  if (!stsdBox) throw new RangeError('init segment without stsd');
  const stsd = init.slice(stsdBox.start, stsdBox.end);
  const ticks = parts.reduce((a, f) => a + f.durations.reduce((x, y) => x + y, 0), 0);
  const ms = Math.round((ticks * 1000) / track.timescale);
  const ftyp = box('ftyp', fourCCs('isom'), u32s(0x200), fourCCs('isom', 'iso2', 'avc1', 'mp41'));
  const build = (offsets: number[]) =>
    box(
      'moov',
      fullBox(
        'mvhd',
        0,
        0,
        u32s(0, 0, 1000, ms, 0x10000),
        u32s(0x01000000, 0, 0),
        UNITY_MATRIX,
        u32s(0, 0, 0, 0, 0, 0, 2),
      ),
      box(
        'trak',
        fullBox(
          'tkhd',
          0,
          3,
          u32s(0, 0, 1, 0, ms, 0, 0, 0, 0),
          UNITY_MATRIX,
          u32s(track.width * 65536, track.height * 65536),
        ),
        box(
          'mdia',
          fullBox('mdhd', 0, 0, u32s(0, 0, track.timescale, ticks, 0x55c40000)),
          fullBox('hdlr', 0, 0, u32s(0), fourCCs('vide'), u32s(0, 0, 0), fourCCs('VideoHandler\0')),
          box(
            'minf',
            fullBox('vmhd', 0, 1, u32s(0, 0)),
            box('dinf', fullBox('dref', 0, 0, u32s(1), fullBox('url ', 0, 1))),
            sampleTable(stsd, parts, offsets),
          ),
        ),
      ),
    );
  // The moov's size does not depend on the offsets' values, so build it once to measure, then for real.
  const headSize = ftyp.length + build(parts.map(() => 0)).length + 8;
  const offsets: number[] = [];
  let at = headSize;
  for (const f of parts) {
    offsets.push(at);
    at += f.dataLength + paddingBytes;
  }
  const moov = build(offsets);
  const out = new Uint8Array(ftyp.length + moov.length);
  out.set(ftyp);
  out.set(moov, ftyp.length);
  return out;
}

export interface ClipFile {
  readonly contentType: 'video/mp4';
  readonly byteLength: number;
  chunks(): Generator<Uint8Array>;
}

/**
 * The MP4 file of stream fragments `fragmentNumbers` (fixture fragment n mod N each), in order. `paddingBytes` zero
 * bytes follow each fragment's samples in the mdat (ISO/IEC 14496-12: chunk offsets say where samples are; bytes
 * between chunks are skipped), one shared buffer yielded again and again, so a large clip costs no memory to make.
 */
export function buildClip(
  fixture: MediaFixture,
  fragmentNumbers: readonly number[],
  paddingBytes = 0,
): ClipFile {
  const track = describeInitSegment(fixture.init).find((t) => t.trackId === fixture.video.trackId)!;
  const samples = fixture.mp4Fragments.map((f) => readFragmentSamples(f, track));
  const k = (n: number) => n % fixture.mp4Fragments.length;
  const parts = fragmentNumbers.map((n) => samples[k(n)]!);
  const head = clipHead(fixture.init, track, parts, paddingBytes);
  const mdatSize = 8 + parts.reduce((a, f) => a + f.dataLength + paddingBytes, 0);
  const padding = new Uint8Array(paddingBytes);
  if (head.length + mdatSize >= 2 ** 32) throw new RangeError('clip too large for 32-bit chunk offsets');
  return {
    contentType: 'video/mp4',
    byteLength: head.length + mdatSize,
    *chunks() {
      yield head;
      yield Uint8Array.from([...u32s(mdatSize), ...fourCCs('mdat')]);
      for (const n of fragmentNumbers) {
        const f = samples[k(n)]!;
        yield fixture.mp4Fragments[k(n)]!.subarray(f.dataStart, f.dataStart + f.dataLength);
        if (paddingBytes > 0) yield padding;
      }
    },
  };
}
