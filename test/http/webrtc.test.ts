// POST /v1/streams/{streamName}/webrtc end to end over HTTP: local API Gateway -> real authorizer -> real broker ->
// real SDK clients (DescribeSignalingChannel, GetSignalingChannelEndpoint, GetIceServerConfig) -> KVS emulator,
// whose ConnectAsViewer WebSocket then checks the signed URL as KVS does. One broker per test, clock fixed at T0.
import { describe, expect, it } from '@jest/globals';
import { createBrokerClient } from '../../client/index';
import { brokerPerTest, type BrokerFixture, type HttpResult } from '../support/broker-fixture';
import { devIssuerConfig } from '../support/local-broker';
import { openStatus } from '../support/outcomes';

const config = (webrtc: object | undefined) => (baseUrl: string) => ({
  issuers: [devIssuerConfig(baseUrl)],
  streams: ['cam-*'],
  ...(webrtc ? { webrtc } : {}),
  api: { authorizerCacheTtlSeconds: 0, throttlingRateLimit: 1000, throttlingBurstLimit: 1000 },
  local: { streams: [{ name: 'cam-1' }, { name: 'cam-2' }, { name: 'other-1' }], enforceQuotas: false },
});
const fixture = brokerPerTest({ config: config({ channelName: 'ch-{stream}' }) });

async function postWebrtc(
  f: BrokerFixture,
  stream: string,
  token: string,
  body?: unknown,
): Promise<HttpResult> {
  const res = await fetch(`${f.broker.url}/v1/streams/${stream}/webrtc`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await res.json()) as HttpResult['json'];
  // The signed URL and its signature must never reach a log line (checked after each test).
  if (typeof json.signalingUrl === 'string') {
    f.remember(json.signalingUrl);
    f.remember(new URL(json.signalingUrl).searchParams.get('X-Amz-Signature')!);
  }
  const headers: Record<string, string> = {};
  res.headers.forEach((value, key) => (headers[key] = value));
  return { status: res.status, headers, json };
}

describe('POST /v1/streams/{streamName}/webrtc', () => {
  it("answers the viewer's signed connection for the mapped channel; the URL opens the channel's WebSocket", async () => {
    const f = fixture();
    const res = await postWebrtc(f, 'cam-1', await f.mint([{ stream: 'cam-*', modes: ['WEBRTC'] }]));
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json).toEqual({
      protocol: 'WEBRTC',
      streamName: 'cam-1',
      channelArn: f.broker.emulator.channel('ch-cam-1')!.arn,
      clientId: expect.stringMatching(/^v-[A-Za-z0-9_-]{16}-[A-Za-z0-9]{1,12}$/),
      signalingUrl: expect.stringMatching(
        /^ws:\/\/127\.0\.0\.1:\d+\/\?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-ChannelARN=/,
      ),
      iceServers: [
        {
          urls: [expect.stringMatching(/^turn:/)],
          username: expect.any(String),
          credential: expect.any(String),
        },
      ],
      expiresAt: '2026-11-25T10:05:00.000Z',
      expiresInSeconds: 300,
    });
    const url = new URL(res.json.signalingUrl as string);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(url.searchParams.get('X-Amz-ClientId')).toBe(res.json.clientId);
    expect(await openStatus(url.href)).toBe(101);
    const audit = f.audit(res.headers['x-amzn-requestid']).filter((l) => l.message === 'webrtc decision');
    expect(audit).toEqual([
      expect.objectContaining({
        stream: 'cam-1',
        protocol: 'WEBRTC',
        playbackMode: 'WEBRTC',
        outcome: 'GRANTED',
        expiresInSeconds: 300,
      }),
    ]);
  });

  it('refuses a tampered URL, and the URL once expired, at the WebSocket (403)', async () => {
    const f = fixture();
    const res = await postWebrtc(f, 'cam-1', await f.mint([{ stream: 'cam-1', modes: ['WEBRTC'] }]), {
      clientId: 'door-1',
    });
    const url = new URL(res.json.signalingUrl as string);
    url.searchParams.set('X-Amz-ClientId', 'door-2');
    expect(await openStatus(url.href)).toBe(403);
    f.clock.advance(300_001);
    expect(await openStatus(res.json.signalingUrl as string)).toBe(403);
  });

  it("never signs past the token's exp, nor past the grant's cap", async () => {
    const f = fixture();
    const short = await postWebrtc(
      f,
      'cam-1',
      await f.mint([{ stream: 'cam-1', modes: ['WEBRTC'] }], { expiresInSeconds: 90 }),
    );
    expect(short.json).toMatchObject({ expiresInSeconds: 90, expiresAt: '2026-11-25T10:01:30.000Z' });
    expect(new URL(short.json.signalingUrl as string).searchParams.get('X-Amz-Expires')).toBe('90');
    const capped = await postWebrtc(
      f,
      'cam-1',
      await f.mint([{ stream: 'cam-1', modes: ['WEBRTC'], maxExpiresSeconds: 60 }]),
    );
    expect(capped.json.expiresInSeconds).toBe(60);
  });

  it('refuses a grant without WEBRTC (403 at the gateway), one outside its window (403, audited), a reserved client id (400), a stream outside config streams', async () => {
    const f = fixture();
    const live = await postWebrtc(f, 'cam-1', await f.mint([{ stream: 'cam-1', modes: ['LIVE'] }]));
    expect(live).toMatchObject({ status: 403, json: { error: { code: 'FORBIDDEN' } } });
    // The authorizer's policy lists the WebRTC route only for WEBRTC grants: API Gateway refuses, no broker line.
    expect(f.audit(live.headers['x-amzn-requestid'])).toEqual([]);
    const later = await f.mint([{ stream: 'cam-1', modes: ['WEBRTC'], from: f.clock.nowS() + 60 }]);
    const early = await postWebrtc(f, 'cam-1', later);
    expect(early).toMatchObject({ status: 403, json: { error: { code: 'FORBIDDEN' } } });
    expect(f.audit(early.headers['x-amzn-requestid'])).toEqual([
      expect.objectContaining({
        outcome: 'DENIED',
        reason: 'OUTSIDE_WINDOW',
        protocol: 'WEBRTC',
        stream: 'cam-1',
      }),
    ]);
    const token = await f.mint([{ stream: '*', modes: ['WEBRTC'] }]);
    expect((await postWebrtc(f, 'cam-1', token, { clientId: 'AWS_x' })).json.error?.code).toBe(
      'INVALID_REQUEST',
    );
    expect((await postWebrtc(f, 'cam-1', token, { other: 1 })).json.error?.code).toBe('INVALID_REQUEST');
    expect((await postWebrtc(f, 'other-1', token)).json.error?.code).toBe('FORBIDDEN');
  });

  it('is served by the typed client: webrtc(stream) answers the signed connection', async () => {
    const f = fixture();
    const client = createBrokerClient({
      baseUrl: f.broker.url,
      token: await f.mint([{ stream: 'cam-2', modes: ['WEBRTC'] }]),
    });
    const answer = await client.webrtc('cam-2', { clientId: 'tablet-1' });
    f.remember(answer.signalingUrl);
    f.remember(new URL(answer.signalingUrl).searchParams.get('X-Amz-Signature')!);
    expect(answer).toMatchObject({ protocol: 'WEBRTC', streamName: 'cam-2', clientId: 'tablet-1' });
    expect(await openStatus(answer.signalingUrl)).toBe(101);
  });

  it('lists WEBRTC among the modes discovery answers', async () => {
    const f = fixture();
    const res = await f.get('/v1/streams', await f.mint([{ stream: 'cam-1', modes: ['LIVE', 'WEBRTC'] }]));
    expect(res.json.streams).toEqual([
      { streamName: 'cam-1', modes: ['LIVE', 'WEBRTC'], protocols: ['DASH', 'HLS'] },
    ]);
  });
});

describe('without config webrtc', () => {
  const plain = brokerPerTest({ config: config(undefined) });
  it('answers 404 NOT_FOUND whatever the token grants', async () => {
    const f = plain();
    const res = await postWebrtc(f, 'cam-1', await f.mint([{ stream: '*', modes: ['WEBRTC'] }]));
    expect(res).toMatchObject({ status: 404, json: { error: { code: 'NOT_FOUND' } } });
  });
});
