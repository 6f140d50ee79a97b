// API Gateway serves a cached authorizer answer for its whole TTL. Local mode caches the same way, so this shows
// that the broker refuses a token that expired after its policy was cached, and honours the clock tolerance.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLocalBroker, type LocalBroker } from '../../local/app';
import { generateDevKey } from '../../local/dev-issuer';
import { auditLines, captureOutput, devIssuerConfig, post, type Captured } from '../support/local-broker';

let broker: LocalBroker;
let captured: Captured;
let offsetMs = 0;

beforeAll(async () => {
  captured = captureOutput();
  broker = await startLocalBroker({
    devKey: await generateDevKey(),
    now: () => Date.now() + offsetMs,
    config: (baseUrl: string) => ({
      issuers: [devIssuerConfig(baseUrl)],
      api: { authorizerCacheTtlSeconds: 3600, throttlingRateLimit: 100, throttlingBurstLimit: 100 },
      local: { streams: [{ name: 'cam-1' }], enforceQuotas: false },
    }),
  });
});
afterAll(async () => {
  captured.restore();
  await broker.close();
});

describe('a token that expires while its policy is cached', () => {
  it('gets sessions until exp + clock tolerance (30 s), then 401 from the broker', async () => {
    const token = await broker.devIssuer!.mint({
      sub: 'u',
      grants: [{ stream: 'cam-1' }],
      expiresInSeconds: 60,
    });
    expect((await post(broker, 'cam-1', token)).status).toBe(200);
    offsetMs = 80_000; // expired 20 s ago: inside the tolerance
    expect((await post(broker, 'cam-1', token)).status).toBe(200);
    offsetMs = 240_000; // expired 3 minutes ago, policy still cached for an hour
    const res = await post(broker, 'cam-1', token);
    expect(res.status).toBe(401);
    expect(res.json).toEqual({
      error: { code: 'UNAUTHORIZED', message: 'Missing or invalid bearer token' },
      requestId: expect.any(String),
    });
    // Refused by the broker on the cached context, not by a fresh authorizer call.
    expect(auditLines(captured).at(-1)).toMatchObject({
      message: 'session decision',
      errorCode: 'UNAUTHORIZED',
    });
    expect(auditLines(captured).filter((l) => l.message === 'token refused')).toEqual([]);
  });
});
