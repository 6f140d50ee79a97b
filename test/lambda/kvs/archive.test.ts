// The archive adapter (ListFragments, GetImages, GetClip) against the emulator over HTTP with the real SDK clients:
// the shared data-endpoint cache, retries of throttling under the deadline, and failures as BrokerErrors.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { BrokerError } from '../../../lambda/core/errors';
import { createKvsAdapter, createKvsClients, type KvsAdapterOptions } from '../../../lambda/kvs/adapter';
import { createArchiveAdapter } from '../../../lambda/kvs/archive';
import { parseSessionRequest } from '../../../lambda/core/request';
import { startKvsEmulator, type KvsEmulator } from '../../../local/emulator';
import { createArchiveMedia } from '../../../local/media/archive';
import { testAdapterOptions } from '../../support/kvs-adapter';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const t = { now: NOW };
const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: BrokerError) => e,
  );

let emulator: KvsEmulator;
beforeAll(async () => {
  emulator = await startKvsEmulator({
    streams: [
      { name: 'cam-1' },
      { name: 'cam-motion', recording: { everySeconds: 60, forSeconds: 40 } },
      { name: 'cam-q' },
      { name: 'cam-q2' },
    ],
    now: () => t.now,
    archive: createArchiveMedia(),
  });
});
afterAll(() => emulator.close());

const options = (overrides: Partial<KvsAdapterOptions> = {}): KvsAdapterOptions =>
  testAdapterOptions(emulator.endpoint, {
    now: () => t.now,
    // waits move the emulator's clock too, so a throttled call finds its quota refilled
    sleep: async (ms) => {
      t.now += ms;
    },
    ...overrides,
  });

const range = (fromS: number, toS: number) => ({ startMs: NOW + fromS * 1000, endMs: NOW + toS * 1000 });

describe('archive adapter', () => {
  it('lists fragments on the LIST_FRAGMENTS data endpoint, cached beside the session calls', async () => {
    const clients = createKvsClients(options());
    const archive = createArchiveAdapter(clients);
    const sessions = createKvsAdapter(options(), clients);
    const before = emulator.stats().requests.GetDataEndpoint ?? 0;
    const page = await archive.listFragments('cam-1', range(-60, -1), undefined, { maxResults: 1000 });
    expect(page.fragments).toHaveLength(60);
    expect(page.fragments[0]).toEqual({ startMs: expect.any(Number), durationMs: 1000 });
    await archive.listFragments('cam-1', range(-60, -1));
    await sessions.getStreamingSessionUrl(parseSessionRequest('cam-1', undefined), 300);
    // one GetDataEndpoint per API name, reused
    expect((emulator.stats().requests.GetDataEndpoint ?? 0) - before).toBe(2);
  });

  it('pages with the token KVS handed out', async () => {
    const archive = createArchiveAdapter(createKvsClients(options()));
    const first = await archive.listFragments('cam-1', range(-60, -1), undefined, { maxResults: 40 });
    const second = await archive.listFragments('cam-1', range(-60, -1), first.nextToken, { maxResults: 40 });
    expect(first.fragments).toHaveLength(40);
    expect(second).toEqual({ fragments: expect.any(Array) });
    expect(new Set([...first.fragments, ...second.fragments].map((f) => f.startMs)).size).toBe(60);
  });

  it('returns images and per-image errors of GetImages', async () => {
    const archive = createArchiveAdapter(createKvsClients(options()));
    const minute = Math.floor(NOW / 60_000) * 60_000 - NOW;
    const page = await archive.getImages('cam-motion', {
      startMs: NOW + minute - 60_000 + 35_000,
      endMs: NOW + minute - 60_000 + 45_000,
      intervalMs: 5000,
      format: 'JPEG',
      width: 64,
      quality: 50,
      maxResults: 25,
    });
    expect(page.images.map((i) => ('error' in i ? i.error : 'image'))).toEqual([
      'image',
      'NO_MEDIA',
      'NO_MEDIA',
    ]);
    expect(Buffer.from((page.images[0] as { data: string }).data, 'base64').subarray(0, 2)).toEqual(
      Buffer.from([0xff, 0xd8]),
    );
  });

  it("streams GetClip's MP4", async () => {
    const archive = createArchiveAdapter(createKvsClients(options()));
    const clip = await archive.getClip('cam-1', range(-10, -1));
    expect(clip.contentType).toBe('video/mp4');
    const chunks: Buffer[] = [];
    for await (const chunk of clip.body) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).subarray(4, 8).toString()).toBe('ftyp');
  });

  it('retries throttling until the quota refills, then fails as THROTTLED with Retry-After once out of attempts', async () => {
    const archive = createArchiveAdapter(createKvsClients(options({ maxAttempts: 3 })));
    // 10,000 fragment-metadata points a second: the eleventh call of 1,000 in one instant waits for the refill
    const list = (a: typeof archive, stream: string) =>
      a.listFragments(stream, range(-5, -1), undefined, { maxResults: 1000 });
    for (let i = 0; i < 11; i++) await list(archive, 'cam-q');
    const single = createArchiveAdapter(createKvsClients(options({ maxAttempts: 1 })));
    for (let i = 0; i < 10; i++) await list(single, 'cam-q2');
    const e = await failure(list(single, 'cam-q2'));
    expect({ code: e.code, retryAfterSeconds: e.retryAfterSeconds }).toEqual({
      code: 'THROTTLED',
      retryAfterSeconds: 1,
    });
  });

  it('maps KVS refusals: NOT_FOUND, INVALID_REQUEST, UPSTREAM_TIMEOUT once the deadline has passed', async () => {
    const archive = createArchiveAdapter(createKvsClients(options({ sleep: async () => {} })));
    expect((await failure(archive.getClip('nope', range(-10, -1)))).code).toBe('NOT_FOUND');
    expect((await failure(archive.getClip('cam-1', range(-1, -1)))).code).toBe('INVALID_REQUEST');
    // a request whose deadline has passed makes no call at all
    const slow = await failure(
      archive.listFragments('cam-1', range(-5, -1), undefined, { deadlineMs: t.now - 1 }),
    );
    expect(slow.code).toBe('UPSTREAM_TIMEOUT');
  });
});
