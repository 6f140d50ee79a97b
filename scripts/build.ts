// `npm run build` (and `npm pack`, through prepack): what the package ships.
//   dist/lambda/<name>/index.mjs(.map)  the Lambda bundles, minified ESM, size-checked against their budgets
//   dist/index.js, dist/index.d.ts      the CDK library: one ESM module and one declaration file, so that a
//                                       consumer's NodeNext resolution never sees our extensionless imports
// `npm run build -- --lambdas` builds the Lambda bundles alone (what the tests and `cdk synth` here need).
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { POLICY_PATHS } from '../lambda/contract/routes';
import { ESM_REQUIRE_BANNER, LAMBDA_BUNDLES, type LambdaBundleName } from '../lib/lambda-bundles';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = `${ROOT}dist/`;

/**
 * Size budgets of the minified bundles, in bytes: a regression (a whole library pulled in) fails the build. A broker
 * function's figure is what its cold start loads: index.mjs and the chunks it imports (`loadedBytes`), not the chunks
 * it may import later (the viewer-state store, the SDK's event streams).
 */
export const BUNDLE_BUDGET_BYTES: Record<LambdaBundleName, number> = {
  // It checks only its sections of the config at cold start (lambda/runtime/validate.ts validateAuthorizerConfig),
  // and holds the route table's policy paths compiled at build time, not the table (POLICY_PATHS_COMPILED below):
  // 39.2 KB (41.0 with the table).
  authorizer: 40_000,
  // Aim: 280 KB. One bundle for every route reached 366.7 KB (archive 292.2, DynamoDB +55, WebRTC +17.9); split
  // by the route table's `lambda` column and with the viewer-state store a lazy chunk, the broker's sessions,
  // grids, discovery and revocations load 279.9 KB (the store's chunk, 44 KB, only where a table is configured).
  broker: 282_000,
  // Timeline and images: the archived-media client and the archive adapter, no session or signaling code (275.0 KB).
  archive: 278_000,
  // The clip alone, streamed: the same clients as the archive function (275.0 KB).
  clip: 278_000,
  // The signaling client and SigV4 presigning, no archived-media client (267.9 KB).
  webrtc: 271_000,
  // A pure mapping with no schema library (its config is checked by hand, lambda/cognito/mapping-config.ts).
  cognito: 60_000,
};

/** The broker's functions: a viewer-state store imported only where a table is configured, as a chunk of its own. */
const BROKER_FUNCTIONS: readonly LambdaBundleName[] = ['broker', 'archive', 'clip', 'webrtc'];

/**
 * The broker's SDK clients take credentials from the environment only: Lambda puts the execution role's there
 * before the handler loads, so the rest of the default chain (ini files, SSO, web identity, container and
 * instance metadata) is dead weight, about 120 KB (measured in `npm run bench`).
 */
const ENV_CREDENTIALS_ONLY: Plugin = {
  name: 'credentials-from-env',
  setup(b) {
    b.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({
      path: `${ROOT}lambda/runtime/credentials-from-env.ts`,
    }));
  },
};

/**
 * GET /openapi.json serves the committed docs/openapi.json. In the broker bundle it is not code: the build writes
 * it beside index.mjs (compact JSON) and the handler reads it the first time it is asked for, so the document
 * costs the bundle nothing to load at each cold start (12 KB of JavaScript otherwise).
 */
const OPENAPI_BESIDE_BUNDLE: Plugin = {
  name: 'openapi-beside-bundle',
  setup(b) {
    b.onLoad({ filter: /lambda[\\/]contract[\\/]openapi-document\.ts$/ }, () => ({
      loader: 'js',
      contents: `import { readFileSync } from 'node:fs';
export function openApiJson() { return readFileSync(new URL('./openapi.json', import.meta.url), 'utf8'); }`,
    }));
  },
};
/** Files a bundle reads beside its index.mjs: name -> text. */
const COMPANION_FILES: Partial<Record<LambdaBundleName, Record<string, () => string>>> = {
  broker: {
    'openapi.json': () => JSON.stringify(JSON.parse(readFileSync(`${ROOT}docs/openapi.json`, 'utf8'))),
  },
};
/**
 * The authorizer reads the route table for its policy paths only (core/policy.ts compilePolicyPaths): the build
 * compiles them, and the bundle holds the compiled paths instead of the table (1.5 KB). An import of anything else
 * from the table fails the build (no such export). test/lambda/bundle-size.test.ts checks the bundle's policy.
 */
const POLICY_PATHS_COMPILED: Plugin = {
  name: 'policy-paths-compiled',
  setup(b) {
    b.onLoad({ filter: /lambda[\\/]contract[\\/]routes\.ts$/ }, () => ({
      loader: 'js',
      contents: `export const POLICY_PATHS = ${JSON.stringify(POLICY_PATHS)};`,
    }));
  },
};
const PLUGINS: Partial<Record<LambdaBundleName, Plugin[]>> = {
  authorizer: [POLICY_PATHS_COMPILED],
  broker: [ENV_CREDENTIALS_ONLY, OPENAPI_BESIDE_BUNDLE],
  archive: [ENV_CREDENTIALS_ONLY],
  clip: [ENV_CREDENTIALS_ONLY],
  webrtc: [ENV_CREDENTIALS_ONLY],
};

/** The esbuild options of one Lambda bundle (the bench builds its variants from these too). */
export function lambdaBuildOptions(name: LambdaBundleName) {
  return {
    entryPoints: { index: `${ROOT}${LAMBDA_BUNDLES[name]}` },
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    // ESM entry points of dependencies first: they tree-shake (the two KVS clients down to the commands we call).
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    minify: true,
    // Stack traces map to file:line (NODE_OPTIONS=--enable-source-maps) without shipping every source text.
    sourcemap: true,
    sourcesContent: false,
    // Paths in the map relative to the package root, so the bundle is the same bytes on every machine.
    sourceRoot: '',
    metafile: true,
    // A broker function's dynamic imports become chunks beside index.mjs, loaded when first imported: without
    // splitting esbuild would inline them (and the SDK's own, its event streams), in every cold start.
    splitting: BROKER_FUNCTIONS.includes(name),
    plugins: PLUGINS[name] ?? [],
  } satisfies BuildOptions;
}

/** What esbuild says of one output file: its size and the files it imports. */
interface OutputFile {
  bytes: number;
  imports: readonly { path: string; kind: string }[];
}

/**
 * The bytes a cold start loads: index.mjs and, transitively, the chunks it imports statically; a chunk imported
 * dynamically (`import()`) loads only when that code runs.
 */
export function loadedBytes(outputs: Record<string, OutputFile>): number {
  return loadedOutputs(outputs).reduce((sum, file) => sum + outputs[file]!.bytes, 0);
}

/** The output files a cold start loads (`loadedBytes`), by their metafile names. */
export function loadedOutputs(outputs: Record<string, OutputFile>): string[] {
  const entry = Object.keys(outputs).find((f) => f.endsWith('index.mjs'))!;
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || !outputs[file]) return;
    seen.add(file);
    for (const i of outputs[file].imports) if (i.kind === 'import-statement') visit(i.path);
  };
  visit(entry);
  return [...seen];
}

/** Builds one Lambda bundle into dist/lambda/<name>/; returns the bytes its cold start loads (`loadedBytes`). */
export async function buildLambdaBundle(name: LambdaBundleName, outRoot = `${DIST}lambda/`): Promise<number> {
  const outdir = `${outRoot}${name}`;
  const result = await build({ ...lambdaBuildOptions(name), outdir, write: false, logLevel: 'warning' });
  // Each file replaced atomically (write beside, then rename): tests synthesizing in parallel, or a `npm pack`
  // during them, never see a missing or half-written bundle. The bytes are the same build after build.
  // The temporary files sit outside the bundle folder, so that an asset copied meanwhile never includes one.
  // index.mjs goes last, once every chunk it imports is in place.
  const staging = `${outRoot}.staging-${process.pid}`;
  mkdirSync(outdir, { recursive: true });
  mkdirSync(staging, { recursive: true });
  const files: [string, string | Uint8Array][] = [
    ...result.outputFiles.map((f) => [basename(f.path), f.contents] as [string, Uint8Array]),
    ...Object.entries(COMPANION_FILES[name] ?? {}).map(([file, text]) => [file, text()] as [string, string]),
  ].sort(([a], [b]) => Number(a.startsWith('index.')) - Number(b.startsWith('index.')));
  for (const [file, contents] of files) {
    const temporary = `${staging}/${file}`;
    writeFileSync(temporary, contents);
    renameSync(temporary, `${outdir}/${file}`);
  }
  rmSync(staging, { recursive: true, force: true });
  // Chunks of an earlier build that this one no longer makes (their hash changed) leave the asset.
  const made = new Set(files.map(([file]) => file));
  for (const file of readdirSync(outdir)) if (!made.has(file)) rmSync(`${outdir}/${file}`, { force: true });
  return loadedBytes(result.metafile.outputs);
}

/** All Lambda bundles; throws when one is over its budget. */
export async function buildLambdaBundles(
  outRoot?: string,
  budgets: Record<LambdaBundleName, number> = BUNDLE_BUDGET_BYTES,
): Promise<Record<LambdaBundleName, number>> {
  const sizes = {} as Record<LambdaBundleName, number>;
  for (const name of Object.keys(LAMBDA_BUNDLES) as LambdaBundleName[]) {
    sizes[name] = await buildLambdaBundle(name, outRoot);
    if (sizes[name] > budgets[name]) {
      throw new Error(
        `the ${name} bundle is ${sizes[name]} bytes, over its budget of ${budgets[name]} bytes`,
      );
    }
  }
  return sizes;
}

/** The package's entry points: the CDK library, and the typed client (`kvs-session-broker/client`). */
const ENTRIES = [
  // aws-cdk-lib and constructs are the consumer's (peer dependencies), zod a dependency; the library never
  // imports cdk-nag (an optional peer: lib/nag.ts writes what both of its majors read).
  { name: 'index', source: 'lib/index.ts', tsconfig: 'tsconfig.json', platform: 'node', target: 'node22' },
  // The client runs in browsers, React Native and Node: no Node built-ins, nothing but its own files.
  {
    name: 'client',
    source: 'client/index.ts',
    tsconfig: 'client/tsconfig.json',
    platform: 'neutral',
    target: 'es2022',
  },
] as const;

async function buildLibrary(): Promise<void> {
  const { rollup } = await import('rollup');
  const { dts } = await import('rollup-plugin-dts');
  for (const entry of ENTRIES) {
    rmSync(`${DIST}${entry.name}.js`, { force: true });
    rmSync(`${DIST}${entry.name}.d.ts`, { force: true });
    await build({
      entryPoints: { [entry.name]: `${ROOT}${entry.source}` },
      outdir: DIST,
      bundle: true,
      platform: entry.platform,
      format: 'esm',
      target: entry.target,
      packages: 'external',
      logLevel: 'warning',
    });
    const bundle = await rollup({
      input: `${ROOT}${entry.source}`,
      plugins: [dts({ tsconfig: `${ROOT}${entry.tsconfig}`, compilerOptions: { noEmit: false } })],
      external: (id) => !id.startsWith('.') && !id.startsWith('/'),
    });
    await bundle.write({ file: `${DIST}${entry.name}.d.ts`, format: 'es' });
    await bundle.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const lambdasOnly = process.argv.includes('--lambdas');
  const sizes = await buildLambdaBundles();
  for (const [name, bytes] of Object.entries(sizes)) {
    console.error(
      `dist/lambda/${name}/  ${(bytes / 1000).toFixed(1)} KB loaded at cold start (budget ${BUNDLE_BUDGET_BYTES[name as LambdaBundleName] / 1000} KB)`,
    );
  }
  if (!lambdasOnly) {
    await buildLibrary();
    console.error('dist/index.js, dist/index.d.ts, dist/client.js, dist/client.d.ts');
  }
}
