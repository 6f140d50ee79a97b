import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { signSessionToken, verifySessionToken, type SessionClaims } from '../../../local/emulator/index';

const secret = new Uint8Array(32).fill(7);
const otherSecret = new Uint8Array(32).fill(8);
const T0 = 1_768_478_400_000;

const claims: SessionClaims = {
  sessionId: 's-1',
  streamName: 'cam-1',
  protocol: 'HLS',
  playbackMode: 'ON_DEMAND',
  fragmentSelectorType: 'SERVER_TIMESTAMP',
  startTimestampMs: T0 - 3_600_000,
  endTimestampMs: T0 - 60_000,
  displayFragmentTimestamp: 'NEVER',
  containerFormat: 'FRAGMENTED_MP4',
  discontinuityMode: 'ALWAYS',
  maxFragmentResults: 1000,
  issuedAtMs: T0,
  expiresAtMs: T0 + 300_000,
};

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** Signs an arbitrary payload with the right key, to reach the checks that come after the signature. */
function signRaw(payload: string): string {
  return `${payload}.${createHmac('sha256', secret).update(payload).digest('base64url')}`;
}

describe('session tokens', () => {
  it('round-trips the claims and returns the token with them', () => {
    const token = signSessionToken(claims, secret);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(verifySessionToken(token, secret, T0 + 1)).toEqual({ ok: true, session: { ...claims, token } });
  });

  it("carries the stream's oldest media time, and still accepts tokens minted without it", () => {
    const withOldest = { ...claims, oldestMs: T0 - 3_600_000 };
    const token = signSessionToken(withOldest, secret);
    expect(verifySessionToken(token, secret, T0)).toEqual({ ok: true, session: { ...withOldest, token } });
    expect(verifySessionToken(signSessionToken(claims, secret), secret, T0)).toMatchObject({ ok: true });
  });

  it('accepts the token until, but not at, its expiry', () => {
    const token = signSessionToken(claims, secret);
    expect(verifySessionToken(token, secret, claims.expiresAtMs - 1).ok).toBe(true);
    expect(verifySessionToken(token, secret, claims.expiresAtMs)).toEqual({ ok: false, reason: 'expired' });
  });

  it('checks the stream when asked to', () => {
    const token = signSessionToken(claims, secret);
    expect(verifySessionToken(token, secret, T0, { streamName: 'cam-1' }).ok).toBe(true);
    expect(verifySessionToken(token, secret, T0, { streamName: 'cam-2' })).toEqual({
      ok: false,
      reason: 'wrong-stream',
    });
  });

  it('refuses a token signed with another secret', () => {
    expect(verifySessionToken(signSessionToken(claims, otherSecret), secret, T0)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('refuses a payload rewritten to another stream or a later expiry', () => {
    const [, signature] = signSessionToken(claims, secret).split('.');
    for (const forged of [
      { ...claims, streamName: 'cam-2' },
      { ...claims, expiresAtMs: T0 + 43_200_000 },
    ]) {
      const token = `${b64({ v: 1, ...forged })}.${signature}`;
      expect(verifySessionToken(token, secret, T0)).toEqual({ ok: false, reason: 'bad-signature' });
    }
  });

  it('refuses any single-character change to the token', () => {
    const token = signSessionToken(claims, secret);
    fc.assert(
      fc.property(fc.nat({ max: token.length - 1 }), fc.constantFrom(...'AQgw_-x.'), (i, c) => {
        fc.pre(token[i] !== c);
        const changed = token.slice(0, i) + c + token.slice(i + 1);
        return verifySessionToken(changed, secret, T0).ok === false;
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a signature that differs only in the unused trailing bits of its last character', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const token = signSessionToken(claims, secret);
    const last = alphabet.indexOf(token.at(-1) as string);
    // a 32-byte HMAC takes 43 characters, the last carrying 4 bits and 2 unused ones
    const twin = token.slice(0, -1) + alphabet[last ^ 1];
    expect(Buffer.from(twin.split('.')[1] as string, 'base64url')).toEqual(
      Buffer.from(token.split('.')[1] as string, 'base64url'),
    );
    expect(verifySessionToken(twin, secret, T0)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it.each([
    ['an empty string', ''],
    ['no separator', 'abc'],
    ['three parts', 'a.b.c'],
    ['characters outside base64url', 'ab+c.d/ef'],
    ['an empty signature', 'abc.'],
  ])('calls %s malformed', (_case, token) => {
    expect(verifySessionToken(token, secret, T0)).toEqual({ ok: false, reason: 'malformed' });
  });

  it.each([
    ['a payload that is not JSON', Buffer.from('not json').toString('base64url')],
    ['claims of an unknown version', b64({ ...claims, v: 2 })],
    ['claims missing the stream', b64({ v: 1, ...claims, streamName: undefined })],
    ['claims with an unknown playback mode', b64({ v: 1, ...claims, playbackMode: 'REWIND' })],
    ['claims with a fractional expiry', b64({ v: 1, ...claims, expiresAtMs: 1.5 })],
    ['claims with an oldest media time that is not a number', b64({ v: 1, ...claims, oldestMs: '0' })],
  ])('calls a correctly signed token with %s malformed', (_case, payload) => {
    expect(verifySessionToken(signRaw(payload), secret, T0)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('round-trips any valid claims', () => {
    const anyClaims = fc.record(
      {
        sessionId: fc.uuid(),
        streamName: fc.stringMatching(/^[a-zA-Z0-9_.-]{1,256}$/),
        protocol: fc.constantFrom('DASH' as const, 'HLS' as const),
        playbackMode: fc.constantFrom('LIVE' as const, 'LIVE_REPLAY' as const, 'ON_DEMAND' as const),
        fragmentSelectorType: fc.constantFrom('SERVER_TIMESTAMP' as const, 'PRODUCER_TIMESTAMP' as const),
        startTimestampMs: fc.integer({ min: 0, max: T0 }),
        endTimestampMs: fc.integer({ min: 0, max: T0 }),
        oldestMs: fc.integer({ min: 0, max: T0 }),
        displayFragmentTimestamp: fc.constantFrom('ALWAYS' as const, 'NEVER' as const),
        displayFragmentNumber: fc.constantFrom('ALWAYS' as const, 'NEVER' as const),
        maxFragmentResults: fc.integer({ min: 1, max: 5000 }),
        issuedAtMs: fc.constant(T0),
        expiresAtMs: fc.integer({ min: T0 + 1, max: T0 + 43_200_000 }),
      },
      {
        requiredKeys: [
          'sessionId',
          'streamName',
          'protocol',
          'playbackMode',
          'fragmentSelectorType',
          'displayFragmentTimestamp',
          'maxFragmentResults',
          'issuedAtMs',
          'expiresAtMs',
        ],
      },
    );
    fc.assert(
      fc.property(anyClaims, (c) => {
        const token = signSessionToken(c, secret);
        expect(verifySessionToken(token, secret, T0)).toEqual({ ok: true, session: { ...c, token } });
      }),
      { numRuns: 200 },
    );
  });
});
