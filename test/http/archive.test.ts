// GET /v1/streams/{name}/timeline, /images and /clip (docs/api.md, "Archive") over HTTP: the real authorizer and broker
// behind the local gateway, the KVS emulator's ListFragments, GetImages and GetClip with a motion-triggered stream.
import { describe, expect, it } from '@jest/globals';
import { createFile, MP4BoxBuffer } from 'mp4box';
import { brokerPerTest, type BrokerFixture } from '../support/broker-fixture';
import { T0 } from '../support/clock';
import { devIssuerConfig } from '../support/local-broker';

const MINUTE = 60_000;
const config = (baseUrl: string) => ({
  issuers: [devIssuerConfig(baseUrl)],
  api: { authorizerCacheTtlSeconds: 0 },
  local: {
    streams: [{ name: 'cam-1' }, { name: 'cam-motion', recording: { everySeconds: 60, forSeconds: 40 } }],
    enforceQuotas: false,
  },
});
const iso = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();
const archiveGrant = (stream = 'cam-*', extra: Record<string, unknown> = {}) => [
  { stream, modes: ['ON_DEMAND'], ...extra },
];
const archiveLines = (f: BrokerFixture) =>
  f.captured.lines
    .flatMap((chunk) => chunk.split('\n'))
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.audit === 'kvs-archive');
const calls = (f: BrokerFixture, op: string) => f.broker.emulator.stats().requests[op] ?? 0;

describe('archive routes', () => {
  const fixture = brokerPerTest({ config });

  describe('GET timeline', () => {
    it('shows the gaps of a motion-triggered stream: 40 s of media each minute, sorted, merged', async () => {
      const f = fixture();
      const token = await f.mint(archiveGrant());
      const res = await f.get(`/v1/streams/cam-motion/timeline?from=${iso(-5 * MINUTE)}&to=${iso(0)}`, token);
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.json).toEqual({
        streamName: 'cam-motion',
        from: iso(-5 * MINUTE),
        to: iso(0),
        truncated: false,
        intervals: [5, 4, 3, 2, 1].map((m) => ({ start: iso(-m * MINUTE), end: iso(-m * MINUTE + 40_000) })),
      });
      expect(archiveLines(f)).toEqual([
        expect.objectContaining({
          outcome: 'GRANTED',
          stream: 'cam-motion',
          kvsOperation: 'ListFragments',
          mediaStart: iso(-5 * MINUTE),
          mediaEnd: iso(0),
          kvsCalls: 1,
          truncated: false,
        }),
      ]);
    });

    it('merges gaps shorter than gapMs', async () => {
      const f = fixture();
      const token = await f.mint(archiveGrant());
      const res = await f.get(
        `/v1/streams/cam-motion/timeline?from=${iso(-3 * MINUTE)}&to=${iso(0)}&gapMs=20001`,
        token,
      );
      expect(res.json.intervals).toEqual([{ start: iso(-3 * MINUTE), end: iso(-MINUTE + 40_000) }]);
    });

    it('answers 24 h of 1 s fragments in at most 10 ListFragments calls, truncated with the to it completed', async () => {
      const f = fixture();
      const token = await f.mint(archiveGrant());
      const before = calls(f, 'ListFragments');
      const res = await f.get(
        `/v1/streams/cam-1/timeline?from=${iso(-24 * 60 * MINUTE)}&to=${iso(0)}`,
        token,
      );
      expect(calls(f, 'ListFragments') - before).toBe(10);
      expect(res.json.truncated).toBe(true);
      const to = Date.parse(res.json.to as string);
      expect(to).toBeGreaterThan(T0 - 24 * 60 * MINUTE);
      expect(to).toBeLessThan(T0);
      expect(res.json.intervals).toEqual([{ start: iso(-24 * 60 * MINUTE), end: expect.any(String) }]);
    });

    it('answers only the part of the range the grant window covers', async () => {
      const f = fixture();
      const token = await f.mint(archiveGrant('cam-1', { from: (T0 - 2 * MINUTE) / 1000 }));
      const res = await f.get(`/v1/streams/cam-1/timeline?from=${iso(-10 * MINUTE)}&to=${iso(0)}`, token);
      expect(res.json).toMatchObject({ from: iso(-2 * MINUTE), to: iso(0) });
      expect(res.json.intervals).toEqual([{ start: iso(-2 * MINUTE), end: iso(0) }]);
    });

    it('refuses a LIVE-only grant, or a window outside the range, with 403 before KVS is called', async () => {
      const f = fixture();
      const before = calls(f, 'ListFragments');
      for (const grants of [
        [{ stream: 'cam-1' }],
        archiveGrant('cam-1', { to: (T0 - 20 * MINUTE) / 1000 }),
      ]) {
        const res = await f.get(
          `/v1/streams/cam-1/timeline?from=${iso(-10 * MINUTE)}&to=${iso(0)}`,
          await f.mint(grants),
        );
        expect(res.status).toBe(403);
        expect(res.json.error?.code).toBe('FORBIDDEN');
      }
      expect(calls(f, 'ListFragments')).toBe(before);
    });

    it('refuses a query that breaks the rules with 400 naming the field', async () => {
      const f = fixture();
      const token = await f.mint(archiveGrant());
      const res = await f.get(
        `/v1/streams/cam-1/timeline?from=${iso(-25 * 60 * MINUTE)}&to=${iso(0)}`,
        token,
      );
      expect(res).toMatchObject({
        status: 400,
        json: { error: { code: 'INVALID_REQUEST', message: 'to: must be within 24 hours of from' } },
      });
    });
  });

  describe('GET images', () => {
    it('returns base64 JPEGs 320 wide and NO_MEDIA in the gaps, paged with nextToken', async () => {
      const f = fixture();
      const token = await f.mint(archiveGrant());
      const path = `/v1/streams/cam-motion/images?from=${iso(-2 * MINUTE)}&to=${iso(-MINUTE)}&intervalMs=2000`;
      const first = await f.get(`${path}&maxResults=30`, token);
      expect(first.status).toBe(200);
      expect(first.headers['cache-control']).toBe('no-store');
      const images = first.json.images as Array<Record<string, string>>;
      expect(images).toHaveLength(30);
      expect(images[0]).toEqual({
        timestamp: iso(-2 * MINUTE),
        contentType: 'image/jpeg',
        data: expect.any(String),
      });
      expect(Buffer.from(images[0]!.data!, 'base64').subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
      expect(images[20]).toEqual({ timestamp: iso(-2 * MINUTE + 40_000), error: 'NO_MEDIA' });
      const second = await f.get(
        `${path}&nextToken=${encodeURIComponent(first.json.nextToken as string)}`,
        token,
      );
      expect((second.json.images as unknown[]).length).toBe(1);
      expect(second.json.nextToken).toBeUndefined();
      expect(archiveLines(f)[0]).toMatchObject({
        kvsOperation: 'GetImages',
        imagesReturned: 20,
        kvsCalls: 2,
      });
    });

    it("refuses KVS's bounds with 400: a range over 300 s, an interval under 200 ms", async () => {
      const f = fixture();
      const token = await f.mint(archiveGrant());
      const over = await f.get(`/v1/streams/cam-1/images?from=${iso(-301_000)}&to=${iso(0)}`, token);
      expect(over.json.error).toMatchObject({
        code: 'INVALID_REQUEST',
        message: 'to: must be within 300 seconds of from',
      });
      const fast = await f.get(
        `/v1/streams/cam-1/images?from=${iso(-60_000)}&to=${iso(0)}&intervalMs=100`,
        token,
      );
      expect(fast.json.error?.message).toMatch(/^intervalMs:/);
    });
  });

  describe('GET clip', () => {
    it('streams an MP4 file as an attachment, with the recording gaps left out', async () => {
      const f = fixture();
      const token = await f.mint(archiveGrant());
      const res = await fetch(
        `${f.broker.url}/v1/streams/cam-motion/clip?from=${iso(-2 * MINUTE)}&to=${iso(0)}`,
        {
          headers: { Authorization: `Bearer ${token}` },
        },
      );
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('video/mp4');
      expect(res.headers.get('content-disposition')).toBe(
        'attachment; filename="cam-motion_20261125T095800Z.mp4"',
      );
      const bytes = new Uint8Array(await res.arrayBuffer());
      const file = createFile();
      let seconds = 0;
      file.onReady = (info) => (seconds = info.duration / info.timescale);
      file.appendBuffer(MP4BoxBuffer.fromArrayBuffer(bytes.slice().buffer, 0));
      file.flush();
      expect(seconds).toBe(80);
      expect(archiveLines(f)[0]).toMatchObject({ kvsOperation: 'GetClip', outcome: 'GRANTED' });
    });

    it('refuses more than 1 h (400) and a LIVE-only grant (403), as JSON', async () => {
      const f = fixture();
      const long = await f.get(
        `/v1/streams/cam-1/clip?from=${iso(-61 * MINUTE)}&to=${iso(0)}`,
        await f.mint(archiveGrant()),
      );
      expect(long).toMatchObject({
        status: 400,
        json: { error: { message: 'to: must be within 1 hour of from' } },
      });
      const live = await f.get(
        `/v1/streams/cam-1/clip?from=${iso(-MINUTE)}&to=${iso(0)}`,
        await f.mint([{ stream: 'cam-1' }]),
      );
      expect(live.status).toBe(403);
    });

    it('answers a range without media as 404 NOT_FOUND', async () => {
      const f = fixture();
      const res = await f.get(
        `/v1/streams/cam-motion/clip?from=${iso(-MINUTE + 41_000)}&to=${iso(-1000)}`,
        await f.mint(archiveGrant()),
      );
      expect(res).toMatchObject({ status: 404, json: { error: { code: 'NOT_FOUND' } } });
    });
  });
});
