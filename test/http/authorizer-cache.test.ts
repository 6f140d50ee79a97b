// API Gateway serves a cached authorizer answer for its whole TTL. Local mode caches the same way, so this shows
// that the broker refuses a token that expired after its policy was cached, and honours the clock tolerance.
import { describe, expect, it } from '@jest/globals';
import { brokerPerTest } from '../support/broker-fixture';
import { devIssuerConfig } from '../support/local-broker';

const fixture = brokerPerTest({
  config: (baseUrl) => ({
    issuers: [devIssuerConfig(baseUrl)],
    api: { authorizerCacheTtlSeconds: 3600, throttlingRateLimit: 100, throttlingBurstLimit: 100 },
    local: { streams: [{ name: 'cam-1' }], enforceQuotas: false },
  }),
});

describe('a token that expires while its policy is cached', () => {
  it('gets sessions until exp + clock tolerance (30 s), then 401 from the broker', async () => {
    const f = fixture();
    const token = await f.mint([{ stream: 'cam-1' }], { expiresInSeconds: 60 });
    expect((await f.post('cam-1', token)).json).toMatchObject({ expiresAt: '2026-11-25T10:05:00.000Z' });
    f.clock.advance(80_000); // expired 20 s ago: inside the tolerance
    expect((await f.post('cam-1', token)).json).toMatchObject({ expiresAt: '2026-11-25T10:06:20.000Z' });
    f.clock.advance(160_000); // expired 3 minutes ago, policy still cached for an hour
    const res = await f.post('cam-1', token);
    const requestId = res.headers['x-amzn-requestid'];
    expect({ status: res.status, json: res.json }).toEqual({
      status: 401,
      json: { error: { code: 'UNAUTHORIZED', message: 'Missing or invalid bearer token' }, requestId },
    });
    // Refused by the broker on the cached context, not by a fresh authorizer call.
    expect(f.audit(requestId)).toEqual([
      expect.objectContaining({
        message: 'session decision',
        time: '2026-11-25T10:04:00.000Z',
        outcome: 'DENIED',
        errorCode: 'UNAUTHORIZED',
      }),
    ]);
    const all = f.captured.lines.join('');
    expect(all.match(/"token accepted"/g)).toHaveLength(1);
    expect(all).not.toContain('token refused');
  });

  it('is refused by the authorizer itself once the cached policy is gone (a fresh token call)', async () => {
    const f = fixture();
    const token = await f.mint([{ stream: 'cam-1' }], { expiresInSeconds: 60 });
    f.clock.advance(240_000); // never cached: the authorizer sees the expired token
    const res = await f.post('cam-1', token);
    expect(res.status).toBe(401);
    expect(f.audit(res.headers['x-amzn-requestid'])).toEqual([
      expect.objectContaining({ message: 'token refused', reason: 'ERR_JWT_EXPIRED' }),
    ]);
  });
});
