// Jest global setup: the CDK tests synthesize the constructs, which deploy the prebuilt Lambda bundles, so
// build them first from the working tree, as `npm run build` does (esbuild: a second or two).
import { spawnSync } from 'node:child_process';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';

export default function globalSetup() {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const env = { ...process.env };
  delete env.NODE_OPTIONS; // jest's --experimental-vm-modules is not for the child
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts', '--lambdas'], {
    cwd: root,
    env,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`building the Lambda bundles failed:\n${result.stderr}`);
}
