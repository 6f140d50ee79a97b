// The local stand-in for the deployed AWS WAF rate-based rule (SECURITY.md, Floods): a sliding window per source
// IP, in front of the stage throttle, answering exactly what the web ACL's custom response answers.
import { afterEach, describe, expect, it } from '@jest/globals';
import { request } from 'node:http';
import { rateLimitedResponse } from '../../lambda/contract/waf';
import { startLocalBroker, type LocalBroker } from '../../local/app';
import { generateDevKey } from '../../local/dev-issuer';
import { ipRateLimiter } from '../../local/gateway/ip-rate-limit';
import { captureOutput, devIssuerConfig, type Captured } from '../support/local-broker';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request from a chosen loopback address (Linux routes all of 127.0.0.0/8 to lo). */
function send(
  broker: LocalBroker,
  from: string,
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${broker.url}${path}`,
      { method: options.method ?? 'GET', localAddress: from, headers: options.headers ?? {}, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

let broker: LocalBroker | undefined;
let captured: Captured | undefined;
afterEach(async () => {
  captured?.restore();
  await broker?.close();
  broker = undefined;
});

/** A broker whose clock stands still: the stage bucket never refills, so every token spent shows. */
async function frozenBroker(api: Record<string, unknown>, clock: { now: number }) {
  captured = captureOutput();
  return startLocalBroker({
    devKey: await generateDevKey(),
    now: () => clock.now,
    config: (baseUrl: string) => ({
      issuers: [devIssuerConfig(baseUrl)],
      cors: { allowOrigins: ['https://app.example.com'] },
      api,
      local: { streams: [{ name: 'cam-1' }] },
    }),
  });
}

async function flood(b: LocalBroker, from: string, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i += 40) {
    const batch = Array.from({ length: Math.min(40, count - i) }, () => send(b, from, '/v1/streams'));
    statuses.push(...(await Promise.all(batch)).map((a) => a.status));
  }
  return statuses;
}

async function signedIn(b: LocalBroker, from: string, count: number): Promise<number[]> {
  const token = await b.devIssuer!.mint({ sub: 'viewer', grants: [{ stream: 'cam-1' }] });
  const answers: number[] = [];
  for (let i = 0; i < count; i++) {
    const a = await send(b, from, '/v1/streams/cam-1/sessions', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
    });
    answers.push(a.status);
  }
  return answers;
}

const tally = (statuses: number[]) =>
  statuses.reduce<Record<number, number>>((t, s) => ({ ...t, [s]: (t[s] ?? 0) + 1 }), {});

describe('per-client-IP rate limit (local WAF)', () => {
  it('without it, 360 anonymous requests from one client spend the stage throttle a signed-in user needs', async () => {
    const clock = { now: Date.now() };
    broker = await frozenBroker({ ipRateLimit: false }, clock);
    expect(tally(await flood(broker, '127.0.0.2', 360))).toEqual({ 401: 100, 429: 260 });
    expect(tally(await signedIn(broker, '127.0.0.3', 10))).toEqual({ 429: 10 });
  });

  it('with the default (50 per 60 s), the flood stops at 50 and the signed-in user gets 10 of 10', async () => {
    const clock = { now: Date.now() };
    broker = await frozenBroker({}, clock);
    expect(tally(await flood(broker, '127.0.0.2', 360))).toEqual({ 401: 50, 429: 310 });
    expect(tally(await signedIn(broker, '127.0.0.3', 10))).toEqual({ 200: 10 });
  });

  it("answers exactly the web ACL's custom response: 429 THROTTLED JSON, Retry-After of one window", async () => {
    const clock = { now: Date.now() };
    broker = await frozenBroker({ ipRateLimit: { limit: 10, windowSeconds: 120 } }, clock);
    await flood(broker, '127.0.0.4', 10);
    const blocked = await send(broker, '127.0.0.4', '/v1/streams', {
      headers: { Origin: 'https://evil.example.net' },
    });
    const expected = rateLimitedResponse({ limit: 10, windowSeconds: 120 }, ['https://app.example.com']);
    expect(blocked.status).toBe(429);
    expect(JSON.parse(blocked.body)).toEqual({
      error: { code: 'THROTTLED', message: 'Too many requests from this address; retry later' },
      requestId: 'waf-rate-limit',
    });
    expect(blocked.body).toBe(expected.body);
    // Static headers (WAF cannot look at the Origin): the one allowed origin, whatever the request's.
    expect(blocked.headers).toMatchObject({
      'content-type': 'application/json',
      'cache-control': 'no-store',
      'retry-after': '120',
      'access-control-allow-origin': 'https://app.example.com',
      'access-control-expose-headers': 'Retry-After',
    });
  });

  it('counts every request WAF sees (unknown routes and preflights too) and slides with the clock', async () => {
    const clock = { now: Date.now() };
    broker = await frozenBroker({ ipRateLimit: { limit: 10, windowSeconds: 60 } }, clock);
    const first = await Promise.all([
      ...Array.from({ length: 5 }, () => send(broker!, '127.0.0.5', '/nowhere')),
      ...Array.from({ length: 5 }, () => send(broker!, '127.0.0.5', '/v1/streams', { method: 'OPTIONS' })),
    ]);
    expect(tally(first.map((a) => a.status))).toEqual({ 204: 5, 404: 5 });
    expect((await send(broker, '127.0.0.5', '/nowhere')).status).toBe(429);
    clock.now += 59_000;
    expect((await send(broker, '127.0.0.5', '/nowhere')).status).toBe(429);
    clock.now += 62_000;
    expect((await send(broker, '127.0.0.5', '/nowhere')).status).toBe(404);
  });
});

describe('ipRateLimiter', () => {
  it('admits `limit` requests per window, counting refused ones while the flood goes on', () => {
    const limiter = ipRateLimiter({ limit: 10, windowSeconds: 60 });
    const t0 = 1_000_000_000_000;
    const admitted = Array.from({ length: 30 }, (_, i) => limiter.admit('a', t0 + i * 1000)).filter(Boolean);
    expect(admitted).toHaveLength(10);
    // 30 requests in the last 60 s: still refused 29 s later, admitted once the window holds 10 or fewer.
    expect(limiter.admit('a', t0 + 59_000)).toBe(false);
    expect(limiter.admit('a', t0 + 140_000)).toBe(true);
  });

  it('forgets addresses idle for a whole window, so memory stays bounded', () => {
    const limiter = ipRateLimiter({ limit: 10, windowSeconds: 60 });
    const t0 = 1_000_000_000_000;
    for (let i = 0; i < 1000; i++) limiter.admit(`10.0.${i >> 8}.${i & 255}`, t0);
    expect(limiter.size).toBe(1000);
    limiter.admit('10.9.9.9', t0 + 61_000);
    expect(limiter.size).toBe(1);
  });
});
