// What another team does to adopt the construct: `npm pack` this package, `cdk init app --language=typescript`
// (the aws-cdk CLI of our devDependencies, so the template is today's: NodeNext, the current typescript, tsx),
// install only the tarball, write the README's snippet, type-check, synthesize as `cdk synth` runs the app, and
// check that template against the deploy-time rules. Then the same from plain JavaScript (ESM and CommonJS).
// Needs the npm registry (the app's own dependencies); no Docker, no AWS account.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Template } from 'aws-cdk-lib/assertions';
import { deployRuleViolations, type TemplateJson } from '../lib/deploy-rules';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WORK = mkdtempSync(join(tmpdir(), 'kvs-broker-consumer-'));
const APP = join(WORK, 'playback');

/** The README's snippet, exactly as written there, inside the stack `cdk init` generated. */
export const README_SNIPPET = `    const broker = new KvsSessionBroker(this, 'Playback', {
      config: {
        issuers: [{ issuer: 'https://login.partner.example/', jwksUri: 'https://login.partner.example/.well-known/jwks.json', audience: 'partner-video' }],
        streams: ['door-cam', 'yard-*'],
      },
    });
    new KvsUsageDashboard(this, 'Usage', { broker });`;

function run(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): SpawnSyncReturns<string> {
  const childEnv: Record<string, string | undefined> = { ...process.env, ...env, npm_config_fund: 'false' };
  delete childEnv.NODE_OPTIONS; // jest's --experimental-vm-modules is not for the children
  const result = spawnSync(command, args, {
    cwd,
    env: childEnv,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited ${result.status}:\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result;
}

/** The typed client through its subpath export, as an app would call it. */
const CLIENT_USE = `import { createBrokerClient, isBrokerClientError } from 'kvs-session-broker/client';

const client = createBrokerClient({ baseUrl: 'https://api.partner.example/prod/', token: async () => 'a JWT' });

export async function openDoorCam(): Promise<string | undefined> {
  try {
    const session = await client.createSession('door-cam', { protocol: 'HLS' });
    return session.url;
  } catch (error) {
    if (isBrokerClientError(error) && error.code === 'FORBIDDEN') return undefined;
    throw error;
  }
}
`;

let tarball: string;
let packedFiles: string[];
let synthOutput: string;
let template: Template;

beforeAll(() => {
  // npm pack runs prepack: `npm run build` (Lambda bundles, size budgets, library and declarations).
  const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', WORK], ROOT).stdout) as {
    filename: string;
    files: { path: string }[];
  }[];
  tarball = join(WORK, packed!.filename);
  packedFiles = packed!.files.map((f) => f.path).sort();

  mkdirSync(APP);
  run(join(ROOT, 'node_modules/.bin/cdk'), ['init', 'app', '--language=typescript', '--generate-only'], APP, {
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  });
  const stackFile = join(APP, 'lib/playback-stack.ts');
  const generated = readFileSync(stackFile, 'utf8');
  writeFileSync(
    stackFile,
    `import { KvsSessionBroker, KvsUsageDashboard } from 'kvs-session-broker';\n` +
      generated.replace(/(super\(scope, id, props\);\n)[\s\S]*?(\n {2}}\n}\s*)$/, `$1\n${README_SNIPPET}$2`),
  );
  // A mobile or web team's use of the typed client, type-checked by the same `npx tsc` as the stack.
  writeFileSync(join(APP, 'lib/player.ts'), CLIENT_USE);
  run('npm', ['install', '--no-audit', '--prefer-offline', tarball], APP);

  // `cdk synth` runs cdk.json's app command with the context and an output folder in the environment: the same
  // here, without the CLI's account lookups (no credentials, no network beyond the npm registry).
  const cdkJson = JSON.parse(readFileSync(join(APP, 'cdk.json'), 'utf8')) as {
    app: string;
    context: unknown;
  };
  const synth = run('sh', ['-c', cdkJson.app], APP, {
    CDK_OUTDIR: join(APP, 'cdk.out'),
    CDK_CONTEXT_JSON: JSON.stringify(cdkJson.context),
  });
  synthOutput = synth.stdout + synth.stderr;
  template = Template.fromJSON(
    JSON.parse(readFileSync(join(APP, 'cdk.out/PlaybackStack.template.json'), 'utf8')),
  );
}, 600_000);

describe('the packed package', () => {
  it('holds only what a consumer needs: the library, its declarations, the Lambda bundles, docs and licence', () => {
    expect(packedFiles.filter((f) => !f.startsWith('docs/'))).toEqual([
      'LICENSE',
      'README.md',
      'SECURITY.md',
      'dist/client.d.ts',
      'dist/client.js',
      'dist/index.d.ts',
      'dist/index.js',
      'dist/lambda/authorizer/index.mjs',
      'dist/lambda/authorizer/index.mjs.map',
      'dist/lambda/broker/index.mjs',
      'dist/lambda/broker/index.mjs.map',
      'dist/lambda/cognito/index.mjs',
      'dist/lambda/cognito/index.mjs.map',
      'package.json',
    ]);
  });

  it('leaves aws-cdk-lib and constructs to the app: one copy of each in its node_modules', () => {
    const nested = join(APP, 'node_modules/kvs-session-broker/node_modules');
    const own = (() => {
      try {
        return readdirSync(nested);
      } catch {
        return [];
      }
    })();
    expect(own).not.toContain('aws-cdk-lib');
    expect(own).not.toContain('constructs');
  });
});

describe('a fresh `cdk init app --language=typescript` with the README snippet', () => {
  it('type-checks the stack and a use of kvs-session-broker/client with the generated tsconfig (NodeNext) and typescript', () => {
    const pkg = JSON.parse(readFileSync(join(APP, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    expect(pkg.devDependencies.typescript).toBeDefined();
    expect(
      JSON.parse(readFileSync(join(APP, 'tsconfig.json'), 'utf8')).compilerOptions.moduleResolution,
    ).toBe('NodeNext');
    // cdk.json's app command starts with `npx tsc`: the synth above would have failed on a type error.
    expect(run('npx', ['tsc', '--noEmit'], APP).status).toBe(0);
  });

  it('synthesizes without bundling anything (no esbuild, no Docker): the prebuilt bundles are the assets', () => {
    expect(synthOutput).not.toMatch(/Bundling asset|docker/i);
    template.resourceCountIs('AWS::Lambda::Function', 2);
    template.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
    });
    const assets = readdirSync(join(APP, 'cdk.out')).filter((f) => f.startsWith('asset.'));
    for (const asset of assets)
      expect(readdirSync(join(APP, 'cdk.out', asset)).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    expect(assets).toHaveLength(2);
  });

  it('creates the API, its authorizer, the dashboard and the alarms', () => {
    template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
    template.resourceCountIs('AWS::ApiGateway::Authorizer', 1);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.resourceCountIs('AWS::CloudWatch::CompositeAlarm', 1);
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
  });

  it('passes the deploy-time rules', () => {
    expect(deployRuleViolations(template.toJSON() as TemplateJson)).toEqual([]);
  });
});

describe('plain JavaScript', () => {
  const program = (load: string) => `${load}
const app = new App({ outdir: 'cdk.js.out' });
const stack = new Stack(app, 'Js');
const broker = new KvsSessionBroker(stack, 'Playback', {
  config: { issuers: [{ issuer: 'https://login.partner.example/', jwksUri: 'https://login.partner.example/.well-known/jwks.json', audience: 'partner-video' }], streams: ['door-cam'] },
});
new KvsUsageDashboard(stack, 'Usage', { broker });
const { Resources } = app.synth().getStackByName('Js').template;
console.log(Object.values(Resources).filter((r) => r.Type === 'AWS::Lambda::Function').length, 'functions');`;

  it.each([
    [
      'ESM (import)',
      'consumer.mjs',
      "import { App, Stack } from 'aws-cdk-lib';\nimport { KvsSessionBroker, KvsUsageDashboard } from 'kvs-session-broker';",
    ],
    [
      'CommonJS (require)',
      'consumer.cjs',
      "const { App, Stack } = require('aws-cdk-lib');\nconst { KvsSessionBroker, KvsUsageDashboard } = require('kvs-session-broker');",
    ],
  ])('synthesizes from %s', (_kind, file, load) => {
    writeFileSync(join(APP, file), program(load));
    expect(run('node', [file], APP).stdout.trim()).toBe('2 functions');
  });
});
