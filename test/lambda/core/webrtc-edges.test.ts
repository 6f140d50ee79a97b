// The edges of the WebRTC viewer rules (docs/api.md, POST /v1/streams/{streamName}/webrtc): which bodies are refused
// and with which message, the grant window's two ends, the 1 s floor, the closest miss, and the ICE servers' keys.
import { describe, expect, it } from '@jest/globals';
import { BrokerError } from '../../../lambda/core/errors';
import type { Grant } from '../../../lambda/core/grants';
import { decideWebrtc, iceServersOf, parseWebrtcRequest } from '../../../lambda/core/webrtc';

const NOW = Date.UTC(2026, 10, 25, 10);
const NOW_S = NOW / 1000;
const HOUR = 3_600_000;
const grant = (g: Partial<Grant>): Grant => ({
  stream: 'cam-1',
  modes: ['WEBRTC'],
  protocols: ['HLS'],
  ...g,
});

/** The error parseWebrtcRequest throws for a body, as the fields the JSON error answer carries. */
function refusal(body: unknown): { isBrokerError: boolean; code: string; message: string } {
  try {
    parseWebrtcRequest('cam-1', body);
  } catch (e) {
    const err = e as BrokerError;
    return { isBrokerError: e instanceof BrokerError, code: err.code, message: err.message };
  }
  throw new Error('the body was accepted');
}

describe('parseWebrtcRequest refuses every body that is not a JSON object, with one message', () => {
  it.each([
    ['null', null],
    ['an array', []],
    ['an array with an entry', ['clientId']],
    ['a string', 'clientId'],
    ['an empty string', ''],
    ['a number', 7],
    ['a boolean', true],
  ])('refuses %s as INVALID_REQUEST "body: must be a JSON object"', (_name, body) => {
    expect(refusal(body)).toStrictEqual({
      isBrokerError: true,
      code: 'INVALID_REQUEST',
      message: 'body: must be a JSON object',
    });
  });

  it('names every unknown field, comma separated, as INVALID_REQUEST', () => {
    expect(refusal({ clientId: 'c', b: 1, a: 2 })).toStrictEqual({
      isBrokerError: true,
      code: 'INVALID_REQUEST',
      message: 'b, a: unknown field',
    });
  });

  it('takes an empty object as no body: only the stream name, no optional key', () => {
    expect(parseWebrtcRequest('cam-1', {})).toStrictEqual({ streamName: 'cam-1' });
  });
});

describe('decideWebrtc at the window edges', () => {
  it('allows from the window start itself (now equal to from)', () => {
    expect(decideWebrtc([grant({ from: NOW_S })], 'cam-1', NOW, NOW + HOUR)).toStrictEqual({
      allowed: true,
      expiresInSeconds: 300,
      expiresAtMs: NOW + 300_000,
    });
  });

  it('refuses one millisecond before the window starts', () => {
    expect(decideWebrtc([grant({ from: NOW_S })], 'cam-1', NOW - 1, NOW + HOUR)).toStrictEqual({
      allowed: false,
      reason: 'OUTSIDE_WINDOW',
    });
  });

  it('refuses at the window end itself and after it, and allows 1 s while a second is left', () => {
    for (const nowMs of [NOW, NOW + 1, NOW + HOUR])
      expect(decideWebrtc([grant({ to: NOW_S })], 'cam-1', nowMs, nowMs + HOUR)).toStrictEqual({
        allowed: false,
        reason: 'OUTSIDE_WINDOW',
      });
    expect(decideWebrtc([grant({ to: NOW_S })], 'cam-1', NOW - 1000, NOW + HOUR)).toStrictEqual({
      allowed: true,
      expiresInSeconds: 1,
      expiresAtMs: NOW,
    });
  });

  it('signs for exactly 1 s when the token has 1 s (up to 1.999 s) left: the floor is 1 s, not more', () => {
    for (const left of [1000, 1999])
      expect(decideWebrtc([grant({})], 'cam-1', NOW, NOW + left)).toStrictEqual({
        allowed: true,
        expiresInSeconds: 1,
        expiresAtMs: NOW + 1000,
      });
  });

  it('allows a grant with a window around now, capped by its end', () => {
    const g = grant({ from: NOW_S - 60, to: NOW_S + 60 });
    expect(decideWebrtc([g], 'cam-1', NOW, NOW + HOUR)).toMatchObject({
      allowed: true,
      expiresInSeconds: 60,
    });
  });
});

describe('decideWebrtc names the closest miss, whatever the order of the grants', () => {
  const outside = grant({ from: NOW_S + 60 });
  const liveOnly = grant({ modes: ['LIVE'] });
  const otherStream = grant({ stream: 'cam-2' });

  it.each([
    ['window miss, then mode miss', [outside, liveOnly]],
    ['mode miss, then window miss', [liveOnly, outside]],
    ['other stream, window miss, mode miss', [otherStream, outside, liveOnly]],
  ])('OUTSIDE_WINDOW beats MODE_NOT_GRANTED (%s)', (_name, grants) => {
    expect(decideWebrtc(grants, 'cam-1', NOW, NOW + HOUR)).toStrictEqual({
      allowed: false,
      reason: 'OUTSIDE_WINDOW',
    });
  });

  it('MODE_NOT_GRANTED beats NO_GRANT_FOR_STREAM', () => {
    for (const grants of [
      [otherStream, liveOnly],
      [liveOnly, otherStream],
    ])
      expect(decideWebrtc(grants, 'cam-1', NOW, NOW + HOUR)).toStrictEqual({
        allowed: false,
        reason: 'MODE_NOT_GRANTED',
      });
  });

  it('an expired token after a mode miss is refused as OUTSIDE_WINDOW', () => {
    expect(decideWebrtc([liveOnly, grant({})], 'cam-1', NOW, NOW + 999)).toStrictEqual({
      allowed: false,
      reason: 'OUTSIDE_WINDOW',
    });
  });
});

describe('iceServersOf carries only the keys KVS gave', () => {
  it('sets no username or credential key for a server without them', () => {
    expect(iceServersOf([{ Uris: ['turn:a'] }, {}])).toStrictEqual([{ urls: ['turn:a'] }, { urls: [] }]);
    expect(iceServersOf([{ Uris: ['turn:a'], Username: 'u' }])).toStrictEqual([
      { urls: ['turn:a'], username: 'u' },
    ]);
    expect(iceServersOf([{ Uris: ['turn:a'], Password: 'p' }])).toStrictEqual([
      { urls: ['turn:a'], credential: 'p' },
    ]);
  });

  it('puts no STUN entry first when none is configured', () => {
    expect(iceServersOf([], undefined)).toStrictEqual([]);
    expect(iceServersOf([], '')).toStrictEqual([]);
  });
});
