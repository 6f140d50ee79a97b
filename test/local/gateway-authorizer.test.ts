// The local API Gateway's REQUEST authorizer handling, against stub handlers: the result cache keyed by the identity
// source alone (API Gateway's rule, which docs/ARCHITECTURE.md's policy shape relies on), its TTL, IAM policy evaluation
// (explicit Deny, `*` and `?`), and authorizer failures answered as the deployed gateway responses answer them.
import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { createLocalGateway, type AuthorizerHandler } from '../../local/gateway/gateway';

const ARN = 'arn:aws:execute-api:local:000000000000:local/local';

type Policy = { Effect: string; Resource: string | string[] }[];

function answer(statements: Policy) {
  return {
    principalId: 'user-1',
    policyDocument: {
      Version: '2012-10-17',
      Statement: statements.map((s) => ({ Action: 'execute-api:Invoke', ...s })),
    },
    context: { sub: 'user-1' },
  };
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

/** The gateway on an ephemeral port, with a stub broker that answers 200 and a recording authorizer. */
async function gateway(
  authorizer: AuthorizerHandler,
  options: { ttlSeconds?: number; clock?: { now: number }; authorizerTimeoutMs?: number } = {},
) {
  const handle = createLocalGateway({
    authorizer,
    broker: async (event) => ({
      statusCode: 200,
      body: JSON.stringify({ path: event.path, principal: event.requestContext.authorizer?.principalId }),
    }),
    authorizerCacheTtlSeconds: options.ttlSeconds ?? 300,
    throttle: { rateLimit: 1000, burstLimit: 1000 },
    corsAllowOrigins: [],
    ...(options.clock ? { now: () => options.clock!.now } : {}),
    ...(options.authorizerTimeoutMs ? { authorizerTimeoutMs: options.authorizerTimeoutMs } : {}),
  });
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return async (method: string, path: string, authorization = 'Bearer token-a') => {
    const res = await fetch(`${base}${path}`, { method, headers: { Authorization: authorization } });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
}

function recording(policy: (event: APIGatewayRequestAuthorizerEvent) => Policy) {
  const calls: string[] = [];
  const authorizer: AuthorizerHandler = async (event) => {
    calls.push(`${event.httpMethod} ${event.path}`);
    return answer(policy(event));
  };
  return { calls, authorizer };
}

describe('authorizer result cache', () => {
  it('is keyed by the identity source only: another path with the same token reuses the first policy', async () => {
    // The policy names only the first path: a cache keyed by path would call the authorizer again and allow.
    const { calls, authorizer } = recording((e) => [{ Effect: 'Allow', Resource: `${ARN}/POST${e.path}` }]);
    const call = await gateway(authorizer);
    expect((await call('POST', '/v1/streams/cam-1/sessions')).status).toBe(200);
    const other = await call('POST', '/v1/streams/cam-2/sessions');
    expect(other).toEqual({
      status: 403,
      json: {
        error: { code: 'FORBIDDEN', message: 'The token grants no access to this resource' },
        requestId: expect.any(String),
      },
    });
    expect(calls).toEqual(['POST /v1/streams/cam-1/sessions']);
    // Another token is another cache entry.
    expect((await call('POST', '/v1/streams/cam-2/sessions', 'Bearer token-b')).status).toBe(200);
    expect(calls).toHaveLength(2);
  });

  it('keeps a policy for the TTL and asks again after it', async () => {
    const clock = { now: 1_700_000_000_000 };
    const { calls, authorizer } = recording(() => [{ Effect: 'Allow', Resource: `${ARN}/*` }]);
    const call = await gateway(authorizer, { ttlSeconds: 60, clock });
    await call('GET', '/v1/streams');
    clock.now += 59_999;
    await call('GET', '/v1/streams');
    expect(calls).toHaveLength(1);
    clock.now += 1;
    await call('GET', '/v1/streams');
    expect(calls).toHaveLength(2);
  });

  it('is off with a TTL of 0', async () => {
    const { calls, authorizer } = recording(() => [{ Effect: 'Allow', Resource: `${ARN}/*` }]);
    const call = await gateway(authorizer, { ttlSeconds: 0 });
    await call('GET', '/v1/streams');
    await call('GET', '/v1/streams');
    expect(calls).toHaveLength(2);
  });
});

describe('policy evaluation', () => {
  it.each<[string, Policy, number]>([
    [
      'an explicit Deny wins over an Allow',
      [
        { Effect: 'Allow', Resource: `${ARN}/*` },
        { Effect: 'Deny', Resource: `${ARN}/POST/v1/streams/cam-1/sessions` },
      ],
      403,
    ],
    ['`*` spans slashes', [{ Effect: 'Allow', Resource: `${ARN}/POST/v1/*` }], 200],
    [
      '`?` is exactly one character',
      [{ Effect: 'Allow', Resource: `${ARN}/POST/v1/streams/cam-?/sessions` }],
      200,
    ],
    [
      '`?` is not two characters',
      [{ Effect: 'Allow', Resource: `${ARN}/POST/v1/streams/cam?/sessions` }],
      403,
    ],
    ['a resource of another method does not match', [{ Effect: 'Allow', Resource: `${ARN}/GET/v1/*` }], 403],
    ['no statement is an implicit deny', [], 403],
  ])('%s', async (_name, policy, status) => {
    const call = await gateway(async () => answer(policy));
    expect((await call('POST', '/v1/streams/cam-1/sessions')).status).toBe(status);
  });
});

describe('authorizer failures (API Gateway developer guide, "Gateway response types")', () => {
  // AUTHORIZER_FAILURE's default status is 500; the deployed API maps it to 502 UPSTREAM_ERROR in the contract's shape
  // (lambda/contract/gateway-responses.ts), and so does the stand-in.
  const failure = {
    status: 502,
    json: {
      error: { code: 'UPSTREAM_ERROR', message: 'Authorization is unavailable' },
      requestId: expect.any(String),
    },
  };

  it("answers 401 UNAUTHORIZED when the authorizer throws exactly 'Unauthorized'", async () => {
    const call = await gateway(async () => {
      throw new Error('Unauthorized');
    });
    expect(await call('GET', '/v1/streams')).toEqual({
      status: 401,
      json: {
        error: { code: 'UNAUTHORIZED', message: 'Missing or invalid bearer token' },
        requestId: expect.any(String),
      },
    });
  });

  it('answers AUTHORIZER_FAILURE when the authorizer throws anything else', async () => {
    const call = await gateway(async () => {
      throw new TypeError('boom');
    });
    expect(await call('GET', '/v1/streams')).toEqual(failure);
  });

  it('answers AUTHORIZER_FAILURE when the answer has no policy or principal', async () => {
    const call = await gateway(async () => ({ principalId: 'x' }));
    expect(await call('GET', '/v1/streams')).toEqual(failure);
  });

  it('answers AUTHORIZER_FAILURE (not a 504) when the authorizer outlives its timeout, and caches nothing', async () => {
    let calls = 0;
    const call = await gateway(
      () => {
        calls += 1;
        return new Promise(() => undefined);
      },
      { authorizerTimeoutMs: 50 },
    );
    expect(await call('GET', '/v1/streams')).toEqual(failure);
    expect(await call('GET', '/v1/streams')).toEqual(failure);
    expect(calls).toBe(2);
  });
});
