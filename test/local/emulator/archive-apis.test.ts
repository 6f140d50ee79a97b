// ListFragments and GetImages as KVS answers them, through the real SDK client (GetClip: get-clip.test.ts).
import { describe, expect, it } from '@jest/globals';
import {
  GetDASHStreamingSessionURLCommand,
  GetImagesCommand,
  ListFragmentsCommand,
  type GetImagesCommandInput,
  type Fragment,
} from '@aws-sdk/client-kinesis-video-archived-media';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { createArchiveMedia } from '../../../local/media/archive';
import { DEFAULT_FIXTURE_DIR } from '../../../local/media/fixture';
import { ARCHIVE_STREAMS, emulatorFixture, errorOf, manualClock, MINUTE, NOW } from './support';

const clock = manualClock(NOW);
const archive = createArchiveMedia();
const at = (offsetMs: number) => new Date(NOW + offsetMs);
const ms = (d: Date | undefined) => d!.getTime();

describe('KVS emulator ListFragments and GetImages, through the real SDK client', () => {
  const fx = emulatorFixture({
    streams: [
      ...ARCHIVE_STREAMS,
      { name: 'cam-audio', mediaType: 'audio/aac' },
      { name: 'cam-short', dataRetentionInHours: 1 },
    ],
    now: clock.now,
    enforceQuotas: false,
    archive,
  });

  async function listAll(streamName: string, startMs: number, endMs: number, maxResults = 100) {
    const pages: Fragment[][] = [];
    let token: string | undefined;
    do {
      const out = await fx.media.send(
        new ListFragmentsCommand({
          StreamName: streamName,
          MaxResults: maxResults,
          ...(token
            ? { NextToken: token }
            : {
                FragmentSelector: {
                  FragmentSelectorType: 'SERVER_TIMESTAMP',
                  TimestampRange: { StartTimestamp: at(startMs), EndTimestamp: at(endMs) },
                },
              }),
        }),
      );
      pages.push(out.Fragments ?? []);
      token = out.NextToken;
    } while (token);
    return pages;
  }

  describe('ListFragments', () => {
    it('lists every fragment of the range once across pages, in no order even across pages (SDK model)', async () => {
      const pages = await listAll('cam-1', -10 * MINUTE, -1000);
      expect(pages.map((p) => p.length)).toEqual([100, 100, 100, 100, 100, 100]);
      const starts = pages.flat().map((f) => ms(f.ServerTimestamp));
      expect(new Set(starts).size).toBe(600);
      expect(Math.min(...starts)).toBe(NOW - 10 * MINUTE);
      expect(Math.max(...starts)).toBe(NOW - 1000);
      // the first page is not the first 100 fragments, and no page is sorted
      expect(Math.max(...pages[0]!.map((f) => ms(f.ServerTimestamp)))).toBeGreaterThan(NOW - 9 * MINUTE);
      for (const page of pages) {
        const s = page.map((f) => ms(f.ServerTimestamp));
        expect(s).not.toEqual([...s].sort((a, b) => a - b));
      }
      expect(pages[0]![0]).toEqual({
        FragmentNumber: expect.stringMatching(/^\d+$/),
        FragmentSizeInBytes: expect.any(Number),
        ProducerTimestamp: expect.any(Date),
        ServerTimestamp: expect.any(Date),
        FragmentLengthInMilliseconds: 1000,
      });
    });

    it('has no fragment in a recording gap: media only in the first 40 s of each minute from the epoch', async () => {
      const starts = (await listAll('cam-motion', -5 * MINUTE, -1, 1000))
        .flat()
        .map((f) => ms(f.ServerTimestamp));
      expect(starts).toHaveLength(5 * 40);
      expect(starts.every((s) => s % MINUTE < 40_000)).toBe(true);
    });

    it('lists nothing newer than the stream head nor older than the retention period', async () => {
      const head = (await listAll('cam-1', -5000, 60_000)).flat().map((f) => ms(f.ServerTimestamp));
      expect(Math.max(...head)).toBe(NOW - 1000);
      const old = (await listAll('cam-short', -2 * 60 * MINUTE, -59 * MINUTE, 1000)).flat();
      expect(Math.min(...old.map((f) => ms(f.ServerTimestamp)))).toBe(NOW - 60 * MINUTE);
    });

    it('refuses MaxResults outside 1..1000, a missing selector and a token it did not mint', async () => {
      const selector = {
        FragmentSelectorType: 'SERVER_TIMESTAMP' as const,
        TimestampRange: { StartTimestamp: at(-MINUTE), EndTimestamp: at(0) },
      };
      for (const input of [
        { StreamName: 'cam-1', MaxResults: 0, FragmentSelector: selector },
        { StreamName: 'cam-1', MaxResults: 1001, FragmentSelector: selector },
        { StreamName: 'cam-1' },
        { StreamName: 'cam-1', NextToken: 'bm90IG91cnM=' },
      ]) {
        expect((await errorOf(fx.media.send(new ListFragmentsCommand(input)))).name).toBe(
          'InvalidArgumentException',
        );
      }
      const missing = await errorOf(
        fx.media.send(new ListFragmentsCommand({ StreamName: 'nope', FragmentSelector: selector })),
      );
      expect(missing).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
    });
  });

  describe('GetImages', () => {
    const images = (input: Partial<GetImagesCommandInput>) =>
      fx.media.send(
        new GetImagesCommand({
          StreamName: 'cam-1',
          ImageSelectorType: 'SERVER_TIMESTAMP',
          StartTimestamp: at(-60_000),
          EndTimestamp: at(-50_000),
          SamplingInterval: 1000,
          Format: 'JPEG',
          ...input,
        }),
      );
    const decode = (content: string | undefined) => sharp(Buffer.from(content!, 'base64')).metadata();

    it('returns a JPEG per sampling instant, both ends included, at the width asked with the aspect kept', async () => {
      const out = await images({ WidthPixels: 160 });
      expect(out.Images).toHaveLength(11);
      expect(out.Images!.map((i) => ms(i.TimeStamp))).toEqual(
        Array.from({ length: 11 }, (_, i) => NOW - 60_000 + i * 1000),
      );
      expect(await decode(out.Images![0]!.ImageContent)).toMatchObject({
        format: 'jpeg',
        width: 160,
        height: 90,
      });
      expect(out.NextToken).toBeUndefined();
    });

    it('returns PNG stretched to both sizes given, and the original size when none is', async () => {
      const both = await images({
        Format: 'PNG',
        WidthPixels: 100,
        HeightPixels: 100,
        EndTimestamp: at(-60_000),
      });
      expect(await decode(both.Images![0]!.ImageContent)).toMatchObject({
        format: 'png',
        width: 100,
        height: 100,
      });
      const native = await images({ Format: 'PNG', EndTimestamp: at(-60_000) });
      expect(await decode(native.Images![0]!.ImageContent)).toMatchObject({ width: 320, height: 180 });
    });

    it("shows the fixture's frame of the second asked: the keyframe of that fragment, pixel for pixel", async () => {
      // fragment n is fixture fragment n mod 4; at NOW - 58 s that is fragment (NOW/1000 - 58) mod 4
      const k = (NOW / 1000 - 58) % 4;
      const out = await images({ Format: 'PNG', StartTimestamp: at(-58_000), EndTimestamp: at(-58_000) });
      const got = await sharp(Buffer.from(out.Images![0]!.ImageContent!, 'base64')).raw().toBuffer();
      const want = await sharp(readFileSync(`${DEFAULT_FIXTURE_DIR}frame-${k}.png`))
        .raw()
        .toBuffer();
      expect(got.equals(want)).toBe(true);
    });

    it('compresses harder at a lower JPEGQuality (FormatConfig, 1..100, default 80)', async () => {
      const size = async (q?: string) =>
        Buffer.from(
          (await images({ EndTimestamp: at(-60_000), ...(q ? { FormatConfig: { JPEGQuality: q } } : {}) }))
            .Images![0]!.ImageContent!,
          'base64',
        ).length;
      expect(await size('10')).toBeLessThan(await size());
      expect(await size()).toBeLessThan(await size('100'));
    });

    it('answers NO_MEDIA in a recording gap and in the future, MEDIA_ERROR for a stream without video', async () => {
      const motion = await images({
        StreamName: 'cam-motion',
        StartTimestamp: at(-25_000),
        EndTimestamp: at(5000),
        SamplingInterval: 5000,
      });
      for (const image of motion.Images!) {
        const t = ms(image.TimeStamp);
        if (t % MINUTE < 40_000 && t < NOW) expect(image.ImageContent).toEqual(expect.any(String));
        else expect(image).toEqual({ TimeStamp: image.TimeStamp, Error: 'NO_MEDIA' });
      }
      expect(motion.Images!.some((i) => i.Error === 'NO_MEDIA')).toBe(true);
      const audio = await images({ StreamName: 'cam-audio' });
      expect(audio.Images!.every((i) => i.Error === 'MEDIA_ERROR')).toBe(true);
    });

    it('pages at 25 images however many are asked for (MaxResults up to 100)', async () => {
      const first = await images({
        StartTimestamp: at(-120_000),
        EndTimestamp: at(-60_000),
        MaxResults: 100,
      });
      expect(first.Images).toHaveLength(25);
      const second = await images({
        StartTimestamp: at(-120_000),
        EndTimestamp: at(-60_000),
        NextToken: first.NextToken,
      });
      expect(ms(second.Images![0]!.TimeStamp)).toBe(NOW - 120_000 + 25_000);
      const third = await images({
        StartTimestamp: at(-120_000),
        EndTimestamp: at(-60_000),
        NextToken: second.NextToken,
      });
      expect(third.Images).toHaveLength(11);
      expect(third.NextToken).toBeUndefined();
    });

    it.each([
      ['a range over 300 s (SDK model)', { StartTimestamp: at(-400_000), EndTimestamp: at(-99_000) }],
      ['an end before the start', { StartTimestamp: at(-1000), EndTimestamp: at(-2000) }],
      ['a SamplingInterval under 200 ms (SDK model)', { SamplingInterval: 199 }],
      ['WidthPixels over 3840 (SDK model)', { WidthPixels: 3841 }],
      ['HeightPixels over 2160 (SDK model)', { HeightPixels: 2161 }],
      ['MaxResults over 100 (KVS service quotas)', { MaxResults: 101 }],
      ['a JPEGQuality of 0', { FormatConfig: { JPEGQuality: '0' } }],
      ['a token it did not mint', { NextToken: 'eyJvIjotMX0=' }],
    ])('refuses %s with InvalidArgumentException', async (_what, input) => {
      expect(await errorOf(images(input as Partial<GetImagesCommandInput>))).toMatchObject({
        name: 'InvalidArgumentException',
        status: 400,
      });
    });

    it('refuses a stream without retention (NoDataRetentionException)', async () => {
      expect((await errorOf(images({ StreamName: 'cam-no-retention' }))).name).toBe(
        'NoDataRetentionException',
      );
    });
  });

  describe('sessions see the same recording gaps', () => {
    const onDemand = (startMs: number, endMs: number) =>
      fx.media.send(
        new GetDASHStreamingSessionURLCommand({
          StreamName: 'cam-motion',
          PlaybackMode: 'ON_DEMAND',
          DASHFragmentSelector: {
            FragmentSelectorType: 'SERVER_TIMESTAMP',
            TimestampRange: { StartTimestamp: at(startMs), EndTimestamp: at(endMs) },
          },
        }),
      );
    const minute = Math.floor(NOW / MINUTE) * MINUTE - NOW;

    it('refuses an ON_DEMAND range that lies wholly in a gap, like a range without fragments', async () => {
      expect((await errorOf(onDemand(minute - 15_000, minute - 1000))).name).toBe(
        'ResourceNotFoundException',
      );
    });

    it('issues one whose range reaches into the next recording part', async () => {
      const out = await onDemand(minute - MINUTE - 15_000, minute - MINUTE + 1000);
      expect(out.DASHStreamingSessionURL).toEqual(expect.any(String));
    });
  });
});
