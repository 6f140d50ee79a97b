// The KVS adapter against the emulator over HTTP with the real SDK clients: data-endpoint cache, retries, mapping.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BrokerError } from '../../lambda/core/errors';
import { parseSessionRequest } from '../../lambda/core/request';
import { createKvsAdapter, type KvsAdapter } from '../../lambda/kvs/adapter';
import { startKvsEmulator, type KvsEmulator } from '../../local/emulator';

const credentials = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' };
let emulator: KvsEmulator;
let clock = Date.now();
let slept: number[] = [];

function adapter(overrides: { maxAttempts?: number; dataEndpointTtlMs?: number } = {}): KvsAdapter {
  return createKvsAdapter({
    region: 'us-east-1',
    endpoint: emulator.endpoint,
    credentials,
    timeoutMs: 2000,
    maxAttempts: overrides.maxAttempts ?? 3,
    dataEndpointTtlMs: overrides.dataEndpointTtlMs ?? 300_000,
    now: () => clock,
    sleep: async (ms) => {
      slept.push(ms);
    },
  });
}
const dataEndpointCalls = () => emulator.stats().requests.GetDataEndpoint ?? 0;
const live = (stream: string) => parseSessionRequest(stream, undefined);

beforeAll(async () => {
  emulator = await startKvsEmulator({ streams: [{ name: 'cam-1' }, { name: 'cam-2' }], now: () => clock });
});
afterAll(async () => {
  await emulator.close();
});

describe('GetDataEndpoint cache', () => {
  it('reuses the data endpoint per stream within its TTL, and asks again after it', async () => {
    const kvs = adapter({ dataEndpointTtlMs: 60_000 });
    const before = dataEndpointCalls();
    await kvs.getStreamingSessionUrl(live('cam-1'), 300);
    await kvs.getStreamingSessionUrl(live('cam-1'), 300);
    await kvs.getStreamingSessionUrl(live('cam-2'), 300);
    expect(dataEndpointCalls() - before).toBe(2);
    clock += 61_000;
    await kvs.getStreamingSessionUrl(live('cam-1'), 300);
    expect(dataEndpointCalls() - before).toBe(3);
  });

  it('forgets the endpoint when KVS says the stream is gone, so a recreated stream is found again', async () => {
    const kvs = adapter();
    await kvs.getStreamingSessionUrl(live('cam-2'), 300);
    const before = dataEndpointCalls();
    emulator.deleteStream('cam-2');
    // the data-plane call fails on the cached endpoint, and the cache entry is dropped
    await expect(kvs.getStreamingSessionUrl(live('cam-2'), 300)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    emulator.putStream({ name: 'cam-2' });
    await kvs.getStreamingSessionUrl(live('cam-2'), 300);
    expect(dataEndpointCalls() - before).toBe(1);
  });
});

describe('retries', () => {
  it('retries ClientLimitExceeded with growing backoff, then answers THROTTLED', async () => {
    const frozen = await startKvsEmulator({ streams: [{ name: 'hot' }], now: () => 0 });
    try {
      const kvs = createKvsAdapter({
        region: 'us-east-1',
        endpoint: frozen.endpoint,
        credentials,
        timeoutMs: 2000,
        maxAttempts: 3,
        dataEndpointTtlMs: 0, // every session asks for the endpoint: 5 TPS per stream is the first quota hit
        sleep: async (ms) => {
          slept.push(ms);
        },
      });
      slept = [];
      const outcomes: string[] = [];
      for (let i = 0; i < 7; i += 1) {
        outcomes.push(
          await kvs.getStreamingSessionUrl(live('hot'), 300).then(
            () => 'ok',
            (e: BrokerError) => e.code,
          ),
        );
      }
      expect(outcomes).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'THROTTLED', 'THROTTLED']);
      expect(frozen.stats().throttled.GetDataEndpoint).toBe(6); // 2 sessions x 3 attempts
      expect(slept).toHaveLength(4);
      expect(slept[0]).toBeGreaterThanOrEqual(100);
      expect(slept[1]).toBeGreaterThanOrEqual(200);
    } finally {
      await frozen.close();
    }
  });
});
