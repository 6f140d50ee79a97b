import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DescribeStreamCommand, KinesisVideoClient } from '@aws-sdk/client-kinesis-video';
import {
  GetDASHStreamingSessionURLCommand,
  GetHLSStreamingSessionURLCommand,
} from '@aws-sdk/client-kinesis-video-archived-media';
import {
  startKvsEmulator,
  type KvsEmulator,
  type MediaHook,
  type VerifiedSession,
} from '../../../local/emulator/index';
import { NOW, clientsFor, credentials, errorOf, manualClock, tokenOf } from './support';

const SIGNED =
  'AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20260115/us-east-1/kinesisvideo/aws4_request, SignedHeaders=host, Signature=00';

describe('KVS emulator wire behaviour and media gate', () => {
  const clock = manualClock(NOW);
  const served: Array<{ session: VerifiedSession; path: string }> = [];
  const logLines: object[] = [];
  let emu: KvsEmulator;
  let bare: KvsEmulator;
  let clients: ReturnType<typeof clientsFor>;

  const media: MediaHook = (_req, res, session, path) => {
    served.push({ session, path });
    if (path.endsWith('/boom')) throw new Error('media hook failed');
    const body = Buffer.alloc(path.includes('MediaFragment') || path.includes('TSFragment') ? 1234 : 10, 1);
    if (path.endsWith('getMP4MediaFragment.mp4'))
      emu.recordOutgoingBytes(session.streamName, body.length, 'GetMP4MediaFragment.OutgoingBytes');
    if (path.endsWith('getTSFragment.ts'))
      emu.recordOutgoingBytes(session.streamName, body.length, 'GetTSFragment.OutgoingBytes');
    res.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(body);
  };

  beforeAll(async () => {
    emu = await startKvsEmulator({
      streams: [{ name: 'cam-1' }, { name: 'cam-2' }],
      now: clock.now,
      media,
      log: (line) => logLines.push(line),
      enforceQuotas: false,
    });
    bare = await startKvsEmulator({ streams: [{ name: 'cam-1' }], enforceQuotas: false });
    clients = clientsFor(emu);
  });
  afterAll(async () => {
    await emu.close();
    await bare.close();
  });

  const dashUrl = async (StreamName = 'cam-1', Expires = 300) =>
    (await clients.media.send(new GetDASHStreamingSessionURLCommand({ StreamName, Expires })))
      .DASHStreamingSessionURL as string;
  const hlsUrl = async (StreamName = 'cam-1') =>
    (await clients.media.send(new GetHLSStreamingSessionURLCommand({ StreamName })))
      .HLSStreamingSessionURL as string;
  const sibling = (sessionUrl: string, file: string) => {
    const url = new URL(sessionUrl);
    url.pathname = url.pathname.replace(/[^/]+$/, file);
    return url.toString();
  };
  async function kvsErrorOf(response: Response) {
    return {
      status: response.status,
      type: response.headers.get('x-amzn-errortype')?.split(':')[0],
      body: (await response.json()) as { message: string },
    };
  }

  describe('media requests', () => {
    it('hands a request with a valid token to the media hook, with the session and the path', async () => {
      const url = await dashUrl();
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
      expect(served.at(-1)).toEqual({
        path: '/dash/v1/getDASHManifest.mpd',
        session: expect.objectContaining({ streamName: 'cam-1', protocol: 'DASH', token: tokenOf(url) }),
      });
    });

    it('meters the bytes the hook reports, per stream and per KVS metric', async () => {
      const before = emu.stats();
      await (await fetch(sibling(await dashUrl('cam-2'), 'getMP4MediaFragment.mp4'))).arrayBuffer();
      await (await fetch(sibling(await hlsUrl('cam-2'), 'getTSFragment.ts'))).arrayBuffer();
      const after = emu.stats();
      expect((after.outgoingBytes['cam-2'] ?? 0) - (before.outgoingBytes['cam-2'] ?? 0)).toBe(2468);
      expect(after.outgoingBytesByMetric['cam-2']).toEqual({
        'GetMP4MediaFragment.OutgoingBytes':
          (before.outgoingBytesByMetric['cam-2']?.['GetMP4MediaFragment.OutgoingBytes'] ?? 0) + 1234,
        'GetTSFragment.OutgoingBytes':
          (before.outgoingBytesByMetric['cam-2']?.['GetTSFragment.OutgoingBytes'] ?? 0) + 1234,
      });
      expect(after.requests.GetMP4MediaFragment).toBeGreaterThanOrEqual(1);
      expect(after.requests.GetTSFragment).toBeGreaterThanOrEqual(1);
      expect(() => emu.recordOutgoingBytes('cam-2', 1, 'GetFoo.OutgoingBytes' as never)).toThrow(TypeError);
    });

    it('answers an expired token with 403 NotAuthorizedException, as KVS does, without calling the hook', async () => {
      const url = await dashUrl('cam-1', 300);
      const count = served.length;
      clock.advance(300_000);
      try {
        expect(await kvsErrorOf(await fetch(url))).toEqual({
          status: 403,
          type: 'NotAuthorizedException',
          body: { message: 'Streaming session token is expired' },
        });
      } finally {
        clock.advance(-300_000);
      }
      expect(served.length).toBe(count);
    });

    it.each([
      [
        'a tampered token',
        (url: string) => url.replace(/SessionToken=./, 'SessionToken=X'),
        403,
        'NotAuthorizedException',
        /not valid/,
      ],
      [
        'a token from another emulator',
        async () =>
          (
            await clientsFor(bare).media.send(new GetDASHStreamingSessionURLCommand({ StreamName: 'cam-1' }))
          ).DASHStreamingSessionURL?.replace(bare.endpoint, emu.endpoint) as string,
        403,
        'NotAuthorizedException',
        /not valid/,
      ],
      [
        'no token',
        (url: string) => url.replace(/\?.*$/, ''),
        400,
        'InvalidArgumentException',
        /sessionToken/,
      ],
      [
        'a DASH token on an HLS URL',
        (url: string) => url.replace('/dash/v1/getDASHManifest.mpd', '/hls/v1/getHLSMasterPlaylist.m3u8'),
        403,
        'NotAuthorizedException',
        /issued for DASH, not HLS/,
      ],
    ])('answers %s with %i %s', async (_case, makeUrl, status, type, message) => {
      const count = served.length;
      const error = await kvsErrorOf(await fetch(await makeUrl(await dashUrl())));
      expect(error).toMatchObject({ status, type });
      expect(error.body.message).toMatch(message);
      expect(served.length).toBe(count);
    });

    it('answers 404 ResourceNotFoundException once the stream is gone', async () => {
      emu.putStream({ name: 'cam-gone' });
      const url = await dashUrl('cam-gone');
      emu.deleteStream('cam-gone');
      expect(await kvsErrorOf(await fetch(url))).toMatchObject({
        status: 404,
        type: 'ResourceNotFoundException',
      });
    });

    it('answers 500 InternalFailure when the hook throws before answering', async () => {
      const error = await kvsErrorOf(await fetch(sibling(await dashUrl(), 'boom')));
      expect(error).toMatchObject({ status: 500, type: 'InternalFailure' });
    });

    it('answers CORS preflights', async () => {
      const response = await fetch(await dashUrl(), { method: 'OPTIONS' });
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
    });

    it('answers 501 when no media hook is configured', async () => {
      const url = (
        await clientsFor(bare).media.send(new GetHLSStreamingSessionURLCommand({ StreamName: 'cam-1' }))
      ).HLSStreamingSessionURL as string;
      const error = await kvsErrorOf(await fetch(url));
      expect(error).toMatchObject({ status: 501, type: 'NotImplemented' });
      expect(error.body.message).toMatch(/media hook/);
    });

    it('never logs the session token', async () => {
      const url = await dashUrl();
      await (await fetch(url)).arrayBuffer();
      const token = tokenOf(url);
      expect(logLines.length).toBeGreaterThan(0);
      expect(logLines.some((l) => JSON.stringify(l).includes(token))).toBe(false);
      expect(logLines).toContainEqual(
        expect.objectContaining({
          operation: 'GetDASHManifest',
          path: '/dash/v1/getDASHManifest.mpd',
          stream: 'cam-1',
          status: 200,
        }),
      );
    });
  });

  describe('a malformed request target', () => {
    it('gets a 400 and leaves the emulator up, without logging the target', async () => {
      const { connect } = await import('node:net');
      const raw = await new Promise<string>((resolve, reject) => {
        const socket = connect(emu.port, '127.0.0.1', () => {
          socket.write(
            'GET //[x/dash/v1/getDASHManifest.mpd?SessionToken=SECRET-TOKEN HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
          );
        });
        let data = '';
        socket.on('data', (chunk) => (data += chunk.toString()));
        socket.on('end', () => resolve(data));
        socket.on('error', reject);
      });
      expect(raw).toMatch(/^HTTP\/1\.1 400 /);
      expect(raw).toContain('InvalidArgumentException');
      expect(JSON.stringify(logLines)).not.toContain('SECRET-TOKEN');
      const response = await fetch(`${emu.endpoint}/describeStream`, {
        method: 'POST',
        headers: { authorization: SIGNED, 'content-type': 'application/json' },
        body: JSON.stringify({ StreamName: 'cam-1' }),
      });
      expect(response.status).toBe(200);
    });
  });

  describe('API wire format', () => {
    it('writes errors as KVS does: status, x-amzn-ErrorType, JSON { message }', async () => {
      const response = await fetch(`${emu.endpoint}/describeStream`, {
        method: 'POST',
        headers: { authorization: SIGNED, 'content-type': 'application/json' },
        body: JSON.stringify({ StreamName: 'cam-nope' }),
      });
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(response.headers.get('x-amzn-errortype')).toMatch(/^ResourceNotFoundException:/);
      expect(await response.json()).toEqual({
        message: 'The requested stream cam-nope is not found or not active.',
      });
    });

    it.each([
      [
        'an operation it does not implement',
        'POST',
        '/createStream',
        SIGNED,
        '{}',
        404,
        'UnknownOperationException',
      ],
      ['a GET on an API path', 'GET', '/describeStream', SIGNED, undefined, 404, 'UnknownOperationException'],
      [
        'an unsigned request',
        'POST',
        '/describeStream',
        undefined,
        '{"StreamName":"cam-1"}',
        403,
        'MissingAuthenticationTokenException',
      ],
      [
        'a body that is not JSON',
        'POST',
        '/describeStream',
        SIGNED,
        '{"StreamName":',
        400,
        'SerializationException',
      ],
      [
        'a member of the wrong JSON type',
        'POST',
        '/getDASHStreamingSessionURL',
        SIGNED,
        '{"StreamName":"cam-1","Expires":"300"}',
        400,
        'SerializationException',
      ],
    ])('answers %s', async (_case, method, path, authorization, body, status, type) => {
      const response = await fetch(`${emu.endpoint}${path}`, {
        method,
        headers: authorization === undefined ? {} : { authorization },
        body,
      });
      const error = await kvsErrorOf(response);
      expect(error).toMatchObject({ status, type });
      expect(error.body.message.length).toBeGreaterThan(10);
    });

    it('refuses a client signing for another region, as AWS does', async () => {
      const client = new KinesisVideoClient({
        endpoint: emu.endpoint,
        region: 'eu-west-1',
        credentials,
        maxAttempts: 1,
      });
      const err = await errorOf(client.send(new DescribeStreamCommand({ StreamName: 'cam-1' })));
      expect(err).toMatchObject({ name: 'InvalidSignatureException', status: 403 });
      expect(err.message).toMatch(/eu-west-1/);
    });

    it('counts requests per operation', async () => {
      const before = emu.stats().requests.DescribeStream ?? 0;
      await clients.kvs.send(new DescribeStreamCommand({ StreamName: 'cam-1' }));
      await errorOf(clients.kvs.send(new DescribeStreamCommand({ StreamName: 'cam-nope' })));
      const after = emu.stats();
      expect((after.requests.DescribeStream ?? 0) - before).toBe(2);
      expect(after.errors.ResourceNotFoundException).toBeGreaterThanOrEqual(1);
    });
  });
});
