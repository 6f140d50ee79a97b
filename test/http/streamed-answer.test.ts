// A route whose answer streams (a Lambda that streams its answer, API Gateway REST response streaming): the local
// gateway sends each chunk as the handler produces it, under the handler's headers, never buffering the whole body.
import { afterEach, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { createLocalGateway } from '../../local/gateway/gateway';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

it('sends a streamed body chunk by chunk, the first before the handler has written the second', async () => {
  const body = new PassThrough();
  const handle = createLocalGateway({
    authorizer: async () => {
      throw new Error('an open route calls no authorizer');
    },
    broker: async () => ({ statusCode: 200, headers: { 'Content-Type': 'video/mp4' }, body }),
    authorizerCacheTtlSeconds: 0,
    throttle: { rateLimit: 1000, burstLimit: 1000 },
    corsAllowOrigins: [],
    rateLimits: { tokenRateLimit: false, ipRateLimit: false },
  });
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;

  body.write('ftyp');
  const res = await fetch(`http://127.0.0.1:${port}/openapi.json`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('video/mp4');
  const reader = res.body!.getReader();
  // The first chunk arrives while the body is still open: a buffering gateway would wait for its end here.
  expect(Buffer.from((await reader.read()).value!).toString()).toBe('ftyp');
  body.end('moov');
  const rest: string[] = [];
  for (let r = await reader.read(); !r.done; r = await reader.read())
    rest.push(Buffer.from(r.value).toString());
  expect(rest.join('')).toBe('moov');
});
