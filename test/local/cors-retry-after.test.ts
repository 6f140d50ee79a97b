// SECURITY.md, Browsers: every 429 carries Retry-After and exposes it to allowed origins
// (Access-Control-Expose-Headers); no answer names an origin outside cors.allowOrigins. Through the local stack:
// the broker's own 429 (KVS quota) and the gateway's stage throttle.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLocalBroker, type LocalBroker } from '../../local/app';
import { generateDevKey } from '../../local/dev-issuer';
import { captureOutput, devIssuerConfig, type Captured } from '../support/local-broker';

const ALLOWED = 'https://app.example.com';
const ALSO_ALLOWED = 'https://admin.example.com';
const STRANGER = 'https://evil.example.net';
const frozen = Date.now();

let captured: Captured;
let kvsThrottled: LocalBroker;
let stageThrottled: LocalBroker;
let token: string;
let stageToken: string;

async function broker(overrides: { api: Record<string, unknown>; frozenGateway: boolean }) {
  return startLocalBroker({
    devKey: await generateDevKey(),
    emulatorNow: () => frozen,
    ...(overrides.frozenGateway ? { now: () => frozen } : {}),
    config: (baseUrl: string) => ({
      issuers: [devIssuerConfig(baseUrl)],
      cors: { allowOrigins: [ALLOWED, ALSO_ALLOWED] },
      api: { tokenRateLimit: false, ipRateLimit: false, ...overrides.api },
      kvs: { timeoutMs: 2000, maxAttempts: 1, dataEndpointTtlSeconds: 300 },
      local: { streams: [{ name: 'cam-1' }], enforceQuotas: true },
    }),
  });
}

async function session(b: LocalBroker, bearer: string, origin: string) {
  const res = await fetch(`${b.url}/v1/streams/cam-1/sessions`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${bearer}`, Origin: origin },
  });
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => (headers[name] = value));
  return { status: res.status, headers, json: (await res.json()) as { error?: { code: string } } };
}

beforeAll(async () => {
  captured = captureOutput();
  // The emulator's clock stands still: 25 session URLs per second per stream, then KVS throttles (1 attempt).
  kvsThrottled = await broker({ api: {}, frozenGateway: false });
  token = await kvsThrottled.devIssuer!.mint({ sub: 'u', grants: [{ stream: 'cam-1' }] });
  for (let i = 0; i < 25; i++) expect((await session(kvsThrottled, token, ALLOWED)).status).toBe(200);
  // The gateway's clock stands still: a stage burst of 2, then stage throttling.
  stageThrottled = await broker({
    api: { throttlingRateLimit: 1, throttlingBurstLimit: 2 },
    frozenGateway: true,
  });
  stageToken = await stageThrottled.devIssuer!.mint({ sub: 'u', grants: [{ stream: 'cam-1' }] });
  await session(stageThrottled, stageToken, ALLOWED);
  await session(stageThrottled, stageToken, ALLOWED);
});

afterAll(async () => {
  captured.restore();
  await Promise.all([kvsThrottled.close(), stageThrottled.close()]);
});

describe.each([
  [
    'the broker (KVS quota)',
    () => kvsThrottled,
    () => token,
    'Too many requests for this stream; retry later',
  ],
  ['the gateway (stage throttle)', () => stageThrottled, () => stageToken, 'Too many requests; retry later'],
])('a 429 from %s', (_from, b, bearer, message) => {
  it.each([[ALLOWED], [ALSO_ALLOWED]])(
    'names the allowed origin %s and exposes Retry-After to it',
    async (origin) => {
      const res = await session(b(), bearer(), origin);
      expect(res.status).toBe(429);
      expect(res.json.error).toEqual({ code: 'THROTTLED', message });
      expect(res.headers).toMatchObject({
        'retry-after': '1',
        'access-control-allow-origin': origin,
        'access-control-expose-headers': 'Retry-After',
        vary: 'Origin',
      });
    },
  );

  it('carries Retry-After but no CORS header for an origin outside the list', async () => {
    const res = await session(b(), bearer(), STRANGER);
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('1');
    expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    expect(Object.values(res.headers)).not.toContain(STRANGER);
  });
});

describe('other answers to an allowed origin', () => {
  it('expose Retry-After too (a 200 and a 403 from the broker)', async () => {
    const fresh = await broker({ api: {}, frozenGateway: false });
    try {
      const ok = await session(
        fresh,
        await fresh.devIssuer!.mint({ sub: 'u', grants: [{ stream: 'cam-1' }] }),
        ALLOWED,
      );
      const refused = await session(
        fresh,
        await fresh.devIssuer!.mint({ sub: 'u', grants: [{ stream: 'cam-1', protocols: ['HLS'] }] }),
        ALLOWED,
      );
      expect([ok.status, refused.status]).toEqual([200, 403]);
      for (const res of [ok, refused]) {
        expect(res.headers).toMatchObject({
          'access-control-allow-origin': ALLOWED,
          'access-control-expose-headers': 'Retry-After',
        });
      }
    } finally {
      await fresh.close();
    }
  });
});
