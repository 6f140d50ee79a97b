// POST /v1/revocations and the revocation check (docs/api.md, Revocation), end to end over HTTP: local API Gateway
// -> real authorizer -> real broker -> real DynamoDB SDK client -> the embedded DynamoDB (dynalite) npm start runs.
import { describe, expect, it } from '@jest/globals';
import { startLocalBroker, type LocalBroker } from '../../local/app';
import { brokerPerTest, type BrokerFixture } from '../support/broker-fixture';
import { ADMIN_SCOPE, viewerConfig } from './viewer-config';

const fixture = brokerPerTest({ config: viewerConfig() });
const GRANTS = [{ stream: 'cam-*' }];

async function revoke(f: BrokerFixture, body: unknown, scope = ADMIN_SCOPE, url = f.broker.url) {
  const admin = await f.mint([], { sub: 'ops-1', scope });
  const res = await fetch(`${url}/v1/revocations`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    json: (await res.json()) as Record<string, unknown> & { error?: { code: string } },
  };
}

describe('revoking a subject', () => {
  it('refuses every token of that sub issued before, on sessions and discovery, and audits who did it', async () => {
    const f = fixture();
    const guard = await f.mint(GRANTS, { sub: 'guard-7' });
    const other = await f.mint(GRANTS, { sub: 'guard-8' });
    expect((await f.post('cam-1', guard)).status).toBe(200);

    f.clock.advance(1000);
    const res = await revoke(f, { sub: 'guard-7' });
    expect(res).toEqual({
      status: 200,
      json: {
        revoked: { sub: 'guard-7' },
        before: '2026-11-25T10:00:01.000Z',
        // before + maxTokenAgeSeconds 3600 + clock tolerance 30 + authorizer cache 300
        keptUntil: '2026-11-25T11:05:31.000Z',
      },
    });

    const session = await f.post('cam-1', guard);
    expect(session.status).toBe(401);
    expect(session.json.error).toEqual({ code: 'TOKEN_REVOKED', message: 'This token was revoked' });
    expect(f.audit(session.headers['x-amzn-requestid'])).toEqual([
      expect.objectContaining({
        audit: 'kvs-session',
        sub: 'guard-7',
        outcome: 'DENIED',
        errorCode: 'TOKEN_REVOKED',
      }),
    ]);
    const discovery = await f.get('/v1/streams', guard);
    expect([discovery.status, discovery.json.error?.code]).toEqual([401, 'TOKEN_REVOKED']);
    expect((await f.post('cam-1', other)).status).toBe(200);

    const audit = f.captured.lines
      .flatMap((l) => l.split('\n'))
      .filter((l) => l.includes('"kvs-revocation"'))
      .map((l) => JSON.parse(l));
    expect(audit).toEqual([
      expect.objectContaining({
        sub: 'ops-1',
        outcome: 'GRANTED',
        revokedSub: 'guard-7',
        revokedBefore: '2026-11-25T10:00:01.000Z',
      }),
    ]);
  });

  it('spares the tokens the subject gets after the revocation', async () => {
    const f = fixture();
    await revoke(f, { sub: 'guard-7' });
    f.clock.advance(1000);
    expect((await f.post('cam-1', await f.mint(GRANTS, { sub: 'guard-7' }))).status).toBe(200);
  });

  it('revokes one token by jti, not the others of its subject', async () => {
    const f = fixture();
    const stolen = await f.mint(GRANTS, { sub: 'guard-7', claims: { jti: 'phone-token' } });
    const laptop = await f.mint(GRANTS, { sub: 'guard-7', claims: { jti: 'laptop-token' } });
    expect((await revoke(f, { jti: 'phone-token' })).json).toMatchObject({ revoked: { jti: 'phone-token' } });
    expect((await f.post('cam-1', stolen)).json.error?.code).toBe('TOKEN_REVOKED');
    expect((await f.post('cam-1', laptop)).status).toBe(200);
  });
});

describe('who may revoke', () => {
  it.each([
    ['a token without the admin scope', 'openid'],
    ['a token whose scope only resembles it', `${ADMIN_SCOPE}s`],
  ])('refuses %s with 403 FORBIDDEN, audited, and records nothing', async (_, scope) => {
    const f = fixture();
    const guard = await f.mint(GRANTS, { sub: 'guard-7' });
    const res = await revoke(f, { sub: 'guard-7' }, scope);
    expect(res).toEqual({
      status: 403,
      json: {
        error: { code: 'FORBIDDEN', message: "Only a token holding its issuer's admin scope may revoke" },
        requestId: expect.any(String),
      },
    });
    expect((await f.post('cam-1', guard)).status).toBe(200);
  });

  it('answers a malformed body with 400 naming the field', async () => {
    const f = fixture();
    expect((await revoke(f, { sub: 'a', issuer: 'https://other/' })).json.error).toEqual({
      code: 'INVALID_REQUEST',
      message: 'issuer: unknown field',
    });
  });

  it('refuses a revoked admin token too', async () => {
    const f = fixture();
    await revoke(f, { sub: 'ops-1' });
    f.clock.advance(1000);
    const admin = await f.mint([], {
      sub: 'ops-1',
      scope: ADMIN_SCOPE,
      issuedAt: new Date(f.clock.now() - 2000),
    });
    const res = await fetch(`${f.broker.url}/v1/revocations`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${admin}` },
      body: JSON.stringify({ sub: 'x' }),
    });
    expect(res.status).toBe(401);
  });
});

describe('every instance', () => {
  async function secondInstance(f: BrokerFixture): Promise<LocalBroker> {
    return startLocalBroker({
      config: viewerConfig({ jwksBaseUrl: f.broker.url }),
      state: f.broker.state!,
      now: f.clock.now,
      emulatorNow: f.clock.now,
    });
  }

  it('refuses a revoked token on another instance within 5 s: its cached answer lives 5 s, then it reads again', async () => {
    const f = fixture();
    const other = await secondInstance(f);
    try {
      const guard = await f.mint(GRANTS, { sub: 'guard-7' });
      const onOther = async () =>
        (
          await fetch(`${other.url}/v1/streams/cam-1/sessions`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${guard}` },
          })
        ).status;
      expect(await onOther()).toBe(200);
      f.clock.advance(1000);
      await revoke(f, { sub: 'guard-7' });
      expect((await f.post('cam-1', guard)).json.error?.code).toBe('TOKEN_REVOKED');
      // The other instance read at T0: its answer stands until T0 + 5 s, 4 s after the revocation.
      f.clock.advance(3999);
      expect(await onOther()).toBe(200);
      f.clock.advance(1);
      expect(await onOther()).toBe(401);
    } finally {
      await other.close();
    }
  });
});
