// The client's error mapping and retry timing against a plain local HTTP server answering what proxies, CDNs and
// the broker might: documented error bodies, HTML pages, HTTP-date Retry-After, dropped connections.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BrokerClientError, createBrokerClient, parseRetryAfter, retryDelayMs } from '../../client';
import { retryDefaults } from '../../client/retry';
import { instantTimers } from './virtual-time';

interface Scripted {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

let server: Server;
let base: string;
let script: Scripted[] = [];
const seen: { method: string; url: string; authorization?: string; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, body });
      const next = script.shift();
      if (next === undefined) {
        req.socket.destroy(); // no answer at all
        return;
      }
      res.writeHead(next.status, next.headers ?? { 'Content-Type': 'application/json' }).end(next.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

const NOW = Date.parse('2026-11-25T10:00:00Z');
const throttledBody = JSON.stringify({
  error: { code: 'THROTTLED', message: 'slow down' },
  requestId: 'r-1',
});
const session = {
  url: 'https://b-1.kinesisvideo.eu-west-1.amazonaws.com/dash/v1/getDASHManifest.mpd?SessionToken=abc',
  protocol: 'DASH',
  streamName: 'cam-1',
  playbackMode: 'LIVE',
  expiresAt: '2026-11-25T10:05:00.000Z',
};

function client(options: { random?: number; token?: () => string } = {}) {
  const clock = { offset: 0 };
  const timers = instantTimers(clock);
  return {
    timers,
    client: createBrokerClient({
      baseUrl: base,
      token: options.token ?? 'jwt-1',
      env: { timers, now: () => NOW + clock.offset, random: () => options.random ?? 0.5 },
    }),
  };
}

async function failure(promise: Promise<unknown>): Promise<BrokerClientError> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error as BrokerClientError,
  );
}

describe('answers that are not the happy path', () => {
  it('sends the bearer token from a token function, asked again for each attempt', async () => {
    const tokens = ['jwt-a', 'jwt-b'];
    script = [
      {
        status: 429,
        headers: { 'Retry-After': '2', 'Content-Type': 'application/json' },
        body: throttledBody,
      },
      { status: 200, body: JSON.stringify(session) },
    ];
    seen.length = 0;
    const { client: c, timers } = client({ token: () => tokens.shift()! });
    expect(await c.createSession('cam 1', { protocol: 'DASH' })).toEqual(session);
    // The device's viewerId (seats) rides along, the same on every attempt.
    const viewerId = (JSON.parse(seen[0]!.body) as { viewerId: string }).viewerId;
    expect(viewerId).toMatch(/^[0-9a-f-]{36}$/);
    const body = JSON.stringify({ protocol: 'DASH', viewerId });
    expect(seen).toEqual([
      { method: 'POST', url: '/v1/streams/cam%201/sessions', authorization: 'Bearer jwt-a', body },
      { method: 'POST', url: '/v1/streams/cam%201/sessions', authorization: 'Bearer jwt-b', body },
    ]);
    expect(timers.delays).toEqual([2500]); // 2 s + 0.5 of the 1 s jitter
  });

  it('honours an HTTP-date Retry-After', async () => {
    script = [
      {
        status: 429,
        headers: { 'Retry-After': new Date(NOW + 3000).toUTCString(), 'Content-Type': 'application/json' },
        body: throttledBody,
      },
      { status: 200, body: JSON.stringify({ streams: [] }) },
    ];
    const { client: c, timers } = client({ random: 0 });
    expect(await c.listStreams({ limit: 5 })).toEqual({ streams: [] });
    expect(timers.delays).toEqual([3000]);
  });

  it("treats a 429 that is not the API's (a CDN's HTML) as THROTTLED, with exponential full-jitter backoff", async () => {
    const html = { status: 429, headers: { 'Content-Type': 'text/html' }, body: '<html>busy</html>' };
    script = [html, html, html, html];
    const { client: c, timers } = client({ random: 0.5 });
    const error = await failure(c.listStreams());
    expect([error.code, error.status, error.attempts, error.retryAfterSeconds]).toEqual([
      'THROTTLED',
      429,
      4,
      undefined,
    ]);
    expect(timers.delays).toEqual([250, 500, 1000]); // 0.5 of 500, 1000, 2000
  });

  it('maps an HTML 502 to UNEXPECTED_RESPONSE, not retried', async () => {
    script = [{ status: 502, headers: { 'Content-Type': 'text/html' }, body: '<html>Bad Gateway</html>' }];
    const error = await failure(client().client.createSession('cam-1'));
    expect([error.code, error.status, error.attempts, error.transient]).toEqual([
      'UNEXPECTED_RESPONSE',
      502,
      1,
      true,
    ]);
  });

  it("maps the API's UPSTREAM_TIMEOUT with its request id, not retried", async () => {
    script = [
      {
        status: 504,
        body: JSON.stringify({ error: { code: 'UPSTREAM_TIMEOUT', message: 'KVS' }, requestId: 'r-9' }),
      },
    ];
    const error = await failure(client().client.createSession('cam-1'));
    expect([error.code, error.status, error.requestId, error.message]).toEqual([
      'UPSTREAM_TIMEOUT',
      504,
      'r-9',
      'KVS',
    ]);
  });

  it('maps a dropped connection to NETWORK_ERROR', async () => {
    script = [];
    const error = await failure(client().client.createSession('cam-1'));
    expect([error.code, error.status]).toEqual(['NETWORK_ERROR', undefined]);
  });

  it('refuses a 200 that is not a session', async () => {
    script = [{ status: 200, body: JSON.stringify({ url: 'x' }) }];
    const error = await failure(client().client.createSession('cam-1'));
    expect(error.code).toBe('UNEXPECTED_RESPONSE');
  });
});

describe('retry timing', () => {
  const options = retryDefaults();
  const throttled = (retryAfterSeconds?: number) =>
    new BrokerClientError('THROTTLED', 'x', retryAfterSeconds === undefined ? {} : { retryAfterSeconds });

  it.each([
    { name: 'Retry-After 1 s, random 0: exactly 1 s', error: throttled(1), attempt: 1, random: 0, ms: 1000 },
    {
      name: 'Retry-After 1 s, random 0.99: under 1.5 s',
      error: throttled(1),
      attempt: 1,
      random: 0.99,
      ms: 1495,
    },
    {
      name: 'Retry-After 0: still spread over 250 ms',
      error: throttled(0),
      attempt: 1,
      random: 0.5,
      ms: 125,
    },
    {
      name: 'Retry-After 20 s beyond the cap: 20 s, never sooner',
      error: throttled(20),
      attempt: 1,
      random: 0.9,
      ms: 20000,
    },
    {
      name: 'no Retry-After, third attempt: up to 2 s',
      error: throttled(),
      attempt: 3,
      random: 0.5,
      ms: 1000,
    },
    {
      name: 'no Retry-After, tenth attempt: capped at 8 s',
      error: throttled(),
      attempt: 10,
      random: 1,
      ms: 8000,
    },
  ])('$name', ({ error, attempt, random, ms }) => {
    expect(retryDelayMs(error, attempt, options, () => random)).toBeCloseTo(ms, 6);
  });

  it.each([
    ['3', 3],
    [' 0 ', 0],
    ['Wed, 25 Nov 2026 10:00:05 GMT', 5],
    ['Wed, 25 Nov 2026 09:00:00 GMT', 0],
    ['soon', undefined],
    [null, undefined],
  ] as const)('parses Retry-After %p as %p s', (value, seconds) => {
    expect(parseRetryAfter(value, NOW)).toBe(seconds);
  });
});

describe('redirects', () => {
  let elsewhere: Server;
  const reached: (string | undefined)[] = [];

  beforeAll(async () => {
    elsewhere = createServer((req, res) => {
      reached.push(req.headers.authorization);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(session));
    });
    await new Promise<void>((r) => elsewhere.listen(0, '127.0.0.1', r));
  });

  afterAll(() => new Promise<void>((r) => elsewhere.close(() => r())));

  it.each([301, 302, 303, 307, 308])(
    'never follows a %i: the bearer token does not reach the Location, the call fails as UNEXPECTED_RESPONSE',
    async (status) => {
      const location = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/steal`;
      script = [{ status, headers: { Location: location }, body: '' }];
      const error = await failure(client().client.createSession('cam-1'));
      expect(error).toMatchObject({ code: 'UNEXPECTED_RESPONSE', status, attempts: 1 });
      expect(error.message).toMatch(/redirect .*not followed/);
      expect(reached).toEqual([]);
    },
  );
});
