import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Import direction (docs/ARCHITECTURE.md): the product (lambda/, lib/, bin/) never reaches into the local emulator
// or the tests, and the domain (lambda/core) stays pure: no handlers, adapters, CDK, AWS SDK, I/O or environment.
// Regexes are matched against the import specifier as written ('../kvs/adapter', 'node:fs').
const PRODUCT_BOUNDARY = [
  {
    regex: '^(\\.\\./)+(local|test)(/|$)',
    message: 'The product (lambda/, lib/, bin/) must not import local mode or tests (docs/ARCHITECTURE.md).',
  },
];
// A Lambda bundle carries only what runs in Lambda: never the CDK app or its constructs.
const LAMBDA_BOUNDARY = [
  ...PRODUCT_BOUNDARY,
  {
    regex: '^(\\.\\./){2,}(lib|bin|bench|scripts)(/|$)',
    message:
      'lambda/ must not import CDK constructs, the app, bench or scripts (they would enter the bundle).',
  },
  {
    regex: '^(aws-cdk-lib|constructs|cdk-nag)(/|$)',
    message: 'lambda/ runs in Lambda: the CDK belongs to lib/ and bin/.',
  },
];
const CORE_BOUNDARY = [
  ...LAMBDA_BOUNDARY,
  {
    regex: '^\\.\\./(authorizer|broker|kvs|runtime|state)(/|$)',
    message: 'lambda/core is the pure domain: handlers, adapters and runtime import it, never the reverse.',
  },
  {
    regex: '^(@aws-sdk|@smithy|@aws-lambda-powertools|@middy|jose)(/|$)',
    message:
      'lambda/core is the pure domain: no AWS SDK, Lambda runtime, CDK or token library (those live at the edges).',
  },
  {
    regex:
      '^(node:)?(fs|fs/promises|http|https|http2|net|tls|dgram|dns|child_process|process|os|worker_threads)(/|$)',
    message: 'lambda/core is the pure domain: no I/O and no process state; take values as parameters.',
  },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'cdk.out/',
      'coverage/',
      '.local/',
      'local/player/vendor/',
      '.stryker-tmp/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  { files: ['local/**', 'bench/**', 'scripts/**', 'bin/**'], rules: { 'no-console': 'off' } },
  {
    files: ['lib/**/*.ts', 'bin/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: PRODUCT_BOUNDARY }] },
  },
  {
    files: ['lambda/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: LAMBDA_BOUNDARY }] },
  },
  {
    files: ['lambda/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: CORE_BOUNDARY }],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'lambda/core reads no environment: configuration is passed in.' },
        { name: 'fetch', message: 'lambda/core does no I/O.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'lambda/core takes `now` as a parameter.' },
        { object: 'Math', property: 'random', message: 'lambda/core takes randomness as a parameter.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'lambda/core takes `now` as a parameter: new Date() reads the clock.',
        },
      ],
    },
  },
  {
    // Readable in one sitting: files of at most 300 lines and functions of at most 60 (blank lines and comments
    // not counted). A longer one says why in a comment beside its eslint-disable.
    files: ['lambda/**/*.ts', 'lib/**/*.ts', 'local/**/*.ts', 'client/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }],
    },
  },
);
