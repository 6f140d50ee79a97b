// GET /v1/streams (DESIGN section 7) over HTTP, and API Gateway behaviour of the local gateway (stage throttling).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LocalBroker } from '../../local/app';
import {
  captureOutput,
  devIssuerConfig,
  post,
  startTestBroker,
  type Captured,
} from '../support/local-broker';

let broker: LocalBroker;
let captured: Captured;

async function list(token: string, query = '') {
  const res = await fetch(`${broker.url}/v1/streams${query}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  captured = captureOutput();
  broker = await startTestBroker((baseUrl) => ({
    issuers: [
      devIssuerConfig(baseUrl),
      { ...devIssuerConfig(baseUrl), issuer: 'tenant-acme', streamPrefix: 'acme-' },
    ],
    api: { authorizerCacheTtlSeconds: 0, throttlingRateLimit: 1, throttlingBurstLimit: 25 },
    local: {
      streams: ['cam-1', 'cam-2', 'cam-lobby', 'acme-a', 'acme-b', 'other'].map((name) => ({ name })),
      enforceQuotas: false,
    },
  }));
});

afterAll(async () => {
  captured.restore();
  await broker.close();
});

describe('GET /v1/streams', () => {
  it('lists the granted streams once each, sorted, with the union of modes and protocols', async () => {
    const token = await broker.devIssuer!.mint({
      sub: 'u',
      grants: [
        { stream: 'cam-*' },
        { stream: 'cam-lobby', modes: ['ON_DEMAND'], protocols: ['HLS'] },
        { stream: 'not-yet-created' },
      ],
    });
    expect(await list(token)).toEqual({
      status: 200,
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
    const token = await broker.devIssuer!.mint({ sub: 'u', grants: [{ stream: '*' }] });
    const first = await list(token, '?limit=4');
    expect((first.json.streams as { streamName: string }[]).map((s) => s.streamName)).toEqual([
      'acme-a',
      'acme-b',
      'cam-1',
      'cam-2',
    ]);
    const second = await list(token, `?limit=4&nextToken=${first.json.nextToken as string}`);
    expect(second.json).toEqual({
      streams: [
        { streamName: 'cam-lobby', modes: ['LIVE'], protocols: ['DASH', 'HLS'] },
        { streamName: 'other', modes: ['LIVE'], protocols: ['DASH', 'HLS'] },
      ],
    });
  });

  it('never shows a tenant a stream outside its streamPrefix', async () => {
    const dev = broker.devIssuer!;
    const token = await dev.mint({
      sub: 'partner',
      grants: [{ stream: '*' }],
      claims: { iss: 'tenant-acme' },
    });
    const res = await list(token);
    expect((res.json.streams as { streamName: string }[]).map((s) => s.streamName)).toEqual([
      'acme-a',
      'acme-b',
    ]);
  });

  it('answers a bad query with 400 INVALID_REQUEST', async () => {
    const token = await broker.devIssuer!.mint({ sub: 'u', grants: [] });
    expect(await list(token, '?limit=0')).toEqual({
      status: 400,
      json: {
        error: { code: 'INVALID_REQUEST', message: 'limit: must be an integer from 1 to 1000' },
        requestId: expect.any(String),
      },
    });
  });
});

describe('stage throttling', () => {
  it('answers 429 THROTTLED with Retry-After past the burst, before calling the authorizer', async () => {
    const token = await broker.devIssuer!.mint({ sub: 'u', grants: [{ stream: 'cam-1' }] });
    const results = await Promise.all(Array.from({ length: 40 }, () => post(broker, 'cam-1', token)));
    const throttled = results.filter((r) => r.status === 429);
    expect(throttled.length).toBeGreaterThanOrEqual(10);
    expect(throttled[0]!.headers.get('retry-after')).toBe('1');
    expect(throttled[0]!.json).toEqual({
      error: { code: 'THROTTLED', message: 'Too many requests; retry later' },
      requestId: expect.any(String),
    });
  });
});
