import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GetDataEndpointCommand, ListStreamsCommand } from '@aws-sdk/client-kinesis-video';
import {
  GetDASHStreamingSessionURLCommand,
  GetHLSStreamingSessionURLCommand,
} from '@aws-sdk/client-kinesis-video-archived-media';
import { startKvsEmulator, type KvsEmulator } from '../../../local/emulator/index';
import { TokenBucket } from '../../../local/http/token-bucket';
import { Quotas } from '../../../local/emulator/quotas';
import { NOW, clientsFor, manualClock } from './support';

describe('token bucket', () => {
  it('starts full at its rate and refills continuously', () => {
    const bucket = new TokenBucket(5, 0);
    expect(bucket.available(0)).toBe(5);
    for (let i = 0; i < 5; i++) bucket.take();
    expect(bucket.available(0)).toBe(0);
    expect(bucket.available(200)).toBeCloseTo(1);
    expect(bucket.available(100_000)).toBe(5);
  });

  it('neither refills nor drains when the clock steps back', () => {
    const bucket = new TokenBucket(5, 1000);
    bucket.take();
    expect(bucket.available(0)).toBe(4);
    expect(bucket.available(1000)).toBe(4);
  });
});

describe('Quotas', () => {
  it('limits GetDataEndpoint to 5 TPS per stream, each stream on its own', () => {
    const clock = manualClock(NOW);
    const quotas = new Quotas(clock.now);
    const burst = (stream: string, n: number) =>
      Array.from({ length: n }, () => quotas.tryAcquire('GetDataEndpoint', stream).ok);
    expect(burst('a', 6)).toEqual([true, true, true, true, true, false]);
    expect(burst('b', 5).every(Boolean)).toBe(true);
    expect(quotas.tryAcquire('GetDataEndpoint', 'a')).toEqual({ ok: false, scope: 'stream', limitTps: 5 });
    clock.advance(200);
    expect(burst('a', 2)).toEqual([true, false]);
  });

  it('limits GetDataEndpoint to 300 TPS per account across streams', () => {
    const quotas = new Quotas(manualClock(NOW).now);
    const results = Array.from({ length: 301 }, (_, i) => quotas.tryAcquire('GetDataEndpoint', `cam-${i}`));
    expect(results.filter((r) => r.ok)).toHaveLength(300);
    expect(results[300]).toEqual({ ok: false, scope: 'account', limitTps: 300 });
  });

  it('takes no account token for a call its stream bucket refuses', () => {
    const quotas = new Quotas(manualClock(NOW).now, {
      GetDataEndpoint: { perAccountTps: 2, perStreamTps: 1 },
    } as never);
    expect(quotas.tryAcquire('GetDataEndpoint', 'x').ok).toBe(true);
    expect(quotas.tryAcquire('GetDataEndpoint', 'x')).toMatchObject({ ok: false, scope: 'stream' });
    // the refused call left the account's second token in place
    expect(quotas.tryAcquire('GetDataEndpoint', 'y').ok).toBe(true);
    expect(quotas.tryAcquire('GetDataEndpoint', 'z')).toMatchObject({ ok: false, scope: 'account' });
  });

  it('limits session URL calls to 25 TPS per stream, per operation', () => {
    const quotas = new Quotas(manualClock(NOW).now);
    const dash = Array.from({ length: 26 }, () => quotas.tryAcquire('GetDASHStreamingSessionURL', 'cam').ok);
    expect(dash.filter(Boolean)).toHaveLength(25);
    expect(quotas.tryAcquire('GetHLSStreamingSessionURL', 'cam').ok).toBe(true);
  });
});

describe('KVS emulator quotas, through the real SDK client', () => {
  const clock = manualClock(NOW);
  let throttled: KvsEmulator;
  let unthrottled: KvsEmulator;

  beforeAll(async () => {
    const streams = [{ name: 'cam-1' }, { name: 'cam-2' }];
    throttled = await startKvsEmulator({ streams, now: clock.now });
    unthrottled = await startKvsEmulator({ streams, now: clock.now, enforceQuotas: false });
  });
  afterAll(async () => {
    await throttled.close();
    await unthrottled.close();
  });

  async function outcomes(calls: Array<Promise<unknown>>) {
    const settled = await Promise.allSettled(calls);
    return {
      ok: settled.filter((s) => s.status === 'fulfilled').length,
      throttled: settled.filter(
        (s) => s.status === 'rejected' && (s.reason as Error).name === 'ClientLimitExceededException',
      ),
      other: settled.filter(
        (s) => s.status === 'rejected' && (s.reason as Error).name !== 'ClientLimitExceededException',
      ),
    };
  }

  it('throttles a burst of 30 GetDASHStreamingSessionURL calls for one stream at 25', async () => {
    const { media } = clientsFor(throttled);
    const result = await outcomes(
      Array.from({ length: 30 }, () =>
        media.send(new GetDASHStreamingSessionURLCommand({ StreamName: 'cam-1' })),
      ),
    );
    expect(result.ok).toBe(25);
    expect(result.throttled).toHaveLength(5);
    expect(result.other).toHaveLength(0);
    const err = (result.throttled[0] as PromiseRejectedResult).reason as {
      message: string;
      $metadata: { httpStatusCode: number };
    };
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(err.message).toMatch(/25 TPS per stream \(cam-1\) for GetDASHStreamingSessionURL/);
    // Another stream, and the HLS operation, have their own buckets.
    await expect(
      media.send(new GetDASHStreamingSessionURLCommand({ StreamName: 'cam-2' })),
    ).resolves.toBeDefined();
    await expect(
      media.send(new GetHLSStreamingSessionURLCommand({ StreamName: 'cam-1' })),
    ).resolves.toBeDefined();
    // A second later the bucket is full again.
    clock.advance(1000);
    const later = await outcomes(
      Array.from({ length: 25 }, () =>
        media.send(new GetDASHStreamingSessionURLCommand({ StreamName: 'cam-1' })),
      ),
    );
    expect(later.ok).toBe(25);
    expect(throttled.stats().throttled).toMatchObject({ GetDASHStreamingSessionURL: 5 });
  });

  it('throttles GetDataEndpoint at 5 TPS per stream, by name or ARN alike', async () => {
    const { kvs } = clientsFor(throttled);
    const StreamARN = throttled.streamArn('cam-2');
    const result = await outcomes([
      ...Array.from({ length: 3 }, () =>
        kvs.send(new GetDataEndpointCommand({ StreamName: 'cam-2', APIName: 'GET_MEDIA' })),
      ),
      ...Array.from({ length: 3 }, () =>
        kvs.send(new GetDataEndpointCommand({ StreamARN, APIName: 'GET_MEDIA' })),
      ),
    ]);
    expect(result.ok).toBe(5);
    expect(result.throttled).toHaveLength(1);
  });

  it('throttles ListStreams at 50 TPS per account', async () => {
    const { kvs } = clientsFor(throttled);
    const result = await outcomes(Array.from({ length: 51 }, () => kvs.send(new ListStreamsCommand({}))));
    expect(result.ok).toBe(50);
    expect(result.throttled).toHaveLength(1);
  });

  it('never throttles when enforceQuotas is false', async () => {
    const { media } = clientsFor(unthrottled);
    const result = await outcomes(
      Array.from({ length: 30 }, () =>
        media.send(new GetDASHStreamingSessionURLCommand({ StreamName: 'cam-1' })),
      ),
    );
    expect(result.ok).toBe(30);
    expect(unthrottled.stats().requests).toMatchObject({ GetDASHStreamingSessionURL: 30 });
    expect(unthrottled.stats().throttled).toEqual({});
  });
});
