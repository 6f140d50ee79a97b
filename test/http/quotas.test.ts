// 429 THROTTLED from KVS quotas, deterministically: the emulator's clock stands still, so its token buckets
// (25 GetDASH/HLSStreamingSessionURL per second per stream) never refill during the test.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLocalBroker, type LocalBroker } from '../../local/app';
import { generateDevKey } from '../../local/dev-issuer';
import { captureOutput, devIssuerConfig, post, type Captured } from '../support/local-broker';

const frozen = Date.now();
let captured: Captured;
const brokers: LocalBroker[] = [];

async function brokerWithAttempts(maxAttempts: number): Promise<LocalBroker> {
  const broker = await startLocalBroker({
    devKey: await generateDevKey(),
    emulatorNow: () => frozen,
    config: (baseUrl: string) => ({
      issuers: [devIssuerConfig(baseUrl)],
      kvs: { timeoutMs: 2000, maxAttempts, dataEndpointTtlSeconds: 300 },
      local: { streams: [{ name: 'cam-hot' }], enforceQuotas: true },
    }),
  });
  brokers.push(broker);
  return broker;
}

beforeAll(() => {
  captured = captureOutput();
});
afterAll(async () => {
  captured.restore();
  await Promise.all(brokers.map((b) => b.close()));
});

describe('KVS quotas', () => {
  it.each([1, 3])(
    'answer 429 THROTTLED with Retry-After past 25 sessions per second (%i attempts)',
    async (attempts) => {
      const broker = await brokerWithAttempts(attempts);
      const token = await broker.devIssuer!.mint({ sub: 'u', grants: [{ stream: 'cam-hot' }] });
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 30; i += 1) {
        last = await post(broker, 'cam-hot', token);
        statuses.push(last.status);
      }
      expect(statuses).toEqual([...Array(25).fill(200), ...Array(5).fill(429)]);
      expect(last!.headers.get('retry-after')).toBe('1');
      expect(last!.json).toEqual({
        error: { code: 'THROTTLED', message: 'Too many requests for this stream; retry later' },
        requestId: expect.any(String),
      });
      // with retries, each throttled session was tried `attempts` times before giving up
      expect(broker.emulator.stats().throttled).toMatchObject({ GetDASHStreamingSessionURL: 5 * attempts });
    },
  );
});
