// The authorizer's SECURITY.md bounds on a real REQUEST event, with its default key resolver fetching from a loopback
// JWKS server: grant cap and answer size, typ and token age per issuer, IdP outages audited as such, audit hygiene.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { createAuthorizer } from '../../lambda/authorizer/authorizer';
import { AUTHORIZER_REFUSALS } from '../../lambda/authorizer/refusals';
import { parseConfig } from '../../lambda/core/config';
import { auditLines, captureOutput, type Captured } from '../support/local-broker';
import {
  signingKey,
  signToken,
  startJwksServer,
  type JwksServer,
  type SigningKey,
} from '../support/jwks-server';

const NOW = new Date('2026-11-25T10:00:00Z');
const NOW_S = NOW.getTime() / 1000;
const fixture = readFileSync(new URL('../events/authorizer-request.json', import.meta.url), 'utf8');
const event = (token: string) =>
  JSON.parse(fixture.replaceAll('__TOKEN__', token)) as APIGatewayRequestAuthorizerEvent;

const ISSUER = 'https://idp.example.com/';
const STRICT = 'https://strict.example.com/';
/** Amazon Cognito's shape: access tokens name the app client in `client_id` and carry no `aud`. */
const COGNITO = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example';
let server: JwksServer;
let key: SigningKey;
let captured: Captured;
let clock: Date;
let authorize: ReturnType<typeof createAuthorizer>;

beforeAll(async () => {
  key = await signingKey('k1');
  server = await startJwksServer([key.publicJwk]);
  const base = { jwksUri: server.url.href, audience: 'kvs-session-broker', algorithms: ['ES256'] };
  const config = parseConfig(
    {
      issuers: [
        { ...base, issuer: ISSUER },
        { ...base, issuer: STRICT, typ: 'at+jwt', maxTokenAgeSeconds: 3600 },
        {
          ...base,
          issuer: COGNITO,
          audience: 'app-client-1',
          audienceClaim: 'client_id',
          grantsFrom: 'scope',
        },
      ],
    },
    { local: true },
  );
  captured = captureOutput();
  clock = NOW;
  authorize = createAuthorizer({ config, logger: new Logger({ serviceName: 'test' }), now: () => clock });
});
afterAll(async () => {
  captured.restore();
  await server.close();
});

const claims = (extra: Record<string, unknown> = {}) => ({
  iss: ISSUER,
  aud: 'kvs-session-broker',
  sub: 'alice',
  iat: NOW_S,
  exp: NOW_S + 600,
  kvs: [{ stream: 'cam-lobby' }],
  ...extra,
});
const lastAudit = () => auditLines(captured).at(-1);

async function refusedWith(token: string, reason: string, e = event(token)): Promise<void> {
  await expect(authorize(e)).rejects.toThrow(new Error('Unauthorized'));
  expect(lastAudit()).toMatchObject({ outcome: 'DENIED', errorCode: 'UNAUTHORIZED', reason });
  expect(AUTHORIZER_REFUSALS).toContain(reason);
}

describe('grants per token (SECURITY.md: at most 100 by default)', () => {
  const grants = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      stream: `${i}-`.padEnd(255, 'x') + '*',
      modes: ['LIVE', 'LIVE_REPLAY', 'ON_DEMAND'],
      protocols: ['DASH', 'HLS'],
      from: NOW_S - 86400,
      to: NOW_S + 86400,
      maxExpiresSeconds: 43200,
    }));

  it('answers a token at the cap (100 grants of 256-character patterns) in under 8 KB', async () => {
    const policy = await authorize(event(await signToken(key, claims({ kvs: grants(100) }))));
    expect(Buffer.byteLength(JSON.stringify(policy))).toBeLessThan(8192);
    expect(policy.context.grantsDigest).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses a token with 101 grants, even malformed ones, as TOO_MANY_GRANTS', async () => {
    await refusedWith(await signToken(key, claims({ kvs: grants(101) })), 'TOO_MANY_GRANTS');
    const junk = [...grants(1), ...Array.from({ length: 100 }, () => 0)];
    await refusedWith(await signToken(key, claims({ kvs: junk })), 'TOO_MANY_GRANTS');
  });
});

describe('per-issuer token hygiene', () => {
  const strict = (extra: Record<string, unknown> = {}) => claims({ iss: STRICT, ...extra });

  it.each(['at+jwt', 'application/at+jwt', 'AT+JWT'])(
    'accepts the required typ %s (RFC 9068)',
    async (typ) => {
      await expect(authorize(event(await signToken(key, strict(), { typ })))).resolves.toMatchObject({
        principalId: 'alice',
      });
    },
  );

  it.each([['JWT'], [undefined]])(
    'refuses typ %s where at+jwt is required (RFC 8725 section 3.11)',
    async (typ) => {
      await refusedWith(
        await signToken(key, strict(), typ ? { typ } : {}),
        'ERR_JWT_CLAIM_VALIDATION_FAILED:typ',
      );
    },
  );

  it('does not ask for typ or iat where the issuer does not', async () => {
    const token = await signToken(key, claims({ iat: undefined }), { typ: 'JWT' });
    await expect(authorize(event(token))).resolves.toMatchObject({ principalId: 'alice' });
  });

  it('refuses a token older than maxTokenAgeSeconds, or without iat', async () => {
    const typ = { typ: 'at+jwt' };
    const young = await signToken(key, strict({ iat: NOW_S - 3600, exp: NOW_S + 600 }), typ);
    await expect(authorize(event(young))).resolves.toMatchObject({ principalId: 'alice' });
    const old = await signToken(key, strict({ iat: NOW_S - 3631, exp: NOW_S + 600 }), typ); // past the 30 s tolerance
    await refusedWith(old, 'TOKEN_TOO_OLD');
    await refusedWith(
      await signToken(key, strict({ iat: undefined }), typ),
      'ERR_JWT_CLAIM_VALIDATION_FAILED:iat',
    );
  });
});

describe('identity provider outage', () => {
  it('is audited as IDP_UNAVAILABLE, not as a bad token, and logged for operators with its cause', async () => {
    const outage = createAuthorizer({
      config: parseConfig(
        { issuers: [{ issuer: ISSUER, jwksUri: server.url.href, audience: 'kvs-session-broker' }] },
        { local: true },
      ),
      logger: new Logger({ serviceName: 'test' }),
      now: () => NOW,
    });
    server.behaviour = 'status-500';
    try {
      const token = await signToken(key, claims());
      await expect(outage(event(token))).rejects.toThrow(new Error('Unauthorized'));
      expect(lastAudit()).toMatchObject({ reason: 'IDP_UNAVAILABLE', errorCode: 'UNAUTHORIZED' });
      const warning = captured.lines.find((l) => l.includes('JWKS fetch failed'));
      expect(JSON.parse(warning!)).toMatchObject({ issuer: ISSUER, detail: 'HTTP 500' });
    } finally {
      server.behaviour = 'ok';
    }
  });
});

describe('audit hygiene', () => {
  it("audits API Gateway's extendedRequestId, which a client cannot choose, beside the requestId", async () => {
    await refusedWith('not-a-jwt', 'MALFORMED_TOKEN');
    expect(lastAudit()).toMatchObject({
      requestId: '7f0c0f1e-6a55-4c43-9d1e-2d7b8f3c9a10',
      extendedRequestId: 'Xy1AbGq7DoEFpLQ=',
    });
  });

  it('passes a hostile user agent, path stream and request id through logSafe', async () => {
    const e = event('not-a-jwt');
    const hostile = '\u001b[31mred\n{"audit":"kvs-session","outcome":"GRANTED"}\u202e' + 'z'.repeat(1000);
    e.requestContext.identity.userAgent = hostile;
    e.requestContext.requestId = hostile;
    e.pathParameters = { streamName: hostile };
    await refusedWith('not-a-jwt', 'MALFORMED_TOKEN', e);
    const head = '\ufffd[31mred\ufffd{"audit":"kvs-session","outcome":"GRANTED"}\ufffd';
    const safe = head + 'z'.repeat(255 - head.length) + '…';
    expect(lastAudit()).toMatchObject({ userAgent: safe, requestId: safe, stream: safe });
    expect(captured.lines.join('')).not.toContain('\u001b');
  });
});

describe('audienceClaim client_id (Amazon Cognito access tokens)', () => {
  const cognito = (extra: Record<string, unknown> = {}) =>
    claims({
      iss: COGNITO,
      aud: undefined,
      kvs: undefined,
      token_use: 'access',
      client_id: 'app-client-1',
      scope: 'kvs:LIVE:cam-1',
      ...extra,
    });

  it('accepts an access token whose client_id is the audience, without aud, with its scope grants', async () => {
    const policy = await authorize(event(await signToken(key, cognito())));
    expect(policy).toMatchObject({ principalId: 'alice' });
    expect(JSON.parse(policy.context.grants as string)).toEqual([
      { stream: 'cam-1', modes: ['LIVE'], protocols: ['DASH', 'HLS'] },
    ]);
  });

  it('refuses another app client as CLIENT_ID_MISMATCH', async () => {
    await refusedWith(await signToken(key, cognito({ client_id: 'app-client-2' })), 'CLIENT_ID_MISMATCH');
  });

  it('refuses the pool ID token (aud is the client id, no client_id) as CLIENT_ID_MISMATCH', async () => {
    await refusedWith(
      await signToken(key, cognito({ client_id: undefined, aud: 'app-client-1', token_use: 'id' })),
      'CLIENT_ID_MISMATCH',
    );
  });

  // RFC 9068 access tokens carry client_id AND aud (the resource server): a token for another API of the same IdP
  // and app client names that API in aud (docs/tokens.md: aud, where present, must name the audience).
  it.each([['another-api'], [['another-api', 'a-third-api']], [[]]])(
    'refuses an access token whose aud %j does not name the audience, whatever client_id says',
    async (aud) => {
      await refusedWith(await signToken(key, cognito({ aud })), 'ERR_JWT_CLAIM_VALIDATION_FAILED:aud');
    },
  );

  it.each([['app-client-1'], [['another-api', 'app-client-1']]])(
    'accepts an access token whose aud %j names the audience beside client_id',
    async (aud) => {
      await expect(authorize(event(await signToken(key, cognito({ aud }))))).resolves.toMatchObject({
        principalId: 'alice',
      });
    },
  );

  it('still checks aud for issuers left at the default', async () => {
    await refusedWith(
      await signToken(key, claims({ aud: 'someone-else' })),
      'ERR_JWT_CLAIM_VALIDATION_FAILED:aud',
    );
  });
});
