// The broker's ConnectAsViewer URL is the one the KVS WebRTC JS SDK's own SigV4RequestSigner makes
// (amazon-kinesis-video-streams-webrtc lib/SigV4RequestSigner.js, which signs for 299 s) for the same inputs:
// same canonical query, same signature, so KVS accepts it as it accepts the SDK's.
import { describe, expect, it } from '@jest/globals';
import { SigV4RequestSigner } from 'amazon-kinesis-video-streams-webrtc';
import { rfc3986, signViewerUrl } from '../../../lambda/kvs/signaling-url';

const input = {
  endpoint: 'wss://v-1a2b3c4d.kinesisvideo.eu-west-1.amazonaws.com',
  channelArn: 'arn:aws:kinesisvideo:eu-west-1:123456789012:channel/door-1/1700000000000',
  clientId: 'v-abc',
  region: 'eu-west-1',
  signingDate: new Date('2026-11-25T10:00:00Z'),
};

describe('signViewerUrl', () => {
  it.each([
    ['long-term keys', { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }],
    [
      'a role session (token signed in the query)',
      { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 's', sessionToken: 'tok/en+=' },
    ],
  ])('equals the KVS WebRTC JS SDK signer output, with %s', async (_name, credentials) => {
    const ours = await signViewerUrl({ ...input, credentials, expiresInSeconds: 299 });
    const sdk = await new SigV4RequestSigner(input.region, credentials).getSignedURL(
      input.endpoint,
      { 'X-Amz-ChannelARN': input.channelArn, 'X-Amz-ClientId': input.clientId },
      input.signingDate,
    );
    expect(new URL(ours).searchParams.get('X-Amz-Signature')).toBe(
      new URL(sdk).searchParams.get('X-Amz-Signature'),
    );
    expect([...new URL(ours).searchParams].sort()).toEqual([...new URL(sdk).searchParams].sort());
  });

  it('carries the expiry it was given and the kinesisvideo scope', async () => {
    const url = new URL(
      await signViewerUrl({
        ...input,
        credentials: { accessKeyId: 'AK', secretAccessKey: 's' },
        expiresInSeconds: 42,
      }),
    );
    expect(url.searchParams.get('X-Amz-Expires')).toBe('42');
    expect(url.searchParams.get('X-Amz-Credential')).toBe('AK/20261125/eu-west-1/kinesisvideo/aws4_request');
  });

  it.each([
    ['the KVS endpoint', input.endpoint],
    ['an endpoint with a port and a path', 'wss://127.0.0.1:4566/signal'],
  ])('is, character for character, the URL the SDK signer makes for %s', async (_name, endpoint) => {
    const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
    const ours = await signViewerUrl({ ...input, endpoint, credentials, expiresInSeconds: 299 });
    const sdk = await new SigV4RequestSigner(input.region, credentials).getSignedURL(
      endpoint,
      { 'X-Amz-ChannelARN': input.channelArn, 'X-Amz-ClientId': input.clientId },
      input.signingDate,
    );
    // the query in SigV4's canonical order (sorted by name), as it was signed
    expect(ours).toBe(sdk);
  });
});

describe('rfc3986', () => {
  it("encodes what encodeURIComponent leaves (!'()*) as SigV4's canonical query does, in upper-case hex", () => {
    expect(rfc3986("a!b'c(d)e*f g/h=")).toBe('a%21b%27c%28d%29e%2Af%20g%2Fh%3D');
  });
});
