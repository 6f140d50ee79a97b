// The typed client against the whole local stack (gateway, authorizer, broker, KVS emulator over real HTTP): its
// answers, its typed errors, and its THROTTLED retries against the gateway's stage throttle.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createBrokerClient, type BrokerClientError } from '../../client';
import { defaultLocalConfig, startLocalBroker, type LocalBroker } from '../../local/app';
import { captureOutput, devIssuerConfig, startTestBroker, type Captured } from '../support/local-broker';
import { instantTimers } from './virtual-time';

let captured: Captured;
let broker: LocalBroker;
let token: string;

beforeAll(async () => {
  captured = captureOutput();
  broker = await startTestBroker(defaultLocalConfig);
  token = await broker.devIssuer!.mint({
    sub: 'client-test',
    grants: [{ stream: 'cam-1' }, { stream: 'site7-*' }],
  });
});

afterAll(async () => {
  await broker?.close();
  captured?.restore();
});

async function failure(promise: Promise<unknown>): Promise<BrokerClientError> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error as BrokerClientError,
  );
}

describe('createSession and listStreams against the local broker', () => {
  it('creates a LIVE DASH session: the whole answer, expiresAt 300 s on', async () => {
    const client = createBrokerClient({ baseUrl: broker.url, token });
    const before = Date.now();
    const session = await client.createSession('cam-1');
    expect(session).toEqual({
      url: expect.stringMatching(/\/dash\/v1\/getDASHManifest\.mpd\?SessionToken=[^&]+$/),
      protocol: 'DASH',
      streamName: 'cam-1',
      playbackMode: 'LIVE',
      expiresAt: expect.any(String),
      expiresInSeconds: 300,
    });
    const lifetime = Date.parse(session.expiresAt) - before;
    expect(lifetime).toBeGreaterThan(299_000);
    expect(lifetime).toBeLessThanOrEqual(301_000);
  });

  it('sends the request body: an HLS session with the requested expiry', async () => {
    const client = createBrokerClient({ baseUrl: `${broker.url}/`, token: () => token });
    const session = await client.createSession('site7-door', { protocol: 'HLS', expiresInSeconds: 600 });
    expect(session.protocol).toBe('HLS');
    expect(session.url).toMatch(/\/hls\/v1\/getHLSMasterPlaylist\.m3u8\?SessionToken=/);
    expect(Date.parse(session.expiresAt) - Date.now()).toBeGreaterThan(590_000);
  });

  it("lists the token's streams, sorted, with their modes and protocols", async () => {
    const client = createBrokerClient({ baseUrl: broker.url, token });
    expect(await client.listStreams()).toEqual({
      streams: [
        { streamName: 'cam-1', modes: ['LIVE'], protocols: ['DASH', 'HLS'] },
        { streamName: 'site7-door', modes: ['LIVE'], protocols: ['DASH', 'HLS'] },
        { streamName: 'site7-yard', modes: ['LIVE'], protocols: ['DASH', 'HLS'] },
      ],
    });
    const first = await client.listStreams({ limit: 1 });
    expect(first.streams.map((s) => s.streamName)).toEqual(['cam-1']);
    const next = await client.listStreams({ limit: 1, nextToken: first.nextToken! });
    expect(next.streams.map((s) => s.streamName)).toEqual(['site7-door']);
  });

  it.each([
    {
      name: 'FORBIDDEN for a stream no grant covers',
      call: (t: string) => createBrokerClient({ baseUrl: broker.url, token: t }).createSession('cam-lobby'),
      code: 'FORBIDDEN',
      status: 403,
    },
    {
      name: 'UNAUTHORIZED for a token that is not a JWT',
      call: () => createBrokerClient({ baseUrl: broker.url, token: 'not-a-jwt' }).createSession('cam-1'),
      code: 'UNAUTHORIZED',
      status: 401,
    },
    {
      name: 'INVALID_REQUEST for a LIVE request with a start',
      call: (t: string) =>
        createBrokerClient({ baseUrl: broker.url, token: t }).createSession('cam-1', {
          startTimestamp: '2026-01-01T00:00:00Z',
        }),
      code: 'INVALID_REQUEST',
      status: 400,
    },
  ])('throws a typed $name, with the request id', async ({ call, code, status }) => {
    const error = await failure(call(token));
    expect(error.name).toBe('BrokerClientError');
    expect({
      code: error.code,
      status: error.status,
      attempts: error.attempts,
      transient: error.transient,
    }).toEqual({
      code,
      status,
      attempts: 1,
      transient: false,
    });
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.message).not.toMatch(/SessionToken|eyJ/);
  });

  it('throws STREAM_NOT_PLAYABLE with the KVS reason for a stream that keeps no media (ON_DEMAND)', async () => {
    const t = await broker.devIssuer!.mint({
      sub: 'c',
      grants: [{ stream: 'cam-live-only', modes: ['ON_DEMAND'] }],
    });
    const end = Date.now() - 60_000;
    const error = await failure(
      createBrokerClient({ baseUrl: broker.url, token: t }).createSession('cam-live-only', {
        playbackMode: 'ON_DEMAND',
        startTimestamp: new Date(end - 60_000).toISOString(),
        endTimestamp: new Date(end).toISOString(),
      }),
    );
    expect([error.code, error.status, error.reason]).toEqual([
      'STREAM_NOT_PLAYABLE',
      422,
      'NoDataRetentionException',
    ]);
  });
});

describe('THROTTLED retries against the gateway stage throttle', () => {
  // The stage admits one request, then refills at `rate` per second of the broker's clock, which the client's
  // sleeping timers move forward: nothing waits for real.
  it('waits Retry-After (1 s) plus jitter, then succeeds', async () => {
    const clock = { offset: 0 };
    const throttled = await startLocalThrottled(1, clock);
    try {
      const timers = instantTimers(clock);
      const notices: unknown[] = [];
      const client = createBrokerClient({
        baseUrl: throttled.url,
        token,
        env: { timers, now: () => Date.now() + clock.offset, random: () => 0.5 },
        onRetry: ({ error, attempt, delayMs }) => notices.push({ code: error.code, attempt, delayMs }),
      });
      await client.createSession('cam-1'); // spends the one token
      const session = await client.createSession('cam-1');
      expect(session.streamName).toBe('cam-1');
      expect(notices).toEqual([{ code: 'THROTTLED', attempt: 1, delayMs: 1250 }]);
      // Retry-After 1 s (the gateway's), plus 0.5 of the 50 % jitter
      expect(timers.delays).toEqual([1250]);
    } finally {
      await throttled.close();
    }
  });

  it('gives up at the deadline with the THROTTLED error, its Retry-After and the attempts made', async () => {
    const clock = { offset: 0 };
    const throttled = await startLocalThrottled(0.01, clock);
    try {
      const timers = instantTimers(clock);
      const client = createBrokerClient({
        baseUrl: throttled.url,
        token,
        retry: { deadlineMs: 3000, maxAttempts: 10 },
        env: { timers, now: () => Date.now() + clock.offset, random: () => 0.5 },
      });
      await client.listStreams();
      const error = await failure(client.listStreams());
      // 1250 ms waits: after 2 the third would end past 3000 ms
      expect(timers.delays).toEqual([1250, 1250]);
      expect([error.code, error.status, error.retryAfterSeconds, error.attempts, error.transient]).toEqual([
        'THROTTLED',
        429,
        1,
        3,
        true,
      ]);
    } finally {
      await throttled.close();
    }
  });

  it('stops after maxAttempts', async () => {
    const clock = { offset: 0 };
    const throttled = await startLocalThrottled(0.01, clock);
    try {
      const timers = instantTimers(clock);
      const client = createBrokerClient({
        baseUrl: throttled.url,
        token,
        retry: { maxAttempts: 2 },
        env: { timers, now: () => Date.now() + clock.offset, random: () => 0 },
      });
      await client.createSession('cam-1');
      const error = await failure(client.createSession('cam-1'));
      expect([error.code, error.attempts]).toEqual(['THROTTLED', 2]);
      expect(timers.delays).toEqual([1000]); // random 0: exactly Retry-After
    } finally {
      await throttled.close();
    }
  });
});

/** A second local stack whose stage admits one request, then `rate` per second; it trusts the first one's tokens. */
function startLocalThrottled(rate: number, clock: { offset: number }): Promise<LocalBroker> {
  return startLocalBroker({
    now: () => Date.now() + clock.offset,
    config: (base: string) => ({
      ...(defaultLocalConfig(base) as object),
      issuers: [devIssuerConfig(broker.url)],
      api: { throttlingRateLimit: rate, throttlingBurstLimit: 1 },
    }),
  });
}
