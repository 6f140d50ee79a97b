// The Lambda bundles stay small (cold starts, deploy size). `npm run build` (and so `npm pack`) fails when one is
// over its budget: a regression like importing zod's namespace object (all its locales, +300 KB) stops there.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { policyResources } from '../../lambda/contract/routes';
import { lambdaBundleDirectory, type LambdaBundleName } from '../../lib/lambda-bundles';
import { BUNDLE_BUDGET_BYTES, buildLambdaBundles } from '../../scripts/build';

const NAMES = Object.keys(BUNDLE_BUDGET_BYTES) as LambdaBundleName[];
const BROKER_FUNCTIONS = ['broker', 'archive', 'clip', 'webrtc'] as const;

/** index.mjs and the chunks it imports statically, transitively, read from the built folder: what a cold start loads. */
function loadedFiles(dir: string, file = 'index.mjs', seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const code = readFileSync(join(dir, file), 'utf8');
  // esbuild's static imports of a chunk: `import{a as b}from"./chunk-X.mjs"` or `import"./chunk-X.mjs"`; a dynamic
  // `import("./store-X.mjs")` is not one.
  for (const m of code.matchAll(/\bimport\s*(?:[\w$*{}\s,]*from\s*)?"\.\/([\w.-]+\.mjs)"/g))
    loadedFiles(dir, m[1]!, seen);
  return seen;
}

/** Every .mjs file of a built folder, loaded at cold start or later. */
function allCode(name: LambdaBundleName): string {
  const dir = lambdaBundleDirectory(name);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.mjs'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
}

describe('Lambda bundle size', () => {
  it.each(Object.entries(BUNDLE_BUDGET_BYTES))(
    'keeps what a cold start of the built %s bundle loads under its budget',
    (name, budget) => {
      const dir = lambdaBundleDirectory(name as LambdaBundleName);
      const bytes = [...loadedFiles(dir)].reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
      expect(bytes).toBeGreaterThan(10_000);
      expect(bytes).toBeLessThan(budget);
    },
  );

  it('leaves the viewer-state store (the DynamoDB client) out of what a broker function loads at cold start', () => {
    for (const name of BROKER_FUNCTIONS) {
      const dir = lambdaBundleDirectory(name);
      const store = readdirSync(dir).find((f) => /^store-\w+\.mjs$/.test(f));
      expect(store).toBeDefined();
      expect([...loadedFiles(dir)]).not.toContain(store);
      expect([...loadedFiles(dir)].map((f) => readFileSync(join(dir, f), 'utf8')).join('')).not.toContain(
        'DynamoDB',
      );
    }
  });

  it('fails the build when a bundle is over its budget, naming it', async () => {
    const out = `${mkdtempSync(join(tmpdir(), 'kvs-bundles-'))}/`;
    await expect(
      buildLambdaBundles(out, {
        ...(Object.fromEntries(NAMES.map((n) => [n, 10_000_000])) as Record<LambdaBundleName, number>),
        authorizer: 1_000,
      }),
    ).rejects.toThrow(/^the authorizer bundle is \d+ bytes, over its budget of 1000 bytes$/);
  });
});

describe('the deployed bundles', () => {
  it.each(BROKER_FUNCTIONS)(
    'give the %s function credentials from the environment only (Lambda sets the role there), not the whole chain',
    (name) => {
      const code = allCode(name);
      expect(code).toContain('AWS_ACCESS_KEY_ID');
      for (const other of [
        'credential_process',
        'AWS_WEB_IDENTITY_TOKEN_FILE',
        'sso_start_url',
        'AWS_CONTAINER_CREDENTIALS_FULL_URI',
      ]) {
        expect(code).not.toContain(other);
      }
    },
  );

  it.each(NAMES)(
    'carry no schema library in the %s (config and requests are checked against generated JSON Schema or by hand)',
    (name) => {
      expect(allCode(name)).not.toMatch(/ZodError|zod/i);
      // Nor any of the zod schema files (lambda/core/schemas/): their values are for the generator only.
      const dir = lambdaBundleDirectory(name);
      const sources = readdirSync(dir)
        .filter((f) => f.endsWith('.mjs.map'))
        .flatMap((f) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { sources: string[] }).sources);
      expect(sources.length).toBeGreaterThan(0);
      expect(sources.filter((s) => /zod|lambda\/core\/schemas\/|lambda\/core\/config\.ts/.test(s))).toEqual(
        [],
      );
    },
  );

  it('keep the Cognito trigger, a pure mapping, under 60 KB', () => {
    expect(BUNDLE_BUDGET_BYTES.cognito).toBeLessThanOrEqual(60_000);
  });

  it('load and answer in a fresh Node process: the broker serves GET /openapi.json, the authorizer refuses no token', () => {
    const config = JSON.stringify({
      issuers: [
        { issuer: 'https://idp.example.com/', jwksUri: 'https://idp.example.com/jwks', audience: 'a' },
      ],
    });
    const program = `
      const event = { httpMethod: 'GET', resource: '/openapi.json', path: '/openapi.json', headers: {},
        requestContext: { requestId: 'r', extendedRequestId: 'e', identity: { sourceIp: '127.0.0.1' } } };
      const context = { awsRequestId: 'r', functionName: 'f', getRemainingTimeInMillis: () => 1000 };
      const broker = await import(${JSON.stringify(join(lambdaBundleDirectory('broker'), 'index.mjs'))});
      const answer = await broker.handler(event, context);
      const authorizer = await import(${JSON.stringify(join(lambdaBundleDirectory('authorizer'), 'index.mjs'))});
      const refusal = await authorizer.handler({ type: 'REQUEST', methodArn: 'arn:aws:execute-api:r:1:a/s/GET/v1/streams', headers: {}, requestContext: {} }, context).catch((e) => e.message);
      console.log(JSON.stringify({ status: answer.statusCode, document: JSON.parse(answer.body), refusal }));`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', program], {
      env: {
        PATH: process.env.PATH,
        KVS_BROKER_CONFIG: config,
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'secret',
        POWERTOOLS_LOG_LEVEL: 'ERROR',
      },
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout.trim().split('\n').at(-1)!)).toEqual({
      status: 200,
      // The committed document, read from beside the bundle (scripts/build.ts), not generated at run time.
      document: JSON.parse(
        readFileSync(fileURLToPath(new URL('../../docs/openapi.json', import.meta.url)), 'utf8'),
      ),
      refusal: 'Unauthorized',
    });
  });

  it("allow a valid token exactly the route table's resources in the authorizer bundle (its policy paths compiled at build time)", () => {
    const issuer = 'https://idp.example.com/';
    const stageArn = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod';
    const grants = [
      { stream: 'cam-*', modes: ['LIVE', 'WEBRTC'] },
      { stream: 'door-1', modes: ['ON_DEMAND'] },
    ];
    // The key set is answered by a stubbed fetch (jose asks it for the https jwksUri): no network, no http issuer.
    const program = `
      import { exportJWK, generateKeyPair, SignJWT } from 'jose';
      const { publicKey, privateKey } = await generateKeyPair('ES256');
      const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
      globalThis.fetch = async () => new Response(JSON.stringify({ keys: [jwk] }), { headers: { 'content-type': 'application/json' } });
      const token = await new SignJWT({ kvs: ${JSON.stringify(grants)} })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer(${JSON.stringify(issuer)}).setAudience('a')
        .setSubject('user-1').setIssuedAt().setExpirationTime('5m').sign(privateKey);
      const context = { awsRequestId: 'r', functionName: 'f', getRemainingTimeInMillis: () => 1000 };
      const authorizer = await import(${JSON.stringify(join(lambdaBundleDirectory('authorizer'), 'index.mjs'))});
      const policy = await authorizer.handler({ type: 'REQUEST', methodArn: '${stageArn}/POST/v1/streams/cam-1/sessions',
        headers: { Authorization: 'Bearer ' + token }, requestContext: { requestId: 'r', extendedRequestId: 'e' } }, context);
      console.log(JSON.stringify(policy.policyDocument.Statement[0]));`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', program], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      env: {
        PATH: process.env.PATH,
        KVS_BROKER_CONFIG: JSON.stringify({ issuers: [{ issuer, jwksUri: `${issuer}jwks`, audience: 'a' }] }),
        POWERTOOLS_LOG_LEVEL: 'ERROR',
      },
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    const statement = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as {
      Effect: string;
      Resource: string[];
    };
    expect(statement.Effect).toBe('Allow');
    expect([...statement.Resource].sort()).toEqual(policyResources(stageArn, grants).sort());
    expect(statement.Resource).toContain(`${stageArn}/POST/v1/streams/cam-*/webrtc`);
  });
});
