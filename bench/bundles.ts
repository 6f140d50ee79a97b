// Bundles for the benchmarks: the deployed ones (scripts/build.ts), their floors, and measured variants of the
// deployed ones (a change the lead may make elsewhere, built here with an esbuild plugin so that its bytes and its
// cold start are measured before anyone edits the source). Each comes with its esbuild metafile.
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';
import { LAMBDA_BUNDLES, type LambdaBundleName } from '../lib/lambda-bundles';
import { buildLambdaBundles, lambdaBuildOptions, loadedBytes, loadedOutputs } from '../scripts/build';
import type { BenchedLambda } from './lambdas';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface BuiltBundle {
  name: string;
  file: string;
  bytes: number;
  metafile: Metafile;
}

/** The variants measured beside the deployed bundles. */
/**
 * `leanRuntime`: the lean JSON logger in place of Powertools Logger. `oneFile`: no code splitting, so that the
 * viewer-state store and the SDK's own dynamic imports are inlined in index.mjs (as before the functions split).
 */
export type Variant = 'leanRuntime' | 'oneFile';

function variantPlugin(variants: readonly Variant[]): Plugin {
  return {
    name: 'bench-variants',
    setup(b) {
      if (variants.includes('leanRuntime')) {
        b.onResolve({ filter: /^@aws-lambda-powertools\/logger(\/middleware)?$/ }, () => ({
          path: `${ROOT}bench/variants/powertools-logger-shim.ts`,
        }));
      }
    },
  };
}

/** A bundle with scripts/build.ts's options for `base` (or the authorizer's, for a floor), plus variant plugins. */
async function bundle(
  name: string,
  entry: string,
  outdir: string,
  plugins: Plugin[] = [],
  base: LambdaBundleName = 'authorizer',
  variants: readonly Variant[] = [],
): Promise<BuiltBundle> {
  mkdirSync(outdir, { recursive: true });
  const options = lambdaBuildOptions(base);
  const result = await build({
    ...options,
    entryPoints: { index: entry },
    outdir,
    logLevel: 'error',
    plugins: [...plugins, ...options.plugins],
    ...(variants.includes('oneFile') ? { splitting: false } : {}),
  });
  const file = `${outdir}/index.mjs`;
  // What a cold start loads: index.mjs and the chunks it imports (a broker function's lazy chunks are not counted).
  return { name, file, bytes: loadedBytes(result.metafile.outputs), metafile: result.metafile };
}

/** A variant of a deployed bundle: a change measured before anyone makes it. */
export interface VariantSpec {
  label: string;
  bundle: LambdaBundleName;
  variants: Variant[];
}

/** The variants measured beside the deployed bundles; a variant that builds to the deployed bytes is left out. */
export const VARIANTS: readonly VariantSpec[] = [
  // The broker with the authorizer's lean logger in place of Powertools Logger (its middy middleware too).
  { label: 'broker, lean log', bundle: 'broker', variants: ['leanRuntime'] },
  { label: 'broker, one file (state store inlined)', bundle: 'broker', variants: ['oneFile'] },
];

export interface BenchBundles {
  /** Deployed bundles by name, floors as `<name>Floor` (and `emptyFloor`), variants by label, handler kits. */
  built: Record<string, BuiltBundle>;
  /** Variants not measured, and why: identical to what is deployed, or no longer buildable. */
  leftOut: string[];
}

const sameBytes = (a: string, b: string) => readFileSync(a).equals(readFileSync(b));

/**
 * Builds everything the benchmarks load. The deployed bundles come from scripts/build.ts into dist/lambda (as
 * `npm run build -- --lambdas` does); they are rebuilt beside the others for their metafiles, and must match.
 */
export async function buildBenchBundles(
  work: string,
  lambdas: readonly BenchedLambda[],
  emptyFloor: string,
): Promise<BenchBundles> {
  const sizes = await buildLambdaBundles();
  const built: Record<string, BuiltBundle> = {};
  for (const name of Object.keys(LAMBDA_BUNDLES) as LambdaBundleName[]) {
    const rebuilt = await bundle(name, `${ROOT}${LAMBDA_BUNDLES[name]}`, `${work}/${name}`, [], name);
    if (rebuilt.bytes !== sizes[name]) {
      throw new Error(`bench: ${name} rebuilt ${rebuilt.bytes} bytes, scripts/build.ts ${sizes[name]}`);
    }
    built[name] = { ...rebuilt, file: `${ROOT}dist/lambda/${name}/index.mjs` };
  }
  // Each floor takes its Lambda's build options (the broker's: credentials from the environment, as deployed).
  for (const l of lambdas) {
    built[`${l.bundle}Floor`] = await bundle(
      `${l.bundle} floor`,
      `${ROOT}${l.floor}`,
      `${work}/floor-${l.bundle}`,
      [],
      l.bundle,
    );
  }
  built.emptyFloor = await bundle('empty floor', `${ROOT}${emptyFloor}`, `${work}/floor-empty`);
  const leftOut: string[] = [];
  for (const v of VARIANTS) {
    try {
      const b = await bundle(
        v.label,
        `${ROOT}${LAMBDA_BUNDLES[v.bundle]}`,
        `${work}/${v.label.replace(/\W+/g, '-')}`,
        [variantPlugin(v.variants)],
        v.bundle,
        v.variants,
      );
      if (sameBytes(b.file, built[v.bundle]!.file)) leftOut.push(`${v.label}: the same bytes as deployed`);
      else built[v.label] = b;
    } catch (error) {
      leftOut.push(
        `${v.label}: not buildable from today's source (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }
  for (const [label, v] of [
    ['handler kit', []],
    ['handler kit, lean log', ['leanRuntime']],
  ] as [string, Variant[]][]) {
    built[label] = await bundle(
      label,
      `${ROOT}bench/variants/handler-kit.ts`,
      `${work}/${label.replace(/\W+/g, '-')}`,
      [variantPlugin(v)],
      'broker',
    );
  }
  return { built, leftOut };
}

/** Bytes in the output per package (node_modules/<package>, scoped packages grouped by scope for @smithy). */
export function bytesByPackage(metafile: Metafile): Record<string, number> {
  const groups: Record<string, number> = {};
  for (const loaded of loadedOutputs(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(metafile.outputs[loaded]!.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      let group = match ? match[1]! : input.startsWith('lambda/') ? 'lambda/ (ours)' : input;
      if (group.startsWith('@smithy/')) group = '@smithy/*';
      else if (group.startsWith('@aws-sdk/credential-provider') || group === '@aws-sdk/nested-clients') {
        group = '@aws-sdk/credential-provider-* + nested-clients';
      } else if (group.startsWith('@aws-sdk/')) group = '@aws-sdk/* (clients, core)';
      else if (group.startsWith('@aws-lambda-powertools/')) group = '@aws-lambda-powertools/*';
      groups[group] = (groups[group] ?? 0) + bytesInOutput;
    }
  }
  return Object.fromEntries(Object.entries(groups).sort(([, a], [, b]) => b - a));
}

/** For each of our modules that imports `pkg` directly, the import chain from the entry point to it. */
export function whoImports(metafile: Metafile, pkg: string): string[][] {
  const parents = new Map<string, string>();
  const entry = Object.values(metafile.outputs).find((o) => o.entryPoint)?.entryPoint;
  if (!entry) return [];
  const queue = [entry];
  const seen = new Set(queue);
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const { path } of metafile.inputs[current]?.imports ?? []) {
      if (!seen.has(path) && metafile.inputs[path]) {
        seen.add(path);
        parents.set(path, current);
        queue.push(path);
      }
    }
  }
  const chains: string[][] = [];
  for (const [input, info] of Object.entries(metafile.inputs)) {
    if (input.includes('node_modules/')) continue;
    if (!info.imports.some((i) => i.path.includes(`node_modules/${pkg}/`))) continue;
    const chain = [input];
    for (let p = parents.get(input); p; p = parents.get(p)) chain.unshift(p);
    chains.push(chain);
  }
  return chains;
}
