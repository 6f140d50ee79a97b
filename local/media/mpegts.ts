// MPEG-2 transport stream packet walking, and the rewrites looping a fixture needs: PTS/DTS/PCR and continuity counters.

export const TS_PACKET_SIZE = 188;
const SYNC_BYTE = 0x47;
const NULL_PID = 0x1fff;
/** PTS, DTS and the PCR base are 33-bit counts of a 90 kHz clock, and wrap. */
export const TIMESTAMP_MODULUS = 2 ** 33;
/** The clock of PTS, DTS and the PCR base. */
export const TS_CLOCK_HZ = 90_000;

export interface TsPacket {
  /** Offset of the packet's sync byte. */
  readonly offset: number;
  readonly pid: number;
  readonly payloadUnitStart: boolean;
  readonly continuityCounter: number;
  readonly hasPayload: boolean;
  /** Absolute offset of the payload (the packet's end when it has none). */
  readonly payloadOffset: number;
  /** Absolute offset of the 6-byte PCR field, when the adaptation field carries one. */
  readonly pcrOffset?: number;
}

/** Splits a transport stream into its packets. Throws unless it is whole 188-byte packets with sync bytes. */
export function readTsPackets(bytes: Uint8Array): TsPacket[] {
  if (bytes.length % TS_PACKET_SIZE !== 0) {
    throw new RangeError(`transport stream length ${bytes.length} is not a multiple of ${TS_PACKET_SIZE}`);
  }
  const packets: TsPacket[] = [];
  for (let offset = 0; offset < bytes.length; offset += TS_PACKET_SIZE) {
    if (bytes[offset] !== SYNC_BYTE) throw new RangeError(`no sync byte at offset ${offset}`);
    const pid = ((bytes[offset + 1]! & 0x1f) << 8) | bytes[offset + 2]!;
    const control = (bytes[offset + 3]! >> 4) & 0x3;
    let payloadOffset = offset + 4;
    let pcrOffset: number | undefined;
    if (control & 0x2) {
      const length = bytes[offset + 4]!;
      if (length > 0 && bytes[offset + 5]! & 0x10) pcrOffset = offset + 6;
      payloadOffset = offset + 5 + length;
      if (payloadOffset > offset + TS_PACKET_SIZE) {
        throw new RangeError(`adaptation field overruns the packet at offset ${offset}`);
      }
    }
    packets.push({
      offset,
      pid,
      payloadUnitStart: (bytes[offset + 1]! & 0x40) !== 0,
      continuityCounter: bytes[offset + 3]! & 0x0f,
      hasPayload: (control & 0x1) !== 0,
      payloadOffset: control & 0x1 ? payloadOffset : offset + TS_PACKET_SIZE,
      ...(pcrOffset === undefined ? {} : { pcrOffset }),
    });
  }
  return packets;
}

/** PES stream_ids whose packets have no optional header, hence no PTS/DTS (ISO/IEC 13818-1 table 2-21). */
const NO_PES_HEADER = new Set([0xbc, 0xbe, 0xbf, 0xf0, 0xf1, 0xf2, 0xf8, 0xff]);

interface PesTimestampFields {
  readonly ptsAt?: number;
  readonly dtsAt?: number;
}

/** Where the PTS and DTS of the PES packet starting in `packet` are, if it starts one. */
function pesTimestampFields(bytes: Uint8Array, packet: TsPacket): PesTimestampFields | undefined {
  if (!packet.payloadUnitStart || !packet.hasPayload || packet.pid === NULL_PID) return undefined;
  const p = packet.payloadOffset;
  // PSI sections start with a pointer_field, never with the 00 00 01 PES start code.
  if (bytes[p] !== 0 || bytes[p + 1] !== 0 || bytes[p + 2] !== 1) return undefined;
  if (NO_PES_HEADER.has(bytes[p + 3]!) || (bytes[p + 6]! & 0xc0) !== 0x80) return undefined;
  const ptsDtsFlags = bytes[p + 7]! >> 6;
  if (p + 9 + (ptsDtsFlags === 3 ? 10 : 5) > packet.offset + TS_PACKET_SIZE) {
    throw new RangeError(`PES header split across packets at offset ${packet.offset}`);
  }
  return {
    ...(ptsDtsFlags & 0x2 ? { ptsAt: p + 9 } : {}),
    ...(ptsDtsFlags === 3 ? { dtsAt: p + 14 } : {}),
  };
}

/** Decodes the 33-bit timestamp in the 5 bytes at `at` (marker bits ignored). */
export function readTimestamp(bytes: Uint8Array, at: number): number {
  const high3 = (bytes[at]! >> 1) & 0x7;
  const low30 =
    (bytes[at + 1]! << 22) | ((bytes[at + 2]! >> 1) << 15) | (bytes[at + 3]! << 7) | (bytes[at + 4]! >> 1);
  return high3 * 2 ** 30 + low30;
}

/** Encodes a 33-bit timestamp into the 5 bytes at `at`, keeping the 4-bit prefix already there. */
export function writeTimestamp(bytes: Uint8Array, at: number, value: number): void {
  const high3 = Math.floor(value / 2 ** 30) & 0x7;
  const low30 = value % 2 ** 30;
  bytes[at] = (bytes[at]! & 0xf0) | (high3 << 1) | 1;
  bytes[at + 1] = (low30 >>> 22) & 0xff;
  bytes[at + 2] = (((low30 >>> 15) & 0x7f) << 1) | 1;
  bytes[at + 3] = (low30 >>> 7) & 0xff;
  bytes[at + 4] = ((low30 & 0x7f) << 1) | 1;
}

/** The PCR base (90 kHz) in the 6-byte PCR field at `at`. */
export function readPcrBase(bytes: Uint8Array, at: number): number {
  return (
    bytes[at]! * 2 ** 25 +
    ((bytes[at + 1]! << 17) | (bytes[at + 2]! << 9) | (bytes[at + 3]! << 1) | (bytes[at + 4]! >> 7))
  );
}

function writePcrBase(bytes: Uint8Array, at: number, base: number): void {
  const rest = base % 2 ** 25;
  bytes[at] = Math.floor(base / 2 ** 25) & 0xff;
  bytes[at + 1] = (rest >>> 17) & 0xff;
  bytes[at + 2] = (rest >>> 9) & 0xff;
  bytes[at + 3] = (rest >>> 1) & 0xff;
  bytes[at + 4] = ((rest & 1) << 7) | (bytes[at + 4]! & 0x7f); // reserved bits and the extension stay
}

export interface PesTimestamps {
  readonly pid: number;
  readonly pts?: number;
  readonly dts?: number;
}

/** The PTS/DTS of every PES packet, in stream order. */
export function readPesTimestamps(bytes: Uint8Array): PesTimestamps[] {
  return readTsPackets(bytes).flatMap((packet) => {
    const fields = pesTimestampFields(bytes, packet);
    if (!fields) return [];
    return [
      {
        pid: packet.pid,
        ...(fields.ptsAt === undefined ? {} : { pts: readTimestamp(bytes, fields.ptsAt) }),
        ...(fields.dtsAt === undefined ? {} : { dts: readTimestamp(bytes, fields.dtsAt) }),
      },
    ];
  });
}

/** The PCR bases, in stream order. */
export function readPcrs(bytes: Uint8Array): { readonly pid: number; readonly base: number }[] {
  return readTsPackets(bytes).flatMap((packet) =>
    packet.pcrOffset === undefined ? [] : [{ pid: packet.pid, base: readPcrBase(bytes, packet.pcrOffset) }],
  );
}

/** How many packets with a payload each PID has: the steps its continuity counter takes. */
export function countPayloadPackets(bytes: Uint8Array): Map<number, number> {
  const counts = new Map<number, number>();
  for (const packet of readTsPackets(bytes)) {
    if (packet.hasPayload && packet.pid !== NULL_PID)
      counts.set(packet.pid, (counts.get(packet.pid) ?? 0) + 1);
  }
  return counts;
}

function wrap(value: number, modulus: number): number {
  return ((value % modulus) + modulus) % modulus;
}

export interface TsRewrite {
  /** Added to every PTS, DTS and PCR base, modulo 2^33. */
  readonly timestampOffset: number;
  /** Added to the continuity counter of each PID's payload packets, modulo 16. @default none */
  readonly continuityShift?: ReadonlyMap<number, number>;
}

/** A copy of a transport stream with its clock moved by an offset and, optionally, its continuity counters shifted. */
export function rewriteTransportStream(bytes: Uint8Array, rewrite: TsRewrite): Uint8Array {
  if (!Number.isSafeInteger(rewrite.timestampOffset)) {
    throw new RangeError(`timestamp offset ${rewrite.timestampOffset} is not a safe integer`);
  }
  const out = bytes.slice();
  const offset = wrap(rewrite.timestampOffset, TIMESTAMP_MODULUS);
  for (const packet of readTsPackets(out)) {
    if (packet.pcrOffset !== undefined) {
      writePcrBase(
        out,
        packet.pcrOffset,
        wrap(readPcrBase(out, packet.pcrOffset) + offset, TIMESTAMP_MODULUS),
      );
    }
    const fields = pesTimestampFields(out, packet);
    for (const at of [fields?.ptsAt, fields?.dtsAt]) {
      if (at !== undefined) writeTimestamp(out, at, wrap(readTimestamp(out, at) + offset, TIMESTAMP_MODULUS));
    }
    const shift = rewrite.continuityShift?.get(packet.pid);
    if (shift !== undefined && packet.hasPayload) {
      const cc = wrap(packet.continuityCounter + shift, 16);
      out[packet.offset + 3] = (out[packet.offset + 3]! & 0xf0) | cc;
    }
  }
  return out;
}
