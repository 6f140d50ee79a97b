// Padded archive media (createArchiveMedia `fragmentPaddingBytes`): how the small fixture makes a clip of the most KVS
// returns, honestly. ListFragments counts the padding in FragmentSizeInBytes; GetClip's file carries it between the
// fragments' samples, where no sample table points, so mp4box reads the same samples as from the plain clip.
import { describe, expect, it } from '@jest/globals';
import { GetClipCommand, ListFragmentsCommand } from '@aws-sdk/client-kinesis-video-archived-media';
import { createFile, MP4BoxBuffer } from 'mp4box';
import { CLIP_MAX_BYTES, CLIP_MAX_FRAGMENTS } from '../../../local/emulator/get-clip';
import { createArchiveMedia } from '../../../local/media/archive';
import { emulatorFixture, manualClock, NOW } from './support';

const PAD = 512 * 1024;
const plain = createArchiveMedia();
const padded = createArchiveMedia({ fragmentPaddingBytes: PAD });
const at = (offsetMs: number) => new Date(NOW + offsetMs);

function inspect(bytes: Uint8Array) {
  const file = createFile();
  let info: ReturnType<typeof file.getInfo> | undefined;
  file.onReady = (i) => (info = i);
  file.appendBuffer(MP4BoxBuffer.fromArrayBuffer(bytes.slice().buffer, 0));
  file.flush();
  if (!info) throw new Error('mp4box did not find a complete movie');
  return { info, samples: file.getTrackSamplesInfo(info.videoTracks[0]!.id) };
}

const concat = (chunks: Iterable<Uint8Array>) => new Uint8Array(Buffer.concat([...chunks]));

describe('KVS emulator with padded fragments, through the real SDK client', () => {
  const fx = emulatorFixture({
    streams: [{ name: 'cam-big' }],
    now: manualClock(NOW).now,
    enforceQuotas: false,
    archive: padded,
  });

  const getClip = (startMs: number, endMs: number) =>
    fx.media.send(
      new GetClipCommand({
        StreamName: 'cam-big',
        ClipFragmentSelector: {
          FragmentSelectorType: 'SERVER_TIMESTAMP',
          TimestampRange: { StartTimestamp: at(startMs), EndTimestamp: at(endMs) },
        },
      }),
    );

  it('lists each fragment at its fixture size plus the padding', async () => {
    const out = await fx.media.send(
      new ListFragmentsCommand({
        StreamName: 'cam-big',
        FragmentSelector: {
          FragmentSelectorType: 'SERVER_TIMESTAMP',
          TimestampRange: { StartTimestamp: at(-5000), EndTimestamp: at(-1000) },
        },
      }),
    );
    const sizes = out.Fragments!.map((f) => [Number(f.FragmentNumber), f.FragmentSizeInBytes]);
    expect(sizes.length).toBeGreaterThan(0);
    for (const [n, size] of sizes) expect(size).toBe(plain.fragmentSize(n!) + PAD);
  });

  it('returns a valid MP4 whose samples are, byte for byte, those of the plain clip', async () => {
    const out = await getClip(-10_000, -5001);
    const bytes = await out.Payload!.transformToByteArray();
    const first = Math.ceil((NOW - 10_000) / plain.fragmentDurationMs);
    const numbers = Array.from({ length: 5 }, (_, i) => first + i);
    const reference = concat(plain.clip(numbers).chunks());
    const a = inspect(bytes);
    const b = inspect(reference);
    expect(a.info.duration).toBe(b.info.duration);
    expect(a.samples.map((s) => s.size)).toEqual(b.samples.map((s) => s.size));
    expect(bytes.length - reference.length).toBe(5 * PAD);
    for (const [i, s] of a.samples.entries()) {
      const r = b.samples[i]!;
      expect(Buffer.from(bytes.subarray(s.offset, s.offset + s.size))).toEqual(
        Buffer.from(reference.subarray(r.offset, r.offset + r.size)),
      );
    }
  });

  it('stops a long clip at 100 MB (GetClip: the first 100 MB or 200 fragments, SDK model and KVS quotas)', async () => {
    const out = await getClip(-5 * 60_000, -1000);
    let bytes = 0;
    const head: Uint8Array[] = []; // the first 256 KB hold ftyp and moov: nothing else is kept
    for await (const chunk of out.Payload as AsyncIterable<Uint8Array>) {
      if (bytes < 256 * 1024) head.push(chunk.slice());
      bytes += chunk.length;
    }
    const first = Math.ceil((NOW - 5 * 60_000) / plain.fragmentDurationMs);
    let kept = 0;
    let sum = 0;
    while (sum + padded.fragmentSize(first + kept) <= CLIP_MAX_BYTES)
      sum += padded.fragmentSize(first + kept++);
    expect(kept).toBeLessThan(CLIP_MAX_FRAGMENTS); // the byte cap, not the fragment cap, ends it
    expect(bytes).toBeGreaterThan(99 * 1024 * 1024);
    expect(bytes).toBeLessThanOrEqual(CLIP_MAX_BYTES);
    const file = createFile();
    let seconds = 0;
    file.onReady = (info) => (seconds = info.duration / info.timescale);
    file.appendBuffer(MP4BoxBuffer.fromArrayBuffer(concat(head).slice().buffer, 0));
    expect(seconds).toBe((kept * plain.fragmentDurationMs) / 1000);
  });
});
