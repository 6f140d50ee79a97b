// The KVS adapter against the emulator over HTTP with the real SDK clients: data-endpoint cache and single flight,
// retries with full jitter under one deadline, and many cold instances on one stream within KVS's quotas.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { parseSessionRequest } from '../../../lambda/core/request';
import { createKvsAdapter, type KvsAdapter, type KvsAdapterOptions } from '../../../lambda/kvs/adapter';
import { startKvsEmulator, type KvsEmulator, type KvsEmulatorOptions } from '../../../local/emulator';
import { virtualTime } from '../../support/clock';
import { holdCall, SLOW_STREAM } from '../../support/held-call';
import { testAdapterOptions } from '../../support/kvs-adapter';
import { outcome } from '../../support/outcomes';

const live = (stream: string) => parseSessionRequest(stream, undefined);

let emulator: KvsEmulator;
const clock = Date.now();
const extraEmulators: KvsEmulator[] = [];

async function startEmulator(options: KvsEmulatorOptions): Promise<KvsEmulator> {
  const started = await startKvsEmulator(options);
  extraEmulators.push(started);
  return started;
}

const adapter = (on: KvsEmulator, overrides: Partial<KvsAdapterOptions> = {}): KvsAdapter =>
  createKvsAdapter(testAdapterOptions(on.endpoint, { now: () => clock, ...overrides }));

beforeAll(async () => {
  emulator = await startKvsEmulator({ streams: [{ name: 'cam-1' }, { name: 'cam-2' }], now: () => clock });
});
afterEach(async () => {
  await Promise.all(extraEmulators.splice(0).map((e) => e.close()));
});
afterAll(async () => {
  await emulator.close();
});

describe('GetDataEndpoint cache', () => {
  const dataEndpointCalls = () => emulator.stats().requests.GetDataEndpoint ?? 0;

  // the TTL, to the millisecond and per stream: adapter-rules.test.ts
  it('forgets the endpoint when KVS says the stream is gone, so a recreated stream is found again', async () => {
    const kvs = adapter(emulator);
    await kvs.getStreamingSessionUrl(live('cam-2'), 300);
    const before = dataEndpointCalls();
    emulator.deleteStream('cam-2');
    // the data-plane call fails on the cached endpoint, and the cache entry is dropped
    await expect(kvs.getStreamingSessionUrl(live('cam-2'), 300)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    emulator.putStream({ name: 'cam-2' });
    await kvs.getStreamingSessionUrl(live('cam-2'), 300);
    expect(dataEndpointCalls() - before).toBe(1);
  });

  it('asks once per stream and API name however many first requests arrive at once (single flight)', async () => {
    const unthrottled = await startEmulator({ streams: [{ name: 'cam-busy' }], enforceQuotas: false });
    // 55 calls at once on a loaded machine (or under Stryker) can take longer than the 2 s attempt deadline, which
    // is real time: a timed-out attempt retries and asks again. The deadline is not what this test is about.
    const kvs = adapter(unthrottled, { timeoutMs: 60_000 });
    const dash = Array.from({ length: 50 }, () => outcome(kvs.getStreamingSessionUrl(live('cam-busy'), 300)));
    const hls = parseSessionRequest('cam-busy', { protocol: 'HLS' });
    const hlsOutcomes = Array.from({ length: 5 }, () => outcome(kvs.getStreamingSessionUrl(hls, 300)));
    expect(await Promise.all([...dash, ...hlsOutcomes])).toEqual(Array(55).fill('ok'));
    // one for GET_DASH_STREAMING_SESSION_URL, one for GET_HLS_STREAMING_SESSION_URL
    expect(unthrottled.stats().requests.GetDataEndpoint).toBe(2);
  });
});

describe('retries', () => {
  it('retries a throttled session-URL call kvs.maxAttempts times with full-jitter waits, then answers THROTTLED', async () => {
    // The emulator's clock stands still: 25 GetDASHStreamingSessionURL per second per stream, never refilled.
    const frozen = await startEmulator({ streams: [{ name: 'hot' }], now: () => 0 });
    const time = virtualTime(1_000_000);
    const kvs = adapter(frozen, { now: time.now, sleep: time.sleep, random: () => 0.5 });
    for (let i = 0; i < 25; i += 1) await kvs.getStreamingSessionUrl(live('hot'), 300);
    expect(time.t.slept).toEqual([]);
    expect(await outcome(kvs.getStreamingSessionUrl(live('hot'), 300))).toBe('THROTTLED');
    // random 0.5 of min(1 s, 100 ms x 2^n): 50, then 100
    expect(time.t.slept).toEqual([50, 100]);
    expect(frozen.stats().throttled).toEqual({ GetDASHStreamingSessionURL: 3 });
  });

  it('retries GetDataEndpoint throttling until the one 25 s deadline, never past it', async () => {
    // GetDataEndpoint: 5 TPS per stream (KVS service quotas); frozen, so the 6th call is throttled for good.
    const frozen = await startEmulator({ streams: [{ name: 'hot' }], now: () => 0 });
    const time = virtualTime(1_000_000);
    const kvs = adapter(frozen, {
      now: time.now,
      sleep: time.sleep,
      random: () => 0.5,
      dataEndpointTtlMs: 0,
    });
    for (let i = 0; i < 5; i += 1) await kvs.getStreamingSessionUrl(live('hot'), 300);
    expect(await outcome(kvs.getStreamingSessionUrl(live('hot'), 300))).toBe('THROTTLED');
    // random 0.5 of min(5 s, 200 ms x 2^n) while the wait still ends before the deadline (25 000 ms)
    expect(time.t.slept).toEqual([100, 200, 400, 800, 1600, 2500, 2500, 2500, 2500, 2500, 2500, 2500, 2500]);
    expect(time.t.now - 1_000_000).toBe(23_100);
    expect(frozen.stats().throttled).toEqual({ GetDataEndpoint: 14 });
  });

  it('gives every attempt of a request the same deadline: a slow KVS costs budgetMs, not attempts x timeout', async () => {
    // The emulator holds each attempt (latency gate) while fake timers move the clock: 3 attempts of 1 s would take
    // 3 s; the 2.5 s deadline ends the third one early. No real time passes.
    const run = await holdCall(
      (slow) =>
        adapter(slow, {
          now: Date.now,
          timeoutMs: 1000,
          maxAttempts: 3,
          budgetMs: 2500,
          random: () => 0,
        }).getStreamingSessionUrl(live(SLOW_STREAM), 300),
      [{ advanceMs: 1000 }, { advanceMs: 1000 }, { advanceMs: 500 }],
    );
    // every attempt reached KVS and was held; the call then ended within a few turns of the event loop
    expect(run.held).toEqual(['held', 'held', 'held']);
    expect(run.outcome).toBe('UPSTREAM_TIMEOUT');
    expect(run.elapsedMs).toBe(2500);
    expect(run.stats.requests.GetDataEndpoint).toBe(3);
  });
});

/** Deterministic uniform [0, 1) numbers (mulberry32), one sequence per seed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('many cold instances on one stream', () => {
  it('serves 20 instances starting at once within the deadline, at GetDataEndpoint 5 TPS per stream', async () => {
    // Emulator and adapters share a virtual clock that moves only when an instance waits: a wait ends at once, the
    // clock then reading at least its end. The quota refills on that clock, so the test costs no real waiting.
    const t = { now: Date.now() };
    const now = () => t.now;
    const sleep = async (ms: number) => {
      const until = t.now + ms;
      await new Promise<void>((r) => setImmediate(r));
      t.now = Math.max(t.now, until);
    };
    const shared = await startEmulator({ streams: [{ name: 'cam-popular' }], now });
    const instances = Array.from({ length: 20 }, (_, i) =>
      adapter(shared, { now, sleep, random: seeded(i + 1), timeoutMs: 2000 }),
    );
    // Warm each instance's SDK client (ListStreams: 50 TPS per account), so the 20 first sessions start together.
    await Promise.all(instances.map((kvs) => kvs.listStreams('cam-')));
    const burst = now();
    const outcomes = await Promise.all(
      instances.map((kvs) => outcome(kvs.getStreamingSessionUrl(live('cam-popular'), 300))),
    );
    const elapsed = now() - burst;
    expect(outcomes).toEqual(Array(20).fill('ok'));
    const stats = shared.stats();
    // every instance asked once successfully
    expect(stats.requests.GetDataEndpoint! - stats.throttled.GetDataEndpoint!).toBe(20);
    expect(stats.throttled.GetDataEndpoint).toBeGreaterThan(0);
    // the 15 after the first burst of 5 wait for the refill at 5 per second: 3 s at least, well inside 25 s
    expect(elapsed).toBeGreaterThanOrEqual(2900);
    expect(elapsed).toBeLessThan(25_000);
  });
});
