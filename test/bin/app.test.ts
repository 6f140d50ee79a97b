// bin/app.ts refuses a bad configuration before building anything: message on stderr, non-zero exit.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

const root = fileURLToPath(new URL('../..', import.meta.url));

function runApp(configPath: string) {
  const env: Record<string, string | undefined> = { ...process.env, KVS_BROKER_CONFIG: configPath };
  delete env.NODE_OPTIONS; // jest's --experimental-vm-modules is not for the child
  return spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], { cwd: root, env, encoding: 'utf8' });
}

function configFile(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'kvs-broker-app-')), 'config.json');
  writeFileSync(path, content);
  return path;
}

describe('bin/app.ts', () => {
  it('exits 1 naming the field when the config is invalid', () => {
    const path = configFile(
      JSON.stringify({
        issuers: [
          { issuer: 'https://idp.example.com/', jwksUri: 'http://idp.example.com/jwks', audience: 'a' },
        ],
      }),
    );
    const result = runApp(path);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`kvs-session-broker: ${path}: Invalid kvs-session-broker configuration:`);
    expect(result.stderr).toContain('issuers[0].jwksUri: must be https');
  });

  it('exits 1 when the config is not JSON', () => {
    const result = runApp(configFile('{ issuers: '));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/is not JSON/);
  });

  it('exits 1 when the config file is missing', () => {
    const result = runApp('/nonexistent/kvs-broker.json');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/cannot read the configuration \/nonexistent\/kvs-broker.json/);
  });
});
