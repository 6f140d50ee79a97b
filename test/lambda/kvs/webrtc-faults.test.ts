// The WebRTC adapter (lambda/kvs/webrtc.ts) against answers KVS's API model allows but a healthy channel never gives
// (every output member of DescribeSignalingChannel, GetSignalingChannelEndpoint and GetIceServerConfig is
// "Required: No" in the KVS API reference; ResourceEndpointList has no stated order), and against answers held past
// the request's deadline: the emulator's channel `fault` and `latencyMs` options, over HTTP with the real SDK clients.
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { KvsAdapterOptions } from '../../../lambda/kvs/adapter';
import { createWebrtcAdapter, type WebrtcAdapter } from '../../../lambda/kvs/webrtc';
import {
  startKvsEmulator,
  type ChannelFault,
  type KvsEmulator,
  type KvsEmulatorOptions,
} from '../../../local/emulator';
import { T0 } from '../../support/clock';
import { LOCAL_CREDENTIALS as credentials, testAdapterOptions } from '../../support/kvs-adapter';
import { latencyGate } from '../../support/latency-gate';
import { openStatus, outcome } from '../../support/outcomes';

const started: KvsEmulator[] = [];

async function startEmulator(options: Partial<KvsEmulatorOptions>): Promise<KvsEmulator> {
  const emulator = await startKvsEmulator({
    streams: [],
    credentials,
    enforceQuotas: false,
    now: () => T0,
    ...options,
  });
  started.push(emulator);
  return emulator;
}

const webrtc = (on: KvsEmulator, overrides: Partial<KvsAdapterOptions> = {}): WebrtcAdapter =>
  createWebrtcAdapter(
    testAdapterOptions(on.endpoint, { now: () => T0, dataEndpointTtlMs: 60_000, ...overrides }),
  );

const viewer = { channelName: 'door-1', clientId: 'v-1', expiresInSeconds: 300 };
const faulty = (fault: ChannelFault) => startEmulator({ channels: [{ name: 'door-1', fault }] });
const calls = (on: KvsEmulator) => {
  const r = on.stats().requests;
  return [r.DescribeSignalingChannel ?? 0, r.GetSignalingChannelEndpoint ?? 0, r.GetIceServerConfig ?? 0];
};

afterEach(async () => {
  jest.useRealTimers();
  await Promise.all(started.splice(0).map((e) => e.close()));
});

describe('answers KVS may give that name nothing to connect to', () => {
  it('answers UPSTREAM_ERROR when DescribeSignalingChannel names no channel ARN, and asks for no endpoint', async () => {
    const emulator = await faulty('NoChannelInfo');
    await expect(webrtc(emulator).viewer(viewer)).rejects.toMatchObject({
      code: 'UPSTREAM_ERROR',
      message: 'Kinesis Video Streams returned no channel ARN',
    });
    expect(calls(emulator)).toEqual([1, 0, 0]);
  });

  it.each<ChannelFault>(['NoResourceEndpointList', 'NoWSSEndpoint', 'NoHTTPSEndpoint'])(
    'answers UPSTREAM_ERROR when GetSignalingChannelEndpoint answers %s (both are needed), before any ICE call',
    async (fault) => {
      const emulator = await faulty(fault);
      await expect(webrtc(emulator).viewer(viewer)).rejects.toMatchObject({
        code: 'UPSTREAM_ERROR',
        message: 'Kinesis Video Streams returned no signaling endpoint',
      });
      expect(calls(emulator)).toEqual([1, 1, 0]);
    },
  );

  it('takes each endpoint by its Protocol, not by its place in the list', async () => {
    const emulator = await faulty('EndpointsReversed');
    const answer = await webrtc(emulator).viewer(viewer);
    const url = new URL(answer.signalingUrl);
    // the WSS endpoint (ws: here, the emulator has no TLS), with ConnectAsViewer accepted there
    expect(`${url.protocol}//${url.host}${url.pathname}`).toBe(
      `${emulator.endpoint.replace(/^http/, 'ws')}/`,
    );
    expect(await openStatus(url.href)).toBe(101);
    expect(calls(emulator)).toEqual([1, 1, 1]);
  });

  it('answers no ICE servers (not a failure) when GetIceServerConfig lists none', async () => {
    const emulator = await faulty('NoIceServerList');
    const answer = await webrtc(emulator).viewer(viewer);
    expect(answer.iceServers).toEqual([]);
    expect(answer.channelArn).toBe(emulator.channel('door-1')!.arn);
  });
});

describe('a channel whose answers are held', () => {
  // The emulator holds every call about the channel (latency gate) while fake timers move the clock; the SDK's own
  // request timeout (timeoutMs) is far off, so only the deadline's abort signal can end a held call. No real time.
  it.each([
    [0, 'DescribeSignalingChannel'],
    [1, 'GetSignalingChannelEndpoint'],
    [2, 'GetIceServerConfig'],
  ])('ends the request at its deadline when call %i (%s) is held, aborting it', async (held, operation) => {
    const gate = latencyGate();
    const slow = await startEmulator({
      channels: [{ name: 'door-1', latencyMs: 60_000 }],
      delay: gate.delay,
    });
    jest.useFakeTimers({
      now: T0,
      doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'hrtime', 'performance'],
    });
    const kvs = webrtc(slow, { now: undefined, sleep: undefined, timeoutMs: 60_000 });
    let settled = false;
    const result = outcome(kvs.viewer(viewer, { deadlineMs: T0 + 1000 })).finally(() => {
      settled = true;
    });
    // Each call reaches the emulator (or the request has ended early, and the count below says so at once).
    const reached = async (count: number) => {
      await Promise.race([gate.waitsFor(count), result]);
      expect(gate.waits).toHaveLength(count);
    };
    for (let i = 0; i < held; i += 1) {
      await reached(i + 1);
      gate.open(i);
    }
    await reached(held + 1);
    await jest.advanceTimersByTimeAsync(999);
    expect(settled).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    // The aborted call fails within a few turns of the event loop; a call left running would still be held.
    for (let turn = 0; turn < 100 && !settled; turn += 1) await new Promise((r) => setImmediate(r));
    expect(settled).toBe(true);
    expect(await result).toBe('UPSTREAM_TIMEOUT');
    expect(slow.stats().requests[operation]).toBe(1);
    expect(gate.waits).toEqual(Array(held + 1).fill(60_000));
  });
});
