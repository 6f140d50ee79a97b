// The deployed broker functions (the route table's `lambda` column, lambda/contract/routes.ts): each built bundle
// loads in a fresh Node process, serves its own routes and no other function's, and loads the viewer-state store
// (the DynamoDB client, a chunk of its own) only when the construct gave it a table.
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROUTES, type RouteLambda } from '../../lambda/contract/routes';
import { lambdaBundleDirectory } from '../../lib/lambda-bundles';

const STAND_IN = fileURLToPath(new URL('../../bench/children/awslambda-stand-in.mjs', import.meta.url));
const ISSUER = { issuer: 'https://idp.example.com/', jwksUri: 'https://idp.example.com/jwks', audience: 'a' };

/** A proxy event for a route of the table, without an authorizer context (a token route answers 401 before KVS). */
function eventOf(operationId: string) {
  const route = ROUTES.find((r) => r.operationId === operationId)!;
  return {
    httpMethod: route.method,
    resource: route.path,
    path: route.path.replace('{streamName}', 'cam-1'),
    pathParameters: { streamName: 'cam-1' },
    headers: {},
    requestContext: { requestId: 'r', extendedRequestId: 'e', identity: { sourceIp: '127.0.0.1' } },
  };
}

/** Loads one function's bundle in a fresh process, answers `events` in turn; the statuses and the files it loaded. */
function coldStart(name: RouteLambda, events: unknown[], env: Record<string, string> = {}) {
  const program = `
    import { registerHooks } from 'node:module';
    const loaded = [];
    registerHooks({ load(url, context, next) { loaded.push(url.split('/').pop()); return next(url, context); } });
    const context = { awsRequestId: 'r', functionName: 'f', getRemainingTimeInMillis: () => 1000 };
    const { handler } = await import(${JSON.stringify(join(lambdaBundleDirectory(name), 'index.mjs'))});
    const statuses = [];
    for (const event of ${JSON.stringify(events)}) statuses.push((await handler(event, context)).statusCode);
    console.log(JSON.stringify({ statuses, loaded }));`;
  const result = spawnSync(process.execPath, ['--import', STAND_IN, '--input-type=module', '-e', program], {
    env: {
      PATH: process.env.PATH,
      KVS_BROKER_CONFIG: JSON.stringify({ issuers: [ISSUER] }),
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      ...env,
    },
    encoding: 'utf8',
  });
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { statuses: number[]; loaded: string[] };
}

const FUNCTIONS: RouteLambda[] = ['broker', 'archive', 'clip', 'webrtc'];

describe.each(FUNCTIONS)('the %s function, built', (name) => {
  const own = ROUTES.filter((r) => r.lambda === name);
  const others = ROUTES.filter((r) => r.lambda !== name);

  it('serves each of its routes (401 without a caller, or the open document) and answers 404 to every other', () => {
    const { statuses } = coldStart(
      name,
      [...own, ...others].map((r) => eventOf(r.operationId)),
    );
    expect(statuses).toEqual([
      ...own.map((r) => (r.authorizer === 'none' ? 200 : 401)),
      ...others.map(() => 404),
    ]);
  });

  it('never loads the viewer-state store without a table, and loads it at cold start with one', () => {
    const isStore = (file: string) => /^store-\w+\.mjs$/.test(file);
    expect(coldStart(name, []).loaded.filter(isStore)).toEqual([]);
    const revoking = { issuers: [{ ...ISSUER, adminScope: 'kvs:admin', maxTokenAgeSeconds: 3600 }] };
    const withTable = coldStart(name, [], {
      KVS_BROKER_CONFIG: JSON.stringify(revoking),
      KVS_BROKER_STATE_TABLE: 'viewer-state',
    });
    expect(withTable.loaded.filter(isStore)).toHaveLength(1);
  });
});

describe('with seats limited and no issuer able to revoke (no table for the functions whose routes take no seat)', () => {
  const SEATS_ONLY = JSON.stringify({ issuers: [ISSUER], viewers: { seatsPerPrincipal: 2 } });

  it.each(['archive', 'clip'] as const)(
    'the %s function starts without a table and serves its routes',
    (name) => {
      const own = ROUTES.filter((r) => r.lambda === name);
      const { statuses, loaded } = coldStart(
        name,
        own.map((r) => eventOf(r.operationId)),
        { KVS_BROKER_CONFIG: SEATS_ONLY },
      );
      expect(statuses).toEqual(own.map(() => 401));
      expect(loaded.filter((f) => /^store-/.test(f))).toEqual([]);
    },
  );

  it('the broker, which takes seats, refuses to start without its table', () => {
    const program = `await import(${JSON.stringify(join(lambdaBundleDirectory('broker'), 'index.mjs'))});`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', program], {
      env: { PATH: process.env.PATH, KVS_BROKER_CONFIG: SEATS_ONLY, AWS_REGION: 'eu-west-1' },
      encoding: 'utf8',
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('no viewer-state table was given');
  });
});
