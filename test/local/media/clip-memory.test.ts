// The clip route's memory bound (README, "Archive"): a clip of the most KVS returns (100 MB, GetClip's cap: SDK model
// and KVS quotas) pulled through the whole local stack (local gateway -> the clip function's streamed handler -> the
// KVS emulator, each over real HTTP in this process) with the typed client's `clip().chunks()`, counting the bytes
// and keeping none. The process's memory must grow by far less than the clip: a resource bound, not a timing.
// The emulator's fixture fragments are about 10 KB, so the archive pads each by 512 KiB (createArchiveMedia
// `fragmentPaddingBytes`, test/local/emulator/get-clip-padded.test.ts): the clip is a valid MP4 of about 100 MB.
import { afterAll, describe, expect, it } from '@jest/globals';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createBrokerClient } from '../../../client';
import { CLIP_MAX_BYTES } from '../../../local/emulator/get-clip';
import { createArchiveMedia } from '../../../local/media/archive';
import { brokerPerTest } from '../../support/broker-fixture';
import { T0 } from '../../support/clock';
import { devIssuerConfig } from '../../support/local-broker';

const MB = 1024 * 1024;
/** Growth allowed, as a share of the clip's size. */
const BOUND = 0.25;

/** The engine's collector: the global one under --expose-gc, else one made reachable by turning the flag on. */
function collector(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * The heap plus the memory of ArrayBuffers (Buffers, Uint8Arrays: where a buffered body would sit). Not `external`:
 * it also counts native memory of other parts of the process that comes and goes by tens of MB, unrelated to reading.
 */
const held = (m: NodeJS.MemoryUsage) => m.heapUsed + m.arrayBuffers;

/** Collected every this many bytes read, so that what is measured is what is held, not garbage awaiting a GC. */
const GC_EVERY = 4 * MB;
/**
 * Read before the baseline: the first megabytes set up the three connections, their buffers and the code's
 * compilation, a one-off step of the resident set (reported as `rssStepAtStartMB`) that does not grow with the clip.
 */
const WARM_UP = 8 * MB;

interface Figures {
  clipMB: number;
  chunks: number;
  /** Resident set growth over the first 8 MB read, from before the request. */
  rssStepAtStartMB: number;
  /** After the first 8 MB: largest growth of heap + ArrayBuffers right after a GC (what the process held). */
  peakHeldGrowthMB: number;
  /** After the first 8 MB: largest growth of the resident set (collected every 4 MB). */
  peakRssGrowthMB: number;
}

/**
 * A GC, a turn of the event loop, and another: ArrayBuffers' memory is given back after their collection, so one GC
 * alone may still count the last megabytes read.
 */
async function settled(gc: () => void): Promise<void> {
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
}

/** Reads a clip's chunks, counting them (and keeping them when `keep`, the control), measuring as it goes. */
async function measure(chunks: AsyncIterable<Uint8Array>, keep: boolean): Promise<Figures> {
  const gc = collector();
  const kept: Uint8Array[] = [];
  await settled(gc);
  const start = process.memoryUsage().rss;
  let base: NodeJS.MemoryUsage | undefined;
  let peakRss = 0;
  let peakHeld = 0;
  let bytes = 0;
  let count = 0;
  let nextGc = WARM_UP;
  const sample = async () => {
    await settled(gc);
    const now = process.memoryUsage();
    base ??= now;
    peakRss = Math.max(peakRss, now.rss);
    peakHeld = Math.max(peakHeld, held(now));
  };
  for await (const chunk of chunks) {
    bytes += chunk.length;
    count += 1;
    if (keep && base) kept.push(chunk);
    if (base) peakRss = Math.max(peakRss, process.memoryUsage.rss());
    if (bytes >= nextGc) {
      await sample();
      nextGc += GC_EVERY;
    }
  }
  await sample();
  kept.length = 0;
  return {
    clipMB: bytes / MB,
    chunks: count,
    rssStepAtStartMB: (base!.rss - start) / MB,
    peakHeldGrowthMB: (peakHeld - held(base!)) / MB,
    peakRssGrowthMB: (peakRss - base!.rss) / MB,
  };
}

const line = (name: string, f: Figures) =>
  `${name}: ${Object.entries(f)
    .map(([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toFixed(1)}`)
    .join(' ')}`;

describe('clip memory through the local stack', () => {
  // Printed once the fixture has given stdout back (it captures the handlers' log lines during a test).
  const report: string[] = [];
  afterAll(() => {
    process.stdout.write(`${report.join('\n')}\n`);
  });
  const fixture = brokerPerTest({
    config: (baseUrl) => ({
      issuers: [devIssuerConfig(baseUrl)],
      api: { authorizerCacheTtlSeconds: 0 },
      local: { streams: [{ name: 'cam-big' }], enforceQuotas: false },
    }),
    archive: createArchiveMedia({ fragmentPaddingBytes: 512 * 1024 }),
  });

  const clip = async () => {
    const f = fixture();
    const token = await f.mint([{ stream: 'cam-big', modes: ['ON_DEMAND'] }]);
    const client = createBrokerClient({ baseUrl: f.broker.url, token, viewerId: false });
    return client.clip('cam-big', {
      from: new Date(T0 - 5 * 60_000).toISOString(),
      to: new Date(T0 - 1000).toISOString(),
    });
  };

  it('streams a 100 MB clip (KVS GetClip cap): after the first 8 MB, held memory and resident set grow by under a quarter of it', async () => {
    const figures = await measure((await clip()).chunks(), false);
    report.push(line('clip memory', figures));
    expect(figures.clipMB).toBeGreaterThan(99); // the most KVS returns: 100 MB
    expect(figures.clipMB).toBeLessThanOrEqual(CLIP_MAX_BYTES / MB);
    expect(figures.chunks).toBeGreaterThan(100); // handed over as it came
    expect(figures.peakHeldGrowthMB).toBeLessThan(BOUND * figures.clipMB);
    expect(figures.peakRssGrowthMB).toBeLessThan(BOUND * figures.clipMB);
  }, 180_000);

  it('the measure sees a clip held whole: keeping the chunks grows what the process holds by what was read', async () => {
    const figures = await measure((await clip()).chunks(), true);
    report.push(line('clip memory, chunks kept (control)', figures));
    expect(figures.peakHeldGrowthMB).toBeGreaterThan(0.9 * (figures.clipMB - WARM_UP / MB));
  }, 180_000);
});
