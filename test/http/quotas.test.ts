// 429 THROTTLED from KVS quotas, deterministically: the test clock stands still, so the emulator's token buckets
// (GetDASH/HLSStreamingSessionURL: 25 TPS per stream, per the KVS quotas page) never refill during a test.
import { describe, expect, it } from '@jest/globals';
import { brokerPerTest } from '../support/broker-fixture';
import { devIssuerConfig } from '../support/local-broker';

const APP_ORIGIN = 'https://app.example.com';
const config = (maxAttempts: number) => (baseUrl: string) => ({
  issuers: [devIssuerConfig(baseUrl)],
  kvs: { timeoutMs: 2000, maxAttempts, dataEndpointTtlSeconds: 300 },
  cors: { allowOrigins: [APP_ORIGIN] },
  local: { streams: [{ name: 'cam-hot' }], enforceQuotas: true },
});

describe.each([1, 3])('KVS quotas with kvs.maxAttempts %i', (attempts) => {
  const fixture = brokerPerTest({ config: config(attempts) });

  it('answer 429 THROTTLED with Retry-After past 25 sessions per second, and again after one second', async () => {
    const f = fixture();
    const token = await f.mint([{ stream: 'cam-hot' }]);
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 30; i += 1) {
      last = await f.post('cam-hot', token);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([...Array(25).fill(200), ...Array(5).fill(429)]);
    const requestId = last!.headers['x-amzn-requestid'];
    expect(last).toEqual({
      status: 429,
      headers: {
        'content-type': 'application/json',
        'cache-control': 'no-store',
        'retry-after': '1',
        'x-amzn-requestid': requestId,
      },
      json: {
        error: { code: 'THROTTLED', message: 'Too many requests for this stream; retry later' },
        requestId,
      },
    });
    // with retries, each throttled session was tried `attempts` times before giving up
    expect(f.broker.emulator.stats().throttled).toMatchObject({ GetDASHStreamingSessionURL: 5 * attempts });
    f.clock.advance(1000); // Retry-After honoured: the bucket refilled
    expect((await f.post('cam-hot', token)).status).toBe(200);
  });
});

describe('a throttled browser', () => {
  const fixture = brokerPerTest({ config: config(1) });

  // Every 429 exposes Retry-After to allowed origins (Access-Control-Expose-Headers), the broker's own included.
  it('can read Retry-After on a 429 from the broker (Access-Control-Expose-Headers)', async () => {
    const f = fixture();
    const token = await f.mint([{ stream: 'cam-hot' }]);
    let last;
    for (let i = 0; i < 26; i += 1) last = await f.post('cam-hot', token, undefined, { Origin: APP_ORIGIN });
    expect(last!.status).toBe(429);
    expect(last!.headers).toMatchObject({
      'access-control-allow-origin': APP_ORIGIN,
      'access-control-expose-headers': expect.stringMatching(/\bRetry-After\b/i),
      'retry-after': '1',
    });
  });
});
