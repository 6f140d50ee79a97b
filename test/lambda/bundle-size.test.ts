// The Lambda bundles stay small (cold starts, deploy size): built with esbuild as the CDK construct builds them.
// Budgets, not timings: a regression like importing zod's namespace object (all its locales, +300 KB) fails here.
import { describe, expect, it } from '@jest/globals';
import { build } from 'esbuild';

const BUDGET_BYTES = { authorizer: 250_000, broker: 600_000 };

async function bundleSize(entry: string): Promise<number> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    minify: true,
    mainFields: ['module', 'main'],
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.contents.byteLength;
}

describe('Lambda bundle size', () => {
  it.each(Object.entries(BUDGET_BYTES))('keeps the %s bundle under its budget', async (name, budget) => {
    const size = await bundleSize(`lambda/${name}/index.ts`);
    expect(size).toBeLessThan(budget);
  });
});
