// The Lambda bundles stay small (cold starts, deploy size). `npm run build` (and so `npm pack`) fails when one is
// over its budget: a regression like importing zod's namespace object (all its locales, +300 KB) stops there.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lambdaBundleDirectory, type LambdaBundleName } from '../../lib/lambda-bundles';
import { BUNDLE_BUDGET_BYTES, buildLambdaBundles } from '../../scripts/build';

describe('Lambda bundle size', () => {
  it.each(Object.entries(BUNDLE_BUDGET_BYTES))(
    'keeps the built %s bundle under its budget',
    (name, budget) => {
      const bytes = statSync(join(lambdaBundleDirectory(name as LambdaBundleName), 'index.mjs')).size;
      expect(bytes).toBeGreaterThan(10_000);
      expect(bytes).toBeLessThan(budget);
    },
  );

  it('fails the build when a bundle is over its budget, naming it', async () => {
    const out = `${mkdtempSync(join(tmpdir(), 'kvs-bundles-'))}/`;
    await expect(buildLambdaBundles(out, { authorizer: 1_000, broker: 10_000_000, cognito: 10_000_000 })).rejects.toThrow(
      /^the authorizer bundle is \d+ bytes, over its budget of 1000 bytes$/,
    );
  });
});
