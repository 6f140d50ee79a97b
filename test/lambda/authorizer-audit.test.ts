// Who a refused token was (README (Observability and audit)): every refusal decided after the token's signature was
// verified names the issuer, the sub (when it is safe to log) and the tenant, with one issuer configured (verified
// first) and with several (issuer chosen by `iss`). Refusals before the signature name nobody: an unverified token
// says nothing trustworthy about who sent it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { createLocalJWKSet } from 'jose';
import { createAuthorizer } from '../../lambda/authorizer/authorizer';
import { parseConfig } from '../../lambda/core/config';
import { JsonLogger } from '../../lambda/runtime/json-logger';
import { auditLines, captureOutput, type Captured } from '../support/local-broker';
import { signingKey, signToken, type SigningKey } from '../support/jwks-server';

const NOW = new Date('2026-11-25T10:00:00Z');
const NOW_S = NOW.getTime() / 1000;
const fixture = readFileSync(new URL('../events/authorizer-request.json', import.meta.url), 'utf8');
const event = (token: string) =>
  JSON.parse(fixture.replaceAll('__TOKEN__', token)) as APIGatewayRequestAuthorizerEvent;

const ISSUER = 'https://idp.example.com/';
const PARTNER = 'https://login.partner.example/';
const COGNITO = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example';
let key: SigningKey;
let other: SigningKey;
let captured: Captured;

const issuers = () => {
  const base = {
    jwksUri: 'https://keys.example/jwks',
    audience: 'kvs-session-broker',
    algorithms: ['ES256'],
  };
  return {
    one: [{ ...base, issuer: ISSUER, typ: 'at+jwt', maxTokenAgeSeconds: 3600 }],
    several: [
      { ...base, issuer: ISSUER, typ: 'at+jwt', maxTokenAgeSeconds: 3600 },
      { ...base, issuer: PARTNER, streamPrefix: 'partner-' },
      { ...base, issuer: COGNITO, audience: 'app-1', audienceClaim: 'client_id', grantsFrom: 'scope' },
    ],
  };
};
const authorizerFor = (list: Record<string, unknown>[]) =>
  createAuthorizer({
    config: parseConfig({ issuers: list, limits: { maxGrantsPerToken: 2 } }, { local: true }),
    logger: new JsonLogger({ serviceName: 'test' }),
    keyResolver: () => createLocalJWKSet({ keys: [key.publicJwk] }),
    now: () => NOW,
  });

beforeAll(async () => {
  key = await signingKey('k1');
  other = await signingKey('k1');
  captured = captureOutput();
});
afterAll(() => captured.restore());

const claims = (extra: Record<string, unknown> = {}) => ({
  iss: ISSUER,
  aud: 'kvs-session-broker',
  sub: 'alice',
  iat: NOW_S,
  exp: NOW_S + 600,
  kvs: [{ stream: 'cam-lobby' }],
  ...extra,
});
const AT = { typ: 'at+jwt' };

async function refusal(authorize: ReturnType<typeof authorizerFor>, token: string) {
  await expect(authorize(event(token))).rejects.toThrow(new Error('Unauthorized'));
  return auditLines(captured).at(-1)!;
}

describe.each(['one', 'several'] as const)(
  'refusals after the signature, %s issuer(s) configured',
  (setup) => {
    const authorize = () => authorizerFor(issuers()[setup]);
    const who = {
      issuer: ISSUER,
      sub: 'alice',
      tenant: ISSUER,
      outcome: 'DENIED',
      errorCode: 'UNAUTHORIZED',
    };

    it.each<[string, () => Promise<string>]>([
      ['TOO_MANY_GRANTS', () => signToken(key, claims({ kvs: [1, 2, 3] }), AT)],
      ['ERR_JWT_CLAIM_VALIDATION_FAILED:typ', () => signToken(key, claims(), { typ: 'JWT' })],
      ['ERR_JWT_CLAIM_VALIDATION_FAILED:iat', () => signToken(key, claims({ iat: undefined }), AT)],
      ['TOKEN_TOO_OLD', () => signToken(key, claims({ iat: NOW_S - 7200, exp: NOW_S + 60 }), AT)],
      // With maxTokenAgeSeconds, jose refuses an iat in the future itself.
      ['ERR_JWT_CLAIM_VALIDATION_FAILED:iat', () => signToken(key, claims({ iat: NOW_S + 600 }), AT)],
      ['ERR_JWT_EXPIRED', () => signToken(key, claims({ iat: NOW_S - 1200, exp: NOW_S - 600 }), AT)],
      ['ERR_JWT_CLAIM_VALIDATION_FAILED:aud', () => signToken(key, claims({ aud: 'another-api' }), AT)],
    ])('%s names the issuer, the sub and the tenant', async (reason, token) => {
      expect(await refusal(authorize(), await token())).toMatchObject({ ...who, reason });
    });

    it('INVALID_SUB names the issuer and the tenant, never the sub', async () => {
      const line = await refusal(authorize(), await signToken(key, claims({ sub: 'a"b' }), AT));
      expect(line).toMatchObject({ issuer: ISSUER, tenant: ISSUER, reason: 'INVALID_SUB' });
      expect(line).not.toHaveProperty('sub');
    });

    it.each<[string, () => Promise<string>]>([
      ['ERR_JWS_SIGNATURE_VERIFICATION_FAILED', () => signToken(other, claims(), AT)],
      ['UNKNOWN_ISSUER', () => signToken(key, claims({ iss: 'https://elsewhere.example/' }), AT)],
      ['MALFORMED_TOKEN', async () => 'not-a-jwt'],
    ])('%s names nobody', async (reason, token) => {
      const line = await refusal(authorize(), await token());
      expect(line).toMatchObject({ reason });
      for (const field of ['issuer', 'sub', 'tenant']) expect(line).not.toHaveProperty(field);
    });
  },
);

describe('refusals of other issuers', () => {
  const authorize = () => authorizerFor(issuers().several);

  it("name a partner's tenant, its streamPrefix", async () => {
    const token = await signToken(key, claims({ iss: PARTNER, kvs: [1, 2, 3] }));
    expect(await refusal(authorize(), token)).toMatchObject({
      issuer: PARTNER,
      sub: 'alice',
      tenant: 'partner-',
      reason: 'TOO_MANY_GRANTS',
    });
  });

  it('name the issuer of an IAT_IN_FUTURE', async () => {
    const token = await signToken(key, claims({ iss: PARTNER, iat: NOW_S + 600, exp: NOW_S + 1200 }));
    expect(await refusal(authorize(), token)).toMatchObject({
      issuer: PARTNER,
      sub: 'alice',
      tenant: 'partner-',
      reason: 'IAT_IN_FUTURE',
    });
  });

  it('name the issuer of a CLIENT_ID_MISMATCH', async () => {
    const token = await signToken(key, claims({ iss: COGNITO, aud: undefined, client_id: 'app-2' }));
    expect(await refusal(authorize(), token)).toMatchObject({
      issuer: COGNITO,
      sub: 'alice',
      tenant: COGNITO,
      reason: 'CLIENT_ID_MISMATCH',
    });
  });
});
