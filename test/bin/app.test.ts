// bin/app.ts refuses a bad configuration before building anything: message on stderr, non-zero exit.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

const root = fileURLToPath(new URL('../..', import.meta.url));

function runApp(configPath: string | undefined, extra: Record<string, string> = {}) {
  const env: Record<string, string | undefined> = { ...process.env, KVS_BROKER_CONFIG: configPath, ...extra };
  if (configPath === undefined) delete env.KVS_BROKER_CONFIG;
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

describe('bin/app.ts says what it deploys', () => {
  /** Runs the app as `cdk synth` does (CDK_OUTDIR, context from cdk.json plus extra) and reads the template. */
  function synth(configPath: string | undefined, context: Record<string, unknown> = {}) {
    const outdir = mkdtempSync(join(tmpdir(), 'kvs-broker-synth-'));
    const cdkContext = JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf8')).context as Record<
      string,
      unknown
    >;
    const result = runApp(configPath, {
      CDK_OUTDIR: outdir,
      CDK_CONTEXT_JSON: JSON.stringify({ ...cdkContext, ...context }),
    });
    expect(result.status).toBe(0);
    const template = JSON.parse(readFileSync(join(outdir, 'KvsSessionBroker.template.json'), 'utf8'));
    return { stderr: result.stderr, template };
  }

  const realConfig = () =>
    configFile(
      JSON.stringify({
        issuers: [
          { issuer: 'https://idp.acme.io/', jwksUri: 'https://idp.acme.io/jwks.json', audience: 'video' },
        ],
        streams: ['cam-*'],
      }),
    );

  it('prints which configuration file it read, and where the choice came from', () => {
    const path = realConfig();
    const { stderr, template } = synth(path);
    expect(stderr).toContain(
      `kvs-session-broker: configuration ${path} (KVS_BROKER_CONFIG): 1 issuer(s), streams cam-*`,
    );
    expect(template.Rules.RefuseExampleConfig).toBeUndefined();
  });

  it('takes -c config before KVS_BROKER_CONFIG', () => {
    const path = realConfig();
    const { stderr } = synth('/nonexistent.json', { config: path });
    expect(stderr).toContain(`kvs-session-broker: configuration ${path} (-c config)`);
  });

  it('falls back to the example config, whose placeholder issuers (RFC 2606 example hosts) CloudFormation refuses to deploy', () => {
    const { stderr, template } = synth(undefined);
    expect(stderr).toContain(
      `kvs-session-broker: configuration ${join(root, 'config/example.json')} (the default)`,
    );
    expect(stderr).toMatch(
      /issuers https:\/\/login\.example\.com\/, .* are placeholders: cdk deploy will be refused/,
    );
    // A template rule: CreateStack and UpdateStack check it before touching any resource.
    expect(template.Parameters.AllowExampleConfig).toMatchObject({
      Default: 'no',
      AllowedValues: ['no', 'yes'],
    });
    expect(template.Rules.RefuseExampleConfig.Assertions).toEqual([
      {
        Assert: { 'Fn::Equals': [{ Ref: 'AllowExampleConfig' }, 'yes'] },
        AssertDescription: expect.stringContaining('placeholder issuers'),
      },
    ]);
  });

  it('deploys placeholder issuers only when told explicitly (-c allowExampleConfig=true)', () => {
    const { template } = synth(undefined, { allowExampleConfig: 'true' });
    expect(template.Rules.RefuseExampleConfig).toBeUndefined();
    expect(template.Parameters?.AllowExampleConfig).toBeUndefined();
  });
});
