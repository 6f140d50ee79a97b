// The WebRTC adapter (lambda/kvs/webrtc.ts) against the emulator over HTTP with the real SDK clients: channel ARN
// and viewer endpoints cached per channel (TTL, single flight), GetIceServerConfig per viewer, the signed
// ConnectAsViewer URL, and KVS errors mapped. Quotas: KVS WebRTC developer guide, "Amazon Kinesis Video Streams with
// WebRTC service quotas" (DescribeSignalingChannel 5 TPS per channel, GetIceServerConfig 5 TPS per channel).
// Answers a healthy channel never gives (no channel ARN, a missing endpoint, no ICE list, endpoints out of order) and
// held answers are in webrtc-faults.test.ts; the endpoint request's Role and Protocols are held by the emulator
// (a MASTER's endpoint refuses ConnectAsViewer, an empty Protocols list is refused).
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { KvsAdapterOptions } from '../../../lambda/kvs/adapter';
import { createWebrtcAdapter, type WebrtcAdapter } from '../../../lambda/kvs/webrtc';
import { startKvsEmulator, type KvsEmulator, type KvsEmulatorOptions } from '../../../local/emulator';
import { virtualTime } from '../../support/clock';
import { LOCAL_CREDENTIALS as credentials, testAdapterOptions } from '../../support/kvs-adapter';
import { openStatus, outcome } from '../../support/outcomes';

const T0 = Date.parse('2026-11-25T10:00:00Z');
let clock = T0;
let emulator: KvsEmulator;
const extra: KvsEmulator[] = [];

const webrtc = (on: KvsEmulator, overrides: Partial<KvsAdapterOptions> = {}): WebrtcAdapter =>
  createWebrtcAdapter(
    testAdapterOptions(on.endpoint, { now: () => clock, dataEndpointTtlMs: 60_000, ...overrides }),
  );

async function startEmulator(options: KvsEmulatorOptions): Promise<KvsEmulator> {
  const started = await startKvsEmulator(options);
  extra.push(started);
  return started;
}

const viewer = (channelName: string, clientId = 'v-1', expiresInSeconds = 300) => ({
  channelName,
  clientId,
  expiresInSeconds,
});

beforeAll(async () => {
  emulator = await startKvsEmulator({
    streams: [],
    channels: [{ name: 'door-1' }, { name: 'door-2', creationTime: 1_700_000_000_123 }],
    credentials,
    enforceQuotas: false,
    now: () => clock,
  });
});
afterEach(async () => {
  await Promise.all(extra.splice(0).map((e) => e.close()));
});
afterAll(async () => {
  await emulator.close();
});

describe('viewer', () => {
  it("answers the channel's ARN, its ICE servers and a signed URL on its WSS endpoint that KVS accepts", async () => {
    clock = T0;
    const answer = await webrtc(emulator).viewer(viewer('door-2', 'tablet-7', 120));
    expect(answer).toEqual({
      channelArn: emulator.channel('door-2')!.arn,
      signalingUrl: expect.any(String),
      iceServers: [
        {
          Uris: [expect.stringMatching(/^turn:127\.0\.0\.1:3478\?transport=udp$/)],
          Username: expect.stringMatching(new RegExp(`^${T0 / 1000 + 300}:[0-9a-f]{16}$`)),
          Password: expect.any(String),
          Ttl: 300,
        },
      ],
    });
    // against an emulator (an endpoint override) there is no KVS STUN server
    expect(answer).not.toHaveProperty('stunUrl');
    const url = new URL(answer.signalingUrl);
    expect(`${url.protocol}//${url.host}`).toBe(emulator.endpoint.replace(/^http/, 'ws'));
    expect(url.searchParams.get('X-Amz-ChannelARN')).toBe(emulator.channel('door-2')!.arn);
    expect(url.searchParams.get('X-Amz-ClientId')).toBe('tablet-7');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('120');
    // signed at the adapter's clock
    expect(url.searchParams.get('X-Amz-Date')).toBe('20261125T100000Z');
    expect(url.searchParams.get('X-Amz-Credential')).toBe(
      'AKIDLOCAL/20261125/us-east-1/kinesisvideo/aws4_request',
    );
    expect(await openStatus(url.href)).toBe(101);
  });

  it('asks GetIceServerConfig for every viewer with its own client id (TURN credentials are per viewer)', async () => {
    const before = emulator.stats().requests.GetIceServerConfig ?? 0;
    const kvs = webrtc(emulator);
    const a = await kvs.viewer(viewer('door-1', 'v-a'));
    const b = await kvs.viewer(viewer('door-1', 'v-b'));
    expect((emulator.stats().requests.GetIceServerConfig ?? 0) - before).toBe(2);
    expect(a.iceServers[0]!.Username).not.toBe(b.iceServers[0]!.Username);
    expect(new URL(b.signalingUrl).searchParams.get('X-Amz-ClientId')).toBe('v-b');
  });

  it("names KVS's STUN server for the region when it talks to KVS itself (no endpoint override)", async () => {
    // The SDK's service-specific endpoint variable (AWS SDKs and Tools reference, "Service-specific endpoints")
    // stands for KVS here: the adapter is built without `endpoint`, as in AWS.
    const saved = process.env.AWS_ENDPOINT_URL_KINESIS_VIDEO;
    process.env.AWS_ENDPOINT_URL_KINESIS_VIDEO = emulator.endpoint;
    try {
      const answer = await webrtc(emulator, { endpoint: undefined }).viewer(viewer('door-1'));
      expect(answer.stunUrl).toBe('stun:stun.kinesisvideo.us-east-1.amazonaws.com:443');
      expect(answer.channelArn).toBe(emulator.channel('door-1')!.arn);
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_KINESIS_VIDEO;
      else process.env.AWS_ENDPOINT_URL_KINESIS_VIDEO = saved;
    }
  });

  it('answers NOT_FOUND for a channel KVS does not know', async () => {
    expect(await outcome(webrtc(emulator).viewer(viewer('no-such-channel')))).toBe('NOT_FOUND');
  });

  it('answers INVALID_REQUEST for a client id KVS refuses', async () => {
    expect(await outcome(webrtc(emulator).viewer(viewer('door-1', 'bad id!')))).toBe('INVALID_REQUEST');
  });
});

describe('channel cache', () => {
  const calls = (on: KvsEmulator) => {
    const r = on.stats().requests;
    return [r.DescribeSignalingChannel ?? 0, r.GetSignalingChannelEndpoint ?? 0];
  };

  it('looks a channel up once per TTL, per channel name, and again once the TTL has passed', async () => {
    clock = T0;
    const fresh = await startEmulator({
      streams: [],
      channels: [{ name: 'door-1' }, { name: 'door-2' }],
      enforceQuotas: false,
      now: () => clock,
    });
    const kvs = webrtc(fresh, { dataEndpointTtlMs: 60_000 });
    await kvs.viewer(viewer('door-1'));
    await kvs.viewer(viewer('door-1'));
    expect(calls(fresh)).toEqual([1, 1]);
    await kvs.viewer(viewer('door-2'));
    expect(calls(fresh)).toEqual([2, 2]);
    clock = T0 + 59_999;
    await kvs.viewer(viewer('door-1'));
    expect(calls(fresh)).toEqual([2, 2]);
    // an entry is good while its expiry is still ahead: at exactly TTL it is looked up again
    clock = T0 + 60_000;
    await kvs.viewer(viewer('door-1'));
    expect(calls(fresh)).toEqual([3, 3]);
    expect(fresh.stats().requests.GetIceServerConfig).toBe(5);
  });

  it('shares one lookup among the first viewers arriving at once (single flight), then forgets the flight', async () => {
    clock = T0;
    const fresh = await startEmulator({ streams: [], channels: [{ name: 'door-1' }], enforceQuotas: false });
    const kvs = webrtc(fresh, { dataEndpointTtlMs: 0, timeoutMs: 60_000 });
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) => outcome(kvs.viewer(viewer('door-1', `v-${i}`)))),
    );
    expect(outcomes).toEqual(Array(10).fill('ok'));
    expect(calls(fresh)).toEqual([1, 1]);
    expect(fresh.stats().requests.GetIceServerConfig).toBe(10);
    // TTL 0: nothing is reused once the shared lookup is over
    await kvs.viewer(viewer('door-1'));
    expect(calls(fresh)).toEqual([2, 2]);
  });
});

describe('throttling', () => {
  it('retries a throttled DescribeSignalingChannel with the GetDataEndpoint backoff until the 25 s deadline', async () => {
    // 5 TPS per channel, the emulator's clock frozen: the 6th lookup is throttled for good.
    const frozen = await startEmulator({ streams: [], channels: [{ name: 'door-1' }], now: () => 0 });
    const time = virtualTime(1_000_000);
    const kvs = webrtc(frozen, { now: time.now, sleep: time.sleep, dataEndpointTtlMs: 0 });
    for (let i = 0; i < 5; i += 1) await kvs.viewer(viewer('door-1', `v-${i}`));
    expect(time.t.slept).toEqual([]);
    expect(await outcome(kvs.viewer(viewer('door-1', 'v-late')))).toBe('THROTTLED');
    // random 0.5 of min(5 s, 200 ms x 2^n) while the wait still ends before the deadline (25 000 ms)
    expect(time.t.slept).toEqual([100, 200, 400, 800, 1600, 2500, 2500, 2500, 2500, 2500, 2500, 2500, 2500]);
    expect(frozen.stats().throttled).toEqual({ DescribeSignalingChannel: 14 });
  });

  it("keeps to the call's own deadline, and to budgetMs when the call names none", async () => {
    const frozen = await startEmulator({ streams: [], channels: [{ name: 'door-1' }], now: () => 0 });
    const time = virtualTime(1_000_000);
    const kvs = webrtc(frozen, { now: time.now, sleep: time.sleep, dataEndpointTtlMs: 0, budgetMs: 1000 });
    for (let i = 0; i < 5; i += 1) await kvs.viewer(viewer('door-1', `v-${i}`));
    expect(await outcome(kvs.viewer(viewer('door-1')))).toBe('THROTTLED');
    expect(time.t.slept).toEqual([100, 200, 400]);
    time.t.slept = [];
    expect(await outcome(kvs.viewer(viewer('door-1'), { deadlineMs: time.now() + 400 }))).toBe('THROTTLED');
    expect(time.t.slept).toEqual([100, 200]);
  });

  it('retries a throttled GetIceServerConfig kvs.maxAttempts times with full jitter, then answers THROTTLED', async () => {
    const frozen = await startEmulator({ streams: [], channels: [{ name: 'door-1' }], now: () => 0 });
    const time = virtualTime(1_000_000);
    const kvs = webrtc(frozen, { now: time.now, sleep: time.sleep, dataEndpointTtlMs: 3_600_000 });
    for (let i = 0; i < 5; i += 1) await kvs.viewer(viewer('door-1', `v-${i}`));
    expect(await outcome(kvs.viewer(viewer('door-1', 'v-late')))).toBe('THROTTLED');
    // random 0.5 of min(1 s, 100 ms x 2^n): 50, then 100
    expect(time.t.slept).toEqual([50, 100]);
    expect(frozen.stats().throttled).toEqual({ GetIceServerConfig: 3 });
    // throttling says nothing about the channel: its cached ARN and endpoints stay
    expect(await outcome(kvs.viewer(viewer('door-1', 'v-later')))).toBe('THROTTLED');
    expect(frozen.stats().requests.DescribeSignalingChannel).toBe(1);
  });
});

describe('without injected sleep and clock', () => {
  it('waits out each backoff on a timer (setTimeout) and reads Date.now', async () => {
    // Fake timers move the clock: a wait ends only when the test advances it. No real time passes.
    // When (on the faked Date.now) each throttled GetIceServerConfig arrived.
    const refusedAt: number[] = [];
    const log = (line: object) => {
      const { operation, errorType } = line as { operation?: string; errorType?: string };
      if (operation === 'GetIceServerConfig' && errorType === 'ClientLimitExceededException')
        refusedAt.push(Date.now());
    };
    const frozen = await startEmulator({ streams: [], channels: [{ name: 'door-1' }], now: () => 0, log });
    const throttledIce = () => frozen.stats().throttled.GetIceServerConfig ?? 0;
    // Also stops once the throttled call has ended: one that ends early then fails the test at once, not never.
    let ended = false;
    const until = async (done: () => boolean) => {
      while (!done() && !ended) await new Promise<void>((r) => setImmediate(r));
    };
    jest.useFakeTimers({
      now: T0,
      doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'hrtime', 'performance'],
    });
    try {
      const kvs = webrtc(frozen, { now: undefined, sleep: undefined, dataEndpointTtlMs: 3_600_000 });
      const first = await kvs.viewer(viewer('door-1', 'v-0'));
      // signed at Date.now (faked: T0)
      expect(new URL(first.signalingUrl).searchParams.get('X-Amz-Date')).toBe('20261125T100000Z');
      for (let i = 1; i < 5; i += 1) await kvs.viewer(viewer('door-1', `v-${i}`));
      const result = outcome(kvs.viewer(viewer('door-1', 'v-late'))).finally(() => {
        ended = true;
      });
      await until(() => throttledIce() === 1);
      // random 0.5 of 100 ms: the second attempt waits 50 ms of timer time, not one millisecond less
      await jest.advanceTimersByTimeAsync(49);
      expect(throttledIce()).toBe(1);
      await jest.advanceTimersByTimeAsync(1);
      await until(() => throttledIce() === 2);
      await jest.advanceTimersByTimeAsync(100);
      expect(await result).toBe('THROTTLED');
      expect(throttledIce()).toBe(3);
      expect(refusedAt.map((t) => t - T0)).toEqual([0, 50, 150]);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('a channel recreated under the same name', () => {
  it('forgets the cached ARN when KVS no longer knows it, so the next viewer finds the new channel', async () => {
    clock = T0;
    const first = await startKvsEmulator({
      streams: [],
      channels: [{ name: 'door-1' }],
      enforceQuotas: false,
    });
    const port = first.port;
    const kvs = webrtc(first, { dataEndpointTtlMs: 3_600_000 });
    const before = await kvs.viewer(viewer('door-1'));
    await first.close();
    // Same endpoint, a channel of the same name created later: a new ARN (its last part is the creation time).
    const second = await startEmulator({
      port,
      streams: [],
      channels: [{ name: 'door-1', creationTime: 1_800_000_000_000 }],
      enforceQuotas: false,
    });
    expect(second.channel('door-1')!.arn).not.toBe(before.channelArn);
    // GetIceServerConfig on the cached ARN: ResourceNotFoundException, answered as NOT_FOUND
    expect(await outcome(kvs.viewer(viewer('door-1')))).toBe('NOT_FOUND');
    expect(second.stats().requests.DescribeSignalingChannel ?? 0).toBe(0);
    const after = await kvs.viewer(viewer('door-1'));
    expect(after.channelArn).toBe(second.channel('door-1')!.arn);
    expect(second.stats().requests.DescribeSignalingChannel).toBe(1);
  });
});
