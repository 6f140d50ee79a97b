// Archive rows beside their floors (bench/README.md): the real archive adapter and core against the KVS emulator.
//   timeline: 24 h of 1 s fragments through buildTimeline (10 calls, 3 s) vs ListFragments paged alone, same calls
//   images:   images/s through the route's paging (pages of 25 up to 100) vs GetImages alone (one page of 25)
//   clip:     MB/s and peak RSS growth reading GetClip's body through the adapter vs the SDK's body piped alone, on
//             a clip of the most KVS returns (100 MB: fixture fragments padded by 512 KiB, local/media/archive.ts)
// Run: sh scripts/node24.sh npx tsx bench/archive.ts   (ROUNDS, default 5)
import {
  GetClipCommand,
  GetImagesCommand,
  ListFragmentsCommand,
} from '@aws-sdk/client-kinesis-video-archived-media';
import { KinesisVideoArchivedMediaClient } from '@aws-sdk/client-kinesis-video-archived-media';
import { buildTimeline } from '../lambda/core/timeline';
import { createKvsClients } from '../lambda/kvs/adapter';
import { createArchiveAdapter } from '../lambda/kvs/archive';
import { startKvsEmulator } from '../local/emulator';
import { createArchiveMedia } from '../local/media/archive';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const credentials = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const emulator = await startKvsEmulator({
  streams: [{ name: 'cam-1' }],
  enforceQuotas: false,
  // Each fragment padded so that a clip reaches KVS's 100 MB cap (ListFragments sizes include it; timings do not).
  archive: createArchiveMedia({ fragmentPaddingBytes: 512 * 1024 }),
});
const archive = createArchiveAdapter(
  createKvsClients({
    region: 'us-east-1',
    endpoint: emulator.endpoint,
    credentials,
    timeoutMs: 5000,
    maxAttempts: 1,
    dataEndpointTtlMs: 300_000,
  }),
);
const raw = new KinesisVideoArchivedMediaClient({
  region: 'us-east-1',
  endpoint: emulator.endpoint,
  credentials,
  maxAttempts: 1,
});
const now = Date.now();
const range = { StartTimestamp: new Date(now - 86_400_000), EndTimestamp: new Date(now) };

async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const out = await f();
  return [performance.now() - t, out];
}

const rows: string[][] = [];
try {
  const ours: number[] = [];
  const floor: number[] = [];
  let calls = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const [a, result] = await timed(() =>
      buildTimeline(
        { fromMs: now - 86_400_000, toMs: now, gapMs: 2000 },
        (slice, token, deadlineMs) =>
          archive.listFragments('cam-1', slice, token, { deadlineMs, maxResults: 1000 }),
        Date.now,
      ),
    );
    ours.push(a);
    calls = result.calls;
    const [b] = await timed(async () => {
      let token: string | undefined;
      for (let i = 0; i < calls; i++) {
        const out = await raw.send(
          new ListFragmentsCommand({
            StreamName: 'cam-1',
            MaxResults: 1000,
            ...(token
              ? { NextToken: token }
              : { FragmentSelector: { FragmentSelectorType: 'SERVER_TIMESTAMP', TimestampRange: range } }),
          }),
        );
        token = out.NextToken;
      }
    });
    floor.push(b);
  }
  rows.push([
    'timeline 24 h of 1 s',
    `${median(ours).toFixed(0)} ms, ${calls} calls`,
    `${median(floor).toFixed(0)} ms, ${calls} ListFragments`,
  ]);

  const imgOurs: number[] = [];
  const imgFloor: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const [a, n] = await timed(async () => {
      let count = 0;
      let token: string | undefined;
      while (count < 100) {
        const page = await archive.getImages('cam-1', {
          startMs: now - 200_000,
          endMs: now - 100_000,
          intervalMs: 1000,
          format: 'JPEG',
          width: 320,
          maxResults: 100 - count,
          ...(token ? { nextToken: token } : {}),
        });
        count += page.images.length;
        token = page.nextToken;
        if (!token) break;
      }
      return count;
    });
    imgOurs.push((n / a) * 1000);
    const [b, m] = await timed(async () => {
      const out = await raw.send(
        new GetImagesCommand({
          StreamName: 'cam-1',
          ImageSelectorType: 'SERVER_TIMESTAMP',
          StartTimestamp: new Date(now - 200_000),
          EndTimestamp: new Date(now - 100_000),
          SamplingInterval: 1000,
          Format: 'JPEG',
          WidthPixels: 320,
          MaxResults: 25,
        }),
      );
      return out.Images?.length ?? 0;
    });
    imgFloor.push((m / b) * 1000);
  }
  rows.push(['images/s (320 px JPEG)', median(imgOurs).toFixed(0), median(imgFloor).toFixed(0)]);

  const clipRange = { startMs: now - 300_000, endMs: now - 1000 };
  const drain = async (body: AsyncIterable<Uint8Array>) => {
    let bytes = 0;
    let peak = process.memoryUsage().rss;
    for await (const chunk of body) {
      bytes += chunk.length;
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    return { bytes, peak };
  };
  const clipOurs: number[] = [];
  const clipFloor: number[] = [];
  let growth = [0, 0];
  for (let r = 0; r < ROUNDS; r++) {
    const base = process.memoryUsage().rss;
    const [a, x] = await timed(async () => drain((await archive.getClip('cam-1', clipRange)).body));
    clipOurs.push(x.bytes / 1e6 / (a / 1000));
    const base2 = process.memoryUsage().rss;
    const [b, y] = await timed(async () =>
      drain(
        (
          await raw.send(
            new GetClipCommand({
              StreamName: 'cam-1',
              ClipFragmentSelector: {
                FragmentSelectorType: 'SERVER_TIMESTAMP',
                TimestampRange: {
                  StartTimestamp: new Date(clipRange.startMs),
                  EndTimestamp: new Date(clipRange.endMs),
                },
              },
            }),
          )
        ).Payload as AsyncIterable<Uint8Array>,
      ),
    );
    clipFloor.push(y.bytes / 1e6 / (b / 1000));
    growth = [Math.max(growth[0]!, x.peak - base), Math.max(growth[1]!, y.peak - base2)];
  }
  rows.push(['clip MB/s (100 MB, KVS cap)', median(clipOurs).toFixed(1), median(clipFloor).toFixed(1)]);
  rows.push([
    'clip peak RSS growth',
    `${(growth[0]! / 1e6).toFixed(1)} MB`,
    `${(growth[1]! / 1e6).toFixed(1)} MB`,
  ]);
} finally {
  await emulator.close();
}
console.table(rows.map(([row, ours, floor]) => ({ row, ours, floor })));
