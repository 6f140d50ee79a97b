// Jest runs in ESM mode (NODE_OPTIONS=--experimental-vm-modules) because @middy/core 7 is ESM-only;
// @swc/jest strips types (tsc --noEmit type-checks separately in `npm test`).
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript' },
          // `import ... with { type: 'json' }` reaches Node as written (lambda/contract/openapi-document.ts).
          experimental: { keepImportAttributes: true },
        },
        module: { type: 'es6' },
      },
    ],
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  globalSetup: '<rootDir>/test/global-setup.js',
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.js'],
};
