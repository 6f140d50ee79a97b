// The emulator's signaling channels: the control plane through the real SDK clients, and the ConnectAsViewer
// WebSocket checked and relayed as the KVS WebRTC developer guide describes it ("ConnectAsViewer", "SendSdpOffer",
// "Asynchronous message reception"), with URLs signed by the KVS WebRTC JS SDK's own SigV4RequestSigner
// (amazon-kinesis-video-streams-webrtc lib/SigV4RequestSigner.js) and by the broker's signer.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  DescribeSignalingChannelCommand,
  GetSignalingChannelEndpointCommand,
} from '@aws-sdk/client-kinesis-video';
import {
  GetIceServerConfigCommand,
  KinesisVideoSignalingClient,
} from '@aws-sdk/client-kinesis-video-signaling';
import { SigV4RequestSigner } from 'amazon-kinesis-video-streams-webrtc';
import { WebSocket } from 'ws';
import {
  EMULATOR_CREDENTIALS,
  startKvsEmulator,
  type KvsEmulator,
  type ToMaster,
} from '../../../local/emulator/index';
import { signViewerUrl } from '../../../lambda/kvs/signaling-url';
import { NOW, clientsFor, errorOf, manualClock } from './support';

const clock = manualClock(NOW);
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64');

/** Opens a WebSocket; resolves with it once open, or with the refusal's status. */
function connect(url: string): Promise<{ ws?: WebSocket; status?: number; type?: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode, type: String(res.headers['x-amzn-errortype']) });
      ws.terminate();
    });
    ws.once('error', () => resolve({}));
  });
}

const nextMessage = (ws: WebSocket) =>
  new Promise<Record<string, unknown>>((resolve) =>
    ws.once('message', (d) => resolve(JSON.parse(String(d)))),
  );

describe('KVS emulator signaling channels', () => {
  let emu: KvsEmulator;
  let wsEndpoint: string;
  let arn: string;
  const received: ToMaster[] = [];
  let sendFromMaster: (recipientClientId: string, messagePayload: string) => void = () => undefined;

  beforeAll(async () => {
    emu = await startKvsEmulator({
      streams: [{ name: 'cam-1' }],
      channels: [{ name: 'cam-1' }],
      now: clock.now,
      enforceQuotas: false,
      master: (_channel, send) => {
        sendFromMaster = (recipientClientId, messagePayload) =>
          send({ action: 'SDP_ANSWER', recipientClientId, messagePayload });
        return { receive: (m) => received.push(m), viewerLeft: () => undefined, close: () => undefined };
      },
    });
    arn = emu.channel('cam-1')!.arn;
    wsEndpoint = emu.endpoint.replace('http', 'ws');
  });
  afterAll(() => emu.close());

  /** The KVS WebRTC JS SDK signs only wss:// endpoints; the signature does not cover the scheme. */
  const sdkSigned = async (query: Record<string, string>, region = 'us-east-1') =>
    (
      await new SigV4RequestSigner(region, EMULATOR_CREDENTIALS).getSignedURL(
        wsEndpoint.replace('ws:', 'wss:'),
        query,
        new Date(clock.now()),
      )
    ).replace('wss:', 'ws:');
  const brokerSigned = (clientId: string, expiresInSeconds = 300) =>
    signViewerUrl({
      endpoint: wsEndpoint,
      channelArn: arn,
      clientId,
      region: 'us-east-1',
      credentials: EMULATOR_CREDENTIALS,
      expiresInSeconds,
      signingDate: new Date(clock.now()),
    });

  describe('control plane, through the real SDK clients', () => {
    it('DescribeSignalingChannel answers a SINGLE_MASTER channel by name or ARN, 404 otherwise', async () => {
      const { kvs } = clientsFor(emu);
      const byName = await kvs.send(new DescribeSignalingChannelCommand({ ChannelName: 'cam-1' }));
      expect(byName.ChannelInfo).toMatchObject({
        ChannelARN: arn,
        ChannelType: 'SINGLE_MASTER',
        ChannelStatus: 'ACTIVE',
      });
      expect(arn).toMatch(/^arn:aws:kinesisvideo:us-east-1:123456789012:channel\/cam-1\/\d+$/);
      const byArn = await kvs.send(new DescribeSignalingChannelCommand({ ChannelARN: arn }));
      expect(byArn.ChannelInfo?.ChannelName).toBe('cam-1');
      expect(
        (await errorOf(kvs.send(new DescribeSignalingChannelCommand({ ChannelName: 'nope' })))).name,
      ).toBe('ResourceNotFoundException');
    });

    it('GetSignalingChannelEndpoint names a WSS and an HTTPS endpoint for role VIEWER', async () => {
      const { kvs } = clientsFor(emu);
      const out = await kvs.send(
        new GetSignalingChannelEndpointCommand({
          ChannelARN: arn,
          SingleMasterChannelEndpointConfiguration: { Protocols: ['WSS', 'HTTPS'], Role: 'VIEWER' },
        }),
      );
      expect(out.ResourceEndpointList).toEqual([
        { Protocol: 'WSS', ResourceEndpoint: wsEndpoint },
        { Protocol: 'HTTPS', ResourceEndpoint: emu.endpoint },
      ]);
    });

    it('GetSignalingChannelEndpoint takes 1..5 Protocols (KVS API reference, SingleMasterChannelEndpointConfiguration)', async () => {
      const { kvs } = clientsFor(emu);
      const ask = (Protocols: ('WSS' | 'HTTPS')[]) =>
        kvs.send(
          new GetSignalingChannelEndpointCommand({
            ChannelARN: arn,
            SingleMasterChannelEndpointConfiguration: { Protocols, Role: 'VIEWER' },
          }),
        );
      for (const protocols of [[], Array<'WSS'>(6).fill('WSS')])
        expect(await errorOf(ask(protocols))).toMatchObject({
          name: 'InvalidArgumentException',
          message: expect.stringMatching(
            /^1 validation error detected: .*protocols.* Member must have length/,
          ),
        });
      expect((await ask(['HTTPS'])).ResourceEndpointList).toEqual([
        { Protocol: 'HTTPS', ResourceEndpoint: emu.endpoint },
      ]);
    });

    it("names a MASTER's WSS endpoint apart from a VIEWER's (the role decides what it may do): no ConnectAsViewer there", async () => {
      const { kvs } = clientsFor(emu);
      const out = await kvs.send(
        new GetSignalingChannelEndpointCommand({
          ChannelARN: arn,
          SingleMasterChannelEndpointConfiguration: { Protocols: ['WSS'], Role: 'MASTER' },
        }),
      );
      const master = out.ResourceEndpointList![0]!.ResourceEndpoint!;
      expect(master).toBe(`${wsEndpoint}/master`);
      const url = await signViewerUrl({
        endpoint: master,
        channelArn: arn,
        clientId: 'viewer-on-master',
        region: 'us-east-1',
        credentials: EMULATOR_CREDENTIALS,
        expiresInSeconds: 300,
        signingDate: new Date(clock.now()),
      });
      expect(await connect(url)).toMatchObject({ status: 403, type: 'AccessDeniedException' });
    });

    it('refuses a channel config with an unknown fault or a negative latencyMs (a programming error)', async () => {
      const start = (channel: object) => startKvsEmulator({ streams: [], channels: [channel as never] });
      await expect(start({ name: 'c', fault: 'NoSuchFault' })).rejects.toThrow(/fault must be one of/);
      await expect(start({ name: 'c', latencyMs: -1 })).rejects.toThrow(/latencyMs must be >= 0/);
    });

    it('GetIceServerConfig on the HTTPS endpoint answers TURN servers with credentials and a TTL', async () => {
      const signaling = new KinesisVideoSignalingClient({
        endpoint: emu.endpoint,
        region: 'us-east-1',
        credentials: EMULATOR_CREDENTIALS,
        maxAttempts: 1,
      });
      const out = await signaling.send(
        new GetIceServerConfigCommand({ ChannelARN: arn, ClientId: 'viewer-1' }),
      );
      expect(out.IceServerList).toHaveLength(1);
      expect(out.IceServerList![0]).toMatchObject({ Ttl: 300, Uris: [expect.stringMatching(/^turn:/)] });
      expect(out.IceServerList![0]!.Username).toEqual(expect.any(String));
      expect(out.IceServerList![0]!.Password).toEqual(expect.any(String));
    });
  });

  describe('ConnectAsViewer checks what KVS checks', () => {
    it('opens for a URL the KVS WebRTC JS SDK signed, and for the same URL from the broker signer', async () => {
      const sdk = await connect(await sdkSigned({ 'X-Amz-ChannelARN': arn, 'X-Amz-ClientId': 'viewer-sdk' }));
      expect(sdk.ws).toBeDefined();
      sdk.ws!.close();
      const broker = await connect(await brokerSigned('viewer-broker'));
      expect(broker.ws).toBeDefined();
      broker.ws!.close();
    });

    it('refuses a tampered signature, a changed client id or channel, and another region scope (403)', async () => {
      const url = new URL(await brokerSigned('viewer-1'));
      const sig = url.searchParams.get('X-Amz-Signature')!;
      const tampered = new URL(url);
      tampered.searchParams.set('X-Amz-Signature', `${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}`);
      expect(await connect(tampered.href)).toMatchObject({ status: 403, type: 'AccessDeniedException' });
      const otherClient = new URL(url);
      otherClient.searchParams.set('X-Amz-ClientId', 'viewer-2');
      expect((await connect(otherClient.href)).status).toBe(403);
      const extra = new URL(url);
      extra.searchParams.set('X-Amz-Extra', '1');
      expect((await connect(extra.href)).status).toBe(403);
      const otherRegion = await sdkSigned({ 'X-Amz-ChannelARN': arn, 'X-Amz-ClientId': 'v' }, 'eu-west-1');
      expect((await connect(otherRegion)).status).toBe(403);
    });

    it('refuses a URL once X-Amz-Date + X-Amz-Expires has passed', async () => {
      const url = await brokerSigned('viewer-late', 60);
      clock.advance(60_000);
      expect((await connect(url)).ws).toBeDefined();
      clock.advance(1000);
      expect(await connect(url)).toMatchObject({ status: 403, type: 'AccessDeniedException' });
    });

    it('refuses a client id starting AWS_ (400) and a channel that does not exist (404)', async () => {
      const reserved = await sdkSigned({ 'X-Amz-ChannelARN': arn, 'X-Amz-ClientId': 'aws_viewer' });
      expect(await connect(reserved)).toMatchObject({ status: 400, type: 'InvalidArgumentException' });
      const missing = await sdkSigned({
        'X-Amz-ChannelARN': arn.replace('cam-1', 'cam-9'),
        'X-Amz-ClientId': 'v',
      });
      expect(await connect(missing)).toMatchObject({ status: 404, type: 'ResourceNotFoundException' });
    });
  });

  describe('relay in KVS message format', () => {
    it('delivers a viewer offer to the master with senderClientId, and the master answer to that viewer', async () => {
      const { ws } = await connect(await brokerSigned('viewer-relay'));
      const offer = b64({ type: 'offer', sdp: 'v=0' });
      // A viewer's recipientClientId is ignored (SendSdpOffer).
      ws!.send(JSON.stringify({ action: 'SDP_OFFER', messagePayload: offer, recipientClientId: 'someone' }));
      for (let i = 0; i < 50 && !received.some((m) => m.senderClientId === 'viewer-relay'); i++)
        await new Promise((r) => setImmediate(r));
      expect(received.find((m) => m.senderClientId === 'viewer-relay')).toEqual({
        messageType: 'SDP_OFFER',
        messagePayload: offer,
        senderClientId: 'viewer-relay',
      });
      const answer = b64({ type: 'answer', sdp: 'v=0' });
      const got = nextMessage(ws!);
      sendFromMaster('viewer-relay', answer);
      expect(await got).toEqual({ messageType: 'SDP_ANSWER', messagePayload: answer });
      ws!.close();
    });

    it('answers a malformed message that names a correlationId with a STATUS_RESPONSE', async () => {
      const { ws } = await connect(await brokerSigned('viewer-bad'));
      const got = nextMessage(ws!);
      ws!.send(JSON.stringify({ action: 'GO_AWAY', messagePayload: 'eA==', correlationId: 'c-1' }));
      expect(await got).toMatchObject({
        messageType: 'STATUS_RESPONSE',
        statusResponse: { correlationId: 'c-1', errorType: 'InvalidArgumentException' },
      });
      ws!.close();
    });

    it('lets a newer connection with the same client id take precedence', async () => {
      const first = (await connect(await brokerSigned('viewer-twice'))).ws!;
      const closed = new Promise<number>((r) => first.once('close', (code) => r(code)));
      const second = (await connect(await brokerSigned('viewer-twice'))).ws!;
      expect(await closed).toBe(1000);
      second.close();
    });
  });
});
