import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import {
  DescribeStreamCommand,
  GetDataEndpointCommand,
  KinesisVideoClient,
  ListStreamsCommand,
} from '@aws-sdk/client-kinesis-video';
import {
  GetDASHStreamingSessionURLCommand,
  GetHLSStreamingSessionURLCommand,
} from '@aws-sdk/client-kinesis-video-archived-media';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { startKvsEmulator, type KvsEmulator } from '../../../local/emulator/index';
import { latencyGate, type LatencyGate } from '../../support/latency-gate';
import { credentials, clientsFor, errorOf } from './support';

describe('KVS emulator fault injection, latency and run-time streams', () => {
  let emu: KvsEmulator;
  let clients: ReturnType<typeof clientsFor>;
  // Latency is held by a gate the tests open: no test here waits in real time.
  let gate: LatencyGate;

  beforeAll(async () => {
    gate = latencyGate();
    emu = await startKvsEmulator({
      delay: gate.delay,
      streams: [
        { name: 'cam-ok' },
        { name: 'cam-denied', fault: 'NotAuthorizedException' },
        { name: 'cam-no-cpd', fault: 'MissingCodecPrivateDataException' },
        { name: 'cam-bad-cpd', fault: 'InvalidCodecPrivateDataException' },
        { name: 'cam-broken', fault: 'InternalServerError' },
        { name: 'cam-slow', latencyMs: 1000 },
        { name: 'hollow-1', fault: 'EmptyAnswer' },
      ],
      enforceQuotas: false,
    });
    clients = clientsFor(emu);
  });
  afterAll(() => emu.close());

  const endpointOf = (StreamName: string) =>
    clients.kvs.send(new GetDataEndpointCommand({ StreamName, APIName: 'GET_DASH_STREAMING_SESSION_URL' }));
  const describeOf = (StreamName: string) => clients.kvs.send(new DescribeStreamCommand({ StreamName }));
  const dashOf = (StreamName: string) =>
    clients.media.send(new GetDASHStreamingSessionURLCommand({ StreamName }));
  const hlsOf = (StreamName: string) =>
    clients.media.send(new GetHLSStreamingSessionURLCommand({ StreamName }));

  it.each([
    ['GetDataEndpoint', endpointOf],
    ['DescribeStream', describeOf],
    ['GetDASHStreamingSessionURL', dashOf],
    ['GetHLSStreamingSessionURL', hlsOf],
  ])('answers %s on a stream our role may not use with NotAuthorizedException (401)', async (op, call) => {
    const err = await errorOf(call('cam-denied'));
    expect(err).toMatchObject({ name: 'NotAuthorizedException', status: 401, fault: 'client' });
    expect(err.message).toContain(`${op} on stream cam-denied`);
  });

  it.each([
    ['cam-no-cpd', 'MissingCodecPrivateDataException'],
    ['cam-bad-cpd', 'InvalidCodecPrivateDataException'],
  ])('answers session URL calls on %s with %s (400), but describes it', async (stream, name) => {
    for (const call of [dashOf, hlsOf]) {
      const err = await errorOf(call(stream));
      expect(err).toMatchObject({ name, status: 400 });
      expect(err.message).toContain(stream);
    }
    await expect(describeOf(stream)).resolves.toHaveProperty('StreamInfo.StreamName', stream);
  });

  it('answers an internal error with a 500 server fault, which the SDK retries', async () => {
    const before = emu.stats().requests.DescribeStream ?? 0;
    const err = await errorOf(
      clientsFor(emu, { maxAttempts: 2 }).kvs.send(new DescribeStreamCommand({ StreamName: 'cam-broken' })),
    );
    expect(err).toMatchObject({ name: 'InternalFailure', status: 500, fault: 'server' });
    expect((emu.stats().requests.DescribeStream ?? 0) - before).toBe(2);
  });

  it('answers every call on an EmptyAnswer stream with 200 and no fields, and lists it as an empty entry', async () => {
    // The KVS API reference marks no response element required; the SDK types them all optional.
    await expect(endpointOf('hollow-1')).resolves.not.toHaveProperty('DataEndpoint');
    await expect(describeOf('hollow-1')).resolves.not.toHaveProperty('StreamInfo');
    await expect(dashOf('hollow-1')).resolves.not.toHaveProperty('DASHStreamingSessionURL');
    const listed = await clients.kvs.send(
      new ListStreamsCommand({
        StreamNameCondition: { ComparisonOperator: 'BEGINS_WITH', ComparisonValue: 'hollow-' },
      }),
    );
    expect(listed.StreamInfoList).toEqual([{}]);
  });

  it('holds answers for a slow stream, so a client timeout fires (fake timers: the 100 ms pass in no real time)', async () => {
    jest.useFakeTimers({
      doNotFake: ['Date', 'nextTick', 'setImmediate', 'queueMicrotask', 'hrtime', 'performance'],
    });
    try {
      const impatient = new KinesisVideoClient({
        endpoint: emu.endpoint,
        region: 'us-east-1',
        credentials,
        maxAttempts: 1,
        // Without throwOnRequestTimeout, @smithy/node-http-handler 4.x only warns when requestTimeout passes.
        requestHandler: new NodeHttpHandler({ requestTimeout: 100, throwOnRequestTimeout: true }),
      });
      const held = gate.waits.length;
      const pending = errorOf(impatient.send(new DescribeStreamCommand({ StreamName: 'cam-slow' })));
      await gate.waitsFor(held + 1); // the request reached the emulator, which holds it for the stream's latency
      expect(gate.waits.at(-1)).toBe(1000);
      await jest.advanceTimersByTimeAsync(100);
      expect((await pending).name).toBe('TimeoutError');
    } finally {
      jest.useRealTimers();
    }
  });

  it('answers a slow stream once its latency has passed, not before', async () => {
    emu.putStream({ name: 'cam-slow-ish', latencyMs: 150 });
    const held = gate.waits.length;
    let answered = false;
    const answer = describeOf('cam-slow-ish').then((out) => {
      answered = true;
      return out;
    });
    await gate.waitsFor(held + 1);
    expect(gate.waits.at(-1)).toBe(150);
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBe(false);
    gate.open();
    await expect(answer).resolves.toHaveProperty('StreamInfo.StreamName', 'cam-slow-ish');
  });

  it('adds, updates and deletes streams at run time', async () => {
    expect((await errorOf(describeOf('cam-new'))).name).toBe('ResourceNotFoundException');
    emu.putStream({ name: 'cam-new', dataRetentionInHours: 6 });
    await expect(describeOf('cam-new')).resolves.toHaveProperty('StreamInfo.DataRetentionInHours', 6);
    await expect(dashOf('cam-new')).resolves.toHaveProperty('DASHStreamingSessionURL');

    emu.putStream({ name: 'cam-new', dataRetentionInHours: 0 });
    expect((await errorOf(dashOf('cam-new'))).name).toBe('NoDataRetentionException');
    emu.putStream({ name: 'cam-new', fault: 'NotAuthorizedException' });
    expect((await errorOf(dashOf('cam-new'))).name).toBe('NotAuthorizedException');

    expect(emu.deleteStream('cam-new')).toBe(true);
    expect((await errorOf(describeOf('cam-new'))).name).toBe('ResourceNotFoundException');
  });

  it('refuses bad stream configs at once, as programming errors', () => {
    expect(() => emu.putStream({ name: 'bad name' })).toThrow(TypeError);
    expect(() => emu.putStream({ name: 'cam-x', dataRetentionInHours: -1 })).toThrow(/dataRetentionInHours/);
    expect(() => emu.putStream({ name: 'cam-x', fault: 'Oops' as never })).toThrow(/fault must be one of/);
    expect(() => emu.putStream({ name: 'cam-x', retention: 5 } as never)).toThrow(
      /unknown field\(s\) retention/,
    );
  });

  it('refuses unknown options and duplicate streams when starting', async () => {
    await expect(startKvsEmulator({ streams: [], enforceQuota: false } as never)).rejects.toThrow(
      /unknown option\(s\) enforceQuota/,
    );
    await expect(startKvsEmulator({ streams: [{ name: 'a' }, { name: 'a' }] })).rejects.toThrow(
      /stream a is listed twice/,
    );
  });
});
