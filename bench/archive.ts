// Archive rows beside their floors (bench/README.md): the real archive adapter and core against the KVS emulator,
// each figure and its floor run in turn (A B, B A, ...), medians of the per-round ratios (bench/stats.ts).
//   timeline: 24 h of 1 s fragments through buildTimeline (10 calls, 3 s) vs the very same ListFragments calls alone
//   images:   images/s through the adapter, paged as the route pages (up to 100) vs the same GetImages pages alone
//   clip:     MB/s and peak RSS growth reading GetClip's body through the adapter vs the SDK's body read alone, on
//             a clip of the most KVS returns (100 MB: fixture fragments padded by 512 KiB, local/media/archive.ts)
// `npm run bench -- --only=archive` puts them in the table; alone: sh scripts/node24.sh npx tsx bench/archive.ts
import { pathToFileURL } from 'node:url';
import {
  GetClipCommand,
  GetImagesCommand,
  KinesisVideoArchivedMediaClient,
  ListFragmentsCommand,
} from '@aws-sdk/client-kinesis-video-archived-media';
import { buildTimeline } from '../lambda/core/timeline';
import { createKvsClients } from '../lambda/kvs/adapter';
import { createArchiveAdapter, type ArchiveAdapter } from '../lambda/kvs/archive';
import { startKvsEmulator } from '../local/emulator';
import { createArchiveMedia } from '../local/media/archive';
import { interleave, median, round, type Paired } from './stats';

const credentials = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' };
const DAY_MS = 86_400_000;

export interface ArchiveFigures {
  rounds: number;
  timeline: { oursMs: number; floorMs: number; ratio: number; calls: number };
  images: { oursPerSecond: number; floorPerSecond: number; ratio: number; images: number; calls: number };
  clip: {
    megabytes: number;
    oursMBps: number;
    floorMBps: number;
    ratio: number;
    oursPeakGrowthMB: number;
    floorPeakGrowthMB: number;
  };
}

interface Sides {
  archive: ArchiveAdapter;
  raw: KinesisVideoArchivedMediaClient;
  now: number;
}

const paired = (p: Paired) => ({ ours: p.medianA, floor: p.medianB, ratio: round(p.medianRatio) });

async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const out = await f();
  return [performance.now() - t, out];
}

/** buildTimeline over 24 h against the very ListFragments calls it made (same slices, same pages), sent alone. */
async function timelineFigures({ archive, raw, now }: Sides, rounds: number) {
  let slices: { startMs: number; endMs: number; first: boolean }[] = [];
  const ours = async () => {
    const sent: typeof slices = [];
    const [ms] = await timed(() =>
      buildTimeline(
        { fromMs: now - DAY_MS, toMs: now, gapMs: 2000 },
        (slice, token, deadlineMs) => {
          sent.push({ ...slice, first: token === undefined });
          return archive.listFragments('cam-1', slice, token, { deadlineMs, maxResults: 1000 });
        },
        Date.now,
      ),
    );
    slices = sent;
    return ms;
  };
  const floor = async () => {
    const [ms] = await timed(async () => {
      let token: string | undefined;
      for (const s of slices) {
        const TimestampRange = { StartTimestamp: new Date(s.startMs), EndTimestamp: new Date(s.endMs) };
        const input =
          s.first || !token
            ? { FragmentSelector: { FragmentSelectorType: 'SERVER_TIMESTAMP' as const, TimestampRange } }
            : { NextToken: token };
        token = (
          await raw.send(new ListFragmentsCommand({ StreamName: 'cam-1', MaxResults: 1000, ...input }))
        ).NextToken;
      }
    });
    return ms;
  };
  await ours(); // records the calls the floor sends
  const p = paired(await interleave(rounds, ours, floor));
  return { oursMs: round(p.ours, 1), floorMs: round(p.floor, 1), ratio: p.ratio, calls: slices.length };
}

/** Pages of GetImages until `wanted` images (or no next page): the images and the calls. */
async function pageImages(
  page: (maxResults: number, token?: string) => Promise<{ n: number; token?: string }>,
) {
  let images = 0;
  let calls = 0;
  let token: string | undefined;
  do {
    const out = await page(100 - images, token);
    calls += 1;
    images += out.n;
    token = out.token;
  } while (token && images < 100);
  return { images, calls };
}

/** 100 images through the adapter's pages, as the route pages them, against the same GetImages pages alone. */
async function imageFigures({ archive, raw, now }: Sides, rounds: number) {
  const window = { startMs: now - 200_000, endMs: now - 100_000 };
  let last = { images: 0, calls: 0 };
  const side = (page: Parameters<typeof pageImages>[0]) => async () => {
    const [ms, out] = await timed(() => pageImages(page));
    last = out;
    return (out.images / ms) * 1000;
  };
  const ours = side(async (maxResults, nextToken) => {
    const q = { ...window, intervalMs: 1000, format: 'JPEG' as const, width: 320, maxResults };
    const page = await archive.getImages('cam-1', { ...q, ...(nextToken ? { nextToken } : {}) });
    return { n: page.images.length, ...(page.nextToken ? { token: page.nextToken } : {}) };
  });
  const floor = side(async (MaxResults, NextToken) => {
    const out = await raw.send(
      new GetImagesCommand({
        StreamName: 'cam-1',
        ImageSelectorType: 'SERVER_TIMESTAMP',
        StartTimestamp: new Date(window.startMs),
        EndTimestamp: new Date(window.endMs),
        SamplingInterval: 1000,
        Format: 'JPEG',
        WidthPixels: 320,
        MaxResults,
        ...(NextToken ? { NextToken } : {}),
      }),
    );
    return { n: out.Images?.length ?? 0, ...(out.NextToken ? { token: out.NextToken } : {}) };
  });
  const p = paired(await interleave(rounds, ours, floor));
  return { oursPerSecond: round(p.ours, 0), floorPerSecond: round(p.floor, 0), ratio: p.ratio, ...last };
}

/** Reads a body to its end: its bytes and the highest RSS seen while reading it. */
async function drain(body: AsyncIterable<Uint8Array>) {
  let bytes = 0;
  let peak = process.memoryUsage().rss;
  for await (const chunk of body) {
    bytes += chunk.length;
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  return { bytes, peak };
}

/**
 * GetClip's body of a 100 MB clip read through the adapter against the SDK's body read alone: MB/s, and the median
 * over reads of RSS growth (its highest while reading, over RSS before it).
 */
async function clipFigures({ archive, raw, now }: Sides, rounds: number) {
  const range = { startMs: now - 300_000, endMs: now - 1000 };
  const growth = { ours: [] as number[], floor: [] as number[] };
  let bytes = 0;
  const side = (name: 'ours' | 'floor', open: () => Promise<AsyncIterable<Uint8Array>>) => async () => {
    const base = process.memoryUsage().rss;
    const [ms, out] = await timed(async () => drain(await open()));
    growth[name].push(out.peak - base);
    bytes = out.bytes;
    return out.bytes / 1e6 / (ms / 1000);
  };
  const ours = side('ours', async () => (await archive.getClip('cam-1', range)).body);
  const floor = side('floor', async () => {
    const TimestampRange = { StartTimestamp: new Date(range.startMs), EndTimestamp: new Date(range.endMs) };
    const out = await raw.send(
      new GetClipCommand({
        StreamName: 'cam-1',
        ClipFragmentSelector: { FragmentSelectorType: 'SERVER_TIMESTAMP', TimestampRange },
      }),
    );
    return out.Payload as AsyncIterable<Uint8Array>;
  });
  // One of each first, not counted: the first read of a process grows its heap whichever side it is.
  await ours();
  await floor();
  growth.ours = [];
  growth.floor = [];
  const p = paired(await interleave(rounds, ours, floor));
  return {
    megabytes: round(bytes / 1e6, 1),
    oursMBps: round(p.ours, 1),
    floorMBps: round(p.floor, 1),
    ratio: p.ratio,
    oursPeakGrowthMB: round(median(growth.ours) / 1e6, 1),
    floorPeakGrowthMB: round(median(growth.floor) / 1e6, 1),
  };
}

/** The archive section of `npm run bench`: its own emulator (padded fragments), `rounds` rounds of each pair. */
export async function archiveBench(rounds: number, log = (_: string) => {}): Promise<ArchiveFigures> {
  log(`archive: timeline, images and a 100 MB clip against the same KVS calls alone, ${rounds} rounds`);
  const emulator = await startKvsEmulator({
    streams: [{ name: 'cam-1' }],
    enforceQuotas: false,
    // Each fragment padded so that a clip reaches KVS's 100 MB cap (ListFragments sizes include it; timings do not).
    archive: createArchiveMedia({ fragmentPaddingBytes: 512 * 1024 }),
  });
  try {
    const clients = createKvsClients({
      region: 'us-east-1',
      endpoint: emulator.endpoint,
      credentials,
      timeoutMs: 5000,
      maxAttempts: 1,
      dataEndpointTtlMs: 300_000,
    });
    const sides: Sides = {
      archive: createArchiveAdapter(clients),
      raw: new KinesisVideoArchivedMediaClient({
        region: 'us-east-1',
        endpoint: emulator.endpoint,
        credentials,
        maxAttempts: 1,
      }),
      now: Date.now(),
    };
    return {
      rounds,
      timeline: await timelineFigures(sides, rounds),
      images: await imageFigures(sides, rounds),
      clip: await clipFigures(sides, rounds),
    };
  } finally {
    await emulator.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await archiveBench(Number(process.env.ROUNDS ?? 5)), null, 2));
}
