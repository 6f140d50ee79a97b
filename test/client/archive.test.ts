// The typed client's archive calls (timeline, images with their pages, a clip download) against the whole local
// stack: gateway, authorizer, broker and the KVS emulator over real HTTP, with a motion-triggered stream whose
// recording gaps every answer shows.
import { describe, expect, it } from '@jest/globals';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createFile, MP4BoxBuffer } from 'mp4box';
import { createBrokerClient, type BrokerClientError, type Timeline, type Timers } from '../../client';
import { brokerPerTest, type BrokerFixture } from '../support/broker-fixture';
import { T0 } from '../support/clock';
import { devIssuerConfig } from '../support/local-broker';

const MINUTE = 60_000;
const STREAMS = [{ name: 'cam-1' }, { name: 'cam-motion', recording: { everySeconds: 60, forSeconds: 40 } }];
const iso = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();
const archiveGrant = (stream = 'cam-*') => [{ stream, modes: ['ON_DEMAND'] }];

/** Seconds of media in an MP4 file, as mp4box reads its moov. */
function mp4Seconds(bytes: Uint8Array): number {
  const file = createFile();
  let seconds = -1;
  file.onReady = (info) => (seconds = info.duration / info.timescale);
  file.appendBuffer(MP4BoxBuffer.fromArrayBuffer(bytes.slice().buffer, 0));
  file.flush();
  return seconds;
}

async function failure(promise: Promise<unknown>): Promise<BrokerClientError> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error as BrokerClientError,
  );
}

/** Timers that sleep at once and move the fixture's clock (the gateway's throttle refills on it). */
function clockTimers(f: BrokerFixture): Timers & { delays: number[] } {
  const delays: number[] = [];
  return {
    delays,
    setTimeout(callback, ms) {
      delays.push(ms);
      f.clock.advance(ms);
      queueMicrotask(callback);
      return delays.length;
    },
    clearTimeout: () => undefined,
  };
}

describe('the client archive calls against the local broker', () => {
  const fixture = brokerPerTest({
    config: (baseUrl) => ({
      issuers: [devIssuerConfig(baseUrl)],
      api: { authorizerCacheTtlSeconds: 0 },
      local: { streams: STREAMS, enforceQuotas: false },
    }),
  });
  const client = async (f: BrokerFixture, grants: unknown = archiveGrant()) =>
    createBrokerClient({ baseUrl: f.broker.url, token: await f.mint(grants), viewerId: false });

  it('timeline: the recording gaps of a motion-triggered stream, from Date bounds', async () => {
    const f = fixture();
    const timeline = await (
      await client(f)
    ).timeline('cam-motion', {
      from: new Date(T0 - 3 * MINUTE),
      to: new Date(T0),
    });
    expect(timeline).toEqual({
      streamName: 'cam-motion',
      from: iso(-3 * MINUTE),
      to: iso(0),
      truncated: false,
      intervals: [3, 2, 1].map((m) => ({ start: iso(-m * MINUTE), end: iso(-m * MINUTE + 40_000) })),
    });
  });

  it('timeline: gapMs reaches the broker (gaps of 20 s merged under 20001)', async () => {
    const f = fixture();
    const timeline = await (
      await client(f)
    ).timeline('cam-motion', {
      from: iso(-3 * MINUTE),
      to: iso(0),
      gapMs: 20_001,
    });
    expect(timeline.intervals).toEqual([{ start: iso(-3 * MINUTE), end: iso(-MINUTE + 40_000) }]);
  });

  it('timelinePages: 6 h of 1 s fragments in consecutive answers, each from where the last was complete', async () => {
    const f = fixture();
    const pages: Timeline[] = [];
    for await (const page of (await client(f)).timelinePages('cam-1', {
      from: iso(-6 * 60 * MINUTE),
      to: iso(0),
    }))
      pages.push(page);
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.map((p) => p.truncated)).toEqual([...pages.slice(1).map(() => true), false]);
    pages.slice(1).forEach((p, i) => expect(p.from).toBe(pages[i]!.to));
    expect([pages[0]!.from, pages.at(-1)!.to]).toEqual([iso(-6 * 60 * MINUTE), iso(0)]);
    // media all along: each answer one interval, end to end
    expect(pages.flatMap((p) => p.intervals).map((i) => [i.start, i.end])).toEqual(
      pages.map((p) => [p.from, p.to]),
    );
  });

  it('imagePages: follows nextToken to the last page, JPEGs where there is media and NO_MEDIA in the gaps', async () => {
    const f = fixture();
    const query = { from: iso(-2 * MINUTE), to: iso(-MINUTE), intervalMs: 2000, maxResults: 30 };
    const pages = [];
    for await (const page of (await client(f)).imagePages('cam-motion', query)) pages.push(page);
    expect(pages.map((p) => [p.images.length, p.nextToken === undefined])).toEqual([
      [30, false],
      [1, true],
    ]);
    const images = pages.flatMap((p) => p.images);
    expect(images[0]).toEqual({
      timestamp: iso(-2 * MINUTE),
      contentType: 'image/jpeg',
      data: expect.any(String),
    });
    const first = images[0] as { data: string };
    expect(Buffer.from(first.data, 'base64').subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(images[20]).toEqual({ timestamp: iso(-2 * MINUTE + 40_000), error: 'NO_MEDIA' });
    expect(images.filter((i) => 'data' in i)).toHaveLength(21);
  });

  it('images: one page, PNG at the asked width', async () => {
    const f = fixture();
    const page = await (
      await client(f)
    ).images('cam-1', {
      from: iso(-MINUTE),
      to: iso(-MINUTE + 2000),
      format: 'PNG',
      width: 64,
    });
    expect(page.images).toEqual([
      { timestamp: iso(-MINUTE), contentType: 'image/png', data: expect.any(String) },
    ]);
    const png = Buffer.from((page.images[0] as { data: string }).data, 'base64');
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(64); // IHDR width
  });

  it('clip: chunks() piped to a file holds the MP4 of the recorded parts, named as the broker names it', async () => {
    const f = fixture();
    const dir = await mkdtemp(join(tmpdir(), 'kvs-clip-'));
    try {
      const clip = await (await client(f)).clip('cam-motion', { from: iso(-2 * MINUTE), to: iso(0) });
      expect([clip.fileName, clip.contentType]).toEqual(['cam-motion_20261125T095800Z.mp4', 'video/mp4']);
      const path = join(dir, clip.fileName);
      let chunks = 0;
      await pipeline(
        clip.chunks(),
        async function* (source: AsyncIterable<Uint8Array>) {
          for await (const chunk of source) {
            chunks += 1;
            yield chunk;
          }
        },
        createWriteStream(path),
      );
      expect(chunks).toBeGreaterThan(1); // handed over as it came, not as one buffer
      expect(mp4Seconds(await readFile(path))).toBe(80); // 2 minutes, 40 s recorded of each
      await expect(clip.chunks()[Symbol.asyncIterator]().next()).rejects.toThrow('a clip body is read once');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('clip: blob() gives the whole file as a video/mp4 Blob (the browser way)', async () => {
    const f = fixture();
    const clip = await (await client(f)).clip('cam-1', { from: iso(-MINUTE), to: iso(0) });
    const blob = (await clip.blob()) as Blob;
    expect(blob.type).toBe('video/mp4');
    expect(mp4Seconds(new Uint8Array(await blob.arrayBuffer()))).toBe(60);
    await expect(clip.blob()).rejects.toThrow('a clip body is read once');
  });

  it.each([
    {
      name: 'FORBIDDEN (403) for a clip under a LIVE-only grant',
      call: (c: Awaited<ReturnType<typeof client>>) => c.clip('cam-1', { from: iso(-MINUTE), to: iso(0) }),
      grants: [{ stream: 'cam-1' }],
      expected: ['FORBIDDEN', 403],
    },
    {
      name: 'NOT_FOUND (404) for a clip of a recording gap',
      call: (c: Awaited<ReturnType<typeof client>>) =>
        c.clip('cam-motion', { from: iso(-MINUTE + 41_000), to: iso(-1000) }),
      grants: archiveGrant(),
      expected: ['NOT_FOUND', 404],
    },
    {
      name: 'INVALID_REQUEST (400) naming the field for a timeline over 24 h',
      call: (c: Awaited<ReturnType<typeof client>>) =>
        c.timeline('cam-1', { from: iso(-25 * 60 * MINUTE), to: iso(0) }),
      grants: archiveGrant(),
      expected: ['INVALID_REQUEST', 400, 'to: must be within 24 hours of from'],
    },
    {
      name: 'INVALID_REQUEST (400) for images under 200 ms apart',
      call: (c: Awaited<ReturnType<typeof client>>) =>
        c.images('cam-1', { from: iso(-MINUTE), to: iso(0), intervalMs: 100 }),
      grants: archiveGrant(),
      expected: ['INVALID_REQUEST', 400],
    },
  ])('throws a typed $name, with the request id', async ({ call, grants, expected }) => {
    const f = fixture();
    const error = await failure(call(await client(f, grants)));
    expect([error.code, error.status, ...(expected[2] ? [error.message] : [])]).toEqual(expected);
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('archive calls retry THROTTLED as every call does', () => {
  const fixture = brokerPerTest({
    config: (baseUrl) => ({
      issuers: [devIssuerConfig(baseUrl)],
      api: { authorizerCacheTtlSeconds: 0, throttlingRateLimit: 1, throttlingBurstLimit: 1 },
      local: { streams: STREAMS, enforceQuotas: false },
    }),
  });

  it.each(['timeline', 'clip'] as const)(
    '%s: waits Retry-After (1 s) plus jitter on the stage throttle, then answers',
    async (call) => {
      const f = fixture();
      const timers = clockTimers(f);
      const notices: number[] = [];
      const c = createBrokerClient({
        baseUrl: f.broker.url,
        token: await f.mint(archiveGrant()),
        viewerId: false,
        env: { timers, now: f.clock.now, random: () => 0.5 },
        onRetry: ({ attempt }) => notices.push(attempt),
      });
      const range = { from: iso(-MINUTE), to: iso(0) };
      await c.timeline('cam-1', range); // spends the stage's one token
      let answer: string;
      if (call === 'clip') {
        const clip = await c.clip('cam-1', range);
        answer = clip.fileName;
        await clip.cancel();
      } else answer = (await c.timeline('cam-1', range)).to;
      expect(answer).toBe(call === 'clip' ? 'cam-1_20261125T095900Z.mp4' : iso(0));
      expect([notices, timers.delays]).toEqual([[1], [1250]]);
    },
  );
});

describe('a clip answer that is not an MP4 file', () => {
  it('is UNEXPECTED_RESPONSE (a proxy page), its body let go', async () => {
    let cancelled = false;
    const page = {
      status: 200,
      headers: { get: (name: string) => (name === 'Content-Type' ? 'text/html' : null) },
      text: () => Promise.resolve('<html>'),
      body: {
        getReader: () => ({
          read: () => Promise.resolve({ done: true }),
          cancel: () => Promise.resolve(void (cancelled = true)),
          releaseLock: () => undefined,
        }),
      },
    };
    const c = createBrokerClient({
      baseUrl: 'http://broker.invalid',
      token: 't',
      viewerId: false,
      env: { fetch: () => Promise.resolve(page) },
    });
    const error = await failure(c.clip('cam-1', { from: iso(-MINUTE), to: iso(0) }));
    expect([error.code, error.message, cancelled]).toEqual([
      'UNEXPECTED_RESPONSE',
      'the clip answer is not an MP4 file (Content-Type text/html)',
      true,
    ]);
  });
});

describe('timelinePages on a broker that makes no progress', () => {
  it('stops after a truncated answer complete no further than it asked from, rather than asking it again forever', async () => {
    let requests = 0;
    const stuck = {
      status: 200,
      headers: { get: () => null },
      text: () => {
        requests += 1;
        return Promise.resolve(
          JSON.stringify({
            streamName: 'cam-1',
            from: iso(-MINUTE),
            to: iso(-MINUTE),
            intervals: [],
            truncated: true,
          }),
        );
      },
    };
    const c = createBrokerClient({
      baseUrl: 'http://broker.invalid',
      token: 't',
      viewerId: false,
      env: { fetch: () => Promise.resolve(stuck) },
    });
    const pages = [];
    for await (const page of c.timelinePages('cam-1', { from: iso(-MINUTE), to: iso(0) }))
      pages.push(page.to);
    expect([pages, requests]).toEqual([[iso(-MINUTE)], 1]);
  });
});

describe('a clip where fetch gives no body stream (React Native)', () => {
  it('downloads with blob(), and chunks() says to use it', async () => {
    const mp4 = {
      status: 200,
      headers: { get: (name: string) => (name === 'Content-Type' ? 'video/mp4' : null) },
      text: () => Promise.resolve(''),
      blob: () => Promise.resolve(new Blob([new Uint8Array([0, 0, 0, 8])], { type: 'video/mp4' })),
    };
    const c = createBrokerClient({
      baseUrl: 'http://broker.invalid',
      token: 't',
      viewerId: false,
      env: { fetch: () => Promise.resolve(mp4) },
    });
    const range = { from: iso(-MINUTE), to: iso(0) };
    const streamed = await c.clip('cam-1', range);
    expect(streamed.body).toBeUndefined();
    await expect(streamed.chunks()[Symbol.asyncIterator]().next()).rejects.toThrow('use blob()');
    const blob = (await (await c.clip('cam-1', range)).blob()) as Blob;
    expect([blob.size, blob.type]).toEqual([4, 'video/mp4']);
  });
});
