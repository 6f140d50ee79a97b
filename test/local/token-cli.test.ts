// `npm run token`: the command developers copy from the README, run as a real process.
import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { DEV_AUDIENCE, DEV_ISSUER } from '../../local/dev-issuer';
import { createDevIssuer, loadOrCreateDevKey } from '../../local/dev-issuer';

const run = promisify(execFile);

async function token(args: string[], keyPath: string) {
  return run(process.execPath, ['--import', 'tsx', 'local/token.ts', ...args], {
    env: { ...process.env, KVS_BROKER_DEV_KEY: keyPath },
  });
}

describe('npm run token', () => {
  it('mints a dev token with the grants asked for, verifiable with the dev JWKS', async () => {
    const keyPath = join(await mkdtemp(join(tmpdir(), 'token-cli-')), 'key.json');
    const before = Math.floor(Date.now() / 1000);
    const { stdout } = await token(
      [
        '--sub',
        'alice',
        '--stream',
        'cam-1',
        '--stream',
        'site7-*',
        '--modes',
        'live,on_demand',
        '--from=-2h',
        '--max-expires',
        '900',
      ],
      keyPath,
    );
    const jwt = stdout.trim();
    const issuer = await createDevIssuer({
      issuer: DEV_ISSUER,
      audience: DEV_AUDIENCE,
      privateJwk: await loadOrCreateDevKey(keyPath),
    });
    const { payload } = await jwtVerify(jwt, createLocalJWKSet(issuer.jwks), {
      issuer: DEV_ISSUER,
      audience: DEV_AUDIENCE,
    });
    expect(payload.sub).toBe('alice');
    const grants = payload.kvs as {
      stream: string;
      modes: string[];
      from: number;
      maxExpiresSeconds: number;
    }[];
    expect(grants.map((g) => g.stream)).toEqual(['cam-1', 'site7-*']);
    expect(grants[0]).toMatchObject({ modes: ['LIVE', 'ON_DEMAND'], maxExpiresSeconds: 900 });
    expect(Math.abs(grants[0]!.from - (before - 7200))).toBeLessThan(10);
    expect(decodeJwt(jwt).exp! - decodeJwt(jwt).iat!).toBe(3600);
  });

  it('refuses a grant the broker would ignore, and says why', async () => {
    const keyPath = join(await mkdtemp(join(tmpdir(), 'token-cli-')), 'key.json');
    await expect(token(['--stream', 'cam-1', '--modes', 'REPLAY'], keyPath)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('this grant would be ignored by the broker'),
    });
  });
});
