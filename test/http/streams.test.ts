// GET /v1/streams (docs/api.md) over HTTP, and API Gateway behaviour of the local gateway (stage throttling).
// One fresh broker per test on a fixed clock: the stage's token bucket refills only when a test moves the clock.
import { describe, expect, it } from '@jest/globals';
import { brokerPerTest } from '../support/broker-fixture';
import { devIssuerConfig } from '../support/local-broker';

const APP_ORIGIN = 'https://app.example.com';
const config =
  (throttle: { throttlingRateLimit: number; throttlingBurstLimit: number }) => (baseUrl: string) => ({
    issuers: [
      devIssuerConfig(baseUrl),
      { ...devIssuerConfig(baseUrl), issuer: 'tenant-acme', streamPrefix: 'acme-' },
    ],
    api: { authorizerCacheTtlSeconds: 0, ...throttle },
    cors: { allowOrigins: [APP_ORIGIN] },
    local: {
      streams: ['cam-1', 'cam-2', 'cam-lobby', 'acme-a', 'acme-b', 'other'].map((name) => ({ name })),
      enforceQuotas: false,
    },
  });
const names = (json: Record<string, unknown>) =>
  (json.streams as { streamName: string }[]).map((s) => s.streamName);

describe('GET /v1/streams', () => {
  const fixture = brokerPerTest({ config: config({ throttlingRateLimit: 100, throttlingBurstLimit: 100 }) });

  it('lists the granted streams once each, sorted, with the union of modes and protocols', async () => {
    const f = fixture();
    const token = await f.mint([
      { stream: 'cam-*' },
      { stream: 'cam-lobby', modes: ['ON_DEMAND'], protocols: ['HLS'] },
      { stream: 'not-yet-created' },
    ]);
    const res = await f.get('/v1/streams', token);
    expect(res).toEqual({
      status: 200,
      headers: {
        'content-type': 'application/json',
        'cache-control': 'no-store',
        'x-amzn-requestid': expect.any(String),
      },
      json: {
        streams: [
          { streamName: 'cam-1', modes: ['LIVE'], protocols: ['DASH', 'HLS'] },
          { streamName: 'cam-2', modes: ['LIVE'], protocols: ['DASH', 'HLS'] },
          { streamName: 'cam-lobby', modes: ['LIVE', 'ON_DEMAND'], protocols: ['DASH', 'HLS'] },
          { streamName: 'not-yet-created', modes: ['LIVE'], protocols: ['DASH', 'HLS'] },
        ],
      },
    });
  });

  it('pages with limit and nextToken', async () => {
    const f = fixture();
    const token = await f.mint([{ stream: '*' }]);
    const first = await f.get('/v1/streams?limit=4', token);
    expect(names(first.json)).toEqual(['acme-a', 'acme-b', 'cam-1', 'cam-2']);
    expect(first.json.nextToken).toEqual(expect.any(String));
    const second = await f.get(`/v1/streams?limit=4&nextToken=${first.json.nextToken as string}`, token);
    expect(second.json).toEqual({
      streams: [
        { streamName: 'cam-lobby', modes: ['LIVE'], protocols: ['DASH', 'HLS'] },
        { streamName: 'other', modes: ['LIVE'], protocols: ['DASH', 'HLS'] },
      ],
    });
  });

  it('never shows a tenant a stream outside its streamPrefix', async () => {
    const f = fixture();
    const token = await f.mint([{ stream: '*' }], { sub: 'partner', claims: { iss: 'tenant-acme' } });
    expect(names((await f.get('/v1/streams', token)).json)).toEqual(['acme-a', 'acme-b']);
  });

  it('lists nothing for a token without grants', async () => {
    const f = fixture();
    expect((await f.get('/v1/streams', await f.mint([]))).json).toEqual({ streams: [] });
  });

  it('answers a bad query with 400 INVALID_REQUEST', async () => {
    const f = fixture();
    const res = await f.get('/v1/streams?limit=0', await f.mint([]));
    const requestId = res.headers['x-amzn-requestid'];
    expect({ status: res.status, json: res.json }).toEqual({
      status: 400,
      json: {
        error: { code: 'INVALID_REQUEST', message: 'limit: must be an integer from 1 to 1000' },
        requestId,
      },
    });
  });

  it('answers without a token with 401 from the gateway', async () => {
    const f = fixture();
    const res = await f.get('/v1/streams');
    expect({ status: res.status, json: res.json }).toEqual({
      status: 401,
      json: {
        error: { code: 'UNAUTHORIZED', message: 'Missing or invalid bearer token' },
        requestId: res.headers['x-amzn-requestid'],
      },
    });
  });
});

describe('stage throttling (burst 25, 1 request per second)', () => {
  const fixture = brokerPerTest({ config: config({ throttlingRateLimit: 1, throttlingBurstLimit: 25 }) });

  it('admits the burst, then answers 429 THROTTLED with Retry-After before calling the authorizer', async () => {
    const f = fixture();
    const token = await f.mint([{ stream: 'cam-1' }]);
    const results = await Promise.all(Array.from({ length: 40 }, () => f.post('cam-1', token)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(25);
    const throttled = results.filter((r) => r.status === 429);
    expect(throttled).toHaveLength(15);
    const requestId = throttled[0]!.headers['x-amzn-requestid'];
    expect(throttled[0]).toEqual({
      status: 429,
      headers: {
        'content-type': 'application/json',
        'cache-control': 'no-store',
        'retry-after': '1',
        'x-amzn-requestid': requestId,
      },
      json: { error: { code: 'THROTTLED', message: 'Too many requests; retry later' }, requestId },
    });
    // The authorizer ran for the admitted requests only (its cache is off here).
    expect(f.captured.lines.join('').match(/"token accepted"/g)).toHaveLength(25);
  });

  it('admits one more request per second of the test clock', async () => {
    const f = fixture();
    const token = await f.mint([{ stream: 'cam-1' }]);
    await Promise.all(Array.from({ length: 25 }, () => f.post('cam-1', token)));
    expect((await f.post('cam-1', token)).status).toBe(429);
    f.clock.advance(1000);
    expect((await f.post('cam-1', token)).status).toBe(200);
    expect((await f.post('cam-1', token)).status).toBe(429);
  });

  // Every 429 exposes Retry-After to allowed origins, the local gateway's throttle included (as deployed).
  it('lets an allowed origin read Retry-After on the gateway 429', async () => {
    const f = fixture();
    const token = await f.mint([{ stream: 'cam-1' }]);
    await Promise.all(Array.from({ length: 25 }, () => f.post('cam-1', token)));
    const res = await f.post('cam-1', token, undefined, { Origin: APP_ORIGIN });
    expect(res.status).toBe(429);
    expect(res.headers).toMatchObject({
      'access-control-allow-origin': APP_ORIGIN,
      'access-control-expose-headers': expect.stringMatching(/\bRetry-After\b/i),
    });
  });
});
