// The session-URL calls (lambda/kvs/session-url.ts) against the emulator over HTTP with the real SDK clients: the
// fragment selector and its timestamp range reach KVS as the request states them (the emulator signs what it received
// into the session token), and the request's deadline aborts the KVS call in flight.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  GetHLSStreamingSessionURLCommand,
  KinesisVideoArchivedMediaClient,
} from '@aws-sdk/client-kinesis-video-archived-media';
import { parseSessionRequest } from '../../../lambda/core/request';
import { createKvsAdapter, type KvsAdapter, type KvsAdapterOptions } from '../../../lambda/kvs/adapter';
import { startKvsEmulator, verifySessionToken, type KvsEmulator } from '../../../local/emulator';
import { holdCall, SLOW_STREAM } from '../../support/held-call';
import { LOCAL_CREDENTIALS, testAdapterOptions } from '../../support/kvs-adapter';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const MINUTE = 60_000;
const iso = (offsetMs: number) => new Date(NOW + offsetMs).toISOString();

let emulator: KvsEmulator;
beforeAll(async () => {
  emulator = await startKvsEmulator({ streams: [{ name: 'cam-1' }], now: () => NOW });
});
afterAll(() => emulator.close());

const options = (on: KvsEmulator, overrides: Partial<KvsAdapterOptions> = {}): KvsAdapterOptions =>
  testAdapterOptions(on.endpoint, { now: () => NOW, maxAttempts: 1, ...overrides });

/** What KVS received, as the emulator signed it into the URL's session token. */
function sessionOf(url: string) {
  const verified = verifySessionToken(
    new URL(url).searchParams.get('SessionToken') ?? '',
    emulator.secret,
    NOW,
  );
  if (!verified.ok) throw new Error(`session token: ${verified.reason}`);
  return verified.session;
}

describe.each(['DASH', 'HLS'] as const)('%s session URL', (protocol) => {
  // one adapter, so one GetDataEndpoint per API name: the emulator's clock stands still and its 5 TPS never refill
  let kvs: KvsAdapter;
  beforeAll(() => {
    kvs = createKvsAdapter(options(emulator));
  });
  const url = (body: Record<string, unknown>) =>
    kvs.getStreamingSessionUrl(parseSessionRequest('cam-1', { protocol, ...body }), 300);

  it('sends an ON_DEMAND range and its selector type to KVS, start and end', async () => {
    const session = sessionOf(
      await url({
        playbackMode: 'ON_DEMAND',
        fragmentSelectorType: 'PRODUCER_TIMESTAMP',
        startTimestamp: iso(-30 * MINUTE),
        endTimestamp: iso(-10 * MINUTE),
      }),
    );
    expect(session).toMatchObject({
      protocol,
      playbackMode: 'ON_DEMAND',
      fragmentSelectorType: 'PRODUCER_TIMESTAMP',
      startTimestampMs: NOW - 30 * MINUTE,
      endTimestampMs: NOW - 10 * MINUTE,
    });
  });

  it('sends a LIVE_REPLAY start without an end: the session follows the stream on (open range)', async () => {
    const session = sessionOf(await url({ playbackMode: 'LIVE_REPLAY', startTimestamp: iso(-5 * MINUTE) }));
    expect(session).toMatchObject({
      playbackMode: 'LIVE_REPLAY',
      fragmentSelectorType: 'SERVER_TIMESTAMP',
      startTimestampMs: NOW - 5 * MINUTE,
    });
    expect(session).not.toHaveProperty('endTimestampMs');
  });

  it('sends no range for LIVE (KVS refuses a TimestampRange with PlaybackMode LIVE)', async () => {
    const session = sessionOf(await url({}));
    expect(session).toMatchObject({ playbackMode: 'LIVE', fragmentSelectorType: 'SERVER_TIMESTAMP' });
    expect(session).not.toHaveProperty('startTimestampMs');
  });
});

describe('the emulator holds the session-URL rules the adapter relies on', () => {
  // KVS API reference, HLSTimestampRange / DASHTimestampRange: "The EndTimestamp value is required for ON_DEMAND
  // mode", and StartTimestamp is required once a range is given: ON_DEMAND without a range is refused.
  it('refuses an ON_DEMAND request without a TimestampRange, as KVS does', async () => {
    const client = new KinesisVideoArchivedMediaClient({
      region: 'us-east-1',
      endpoint: emulator.endpoint,
      credentials: LOCAL_CREDENTIALS,
    });
    await expect(
      client.send(
        new GetHLSStreamingSessionURLCommand({
          StreamName: 'cam-1',
          PlaybackMode: 'ON_DEMAND',
          HLSFragmentSelector: { FragmentSelectorType: 'SERVER_TIMESTAMP' },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidArgumentException' });
  });
});

describe('deadline', () => {
  it.each(['DASH', 'HLS'] as const)(
    'aborts the in-flight %s session-URL call at the deadline: a late answer is not waited for',
    async (protocol) => {
      // The emulator holds every call about the stream (latency gate); GetDataEndpoint is let through, the
      // session-URL call is held past the deadline, then answered: the answer KVS gives after the deadline must find
      // the call gone. Fake timers move the deadline, no real waiting.
      const run = await holdCall(
        (slow) =>
          createKvsAdapter(
            options(slow, { now: Date.now, timeoutMs: 60_000, budgetMs: 1000, maxAttempts: 3 }),
          ).getStreamingSessionUrl(parseSessionRequest(SLOW_STREAM, { protocol }), 300),
        [{ answer: true }, { advanceMs: 1000, answer: true }],
      );
      expect(run.held).toEqual(['held', 'held']);
      expect(run.outcome).toBe('UPSTREAM_TIMEOUT');
      expect(run.stats.requests).toMatchObject({ GetDataEndpoint: 1 });
    },
  );
});
