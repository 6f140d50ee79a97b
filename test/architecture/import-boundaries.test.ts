// The import-direction rules of eslint.config.js (docs/ARCHITECTURE.md) fire on planted violations, so a clean
// `npm run lint` means the layers hold rather than that the rules match nothing.
import { describe, expect, it } from '@jest/globals';
import { ESLint, type Linter } from 'eslint';

// The project's own config, loaded as a module (it is plain JS, without type declarations).
const { default: config } = (await import(new URL('../../eslint.config.js', import.meta.url).href)) as {
  default: Linter.Config[];
};

const eslint = new ESLint({ cwd: process.cwd(), overrideConfigFile: true, overrideConfig: config });

/** The boundary rules (and any parse error) ESLint reports for `code` as if it were the file at `filePath`. */
async function violations(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport {};\n`, { filePath });
  return result!.messages
    .map((m) => m.ruleId ?? `fatal: ${m.message}`)
    .filter((rule) => rule.startsWith('no-restricted-') || rule.startsWith('fatal'));
}

describe('lambda/core stays the pure domain', () => {
  it.each([
    ['a handler', "import { createBrokerHandler } from '../broker/handler';"],
    ['the authorizer', "import '../authorizer/authorizer';"],
    ['the KVS adapter', "import { createKvsAdapter } from '../kvs/adapter';"],
    ['the runtime env', "import '../runtime/env';"],
    ['a CDK construct', "import '../../lib/kvs-session-broker';"],
    ['local mode', "import { startLocalBroker } from '../../local/app';"],
    ['test support', "import '../../test/support/local-broker';"],
    ['the AWS SDK', "import { KinesisVideoClient } from '@aws-sdk/client-kinesis-video';"],
    ['a type from the AWS SDK', "import type { KinesisVideoClient } from '@aws-sdk/client-kinesis-video';"],
    ['the CDK', "import { Stack } from 'aws-cdk-lib';"],
    ['Powertools', "import { Logger } from '@aws-lambda-powertools/logger';"],
    ['node:fs', "import { readFileSync } from 'node:fs';"],
    ['fs/promises', "import { readFile } from 'fs/promises';"],
    ['node:http', "import { createServer } from 'node:http';"],
    ['node:process', "import { env } from 'node:process';"],
  ])('refuses an import of %s', async (_what, code) => {
    expect(await violations('lambda/core/planted.ts', code)).toEqual(['no-restricted-imports']);
  });

  it.each([
    ['process.env', 'export const region = process.env.AWS_REGION;', 'no-restricted-globals'],
    ['fetch', "export const f = () => fetch('https://example.com');", 'no-restricted-globals'],
    ['Date.now()', 'export const t = Date.now();', 'no-restricted-properties'],
    ['new Date()', 'export const t = new Date();', 'no-restricted-syntax'],
    ['Math.random()', 'export const r = Math.random();', 'no-restricted-properties'],
  ])('refuses %s', async (_what, code, rule) => {
    expect(await violations('lambda/core/planted.ts', code)).toEqual([rule]);
  });

  it('allows its own modules, zod, and dates built from a given time', async () => {
    expect(
      await violations(
        'lambda/core/planted.ts',
        [
          "import { BrokerError } from './errors';",
          "import * as z from 'zod';",
          'export const e = (ms: number) => [new BrokerError("FORBIDDEN", "m"), z.string(), new Date(ms)];',
        ].join('\n'),
      ),
    ).toEqual([]);
  });
});

describe('the product never imports local mode or tests, and a Lambda never the CDK', () => {
  it.each([
    ['lambda/broker/planted.ts', "import '../../local/app';"],
    ['lambda/kvs/planted.ts', "import '../../test/support/local-broker';"],
    ['lambda/authorizer/planted.ts', "import '../../local/dev-issuer';"],
    ['lib/planted.ts', "import '../local/emulator';"],
    ['lib/constructs/planted.ts', "import '../../test/lib/fixtures';"],
    ['bin/planted.ts', "import { startLocalBroker } from '../local/app';"],
    // A Lambda bundle never pulls in the CDK.
    ['lambda/broker/planted.ts', "import '../../lib/telemetry';"],
    ['lambda/authorizer/planted.ts', "import { Duration } from 'aws-cdk-lib';"],
    ['lambda/runtime/planted.ts', "import '../../bin/app';"],
  ])('%s refuses: %s', async (file, code) => {
    expect(await violations(file, code)).toEqual(['no-restricted-imports']);
  });

  it.each([
    ['lambda/broker/planted.ts', "import '../core/errors';\nimport '@aws-sdk/client-kinesis-video';"],
    ['lambda/kvs/planted.ts', "import '../core/request';\nimport '@smithy/node-http-handler';"],
    ['lib/planted.ts', "import '../lambda/core/config';\nimport 'aws-cdk-lib';"],
    ['local/planted.ts', "import '../lambda/core/errors';\nimport 'node:http';"],
    ['test/planted.ts', "import '../local/app';"],
  ])('%s may: %s', async (file, code) => {
    expect(await violations(file, code)).toEqual([]);
  });
});

// Every arrow not drawn in docs/ARCHITECTURE.md ("Import direction") is refused, folder by folder: one planted
// import per refused arrow, and the drawn arrows beside them pass.
describe('each folder imports only what docs/ARCHITECTURE.md draws', () => {
  it.each([
    // lambda/core: nothing else of lambda/.
    ['lambda/core/planted.ts', "import { ROUTES } from '../contract/routes';"],
    ['lambda/core/planted.ts', "import '../cognito/mapping';"],
    ['lambda/core/schemas/planted.ts', "import '../../contract/routes';"],
    ['lambda/core/planted.ts', "import '../../usage/report';"],
    ['lambda/core/planted.ts', "import '../../client/index';"],
    // lambda/contract: only core.
    ['lambda/contract/planted.ts', "import '../kvs/adapter';"],
    ['lambda/contract/planted.ts', "import '../broker/handler';"],
    ['lambda/contract/planted.ts', "import '../runtime/env';"],
    // lambda/kvs and lambda/runtime: only core.
    ['lambda/kvs/planted.ts', "import '../contract/routes';"],
    ['lambda/kvs/planted.ts', "import '../runtime/env';"],
    ['lambda/runtime/planted.ts', "import '../kvs/adapter';"],
    ['lambda/runtime/planted.ts', "import '../contract/routes';"],
    // The handlers: not each other, not the Cognito trigger.
    ['lambda/authorizer/planted.ts', "import '../broker/handler';"],
    ['lambda/broker/planted.ts', "import '../authorizer/authorizer';"],
    ['lambda/broker/planted.ts', "import '../cognito/mapping';"],
    ['lambda/cognito/planted.ts', "import '../runtime/env';"],
    ['lambda/cognito/planted.ts', "import '../contract/routes';"],
    ['lambda/broker/planted.ts', "import '../../usage/format';"],
    ['lambda/broker/planted.ts', "import '../../client/index';"],
    // lib: lambda's pure parts and runtime, never the handlers' code, tools, local mode or the client.
    ['lib/planted.ts', "import '../lambda/broker/handler';"],
    ['lib/planted.ts', "import '../lambda/kvs/adapter';"],
    ['lib/planted.ts', "import '../usage/sources';"],
    ['lib/planted.ts', "import '../client/index';"],
    ['lib/planted.ts', "import '../bin/app';"],
    ['lib/planted.ts', "import '../scripts/build';"],
    // bin: lib, core and runtime only.
    ['bin/planted.ts', "import '../lambda/contract/routes';"],
    ['bin/planted.ts', "import '../usage/report';"],
    // local: the handlers, adapter, contract, core and client; not lib, usage, tools, the runtime or Cognito.
    ['local/planted.ts', "import '../lib/kvs-session-broker';"],
    ['local/usage/planted.ts', "import '../../usage/attribution';"],
    ['local/planted.ts', "import '../scripts/build';"],
    ['local/planted.ts', "import '../lambda/runtime/env';"],
    ['local/planted.ts', "import '../lambda/cognito/mapping';"],
    // usage: core only.
    ['usage/planted.ts', "import '../local/usage/api';"],
    ['usage/planted.ts', "import '../lib/usage-metrics';"],
    ['usage/planted.ts', "import '../lambda/contract/routes';"],
    ['usage/planted.ts', "import '../client/index';"],
    // client: nothing outside itself.
    ['client/planted.ts', "import '../lambda/core/errors';"],
    ['client/planted.ts', "import '../local/app';"],
  ])('%s refuses: %s', async (file, code) => {
    expect(await violations(file, code)).toEqual(['no-restricted-imports']);
  });

  it.each([
    ['lambda/contract/planted.ts', "import '../core/errors';"],
    ['lambda/kvs/planted.ts', "import '../core/errors';"],
    ['lambda/runtime/planted.ts', "import '../core/config';"],
    ['lambda/cognito/planted.ts', "import '../core/grants';"],
    ['lambda/authorizer/planted.ts', "import '../contract/routes';\nimport '../runtime/env';"],
    ['lambda/broker/planted.ts', "import '../kvs/adapter';\nimport '../contract/routes';"],
    ['lib/planted.ts', "import '../lambda/contract/waf';\nimport '../lambda/cognito/mapping';"],
    ['bin/planted.ts', "import '../lib/index';\nimport '../lambda/runtime/env';"],
    ['local/planted.ts', "import '../lambda/broker/handler';\nimport '../client/index';"],
    ['usage/planted.ts', "import '../lambda/core/telemetry-queries';"],
    ['client/planted.ts', "import './errors';"],
    ['bench/planted.ts', "import '../lib/index';\nimport '../local/app';"],
    ['scripts/planted.ts', "import '../lib/index';\nimport '../local/app';"],
  ])('%s may: %s', async (file, code) => {
    expect(await violations(file, code)).toEqual([]);
  });
});

describe('size: files of 300 lines and functions of 60 in every folder with code', () => {
  const long = `export function f() {\n${'  void 0;\n'.repeat(61)}}\n`;
  it.each(['lambda/core', 'lib', 'local', 'client', 'usage', 'scripts', 'bench', 'bin'])(
    '%s',
    async (folder) => {
      const [result] = await eslint.lintText(long, { filePath: `${folder}/planted.ts` });
      expect(result!.messages.map((m) => m.ruleId)).toContain('max-lines-per-function');
    },
  );
});
