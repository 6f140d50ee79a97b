// The local stand-in for the deployed AWS WAF rate-based rules (SECURITY.md, Floods; README, Limits and cost): per
// bearer token and per client IP, in front of the stage throttle, answering exactly what the web ACL answers.
import { afterEach, describe, expect, it } from '@jest/globals';
import { request } from 'node:http';
import { RATE_LIMIT_RULES, rateLimitedResponse } from '../../lambda/contract/waf';
import { startLocalBroker, type LocalBroker } from '../../local/app';
import { generateDevKey } from '../../local/dev-issuer';
import { admit, slidingWindow } from '../../local/gateway/rate-limit';
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

/** A broker whose gateway clock moves only when a test moves it. */
async function brokerAt(api: Record<string, unknown>, clock: { now: number }) {
  captured = captureOutput();
  return startLocalBroker({
    devKey: await generateDevKey(),
    now: () => clock.now,
    config: (baseUrl: string) => ({
      issuers: [devIssuerConfig(baseUrl)],
      cors: { allowOrigins: ['https://app.example.com'] },
      api,
      local: { streams: [{ name: 'cam-1' }, { name: 'cam-2' }] },
    }),
  });
}

type Headers = Record<string, string>;
async function flood(
  b: LocalBroker,
  from: string,
  count: number,
  headers: Headers | ((i: number) => Headers) = {},
) {
  const answers: Answer[] = [];
  for (let i = 0; i < count; i += 40) {
    const batch = Array.from({ length: Math.min(40, count - i) }, (_, j) =>
      send(b, from, '/v1/streams', { headers: typeof headers === 'function' ? headers(i + j) : headers }),
    );
    answers.push(...(await Promise.all(batch)));
  }
  return answers;
}

const bearer = async (b: LocalBroker, sub: string) => ({
  Authorization: `Bearer ${await b.devIssuer!.mint({ sub, grants: [{ stream: 'cam-1' }, { stream: 'cam-2' }] })}`,
});

/** Each answer's status, with a WAF refusal told apart from the stage throttle's 429 by its body. */
const outcome = (a: Answer): string => {
  if (a.status !== 429) return String(a.status);
  const message = (JSON.parse(a.body) as { error: { message: string } }).error.message;
  return RATE_LIMIT_RULES.find((r) => r.message === message) ? `429 ${message}` : '429 stage';
};
const tally = (answers: Answer[]) =>
  answers.map(outcome).reduce<Record<string, number>>((t, s) => ({ ...t, [s]: (t[s] ?? 0) + 1 }), {});

const PER_TOKEN = '429 Too many requests with this token; retry later';
const PER_IP = '429 Too many requests from this address; retry later';

/**
 * Ten users behind one address (carrier NAT, an office, a control room), each with a token, making 15 calls each:
 * one round of ten calls a second, as a video wall renewing its cameras would.
 */
async function tenUsersBehindOneAddress(b: LocalBroker, clock: { now: number }): Promise<Answer[]> {
  const tokens = await Promise.all(Array.from({ length: 10 }, (_, i) => bearer(b, `user-${i}`)));
  const answers: Answer[] = [];
  for (let round = 0; round < 15; round++) {
    answers.push(
      ...(await Promise.all(tokens.map((headers) => send(b, '127.0.0.9', '/v1/streams', { headers })))),
    );
    clock.now += 1000;
  }
  return answers;
}

describe('rate limits with the defaults (60 a minute per token, 1000 per 5 minutes per address)', () => {
  it('let ten tokens behind one address make 15 calls each: 150 of 150 answered', async () => {
    const clock = { now: Date.now() };
    broker = await brokerAt({}, clock);
    expect(tally(await tenUsersBehindOneAddress(broker, clock))).toEqual({ 200: 150 });
  });

  it('where the old per-address limit (50 a minute) refused 100 of those 150 calls', async () => {
    const clock = { now: Date.now() };
    broker = await brokerAt({ tokenRateLimit: false, ipRateLimit: { limit: 50, windowSeconds: 60 } }, clock);
    expect(tally(await tenUsersBehindOneAddress(broker, clock))).toEqual({ 200: 50, [PER_IP]: 100 });
  });

  it('refuse a token its 61st call of a minute, while another token from the same address is answered', async () => {
    const clock = { now: Date.now() };
    broker = await brokerAt({ throttlingRateLimit: 10000, throttlingBurstLimit: 10000 }, clock);
    const greedy = await bearer(broker, 'greedy');
    expect(tally(await flood(broker, '127.0.0.2', 61, greedy))).toEqual({ 200: 60, [PER_TOKEN]: 1 });
    expect(tally(await flood(broker, '127.0.0.2', 1, await bearer(broker, 'modest')))).toEqual({ 200: 1 });
    // The same token from another address is the same count: the key is the token, not the address.
    expect(tally(await flood(broker, '127.0.0.3', 1, greedy))).toEqual({ [PER_TOKEN]: 1 });
    clock.now += 61_000;
    expect(tally(await flood(broker, '127.0.0.2', 1, greedy))).toEqual({ 200: 1 });
  });

  it('stop one address at 1000 requests in 5 minutes, whatever tokens it invents', async () => {
    const clock = { now: Date.now() };
    broker = await brokerAt({ throttlingRateLimit: 10000, throttlingBurstLimit: 10000 }, clock);
    const anonymous = await flood(broker, '127.0.0.4', 900);
    const invented = await flood(broker, '127.0.0.4', 101, (i) => ({
      Authorization: `Bearer not-a-jwt-${i}`,
    }));
    expect(tally([...anonymous, ...invented])).toEqual({ 401: 1000, [PER_IP]: 1 });
    // Another address is not touched.
    expect(tally(await flood(broker, '127.0.0.5', 1))).toEqual({ 401: 1 });
  });
});

describe('rate limits, each rule on its own', () => {
  it('without them, 360 anonymous requests from one client spend the stage throttle a signed-in user needs', async () => {
    const clock = { now: Date.now() };
    broker = await brokerAt({ tokenRateLimit: false, ipRateLimit: false }, clock);
    expect(tally(await flood(broker, '127.0.0.2', 360))).toEqual({ 401: 100, '429 stage': 260 });
    expect(tally(await flood(broker, '127.0.0.3', 10, await bearer(broker, 'viewer')))).toEqual({
      '429 stage': 10,
    });
  });

  it('per token does not count requests without Authorization (WAF omits a request that lacks the key)', async () => {
    const clock = { now: Date.now() };
    broker = await brokerAt({ ipRateLimit: false, tokenRateLimit: { limit: 10, windowSeconds: 60 } }, clock);
    expect(tally(await flood(broker, '127.0.0.2', 30))).toEqual({ 401: 30 });
    expect(tally(await flood(broker, '127.0.0.2', 11, await bearer(broker, 'viewer')))).toEqual({
      200: 10,
      [PER_TOKEN]: 1,
    });
  });

  it("answers exactly the web ACL's custom response: 429 THROTTLED JSON, Retry-After of one window", async () => {
    const clock = { now: Date.now() };
    const settings = { limit: 10, windowSeconds: 120 };
    broker = await brokerAt({ tokenRateLimit: false, ipRateLimit: settings }, clock);
    await flood(broker, '127.0.0.4', 10);
    const blocked = await send(broker, '127.0.0.4', '/v1/streams', {
      headers: { Origin: 'https://evil.example.net' },
    });
    const expected = rateLimitedResponse(RATE_LIMIT_RULES[0]!, settings, ['https://app.example.com']);
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

  it('per IP counts every request WAF sees (unknown routes and preflights too) and slides with the clock', async () => {
    const clock = { now: Date.now() };
    broker = await brokerAt({ tokenRateLimit: false, ipRateLimit: { limit: 10, windowSeconds: 60 } }, clock);
    const first = await Promise.all([
      ...Array.from({ length: 5 }, () => send(broker!, '127.0.0.5', '/nowhere')),
      ...Array.from({ length: 5 }, () => send(broker!, '127.0.0.5', '/v1/streams', { method: 'OPTIONS' })),
    ]);
    expect(tally(first)).toEqual({ 204: 5, 404: 5 });
    expect((await send(broker, '127.0.0.5', '/nowhere')).status).toBe(429);
    clock.now += 59_000;
    expect((await send(broker, '127.0.0.5', '/nowhere')).status).toBe(429);
    clock.now += 62_000;
    expect((await send(broker, '127.0.0.5', '/nowhere')).status).toBe(404);
  });
});

describe('slidingWindow', () => {
  it('admits `limit` requests per window, counting refused ones while the flood goes on', () => {
    const window = slidingWindow({ limit: 10, windowSeconds: 60 });
    const t0 = 1_000_000_000_000;
    const admitted = Array.from({ length: 30 }, (_, i) => admit(window, 'a', t0 + i * 1000)).filter(Boolean);
    expect(admitted).toHaveLength(10);
    // 30 requests in the last 60 s: still refused 29 s later, admitted once the window holds 10 or fewer.
    expect(admit(window, 'a', t0 + 59_000)).toBe(false);
    expect(admit(window, 'a', t0 + 140_000)).toBe(true);
  });

  it('forgets keys idle for a whole window, so memory stays bounded', () => {
    const window = slidingWindow({ limit: 10, windowSeconds: 60 });
    const t0 = 1_000_000_000_000;
    for (let i = 0; i < 1000; i++) admit(window, `10.0.${i >> 8}.${i & 255}`, t0);
    expect(window.counters.size).toBe(1000);
    admit(window, '10.9.9.9', t0 + 61_000);
    expect(window.counters.size).toBe(1);
  });
});
