// The authorizer handler on a real API Gateway REQUEST event, with keys injected through its keyResolver seam
// (createLocalJWKSet) and a fixed clock: exact policies, exact refusals.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { createLocalJWKSet } from 'jose';
import { createAuthorizer } from '../../lambda/authorizer/authorizer';
import { parseConfig } from '../../lambda/core/config';
import { createDevIssuer, generateDevKey, type DevIssuer } from '../../local/dev-issuer';
import { auditLines, captureOutput, type Captured } from '../support/local-broker';

const NOW = new Date('2026-11-25T10:00:00Z');
const fixture = readFileSync(new URL('../events/authorizer-request.json', import.meta.url), 'utf8');
const event = (token: string) =>
  JSON.parse(fixture.replaceAll('__TOKEN__', token)) as APIGatewayRequestAuthorizerEvent;
const STAGE = 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod';

let issuer: DevIssuer;
let authorize: ReturnType<typeof createAuthorizer>;
let captured: Captured;

beforeAll(async () => {
  issuer = await createDevIssuer({
    issuer: 'https://idp.example.com/',
    audience: 'kvs-session-broker',
    privateJwk: await generateDevKey(),
  });
  const config = parseConfig({
    issuers: [
      {
        issuer: issuer.issuer,
        jwksUri: 'https://idp.example.com/jwks',
        audience: issuer.audience,
        algorithms: ['ES256'],
      },
    ],
  });
  captured = captureOutput();
  authorize = createAuthorizer({
    config,
    logger: new Logger({ serviceName: 'test' }),
    keyResolver: () => createLocalJWKSet(issuer.jwks),
    now: () => NOW,
  });
});
afterAll(() => captured.restore());

const mint = (grants: unknown, expiresInSeconds = 600, issuedAt = NOW) =>
  issuer.mint({ sub: 'alice', grants, expiresInSeconds, issuedAt });

describe('authorizer on a REQUEST event', () => {
  it('allows every granted stream and hands the grants to the broker', async () => {
    const grants = [{ stream: 'cam-lobby' }, { stream: 'site7-*', modes: ['ON_DEMAND'] }];
    expect(await authorize(event(await mint(grants)))).toEqual({
      principalId: 'alice',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Action: 'execute-api:Invoke',
            Effect: 'Allow',
            Resource: [
              `${STAGE}/GET/v1/streams`,
              `${STAGE}/POST/v1/sessions`,
              `${STAGE}/POST/v1/streams/cam-lobby/sessions`,
              `${STAGE}/GET/v1/streams/cam-lobby/*`,
              `${STAGE}/POST/v1/streams/site7-*/sessions`,
              `${STAGE}/GET/v1/streams/site7-*/*`,
            ],
          },
        ],
      },
      context: {
        sub: 'alice',
        issuer: 'https://idp.example.com/',
        exp: String(NOW.getTime() / 1000 + 600),
        grants: JSON.stringify([
          { stream: 'cam-lobby', modes: ['LIVE'], protocols: ['DASH', 'HLS'] },
          { stream: 'site7-*', modes: ['ON_DEMAND'], protocols: ['DASH', 'HLS'] },
        ]),
      },
    });
  });

  it('honours the clock tolerance (30 s) on exp', async () => {
    const token = await mint([{ stream: 'cam-lobby' }], 60, new Date(NOW.getTime() - 80_000)); // expired 20 s ago
    await expect(authorize(event(token))).resolves.toMatchObject({ principalId: 'alice' });
    const older = await mint([{ stream: 'cam-lobby' }], 60, new Date(NOW.getTime() - 100_000)); // 40 s ago
    await expect(authorize(event(older))).rejects.toThrow(new Error('Unauthorized'));
  });

  it('honours the clock tolerance (30 s) on iat: a token from the future is refused', async () => {
    const soon = await mint([{ stream: 'cam-lobby' }], 600, new Date(NOW.getTime() + 20_000));
    await expect(authorize(event(soon))).resolves.toMatchObject({ principalId: 'alice' });
    const later = await mint([{ stream: 'cam-lobby' }], 600, new Date(NOW.getTime() + 40_000));
    await expect(authorize(event(later))).rejects.toThrow(new Error('Unauthorized'));
    expect(auditLines(captured).at(-1)).toMatchObject({ reason: 'IAT_IN_FUTURE' });
  });

  it('accepts the Bearer scheme in any case (RFC 6750)', async () => {
    const e = event(await mint([{ stream: 'cam-lobby' }]));
    e.headers!.Authorization = e.headers!.Authorization!.replace('Bearer', 'bEARER');
    await expect(authorize(e)).resolves.toMatchObject({ principalId: 'alice' });
  });

  it.each([
    'alice"," x":"forged',
    'back\\slash',
    'line\nbreak',
    '',
    'nel\u0085(C1 line break)',
    'admin\u202e(bidi override)',
    'zero\u200bwidth',
    'x'.repeat(257),
  ])('refuses the sub %j, which could forge an access-log line', async (sub) => {
    const token = await issuer.mint({ sub, grants: [{ stream: 'cam-lobby' }], issuedAt: NOW });
    await expect(authorize(event(token))).rejects.toThrow(new Error('Unauthorized'));
    expect(auditLines(captured).at(-1)).toMatchObject({ reason: 'INVALID_SUB' });
  });

  it('accepts ordinary subs of identity providers', async () => {
    for (const sub of ['auth0|5f7c8ec7', 'user@example.com', '00u1abcd2EFGH3ijk4x7', 'Zoë']) {
      const token = await issuer.mint({ sub, grants: [{ stream: 'cam-lobby' }], issuedAt: NOW });
      await expect(authorize(event(token))).resolves.toMatchObject({ principalId: sub });
    }
  });

  it('refuses another scheme', async () => {
    const e = event(await mint([{ stream: 'cam-lobby' }]));
    e.headers!.Authorization = e.headers!.Authorization!.replace('Bearer', 'Basic');
    await expect(authorize(e)).rejects.toThrow(new Error('Unauthorized'));
  });

  it('audits a refusal with its reason, the source IP and user agent, never the token', async () => {
    const token = await mint([{ stream: 'cam-lobby' }], 1, new Date(NOW.getTime() - 3_600_000));
    await expect(authorize(event(token))).rejects.toThrow('Unauthorized');
    expect(auditLines(captured).at(-1)).toMatchObject({
      requestId: '7f0c0f1e-6a55-4c43-9d1e-2d7b8f3c9a10',
      extendedRequestId: 'Xy1AbGq7DoEFpLQ=',
      outcome: 'DENIED',
      errorCode: 'UNAUTHORIZED',
      reason: 'ERR_JWT_EXPIRED',
      stream: 'cam-lobby',
      sourceIp: '203.0.113.7',
      userAgent: 'CameraApp/4.2 (iPhone; iOS 19.1)',
    });
    expect(captured.lines.join('')).not.toContain(token);
  });
});
