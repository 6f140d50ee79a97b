// Bundles for the benchmarks: the deployed ones (scripts/build.ts), their floors, and measured variants of the
// deployed ones (a change the lead may make elsewhere, built here with an esbuild plugin so that its bytes and its
// cold start are measured before anyone edits the source). Each comes with its esbuild metafile.
import { mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';
import { LAMBDA_BUNDLES, type LambdaBundleName } from '../lib/lambda-bundles';
import * as configModule from '../lambda/core/config';
import { buildLambdaBundles, lambdaBuildOptions } from '../scripts/build';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface BuiltBundle {
  name: string;
  file: string;
  bytes: number;
  metafile: Metafile;
}

/** The variants measured beside the deployed bundles. */
export type Variant = 'noZod' | 'fromEnv' | 'leanRuntime';

/**
 * lambda/core/config.ts without its zod schema: the constants the Lambdas import from it, values only.
 * Stands for "split config.ts: constants and types in one module, the zod schema in another".
 */
function configConstantsModule(): string {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(configModule)) {
    if (value instanceof RegExp) lines.push(`export const ${name} = ${value.toString()};`);
    else if (typeof value === 'number' || typeof value === 'string' || Array.isArray(value)) {
      lines.push(`export const ${name} = ${JSON.stringify(value)};`);
    }
  }
  return lines.join('\n');
}

function variantPlugin(variants: readonly Variant[]): Plugin {
  return {
    name: 'bench-variants',
    setup(b) {
      if (variants.includes('noZod')) {
        b.onLoad({ filter: /lambda[\\/]core[\\/]config\.ts$/ }, () => ({
          contents: configConstantsModule(),
          loader: 'ts',
        }));
        // The broker already serves the committed OpenAPI document and checks requests without zod.
      }
      if (variants.includes('leanRuntime')) {
        b.onResolve({ filter: /^@aws-lambda-powertools\/logger(\/middleware)?$/ }, () => ({
          path: `${ROOT}bench/variants/powertools-logger-shim.ts`,
        }));
      }
      if (variants.includes('fromEnv')) {
        b.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({
          path: `${ROOT}bench/variants/credentials-from-env.ts`,
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
): Promise<BuiltBundle> {
  mkdirSync(outdir, { recursive: true });
  const options = lambdaBuildOptions(base);
  const result = await build({
    ...options,
    entryPoints: { index: entry },
    outdir,
    logLevel: 'error',
    plugins: [...plugins, ...options.plugins],
  });
  const file = `${outdir}/index.mjs`;
  return { name, file, bytes: statSync(file).size, metafile: result.metafile };
}

/**
 * Builds everything the benchmarks load. The deployed bundles come from scripts/build.ts into dist/lambda (as
 * `npm run build -- --lambdas` does); they are rebuilt beside the others for their metafiles, and must match.
 */
export async function buildBenchBundles(work: string): Promise<Record<string, BuiltBundle>> {
  const sizes = await buildLambdaBundles();
  const out: Record<string, BuiltBundle> = {};
  for (const name of Object.keys(LAMBDA_BUNDLES) as (keyof typeof LAMBDA_BUNDLES)[]) {
    const rebuilt = await bundle(name, `${ROOT}${LAMBDA_BUNDLES[name]}`, `${work}/${name}`, [], name);
    if (rebuilt.bytes !== sizes[name]) {
      throw new Error(`bench: ${name} rebuilt ${rebuilt.bytes} bytes, scripts/build.ts ${sizes[name]}`);
    }
    out[name] = { ...rebuilt, file: `${ROOT}dist/lambda/${name}/index.mjs` };
  }
  for (const name of ['authorizer', 'broker', 'empty'] as const) {
    // The broker floor takes the broker's build options (credentials from the environment, as deployed).
    out[`${name}Floor`] = await bundle(
      `${name} floor`,
      `${ROOT}bench/floor/${name}.ts`,
      `${work}/floor-${name}`,
      [],
      name === 'broker' ? 'broker' : 'authorizer',
    );
  }
  const variants: [string, keyof typeof LAMBDA_BUNDLES, Variant[]][] = [
    // Since the deployed bundles take credentials from the environment and keep zod out of the authorizer, the
    // 'no zod' authorizer and 'fromEnv' broker rows measure what is deployed (kept so the rows stay comparable).
    ['authorizer, no zod', 'authorizer', ['noZod']],
    ['broker, no zod', 'broker', ['noZod']],
    ['broker, fromEnv credentials', 'broker', ['fromEnv']],
    ['broker, no zod + fromEnv', 'broker', ['noZod', 'fromEnv']],
    ['authorizer, no zod + lean log', 'authorizer', ['noZod', 'leanRuntime']],
    ['broker, no zod + fromEnv + lean log', 'broker', ['noZod', 'fromEnv', 'leanRuntime']],
  ];
  for (const [label, name, v] of variants) {
    out[label] = await bundle(
      label,
      `${ROOT}${LAMBDA_BUNDLES[name]}`,
      `${work}/${label.replace(/\W+/g, '-')}`,
      [variantPlugin(v)],
      name,
    );
  }
  for (const [label, v] of [
    ['handler kit', []],
    ['handler kit, lean log', ['leanRuntime']],
  ] as [string, Variant[]][]) {
    out[label] = await bundle(
      label,
      `${ROOT}bench/variants/handler-kit.ts`,
      `${work}/${label.replace(/\W+/g, '-')}`,
      [variantPlugin(v)],
    );
  }
  return out;
}

/** Bytes in the output per package (node_modules/<package>, scoped packages grouped by scope for @smithy). */
export function bytesByPackage(metafile: Metafile): Record<string, number> {
  const groups: Record<string, number> = {};
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
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
