// The Lambda bundles stay small (cold starts, deploy size). `npm run build` (and so `npm pack`) fails when one is
// over its budget: a regression like importing zod's namespace object (all its locales, +300 KB) stops there.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { policyResources } from '../../lambda/contract/routes';
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
    await expect(
      buildLambdaBundles(out, { authorizer: 1_000, broker: 10_000_000, cognito: 10_000_000 }),
    ).rejects.toThrow(/^the authorizer bundle is \d+ bytes, over its budget of 1000 bytes$/);
  });
});

describe('the deployed bundles', () => {
  const broker = () => readFileSync(join(lambdaBundleDirectory('broker'), 'index.mjs'), 'utf8');

  it('give the broker credentials from the environment only (Lambda sets the role there), not the whole chain', () => {
    const code = broker();
    expect(code).toContain('AWS_ACCESS_KEY_ID');
    for (const other of [
      'credential_process',
      'AWS_WEB_IDENTITY_TOKEN_FILE',
      'sso_start_url',
      'AWS_CONTAINER_CREDENTIALS_FULL_URI',
    ]) {
      expect(code).not.toContain(other);
    }
  });

  it.each(['authorizer', 'broker', 'cognito'] as const)(
    'carry no schema library in the %s (config and requests are checked against generated JSON Schema or by hand)',
    (name) => {
      const code = readFileSync(join(lambdaBundleDirectory(name), 'index.mjs'), 'utf8');
      expect(code).not.toMatch(/ZodError|zod/i);
      // Nor any of the zod schema files (lambda/core/schemas/): their values are for the generator only.
      const map = JSON.parse(readFileSync(join(lambdaBundleDirectory(name), 'index.mjs.map'), 'utf8')) as {
        sources: string[];
      };
      expect(
        map.sources.filter((s) => /zod|lambda\/core\/schemas\/|lambda\/core\/config\.ts/.test(s)),
      ).toEqual([]);
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
    const statement = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { Effect: string; Resource: string[] };
    expect(statement.Effect).toBe('Allow');
    expect([...statement.Resource].sort()).toEqual(policyResources(stageArn, grants).sort());
    expect(statement.Resource).toContain(`${stageArn}/POST/v1/streams/cam-*/webrtc`);
  });
});
