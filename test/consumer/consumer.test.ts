// What another team does to adopt the construct: `npm pack` this package, `cdk init app --language=typescript`
// (the aws-cdk CLI of our devDependencies, so the template is today's: NodeNext, the current typescript, tsx),
// install only the tarball, write the README's snippet, type-check, synthesize as `cdk synth` runs the app, and
// check that template against the deploy-time rules. Then the same from plain JavaScript (ESM and CommonJS). Then
// what a team with a compliance gate does: the newest aws-cdk-lib the registry serves, a stack with an explicit
// env, and cdk-nag's AwsSolutions pack in both majors (2: an Aspect; 3: a policy-validation plugin).
// Needs the npm registry (the app's own dependencies); no Docker, no AWS account.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Template } from 'aws-cdk-lib/assertions';
import { apiProblems } from '../../scripts/api-report';
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

/** The adopting team's compliance gate: the README stack with an explicit env, under cdk-nag 2 or 3. */
const NAG_APP = `import { App, Aspects, Validations } from 'aws-cdk-lib';
import * as nag2 from 'cdk-nag';
import * as nag3 from 'cdk-nag-v3';
import { PlaybackStack } from '../lib/playback-stack';

const major = process.argv[2];
const app = new App({ outdir: \`cdk.nag\${major}.out\` });
new PlaybackStack(app, 'PlaybackEnv', { env: { account: '123456789012', region: 'eu-west-1' } });
if (major === '2') Aspects.of(app).add(new nag2.AwsSolutionsChecks());
else Validations.of(app).addPlugins(new nag3.AwsSolutionsChecks(app));
try {
  const messages = app.synth().getStackByName('PlaybackEnv').messages;
  const errors = messages.filter((m) => m.level === 'error' || String(m.entry.data).includes('AwsSolutions'));
  console.log(JSON.stringify({ errors: errors.map((m) => \`\${m.id}: \${String(m.entry.data)}\`) }));
} catch (error) {
  console.log(JSON.stringify({ errors: [String(error)] }));
}
`;

/** The OpenAPI document through its package export, as a partner's code generator would load it. */
const OPENAPI_USE = `import spec from 'kvs-session-broker/openapi.json' with { type: 'json' };
console.log(JSON.stringify({ openapi: spec.openapi, paths: Object.keys(spec.paths) }));
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
  // The newest aws-cdk-lib of the registry (cdk init's template may pin an older one), and both cdk-nag majors.
  run(
    'npm',
    [
      'install',
      '--no-audit',
      '--prefer-offline',
      'aws-cdk-lib@latest',
      'cdk-nag@^2',
      'cdk-nag-v3@npm:cdk-nag@^3',
    ],
    APP,
  );
  writeFileSync(join(APP, 'bin/nag.ts'), NAG_APP);

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

/** A chunk of a split broker function: `dist/lambda/<function>/<name>-<hash>.mjs(.map)`. */
const CHUNK = /^dist\/lambda\/(broker|archive|clip|webrtc)\/[a-z-]+-[A-Z0-9]{8}\.mjs(\.map)?$/;
const bundleFiles = (name: string) => [`dist/lambda/${name}/index.mjs`, `dist/lambda/${name}/index.mjs.map`];
/** The authorizer and the four functions of the route table (broker, archive, clip, webrtc). */
const FUNCTIONS = 5;

describe('the packed package', () => {
  it('holds only what a consumer needs: the library, its declarations, the Lambda bundles, docs and licence', () => {
    // The broker functions are built with esbuild splitting: chunks beside index.mjs that it imports (the
    // viewer-state store only when a table is configured), each named by its content hash.
    const isChunk = (f: string) => CHUNK.test(f);
    expect(packedFiles.filter((f) => !f.startsWith('docs/') && !isChunk(f))).toEqual([
      'LICENSE',
      'README.md',
      'SECURITY.md',
      'dist/client.d.ts',
      'dist/client.js',
      'dist/index.d.ts',
      'dist/index.js',
      ...['archive', 'authorizer', 'broker'].flatMap((f) => bundleFiles(f)),
      'dist/lambda/broker/openapi.json',
      ...['clip', 'cognito', 'webrtc'].flatMap((f) => bundleFiles(f)),
      'package.json',
    ]);
    expect(packedFiles.filter(isChunk).length).toBeGreaterThan(0);
    expect(packedFiles).toContain('docs/openapi.json');
  });

  it('exports the OpenAPI document as kvs-session-broker/openapi.json', () => {
    writeFileSync(join(APP, 'openapi-use.mjs'), OPENAPI_USE);
    const loaded = JSON.parse(run('node', ['openapi-use.mjs'], APP).stdout.trim()) as {
      openapi: string;
      paths: string[];
    };
    const own = JSON.parse(readFileSync(join(ROOT, 'docs/openapi.json'), 'utf8')) as {
      openapi: string;
      paths: object;
    };
    expect(loaded).toEqual({ openapi: own.openapi, paths: Object.keys(own.paths) });
  });

  it('exports every type its public signatures use (API Extractor: no ae-forgotten-export), library and client', () => {
    const dist = join(APP, 'node_modules/kvs-session-broker/dist');
    expect([...apiProblems(join(dist, 'index.d.ts')), ...apiProblems(join(dist, 'client.d.ts'))]).toEqual([]);
  });

  it('declares cdk-nag an optional peer dependency, for either major, and never imports it', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, unknown>
    >;
    expect(pkg.dependencies?.['cdk-nag']).toBeUndefined();
    expect(pkg.peerDependencies?.['cdk-nag']).toMatch(/^\^2\.[\d.]+ \|\| \^3\.[\d.]+$/);
    expect(pkg.peerDependenciesMeta?.['cdk-nag']).toEqual({ optional: true });
    const library = readFileSync(join(APP, 'node_modules/kvs-session-broker/dist/index.js'), 'utf8');
    expect(library).not.toMatch(/from ["']cdk-nag["']|require\(["']cdk-nag["']\)/);
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
    template.resourceCountIs('AWS::Lambda::Function', FUNCTIONS);
    template.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
    });
    const assets = readdirSync(join(APP, 'cdk.out')).filter((f) => f.startsWith('asset.'));
    // The authorizer's bundle, the broker's with the OpenAPI document it serves as committed, and the archive,
    // clip and WebRTC functions' (their chunks left out here).
    const files = (asset: string) =>
      readdirSync(join(APP, 'cdk.out', asset))
        .filter((f) => !/-[A-Z0-9]{8}\.mjs(\.map)?$/.test(f))
        .sort();
    expect(assets.map(files).sort()).toEqual([
      ...Array.from({ length: FUNCTIONS - 1 }, () => ['index.mjs', 'index.mjs.map']),
      ['index.mjs', 'index.mjs.map', 'openapi.json'],
    ]);
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

describe('a compliance gate: explicit env, the newest aws-cdk-lib, cdk-nag AwsSolutions', () => {
  it('runs on the newest aws-cdk-lib the registry serves', () => {
    const latest = run('npm', ['view', 'aws-cdk-lib', 'version'], APP).stdout.trim();
    const installed = JSON.parse(
      readFileSync(join(APP, 'node_modules/aws-cdk-lib/package.json'), 'utf8'),
    ) as {
      version: string;
    };
    expect(installed.version).toBe(latest);
  });

  it.each(['2', '3'])('synthesizes with zero cdk-nag %s findings', (major) => {
    const installed = JSON.parse(
      readFileSync(
        join(APP, `node_modules/${major === '2' ? 'cdk-nag' : 'cdk-nag-v3'}/package.json`),
        'utf8',
      ),
    ) as { version: string };
    expect(installed.version.startsWith(`${major}.`)).toBe(true);
    const out = run('npx', ['tsx', 'bin/nag.ts', major], APP, {
      CDK_CONTEXT_JSON: JSON.stringify(
        (JSON.parse(readFileSync(join(APP, 'cdk.json'), 'utf8')) as { context: unknown }).context,
      ),
    }).stdout;
    expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual({ errors: [] });
    const synthesized = JSON.parse(
      readFileSync(join(APP, `cdk.nag${major}.out/PlaybackEnv.template.json`), 'utf8'),
    ) as TemplateJson;
    expect(deployRuleViolations(synthesized)).toEqual([]);
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
    expect(run('node', [file], APP).stdout.trim()).toBe(`${FUNCTIONS} functions`);
  });
});
