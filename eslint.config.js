import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Import direction (docs/ARCHITECTURE.md, "Import direction"): every arrow drawn there is allowed, every other one
// is refused here, per folder. Regexes are matched against the import specifier as written ('../kvs/adapter',
// 'node:fs'); `(\.\./)+X` reaches the folder X wherever the importing file sits below its own folder.
const up = (folders, message) => ({ regex: `^(\\.\\./)+(${folders})(/|$)`, message });
const lambdaUp = (folders, message) => ({ regex: `^(\\.\\./)+lambda/(${folders})(/|$)`, message });
// Top-level folders no product code (lambda/, lib/, bin/) imports: local mode, tests and tooling.
const TOOLING = 'local|test|usage|client|bench|scripts';
const CDK_PACKAGES = {
  regex: '^(aws-cdk-lib|constructs|cdk-nag)(/|$)',
  message: 'lambda/ runs in Lambda: the CDK belongs to lib/ and bin/.',
};
// A Lambda bundle carries only what runs in Lambda: never the CDK app, its constructs, local mode, tools or tests.
const LAMBDA_BOUNDARY = [
  up(
    `lib|bin|${TOOLING}`,
    'lambda/ imports only lambda/ (docs/ARCHITECTURE.md): anything else would enter the bundle.',
  ),
  CDK_PACKAGES,
];
/** Inside lambda/: the sibling folders a layer may not import. */
const siblings = (folders, who) =>
  up(folders, `${who} may not import lambda/{${folders.split('|').join(',')}} (docs/ARCHITECTURE.md).`);
const CORE_BOUNDARY = [
  ...LAMBDA_BOUNDARY,
  siblings(
    'authorizer|broker|kvs|runtime|contract|cognito|state',
    'lambda/core is the pure domain: every other layer imports it, never the reverse;',
  ),
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
/** Per folder: its import rules (later entries of the config replace earlier ones for the same files). */
const IMPORT_RULES = {
  'lambda/**/*.ts': LAMBDA_BOUNDARY,
  'lambda/core/**/*.ts': CORE_BOUNDARY,
  'lambda/contract/**/*.ts': [
    ...LAMBDA_BOUNDARY,
    siblings('authorizer|broker|kvs|runtime|cognito', 'lambda/contract (the HTTP contract, pure)'),
  ],
  'lambda/kvs/**/*.ts': [
    ...LAMBDA_BOUNDARY,
    siblings('authorizer|broker|runtime|contract|cognito', 'lambda/kvs (the adapter)'),
  ],
  'lambda/runtime/**/*.ts': [
    ...LAMBDA_BOUNDARY,
    siblings('authorizer|broker|kvs|contract|cognito', 'lambda/runtime (cold-start wiring)'),
  ],
  'lambda/authorizer/**/*.ts': [...LAMBDA_BOUNDARY, siblings('broker|cognito', 'lambda/authorizer')],
  'lambda/broker/**/*.ts': [...LAMBDA_BOUNDARY, siblings('authorizer|cognito', 'lambda/broker')],
  'lambda/cognito/**/*.ts': [
    ...LAMBDA_BOUNDARY,
    siblings('authorizer|broker|kvs|runtime|contract', 'lambda/cognito (the Cognito trigger)'),
  ],
  'lib/**/*.ts': [
    up(`bin|${TOOLING}`, 'lib/ (the CDK construct) imports only lambda/ (docs/ARCHITECTURE.md).'),
    lambdaUp('authorizer|broker|kvs', 'lib/ ships the handlers as bundles: it never imports their code.'),
  ],
  'bin/**/*.ts': [
    up(TOOLING, 'bin/ (the app) imports only lib/, lambda/core and lambda/runtime (docs/ARCHITECTURE.md).'),
    lambdaUp(
      'authorizer|broker|kvs|contract|cognito',
      'bin/ (the app) imports only lib/, lambda/core and lambda/runtime.',
    ),
  ],
  'local/**/*.ts': [
    up('lib|bin|usage|bench|scripts|test', 'local/ imports only lambda/ and client/ (docs/ARCHITECTURE.md).'),
    lambdaUp(
      'runtime|cognito',
      'local/ runs the handlers behind a stand-in: not the deployed runtime or Cognito.',
    ),
  ],
  'usage/**/*.ts': [
    up('lib|bin|local|client|bench|scripts|test', 'usage/ imports only lambda/core (docs/ARCHITECTURE.md).'),
    lambdaUp('authorizer|broker|kvs|contract|runtime|cognito', 'usage/ imports only lambda/core.'),
  ],
  'client/**/*.ts': [
    up(
      'lambda|lib|bin|local|usage|bench|scripts|test|docs',
      'client/ (the published client) imports nothing outside itself (docs/ARCHITECTURE.md).',
    ),
  ],
};

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
  ...Object.entries(IMPORT_RULES).map(([glob, patterns]) => ({
    files: [glob],
    rules: { 'no-restricted-imports': ['error', { patterns }] },
  })),
  {
    files: ['lambda/core/**/*.ts'],
    rules: {
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
    files: [
      'lambda/**/*.ts',
      'lib/**/*.ts',
      'local/**/*.ts',
      'client/**/*.ts',
      'usage/**/*.ts',
      'scripts/**/*.ts',
      'bench/**/*.ts',
      'bin/**/*.ts',
    ],
    rules: {
      'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // Generated by `npm run schemas` (JSON Schema as data, drift-tested): their length follows the schemas.
    files: ['lambda/runtime/config-schema.ts', 'lambda/core/request-schemas.ts'],
    rules: { 'max-lines': 'off' },
  },
);
