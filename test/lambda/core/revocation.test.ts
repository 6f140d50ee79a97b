// Revocation rules (docs/api.md, Revocation): the request, who may revoke, what a revocation matches, how long
// it is kept.
import { describe, expect, it } from '@jest/globals';
import { errorBody, errorHeaders } from '../../../lambda/core/errors';
import {
  holdsAdminScope,
  isRevoked,
  parseRevocationRequest,
  revocationKey,
  revocationRecord,
  tokenRevoked,
} from '../../../lambda/core/revocation';

const NOW = Date.parse('2026-11-25T10:00:00.000Z');
const NOW_S = NOW / 1000;
const TOLERANCE = 30;

describe('parseRevocationRequest', () => {
  it('revokes a sub issued before now by default', () => {
    expect(parseRevocationRequest({ sub: 'guard-7' }, NOW, TOLERANCE)).toEqual({
      target: { kind: 'sub', sub: 'guard-7' },
      beforeMs: NOW,
    });
  });

  it('takes an explicit before in the past', () => {
    expect(parseRevocationRequest({ sub: 'g', before: '2026-11-25T09:00:00+01:00' }, NOW, TOLERANCE)).toEqual(
      {
        target: { kind: 'sub', sub: 'g' },
        beforeMs: Date.parse('2026-11-25T08:00:00Z'),
      },
    );
  });

  it('revokes one jti at now', () => {
    expect(parseRevocationRequest({ jti: 'tok-1' }, NOW, TOLERANCE)).toEqual({
      target: { kind: 'jti', jti: 'tok-1' },
      beforeMs: NOW,
    });
  });

  it.each([
    [undefined, 'body: must be a JSON object with sub or jti'],
    [[], 'body: must be a JSON object with sub or jti'],
    [null, 'body: must be a JSON object with sub or jti'],
    [{}, 'body: exactly one of sub or jti'],
    [{ sub: 'a', jti: 'b' }, 'body: exactly one of sub or jti'],
    [{ sub: 'a', issuer: 'x' }, 'issuer: unknown field'],
    [{ sub: 'a', issuer: 'x', aud: 'y' }, 'issuer, aud: unknown field'],
    [{ sub: 7 }, 'sub: must be 1 to 256 printable ASCII characters'],
    [{ jti: ['tok-1'] }, 'jti: must be 1 to 256 printable ASCII characters'],
    [{ sub: '' }, 'sub: must be 1 to 256 printable ASCII characters'],
    [{ sub: 'a\nb' }, 'sub: must be 1 to 256 printable ASCII characters'],
    [{ jti: 'x'.repeat(257) }, 'jti: must be 1 to 256 printable ASCII characters'],
    [{ jti: 'a', before: '2026-11-25T09:00:00Z' }, 'before: only allowed with sub'],
    [{ sub: 'a', before: '2026-11-25' }, 'before: must be an ISO 8601 date-time with a zone'],
    // A zone anywhere but at the end is no zone: the first is local time to Date.parse, the second not ISO 8601.
    [{ sub: 'a', before: 'Nov 25 2026 09:00 (Z)' }, 'before: must be an ISO 8601 date-time with a zone'],
    [{ sub: 'a', before: '2026-11-25 09:00:00Z (UTC)' }, 'before: must be an ISO 8601 date-time with a zone'],
    [{ sub: 'a', before: ['2026-11-25T09:00:00Z'] }, 'before: must be an ISO 8601 date-time with a zone'],
    [{ sub: 'a', before: '2026-11-25T10:00:31Z' }, 'before: must not be in the future'],
  ])('refuses %j: %s', (body, message) => {
    expect(() => parseRevocationRequest(body, NOW, TOLERANCE)).toThrow(
      expect.objectContaining({ code: 'INVALID_REQUEST', message }),
    );
  });

  it('accepts a before within the clock tolerance', () => {
    expect(
      parseRevocationRequest({ sub: 'a', before: '2026-11-25T10:00:30Z' }, NOW, TOLERANCE).beforeMs,
    ).toBe(NOW + 30_000);
  });
});

describe('holdsAdminScope', () => {
  const issuer = { issuer: 'https://idp/', adminScope: 'kvs:admin', maxTokenAgeSeconds: 3600 };
  it.each([
    [{ scope: 'openid kvs:admin' }, true],
    [{ scp: ['kvs:admin'] }, true],
    [{ scope: 'kvs:admins' }, false],
    [{ scope: 'openid' }, false],
    [{}, false],
  ])('%j -> %s', (claims, expected) => {
    expect(holdsAdminScope(issuer, claims)).toBe(expected);
  });

  it('lets nobody revoke for an issuer without adminScope', () => {
    expect(holdsAdminScope({ issuer: 'https://idp/' }, { scope: 'kvs:admin' })).toBe(false);
    expect(holdsAdminScope(undefined, { scope: 'kvs:admin' })).toBe(false);
  });
});

describe('isRevoked', () => {
  const token = { issuer: 'i', sub: 's', iatS: NOW_S - 60, jti: 'j' };
  it('matches a token issued before its sub revocation', () => {
    expect(isRevoked(token, { subBeforeMs: NOW, jtiRevoked: false })).toBe(true);
  });
  it('spares a token issued at or after the revocation instant', () => {
    expect(isRevoked({ ...token, iatS: NOW_S }, { subBeforeMs: NOW, jtiRevoked: false })).toBe(false);
    expect(isRevoked({ ...token, iatS: NOW_S + 1 }, { subBeforeMs: NOW, jtiRevoked: false })).toBe(false);
  });
  it('matches a token without iat under a sub revocation (it cannot show it came after)', () => {
    expect(isRevoked({ issuer: 'i', sub: 's' }, { subBeforeMs: NOW, jtiRevoked: false })).toBe(true);
  });
  it('matches a revoked jti whatever its iat', () => {
    expect(isRevoked({ ...token, iatS: NOW_S + 100 }, { jtiRevoked: true })).toBe(true);
  });
  it('spares a token nothing matches', () => {
    expect(isRevoked(token, { jtiRevoked: false })).toBe(false);
  });
  it('spares a token without iat when its sub has no revocation', () => {
    expect(isRevoked({ issuer: 'i', sub: 's' }, { jtiRevoked: false })).toBe(false);
  });
});

describe('revocationRecord', () => {
  it('keeps a revocation until no token it matches can pass: before + maxTokenAge + tolerance + authorizer cache', () => {
    const record = revocationRecord(
      { target: { kind: 'sub', sub: 'guard-7' }, beforeMs: NOW - 500 },
      {
        issuer: { issuer: 'https://idp/', adminScope: 'kvs:admin', maxTokenAgeSeconds: 3600 },
        revokedBy: 'ops-1',
        nowMs: NOW,
        clockToleranceSeconds: 30,
        authorizerCacheTtlSeconds: 300,
      },
    );
    expect(record).toEqual({
      key: '["revocation","https://idp/","sub","guard-7"]',
      kind: 'sub',
      issuer: 'https://idp/',
      subject: 'guard-7',
      beforeMs: NOW - 500,
      revokedAtMs: NOW,
      revokedBy: 'ops-1',
      expiresAtS: NOW_S + 3600 + 30 + 300,
    });
  });

  it('keys a sub and a jti of the same value apart, and issuers apart', () => {
    expect(revocationKey('i', { kind: 'sub', sub: 'x' })).not.toBe(
      revocationKey('i', { kind: 'jti', jti: 'x' }),
    );
    expect(revocationKey('i', { kind: 'sub', sub: 'x' })).not.toBe(
      revocationKey('j', { kind: 'sub', sub: 'x' }),
    );
  });

  it('keys two jtis of one issuer apart, as it keys two subs', () => {
    expect(revocationKey('i', { kind: 'jti', jti: 'x' })).not.toBe(
      revocationKey('i', { kind: 'jti', jti: 'y' }),
    );
    expect(revocationKey('i', { kind: 'sub', sub: 'x' })).not.toBe(
      revocationKey('i', { kind: 'sub', sub: 'y' }),
    );
  });

  it('records a jti revocation under its jti, at the time of the revocation', () => {
    const record = revocationRecord(
      { target: { kind: 'jti', jti: 'tok-1' }, beforeMs: NOW },
      {
        issuer: { issuer: 'https://idp/', maxTokenAgeSeconds: 600 },
        revokedBy: 'ops-1',
        nowMs: NOW,
        clockToleranceSeconds: 30,
        authorizerCacheTtlSeconds: 300,
      },
    );
    expect(record).toMatchObject({
      key: '["revocation","https://idp/","jti","tok-1"]',
      kind: 'jti',
      subject: 'tok-1',
      beforeMs: NOW,
      expiresAtS: NOW_S + 600 + 30 + 300,
    });
  });
});

describe('tokenRevoked', () => {
  it('answers a revoked token 401 TOKEN_REVOKED, saying so, with the Bearer challenge of any 401', () => {
    const error = tokenRevoked();
    expect(error).toMatchObject({ name: 'BrokerError', code: 'TOKEN_REVOKED', status: 401 });
    expect(errorBody(error, 'req-1')).toEqual({
      error: { code: 'TOKEN_REVOKED', message: expect.stringMatching(/revoked/) },
      requestId: 'req-1',
    });
    expect(errorHeaders(error.status, error.retryAfterSeconds)).toEqual({
      'WWW-Authenticate': 'Bearer error="invalid_token"',
    });
  });
});
