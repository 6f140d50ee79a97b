// Mutation testing of the domain (lambda/core), the HTTP contract (lambda/contract) and the KVS adapter (lambda/kvs),
// each folder against its own tests (test/lambda/core, test/lambda/contract, test/lambda/kvs): a folder's rules are
// stated by its own tests, and a core module reached by the adapter's emulator tests (errors.ts is reached by every
// test) would otherwise run them for each of its mutants. `npm run mutation` (scripts/mutation.ts) runs one Stryker
// run per folder, with MUTATION_FOLDER set; without it, this config mutates all three folders against all their tests.
const FOLDERS = ['core', 'contract', 'kvs'];
const folder = globalThis.process.env.MUTATION_FOLDER;
if (folder !== undefined && !FOLDERS.includes(folder))
  throw new Error(`MUTATION_FOLDER must be one of ${FOLDERS}`);
const folders = folder === undefined ? FOLDERS : [folder];
const name = folder ?? 'mutation';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  // Not the generated request schemas (`npm run schemas` writes them; a test compares the file with its generator).
  mutate: [...folders.map((f) => `lambda/${f}/**/*.ts`), '!lambda/core/request-schemas.ts'],
  testRunner: 'jest',
  // Jest runs in ESM mode (@middy/core 7 is ESM-only), as in `npm run test:jest`.
  testRunnerNodeArgs: ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning'],
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    // Only the mutated folders' own tests: the HTTP and CDK suites are slow and would hide weak unit tests.
    // No global setup: these tests need no Lambda bundles (and an instrumented core would break their budgets).
    config: {
      testMatch: folders.map((f) => `<rootDir>/test/lambda/${f}/**/*.test.ts`),
      // Not these two: they check the committed docs/openapi.json with the TypeScript compiler and real answers of a
      // whole local broker, 10 s or more a run, and the local broker covers every module, so they ran for every
      // mutant of lambda/kvs too. The module-level rules they rest on are stated by openapi.test.ts and routes.test.ts.
      testPathIgnorePatterns: ['/node_modules/', 'conformance\\.test\\.ts$', 'openapi-tools\\.test\\.ts$'],
      reporters: ['default'],
      globalSetup: null,
      // A failing property stops at its first counterexample (no shrinking): see the file.
      setupFilesAfterEnv: ['<rootDir>/test/support/mutation-setup.ts'],
    },
    // Each mutant runs only the test files that import its file (jest --findRelatedTests): Stryker's per-test coverage
    // already picks the tests, but jest still loads every test file of the folder for each mutant. Loading ~30 ESM test
    // files made a core mutant take 5 to 7 s (json-schema.ts: 397 mutants in 43 min); with this, 2 s (timeline.ts:
    // 97 in 3 min 23 s), and a mutant's time budget (its tests' time x 1.5 + 3 s, below) no longer rides on load noise.
    enableFindRelatedTests: true,
  },
  coverageAnalysis: 'perTest',
  // Jest strips types with swc and never type-checks, so no `// @ts-nocheck` is needed; adding one to every file
  // would break test/lambda/core/request-schemas.test.ts, which compares a generated file with its source text.
  disableTypeChecks: false,
  // Module-level constants (tables, regexes) run once at import; re-running every test for each of their
  // mutants is what made the first run slow. Their behaviour is still covered through the functions reading them.
  ignoreStatic: true,
  concurrency: 1,
  // A mutant that breaks a retry loop's exit or deadline (lambda/kvs) spins until it times out: a mutant's budget is
  // its tests' own time * timeoutFactor + timeoutMS. These tests use fake clocks and finish in milliseconds, so 3 s of
  // slack tells a hang from a slow run; the 20 s it was made a full run take hours.
  timeoutMS: 3000,
  timeoutFactor: 1.5,
  tempDirName: `coverage/stryker-tmp-${name}`,
  ignorePatterns: ['cdk.out', '.local', 'coverage', 'bench/results'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `coverage/mutation/${name}.html` },
  // `npm run mutation:table -- coverage/mutation/*.json` prints docs/ARCHITECTURE.md's table from them.
  jsonReporter: { fileName: `coverage/mutation/${name}.json` },
  thresholds: { high: 90, low: 80, break: null },
};
