// What the archive adapter (lambda/kvs/archive.ts) asks KVS and how it reads the answers, against the emulator over
// HTTP with the real SDK clients: GetImages options and paging, per-image errors, GetClip's content type, which
// failures drop the cached data endpoint, and the request's deadline aborting the call in flight.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { createKvsClients, type KvsAdapterOptions, type KvsClients } from '../../../lambda/kvs/adapter';
import { createArchiveAdapter, type ArchiveAdapter, type ImagesQuery } from '../../../lambda/kvs/archive';
import { startKvsEmulator, type AnswerRewrite, type KvsEmulator } from '../../../local/emulator';
import { createArchiveMedia } from '../../../local/media/archive';
import { holdCall, SLOW_STREAM } from '../../support/held-call';
import { testAdapterOptions } from '../../support/kvs-adapter';
import { outcome } from '../../support/outcomes';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const media = createArchiveMedia();
/** GetClipOutput.ContentType is passed on as KVS names it, whatever it is. */
const CLIP_TYPE = 'video/mp4; codecs="avc1.42c01e"';

let emulator: KvsEmulator;
beforeAll(async () => {
  emulator = await startKvsEmulator({
    streams: [{ name: 'cam-1' }, { name: 'cam-audio', mediaType: 'audio/aac' }, { name: 'cam-gone' }],
    now: () => NOW,
    // the clock stands still here: quotas (tested in archive.test.ts) would never refill
    enforceQuotas: false,
    archive: { ...media, clip: (fragments) => ({ ...media.clip(fragments), contentType: CLIP_TYPE }) },
  });
});
afterAll(() => emulator.close());

const options = (on: KvsEmulator, overrides: Partial<KvsAdapterOptions> = {}): KvsAdapterOptions =>
  testAdapterOptions(on.endpoint, { now: () => NOW, maxAttempts: 1, ...overrides });

const range = (fromS: number, toS: number) => ({ startMs: NOW + fromS * 1000, endMs: NOW + toS * 1000 });
const query = (overrides: Partial<ImagesQuery> = {}): ImagesQuery => ({
  ...range(-60, -60),
  intervalMs: 1000,
  format: 'JPEG',
  maxResults: 1,
  ...overrides,
});

async function imageBytes(archive: ArchiveAdapter, q: Partial<ImagesQuery>): Promise<Buffer> {
  const page = await archive.getImages('cam-1', query(q));
  const image = page.images[0] as { data?: string };
  if (image?.data === undefined) throw new Error(`no image: ${JSON.stringify(page.images)}`);
  return Buffer.from(image.data, 'base64');
}

describe('GetImages', () => {
  let archive: ArchiveAdapter;
  beforeAll(() => {
    archive = createArchiveAdapter(createKvsClients(options(emulator)));
  });

  it('sends WidthPixels and HeightPixels: the image KVS makes has that size, or the aspect ratio of one', async () => {
    const both = await sharp(await imageBytes(archive, { width: 64, height: 48 })).metadata();
    expect([both.width, both.height]).toEqual([64, 48]);
    const original = await sharp(await imageBytes(archive, {})).metadata();
    const wide = await sharp(await imageBytes(archive, { width: 64 })).metadata();
    const tall = await sharp(await imageBytes(archive, { height: 48 })).metadata();
    expect(wide.width).toBe(64);
    expect(tall.height).toBe(48);
    // the other side follows the source's aspect ratio, so neither is the one asked of the other
    expect(wide.height).toBe(Math.round((64 * original.height!) / original.width!));
    expect(tall.width).toBe(Math.round((48 * original.width!) / original.height!));
  });

  it('sends the JPEG quality as FormatConfig JPEGQuality, and none when not asked (KVS default 80)', async () => {
    const unset = await imageBytes(archive, {});
    expect(await imageBytes(archive, { quality: 80 })).toEqual(unset);
    expect((await imageBytes(archive, { quality: 10 })).length).toBeLessThan(unset.length);
    const png = await imageBytes(archive, { format: 'PNG' });
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });

  it('pages with the token KVS handed out: 25 images a page at most (the KVS default page)', async () => {
    const q = query({ ...range(-60, -21), maxResults: 100 });
    const first = await archive.getImages('cam-1', q);
    expect(first.images).toHaveLength(25);
    expect(first.nextToken).toEqual(expect.any(String));
    const second = await archive.getImages('cam-1', { ...q, nextToken: first.nextToken });
    expect(second).toEqual({ images: expect.any(Array) });
    expect(second.images.map((i) => i.timestampMs)).toEqual(
      Array.from({ length: 15 }, (_, k) => NOW - 35_000 + k * 1000),
    );
  });

  it('reports MEDIA_ERROR for an image KVS could not make (no video track), NO_MEDIA for a time without media', async () => {
    const audio = await archive.getImages('cam-audio', query());
    expect(audio.images).toEqual([{ timestampMs: NOW - 60_000, error: 'MEDIA_ERROR' }]);
    const future = await archive.getImages('cam-1', query(range(10, 10)));
    expect(future.images).toEqual([{ timestampMs: NOW + 10_000, error: 'NO_MEDIA' }]);
  });
});

describe('GetClip', () => {
  it('passes on the content type KVS names', async () => {
    const clip = await createArchiveAdapter(createKvsClients(options(emulator))).getClip(
      'cam-1',
      range(-10, -1),
    );
    expect(clip.contentType).toBe(CLIP_TYPE);
    clip.body.destroy();
  });

  it('names MP4 when KVS sends no content type (GetClip returns an MP4 file)', async () => {
    const untyped = await startKvsEmulator({
      streams: [{ name: 'cam-1' }],
      now: () => NOW,
      enforceQuotas: false,
      archive: { ...media, clip: (fragments) => ({ ...media.clip(fragments), contentType: '' }) },
    });
    try {
      const clip = await createArchiveAdapter(createKvsClients(options(untyped))).getClip(
        'cam-1',
        range(-10, -1),
      );
      expect(clip.contentType).toBe('video/mp4');
      clip.body.destroy();
    } finally {
      await untyped.close();
    }
  });
});

// KVS API reference, Fragment and Image: every member is "Required: No". The emulator fills them all; here it leaves
// some out, and the adapter skips what it cannot place on the timeline instead of failing the page.
describe('answers without the members KVS may leave out', () => {
  type Item = Record<string, unknown>;
  const without = (item: Item, key: string): Item =>
    Object.fromEntries(Object.entries(item).filter(([k]) => k !== key));
  let rewrite: AnswerRewrite = (_, output) => output;
  let sparse: KvsEmulator;
  let archive: ArchiveAdapter;
  beforeAll(async () => {
    sparse = await startKvsEmulator({
      streams: [{ name: 'cam-1' }],
      now: () => NOW,
      enforceQuotas: false,
      archive: media,
      answer: (operation, output) => rewrite(operation, output),
    });
    archive = createArchiveAdapter(createKvsClients(options(sparse)));
  });
  afterAll(() => sparse.close());

  it('skips a fragment listed without ServerTimestamp or without FragmentLengthInMilliseconds', async () => {
    rewrite = (operation, output) => {
      if (operation !== 'ListFragments') return output;
      const [first, second, ...rest] = output.Fragments as Item[];
      return {
        Fragments: [
          without(first!, 'ServerTimestamp'),
          without(second!, 'FragmentLengthInMilliseconds'),
          ...rest,
        ],
      };
    };
    const page = await archive.listFragments('cam-1', range(-5, -1));
    expect(page.fragments).toEqual(Array(3).fill({ startMs: expect.any(Number), durationMs: 1000 }));
  });

  it('skips an image without TimeStamp', async () => {
    rewrite = (operation, output) => {
      if (operation !== 'GetImages') return output;
      const [first, ...rest] = output.Images as Item[];
      return { ...output, Images: [without(first!, 'TimeStamp'), ...rest] };
    };
    const page = await archive.getImages('cam-1', query({ ...range(-60, -58), maxResults: 3 }));
    expect(page.images.map((i) => i.timestampMs)).toEqual([NOW - 59_000, NOW - 58_000]);
    expect(page.images.every((i) => 'data' in i)).toBe(true);
  });
});

describe('data endpoint of the archive calls', () => {
  const dataEndpointCalls = () => emulator.stats().requests.GetDataEndpoint ?? 0;
  let clients: KvsClients;
  beforeAll(() => {
    clients = createKvsClients(options(emulator));
  });

  it('is forgotten when KVS says the stream is gone, so a recreated stream is found again', async () => {
    const archive = createArchiveAdapter(clients);
    await archive.listFragments('cam-gone', range(-5, -1));
    const before = dataEndpointCalls();
    emulator.deleteStream('cam-gone');
    expect(await outcome(archive.listFragments('cam-gone', range(-5, -1)))).toBe('NOT_FOUND');
    emulator.putStream({ name: 'cam-gone' });
    expect(await outcome(archive.listFragments('cam-gone', range(-5, -1)))).toBe('ok');
    expect(dataEndpointCalls() - before).toBe(1);
  });

  it('is kept after a refusal of the request itself', async () => {
    const archive = createArchiveAdapter(clients);
    await archive.getClip('cam-1', range(-10, -1)).then((c) => c.body.destroy());
    const before = dataEndpointCalls();
    expect(await outcome(archive.getClip('cam-1', range(-1, -1)))).toBe('INVALID_REQUEST');
    await archive.getClip('cam-1', range(-10, -1)).then((c) => c.body.destroy());
    expect(dataEndpointCalls() - before).toBe(0);
  });
});

describe('deadline', () => {
  const calls: [string, (a: ArchiveAdapter) => Promise<unknown>][] = [
    ['ListFragments', (a) => a.listFragments(SLOW_STREAM, range(-5, -1))],
    ['GetImages', (a) => a.getImages(SLOW_STREAM, query())],
    ['GetClip', (a) => a.getClip(SLOW_STREAM, range(-10, -1))],
  ];
  it.each(calls)(
    'aborts the in-flight %s call at the deadline: a late answer is not waited for',
    async (_, call) => {
      // The emulator holds every call about the stream (latency gate); GetDataEndpoint is let through, the archive
      // call is held past the deadline, then answered: the answer KVS gives after the deadline must find the call
      // gone. Fake timers move the deadline, no real waiting.
      const run = await holdCall(
        (slow) => {
          const t0 = Date.now();
          const clients = createKvsClients(
            options(slow, { now: () => NOW + Date.now() - t0, timeoutMs: 60_000, budgetMs: 1000 }),
          );
          return call(createArchiveAdapter(clients));
        },
        [{ answer: true }, { advanceMs: 1000, answer: true }],
        { now: () => NOW, archive: media },
      );
      expect(run.held).toEqual(['held', 'held']);
      expect(run.outcome).toBe('UPSTREAM_TIMEOUT');
    },
  );
});
