// The local gateway sends each route to the function its row of the route table names (`lambda`), as the deployed
// API's integrations do, with that function's name in the Lambda context; `broker` serves routes no function claims.
import { afterEach, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ROUTES, type RouteLambda } from '../../lambda/contract/routes';
import { createLocalGateway, type ProxyHandler } from '../../local/gateway/gateway';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

/** A function that answers with its own name and the function name API Gateway's context gave it. */
const answering =
  (name: string): ProxyHandler =>
  async (_event, context) => ({
    statusCode: 200,
    body: JSON.stringify({ served: name, functionName: context.functionName }),
  });

async function start(functions: Partial<Record<RouteLambda, ProxyHandler>>) {
  const handle = createLocalGateway({
    // Every caller is allowed every route: this test is about where a request goes, not who may send it.
    authorizer: async (event) => ({
      principalId: 'p',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [event.methodArn] }],
      },
      context: { sub: 'p', issuer: 'i', exp: '9999999999', grants: '[]' },
    }),
    broker: answering('fallback'),
    functions,
    authorizerCacheTtlSeconds: 0,
    throttle: { rateLimit: 1000, burstLimit: 1000 },
    corsAllowOrigins: [],
    rateLimits: { tokenRateLimit: false, ipRateLimit: false },
  });
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const send = async (base: string, route: (typeof ROUTES)[number]) => {
  const res = await fetch(`${base}${route.path.replace('{streamName}', 'cam-1')}`, {
    method: route.method,
    headers: { Authorization: 'Bearer t', 'Content-Type': 'application/json' },
    ...(route.method === 'POST' ? { body: '{}' } : {}),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { served: string; functionName: string };
};

it("sends every route of the table to its row's function, named in the Lambda context", async () => {
  const base = await start({
    broker: answering('broker'),
    archive: answering('archive'),
    clip: answering('clip'),
    webrtc: answering('webrtc'),
  });
  for (const route of ROUTES) {
    expect(await send(base, route)).toEqual({ served: route.lambda, functionName: route.lambda });
  }
});

it('sends the routes of a function it was not given to `broker`', async () => {
  const base = await start({ clip: answering('clip') });
  for (const route of ROUTES) {
    expect((await send(base, route)).served).toBe(route.lambda === 'clip' ? 'clip' : 'fallback');
  }
});
