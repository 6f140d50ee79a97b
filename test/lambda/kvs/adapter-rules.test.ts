// The KVS adapter's rules, stated at their edges against the emulator over HTTP with the real SDK clients: the
// data-endpoint cache's TTL and which failures drop an entry, answers without their fields, ListStreams paging and
// prefix, one media client per endpoint, each request's deadline, and the defaults (Date.now, setTimeout).
import { createServer, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { KVS_BUDGET_MS } from '../../../lambda/core/config-rules';
import { parseSessionRequest } from '../../../lambda/core/request';
import {
  createKvsAdapter,
  createKvsClients,
  type KvsAdapter,
  type KvsAdapterOptions,
} from '../../../lambda/kvs/adapter';
import { DATA_ENDPOINT_THROTTLE_BACKOFF } from '../../../lambda/kvs/retry';
import { startKvsEmulator, type KvsEmulator } from '../../../local/emulator';
import { T0 } from '../../support/clock';
import { testAdapterOptions } from '../../support/kvs-adapter';
import { outcome, settlesSoon } from '../../support/outcomes';

const live = (stream: string) => parseSessionRequest(stream, undefined);
/** The BrokerError's code and message a call ended in. */
const failure = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code: string; message: string }) => ({ code: e.code, message: e.message }),
  );

let emulator: KvsEmulator;
let clock = T0;
const asked = () => emulator.stats().requests.GetDataEndpoint ?? 0;

const options = (on: string, overrides: Partial<KvsAdapterOptions> = {}): KvsAdapterOptions =>
  testAdapterOptions(on, { now: () => clock, ...overrides });
const adapter = (overrides: Partial<KvsAdapterOptions> = {}): KvsAdapter =>
  createKvsAdapter(options(emulator.endpoint, overrides));

beforeAll(async () => {
  const streams = ['cam-1', 'cam-2', 'cam-3', 'lobby-1'].map((name) => ({ name }));
  emulator = await startKvsEmulator({ streams, enforceQuotas: false, now: () => clock });
});
afterAll(async () => {
  await emulator.close();
});

describe('the data-endpoint cache', () => {
  it('reuses an answer per stream until exactly dataEndpointTtlMs after it came, then asks again', async () => {
    emulator.putStream({ name: 'x-ttl' });
    emulator.putStream({ name: 'x-ttl-2' });
    const kvs = adapter({ dataEndpointTtlMs: 60_000 });
    const before = asked();
    await kvs.getStreamingSessionUrl(live('x-ttl'), 300);
    await kvs.getStreamingSessionUrl(live('x-ttl'), 300);
    await kvs.getStreamingSessionUrl(live('x-ttl-2'), 300);
    // one answer per stream
    expect(asked() - before).toBe(2);
    clock += 59_999;
    await kvs.getStreamingSessionUrl(live('x-ttl'), 300);
    expect(asked() - before).toBe(2);
    clock += 1;
    await kvs.getStreamingSessionUrl(live('x-ttl'), 300);
    expect(asked() - before).toBe(3);
    clock += 1000;
    await kvs.getStreamingSessionUrl(live('x-ttl-2'), 300);
    expect(asked() - before).toBe(4);
  });

  it('keeps the endpoint after a failure that says nothing about it, and drops it on NotAuthorized', async () => {
    emulator.putStream({ name: 'x-flaky' });
    const kvs = adapter();
    await kvs.getStreamingSessionUrl(live('x-flaky'), 300);
    const before = asked();
    emulator.putStream({ name: 'x-flaky', fault: 'MissingCodecPrivateDataException' });
    expect(await outcome(kvs.getStreamingSessionUrl(live('x-flaky'), 300))).toBe('STREAM_NOT_PLAYABLE');
    emulator.putStream({ name: 'x-flaky', dataRetentionInHours: 0 });
    expect(await outcome(kvs.getStreamingSessionUrl(live('x-flaky'), 300))).toBe('STREAM_NOT_PLAYABLE');
    emulator.putStream({ name: 'x-flaky' });
    await kvs.getStreamingSessionUrl(live('x-flaky'), 300);
    expect(asked() - before).toBe(0);
    // the role lost access, or the stream moved: the next request asks GetDataEndpoint again
    emulator.putStream({ name: 'x-flaky', fault: 'NotAuthorizedException' });
    expect(await outcome(kvs.getStreamingSessionUrl(live('x-flaky'), 300))).toBe('UPSTREAM_ERROR');
    expect(asked() - before).toBe(0);
    emulator.putStream({ name: 'x-flaky' });
    await kvs.getStreamingSessionUrl(live('x-flaky'), 300);
    expect(asked() - before).toBe(1);
  });
});

describe('answers without their fields (no response element is required in the KVS API reference)', () => {
  it('refuses a GetDataEndpoint answer without DataEndpoint as UPSTREAM_ERROR', async () => {
    emulator.putStream({ name: 'x-empty', fault: 'EmptyAnswer' });
    expect(await failure(adapter().getStreamingSessionUrl(live('x-empty'), 300))).toEqual({
      code: 'UPSTREAM_ERROR',
      message: 'Kinesis Video Streams returned no data endpoint',
    });
  });

  it('refuses a session-URL answer without the URL as UPSTREAM_ERROR', async () => {
    emulator.putStream({ name: 'x-hollow' });
    const kvs = adapter();
    await kvs.getStreamingSessionUrl(live('x-hollow'), 300);
    emulator.putStream({ name: 'x-hollow', fault: 'EmptyAnswer' });
    expect(await failure(kvs.getStreamingSessionUrl(live('x-hollow'), 300))).toEqual({
      code: 'UPSTREAM_ERROR',
      message: 'Kinesis Video Streams returned no session URL',
    });
    emulator.deleteStream('x-hollow');
  });
});

describe('listStreams', () => {
  it('lists the streams whose name begins with the prefix, or all of them without one', async () => {
    const kvs = adapter();
    expect(await kvs.listStreams('cam-')).toEqual({ streamNames: ['cam-1', 'cam-2', 'cam-3'] });
    const all = await kvs.listStreams('');
    expect(all.streamNames).toEqual(expect.arrayContaining(['cam-1', 'cam-2', 'cam-3', 'lobby-1']));
    expect(all.nextToken).toBeUndefined();
  });

  it('pages by maxResults and nextToken', async () => {
    const kvs = adapter();
    const first = await kvs.listStreams('cam-', undefined, { maxResults: 2 });
    expect(first).toEqual({ streamNames: ['cam-1', 'cam-2'], nextToken: expect.any(String) });
    expect(await kvs.listStreams('cam-', first.nextToken, { maxResults: 2 })).toEqual({
      streamNames: ['cam-3'],
    });
  });

  it('leaves out an entry without a StreamName', async () => {
    emulator.putStream({ name: 'lobby-nameless', fault: 'EmptyAnswer' });
    try {
      expect(await adapter().listStreams('lobby-')).toEqual({ streamNames: ['lobby-1'] });
    } finally {
      emulator.deleteStream('lobby-nameless');
    }
  });
});

describe('clients and retry contexts', () => {
  it('makes one media client per data endpoint and reuses it', () => {
    const clients = createKvsClients(options(emulator.endpoint));
    const one = clients.mediaClient('http://127.0.0.1:1');
    expect(clients.mediaClient('http://127.0.0.1:1')).toBe(one);
    expect(clients.mediaClient('http://127.0.0.1:2')).not.toBe(one);
  });

  it('gives a request budgetMs (25 s by default) unless the call names its deadline', () => {
    const now = () => 1_000_000;
    const defaults = createKvsClients(options(emulator.endpoint, { now }));
    expect(defaults.retryContext()).toMatchObject({ deadlineMs: 1_000_000 + KVS_BUDGET_MS, maxAttempts: 3 });
    expect('throttleBackoff' in defaults.retryContext()).toBe(false);
    const own = createKvsClients(options(emulator.endpoint, { now, budgetMs: 2500 }));
    expect(own.retryContext().deadlineMs).toBe(1_002_500);
    expect(own.retryContext({ deadlineMs: 1_000_700 }).deadlineMs).toBe(1_000_700);
    expect(own.retryContext(undefined, DATA_ENDPOINT_THROTTLE_BACKOFF).throttleBackoff).toBe(
      DATA_ENDPOINT_THROTTLE_BACKOFF,
    );
  });
});

describe('on timers (faked: no real time passes)', () => {
  afterEach(() => {
    jest.useRealTimers();
  });
  const fake = () =>
    jest.useFakeTimers({
      now: T0,
      doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'hrtime', 'performance'],
    });
  /** Spins on real I/O until `done()`, or until the call has ended early (its outcome then fails the test). */
  const until = async (done: () => boolean, ended: { settled: boolean }) => {
    while (!done() && !ended.settled) await new Promise<void>((r) => setImmediate(r));
  };
  const settling = (p: Promise<string>) => {
    const state = { settled: false, result: p };
    state.result = p.finally(() => {
      state.settled = true;
    });
    return state;
  };

  it('cuts a ListStreams that gets no answer at the call deadline, not at the attempt timeout', async () => {
    // A KVS that accepts the connection and never answers.
    const held: Socket[] = [];
    const silent = createServer((socket) => void held.push(socket));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as { port: number };
    fake();
    try {
      const kvs = createKvsAdapter(options(`http://127.0.0.1:${port}`, { now: Date.now, timeoutMs: 60_000 }));
      const call = settling(outcome(kvs.listStreams('cam-', undefined, { deadlineMs: T0 + 1000 })));
      await until(() => held.length === 1, call);
      await jest.advanceTimersByTimeAsync(999);
      expect(call.settled).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      expect(await settlesSoon(call.result)).toBe(true);
      expect(await call.result).toBe('UPSTREAM_TIMEOUT');
    } finally {
      held.forEach((s) => s.destroy());
      await new Promise((r) => silent.close(r));
    }
  });

  it('waits out each backoff with setTimeout and reads Date.now when no sleep and clock are given', async () => {
    // When (on the faked Date.now) each failed GetDataEndpoint arrived.
    const failedAt: number[] = [];
    const log = (line: object) => {
      const { operation, errorType } = line as { operation?: string; errorType?: string };
      if (operation === 'GetDataEndpoint' && errorType === 'InternalFailure') failedAt.push(Date.now());
    };
    const down = await startKvsEmulator({
      streams: [{ name: 'cam-down', fault: 'InternalServerError' }],
      log,
    });
    fake();
    try {
      const kvs = createKvsAdapter(options(down.endpoint, { now: undefined, sleep: undefined }));
      const call = settling(outcome(kvs.getStreamingSessionUrl(live('cam-down'), 300)));
      await until(() => failedAt.length === 1, call);
      // random 0.5 of 100 ms: the second attempt waits 50 ms of timer time, not one millisecond less
      await jest.advanceTimersByTimeAsync(49);
      expect(failedAt).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(1);
      await until(() => failedAt.length === 2, call);
      await jest.advanceTimersByTimeAsync(100);
      expect(await call.result).toBe('UPSTREAM_ERROR');
      expect(failedAt.map((t) => t - T0)).toEqual([0, 50, 150]);
    } finally {
      jest.useRealTimers();
      await down.close();
    }
  });
});
