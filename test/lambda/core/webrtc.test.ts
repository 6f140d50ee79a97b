// WebRTC viewer rules (docs/api.md, POST /v1/streams/{streamName}/webrtc): request, decision and expiry, mapping.
import { describe, expect, it } from '@jest/globals';
import { grantsFromScopes, type Grant } from '../../../lambda/core/grants';
import {
  channelNameFor,
  decideWebrtc,
  defaultClientId,
  iceServersOf,
  parseWebrtcRequest,
  WEBRTC_MAX_URL_SECONDS,
} from '../../../lambda/core/webrtc';

const NOW = Date.UTC(2026, 10, 25, 10);
const HOUR = 3_600_000;
const grant = (g: Partial<Grant>): Grant => ({
  stream: 'cam-1',
  modes: ['WEBRTC'],
  protocols: ['DASH', 'HLS'],
  ...g,
});

describe('parseWebrtcRequest', () => {
  it('takes an empty body or a client id of KVS pattern (ConnectAsViewer X-Amz-ClientId), never AWS_', () => {
    expect(parseWebrtcRequest('cam-1', undefined)).toEqual({ streamName: 'cam-1' });
    expect(parseWebrtcRequest('cam-1', { clientId: 'door.1_a-b' })).toEqual({
      streamName: 'cam-1',
      clientId: 'door.1_a-b',
    });
    for (const clientId of ['AWS_x', 'aws_x', '', 'a b', 'x'.repeat(257), 7])
      expect(() => parseWebrtcRequest('cam-1', { clientId })).toThrow('clientId');
    expect(() => parseWebrtcRequest('cam-1', { clientId: 'a', extra: 1 })).toThrow('extra: unknown field');
    expect(() => parseWebrtcRequest('cam-1', [])).toThrow('body');
    expect(() => parseWebrtcRequest('cam 1', undefined)).toThrow('streamName');
  });

  it('takes a viewerId for seats, with the session route rule and message', () => {
    expect(parseWebrtcRequest('cam-1', { viewerId: 'door:1', clientId: 'c' })).toEqual({
      streamName: 'cam-1',
      clientId: 'c',
      viewerId: 'door:1',
    });
    for (const viewerId of ['*', '', 'x'.repeat(129), 7])
      expect(() => parseWebrtcRequest('cam-1', { viewerId })).toThrow(
        'viewerId: must be 1 to 128 of a-z, A-Z, 0-9, _ . : -',
      );
  });
});

describe('decideWebrtc', () => {
  it(`signs for ${WEBRTC_MAX_URL_SECONDS} s at most, never past the token's exp, the grant's cap or its window`, () => {
    expect(decideWebrtc([grant({})], 'cam-1', NOW, NOW + HOUR)).toEqual({
      allowed: true,
      expiresInSeconds: 300,
      expiresAtMs: NOW + 300_000,
    });
    expect(decideWebrtc([grant({})], 'cam-1', NOW, NOW + 42_500)).toMatchObject({ expiresInSeconds: 42 });
    expect(decideWebrtc([grant({ maxExpiresSeconds: 30 })], 'cam-1', NOW, NOW + HOUR)).toMatchObject({
      expiresInSeconds: 30,
    });
    expect(decideWebrtc([grant({ to: NOW / 1000 + 10 })], 'cam-1', NOW, NOW + HOUR)).toMatchObject({
      expiresInSeconds: 10,
    });
  });

  it('takes the longest of the grants that allow it', () => {
    const grants = [grant({ maxExpiresSeconds: 30 }), grant({ stream: 'cam-*', maxExpiresSeconds: 120 })];
    expect(decideWebrtc(grants, 'cam-1', NOW, NOW + HOUR)).toMatchObject({ expiresInSeconds: 120 });
  });

  it('refuses without a grant on the stream, without mode WEBRTC, outside the window, or with under 1 s of token left', () => {
    expect(decideWebrtc([grant({ stream: 'cam-2' })], 'cam-1', NOW, NOW + HOUR)).toEqual({
      allowed: false,
      reason: 'NO_GRANT_FOR_STREAM',
    });
    expect(decideWebrtc([grant({ modes: ['LIVE'] })], 'cam-1', NOW, NOW + HOUR)).toEqual({
      allowed: false,
      reason: 'MODE_NOT_GRANTED',
    });
    expect(decideWebrtc([grant({ from: NOW / 1000 + 1 })], 'cam-1', NOW, NOW + HOUR)).toEqual({
      allowed: false,
      reason: 'OUTSIDE_WINDOW',
    });
    expect(decideWebrtc([grant({ to: NOW / 1000 })], 'cam-1', NOW, NOW + HOUR)).toEqual({
      allowed: false,
      reason: 'OUTSIDE_WINDOW',
    });
    expect(decideWebrtc([grant({})], 'cam-1', NOW, NOW + 999)).toEqual({
      allowed: false,
      reason: 'OUTSIDE_WINDOW',
    });
  });

  it('reads WEBRTC from scopes (kvs:WEBRTC:<stream>)', () => {
    const { grants } = grantsFromScopes('kvs:WEBRTC:cam-* kvs:LIVE:cam-1', undefined, 'kvs');
    expect(decideWebrtc(grants, 'cam-1', NOW, NOW + HOUR)).toMatchObject({ allowed: true });
  });
});

describe('mapping and ids', () => {
  it('maps a stream to its channel through the template', () => {
    expect(channelNameFor('{stream}', 'cam-1')).toBe('cam-1');
    expect(channelNameFor('rtc-{stream}-{stream}', 'cam-1')).toBe('rtc-cam-1-cam-1');
    expect(channelNameFor('lobby', 'cam-1')).toBe('lobby');
  });

  it('derives a client id per caller and request that names neither and fits KVS pattern', () => {
    const id = defaultClientId('https://idp/', 'alice@example.com', '0f1e2d3c-aaaa-bbbb');
    expect(id).toMatch(/^v-[A-Za-z0-9_-]{16}-0f1e2d3caaaa$/);
    expect(id).not.toContain('alice');
    expect(defaultClientId('https://idp/', 'bob', '0f1e2d3c-aaaa-bbbb')).not.toBe(id);
    expect(defaultClientId('https://idp/', 'alice@example.com', '--')).toMatch(/-0$/);
  });

  it("gives GetIceServerConfig's servers RTCIceServer's shape, STUN first", () => {
    expect(iceServersOf([{ Uris: ['turn:a'], Username: 'u', Password: 'p' }], 'stun:s')).toEqual([
      { urls: ['stun:s'] },
      { urls: ['turn:a'], username: 'u', credential: 'p' },
    ]);
    expect(iceServersOf([{}])).toEqual([{ urls: [] }]);
  });
});
