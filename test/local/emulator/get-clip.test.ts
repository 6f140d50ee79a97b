// GetClip as KVS answers it (a progressive MP4 inspected with mp4box), and the archive APIs' fragment quotas.
import { describe, expect, it } from '@jest/globals';
import {
  GetClipCommand,
  GetImagesCommand,
  ListFragmentsCommand,
} from '@aws-sdk/client-kinesis-video-archived-media';
import { createFile, MP4BoxBuffer } from 'mp4box';
import { createArchiveMedia } from '../../../local/media/archive';
import { ARCHIVE_STREAMS, emulatorFixture, errorOf, manualClock, MINUTE, NOW } from './support';

const clock = manualClock(NOW);
const archive = createArchiveMedia();
const at = (offsetMs: number) => new Date(NOW + offsetMs);

/** mp4box's reading of a whole file: its movie info and the video track's samples. */
function inspect(bytes: Uint8Array) {
  const file = createFile();
  let info: ReturnType<typeof file.getInfo> | undefined;
  file.onReady = (i) => (info = i);
  const copy = bytes.slice().buffer;
  file.appendBuffer(MP4BoxBuffer.fromArrayBuffer(copy, 0));
  file.flush();
  if (!info) throw new Error('mp4box did not find a complete movie');
  const track = info.videoTracks[0]!;
  return { info, track, samples: file.getTrackSamplesInfo(track.id) };
}

describe('KVS emulator GetClip, through the real SDK client', () => {
  const fx = emulatorFixture({
    streams: [...ARCHIVE_STREAMS, { name: 'cam-vp8', mediaType: 'video/vp8' }],
    now: clock.now,
    enforceQuotas: false,
    archive,
  });

  const clip = async (streamName: string, startMs: number, endMs: number) => {
    const out = await fx.media.send(
      new GetClipCommand({
        StreamName: streamName,
        ClipFragmentSelector: {
          FragmentSelectorType: 'SERVER_TIMESTAMP',
          TimestampRange: { StartTimestamp: at(startMs), EndTimestamp: at(endMs) },
        },
      }),
    );
    return { contentType: out.ContentType, bytes: await out.Payload!.transformToByteArray() };
  };

  it('returns a progressive MP4: ftyp, moov with sample tables, mdat; one keyframe per second', async () => {
    const { contentType, bytes } = await clip('cam-1', -20_000, -10_001);
    expect(contentType).toBe('video/mp4');
    expect(Buffer.from(bytes.subarray(4, 8)).toString()).toBe('ftyp');
    const { info, track, samples } = inspect(bytes);
    expect(info.isFragmented).toBe(false);
    expect(info.duration / info.timescale).toBe(10);
    expect(track).toMatchObject({ codec: 'avc1.42c01e', nb_samples: 250 });
    expect(track.video).toMatchObject({ width: 320, height: 180 });
    expect(samples.filter((s) => s.is_sync).map((s) => s.number)).toEqual(
      Array.from({ length: 10 }, (_, i) => i * 25),
    );
    // every sample's bytes lie inside the file, one after the other
    expect(samples.at(-1)!.offset + samples.at(-1)!.size).toBe(bytes.length);
  });

  it('holds the first 200 fragments of a longer range (GetClip: 200 fragments, 100 MB, SDK model and quotas)', async () => {
    const before = fx.emu.stats().outgoingBytesByMetric['cam-1']?.['GetClip.OutgoingBytes'] ?? 0;
    const { bytes } = await clip('cam-1', -10 * MINUTE, -1000);
    const { info } = inspect(bytes);
    expect(info.duration / info.timescale).toBe(200);
    const after = fx.emu.stats().outgoingBytesByMetric['cam-1']!['GetClip.OutgoingBytes']!;
    expect(after - before).toBe(bytes.length);
  });

  it('leaves out the recording gaps of a motion-triggered stream', async () => {
    const minute = Math.floor(NOW / MINUTE) * MINUTE - NOW;
    const { bytes } = await clip('cam-motion', minute - 2 * MINUTE, minute - 1);
    expect(inspect(bytes).info.duration / inspect(bytes).info.timescale).toBe(80);
  });

  it.each([
    ['a range in a recording gap', 'cam-motion', 'ResourceNotFoundException'],
    ['an unknown stream', 'nope', 'ResourceNotFoundException'],
    ['a stream without retention', 'cam-no-retention', 'NoDataRetentionException'],
    ['a codec MP4 cannot carry', 'cam-vp8', 'UnsupportedStreamMediaTypeException'],
  ])('refuses %s', async (_what, stream, name) => {
    const minute = Math.floor(NOW / MINUTE) * MINUTE - NOW;
    expect((await errorOf(clip(stream, minute - 15_000, minute - 1000))).name).toBe(name);
  });

  it.each([
    ['an end not after the start', -1000, -1000],
    ['more than 24 h', -25 * 60 * MINUTE, -1000],
    ['an end in the future (SERVER_TIMESTAMP)', -1000, 1000],
  ])('refuses %s with InvalidArgumentException', async (_what, startMs, endMs) => {
    expect((await errorOf(clip('cam-1', startMs, endMs))).name).toBe('InvalidArgumentException');
  });
});

describe('fragment quotas of the archive APIs (KVS service quotas: 10,000 metadata, 500 media points/s/stream)', () => {
  const quotaClock = manualClock(NOW);
  const fx = emulatorFixture({ streams: [{ name: 'a' }, { name: 'b' }], now: quotaClock.now, archive });

  const list = (stream: string) =>
    fx.media.send(
      new ListFragmentsCommand({
        StreamName: stream,
        MaxResults: 1000,
        FragmentSelector: {
          FragmentSelectorType: 'SERVER_TIMESTAMP',
          TimestampRange: { StartTimestamp: at(-10_000), EndTimestamp: at(-1000) },
        },
      }),
    );

  it('ListFragments costs its MaxResults: ten of 1,000 a second pass, the eleventh is throttled', async () => {
    for (let i = 0; i < 10; i++) await list('a');
    expect(await errorOf(list('a'))).toMatchObject({ name: 'ClientLimitExceededException', status: 400 });
    await list('b'); // per stream
    quotaClock.advance(100); // 1,000 points refill in 100 ms
    await list('a');
  });

  it('GetImages costs its MaxResults in media points: five of 100 pass, the sixth is throttled', async () => {
    const images = () =>
      fx.media.send(
        new GetImagesCommand({
          StreamName: 'b',
          ImageSelectorType: 'SERVER_TIMESTAMP',
          StartTimestamp: at(-10_000),
          EndTimestamp: at(-9000),
          Format: 'JPEG',
          WidthPixels: 32,
          MaxResults: 100,
        }),
      );
    quotaClock.advance(1000);
    for (let i = 0; i < 5; i++) await images();
    expect((await errorOf(images())).name).toBe('ClientLimitExceededException');
  });
});
