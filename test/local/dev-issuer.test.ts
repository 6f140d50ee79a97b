import { describe, expect, it } from '@jest/globals';
import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { createDevIssuer, loadOrCreateDevKey } from '../../local/dev-issuer';

describe('the local dev issuer', () => {
  it('creates one private key file (mode 600) and every later or concurrent load gets the same key', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'dev-key-')), 'nested', 'key.json');
    const keys = await Promise.all([
      loadOrCreateDevKey(path),
      loadOrCreateDevKey(path),
      loadOrCreateDevKey(path),
    ]);
    expect(new Set(keys.map((k) => k.kid)).size).toBe(1);
    expect((await loadOrCreateDevKey(path)).kid).toBe(keys[0]!.kid);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('mints ES256 tokens its JWKS verifies, with no private part in the JWKS', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'dev-key-')), 'key.json');
    const issuer = await createDevIssuer({
      issuer: 'dev',
      audience: 'aud',
      privateJwk: await loadOrCreateDevKey(path),
    });
    expect(issuer.jwks.keys[0]).not.toHaveProperty('d');
    const token = await issuer.mint({ sub: 'alice', grants: [{ stream: 'cam-1' }], expiresInSeconds: 60 });
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(issuer.jwks), {
      issuer: 'dev',
      audience: 'aud',
    });
    expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: issuer.kid });
    expect(payload).toMatchObject({ sub: 'alice', kvs: [{ stream: 'cam-1' }] });
    expect(payload.exp! - payload.iat!).toBe(60);
  });
});
