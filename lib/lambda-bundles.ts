// The Lambda code the constructs deploy: bundles prebuilt by `npm run build` (scripts/build.ts), shipped in the
// package. A consumer's `cdk synth` copies them as they are: no esbuild, no Docker, no lockfile, no tsconfig.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as lambda from 'aws-cdk-lib/aws-lambda';

/** Each bundle's entry, relative to the package root. The build makes `dist/lambda/<name>/index.mjs`. */
export const LAMBDA_BUNDLES = {
  authorizer: 'lambda/authorizer/index.ts',
  broker: 'lambda/broker/index.ts',
  archive: 'lambda/broker/entries/archive.ts',
  clip: 'lambda/broker/entries/clip.ts',
  webrtc: 'lambda/broker/entries/webrtc.ts',
  cognito: 'lambda/cognito/index.ts',
} as const;
export type LambdaBundleName = keyof typeof LAMBDA_BUNDLES;

/** The handler of every bundle: `handler` exported from index.mjs. */
export const BUNDLE_HANDLER = 'index.handler';

/**
 * ESM bundles have no `require`; some CommonJS dependencies bundled into them still call it for Node
 * built-ins. The banner gives them one. The local name avoids clashing with anything esbuild emits.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __kvsCreateRequire } from 'node:module'; const require = __kvsCreateRequire(import.meta.url);";

/**
 * Where the bundles are: beside this file's folder in the package (`dist/index.js` -> `dist/lambda`), or under
 * `dist/` when this file runs from a source checkout (`lib/lambda-bundles.ts` -> `dist/lambda`).
 */
const BUNDLE_ROOTS = [new URL('./lambda/', import.meta.url), new URL('../dist/lambda/', import.meta.url)];

/** The folder holding one prebuilt bundle; throws, saying how to build it, when it is missing. */
export function lambdaBundleDirectory(name: LambdaBundleName): string {
  for (const root of BUNDLE_ROOTS) {
    const dir = fileURLToPath(new URL(`${name}/`, root));
    if (existsSync(`${dir}index.mjs`)) return dir;
  }
  throw new Error(
    `kvs-session-broker: the prebuilt ${name} Lambda bundle is missing (looked in ${BUNDLE_ROOTS.map((r) => fileURLToPath(r)).join(', ')}). ` +
      'In a checkout of kvs-session-broker, run `npm run build`; an installed package ships it prebuilt.',
  );
}

/** The bundle as Lambda code: an asset of the prebuilt folder, hashed by its content. */
export function lambdaBundleCode(name: LambdaBundleName): lambda.Code {
  return lambda.Code.fromAsset(lambdaBundleDirectory(name));
}
