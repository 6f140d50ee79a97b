// The one route pipeline (docs/ARCHITECTURE.md): token checks run on every token route before anything is decided,
// refusals and failures leave by one error path (audited once, INTERNAL_ERROR logged once), and a route may answer
// with a streamed body under the same headers as every other route.
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from '@jest/globals';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { runRoute, type CheckContext, type TokenRoute } from '../../../lambda/broker/pipeline';
import { ROUTES } from '../../../lambda/contract/routes';
import { parseConfig } from '../../../lambda/core/config';
import { BrokerError } from '../../../lambda/core/errors';
import { brokerPerTest } from '../../support/broker-fixture';
import { devIssuerConfig } from '../../support/local-broker';

const seen: { sub: string; context: CheckContext }[] = [];
/** Refuses the token of sub `revoked` as a revocation store would; sub `broken` makes the check itself fail. */
async function revocation(caller: { sub: string }, context: CheckContext): Promise<void> {
  seen.push({ sub: caller.sub, context });
  if (caller.sub === 'revoked') throw new BrokerError('UNAUTHORIZED', 'Missing or invalid bearer token');
  if (caller.sub === 'broken') throw new Error('store unreachable at 10.0.0.7');
}

const fixture = brokerPerTest({
  config: (baseUrl) => ({
    issuers: [devIssuerConfig(baseUrl)],
    api: { authorizerCacheTtlSeconds: 0 },
    local: { streams: [{ name: 'cam-1' }], enforceQuotas: false },
  }),
  checks: [revocation],
});
const kvsCalls = (f: ReturnType<typeof fixture>) =>
  Object.values(f.broker.emulator.stats().requests).reduce((a, b) => a + b, 0);
const jsonLines = (f: ReturnType<typeof fixture>) =>
  f.captured.lines
    .flatMap((chunk) => chunk.split('\n'))
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('token checks', () => {
  it('run on every token route with the caller and the route, before the request is parsed or KVS called', async () => {
    const f = fixture();
    seen.length = 0;
    const token = await f.mint([{ stream: 'cam-1' }], { sub: 'revoked' });
    const session = await f.post('cam-1', token, { protocol: 'RTSP' });
    const list = await f.get('/v1/streams', token);
    for (const res of [session, list]) {
      expect(res.status).toBe(401);
      expect(res.json.error).toEqual({ code: 'UNAUTHORIZED', message: 'Missing or invalid bearer token' });
    }
    expect(kvsCalls(f)).toBe(0);
    expect(seen.map((s) => [s.sub, s.context.operationId, s.context.streamName])).toEqual([
      ['revoked', 'createSession', 'cam-1'],
      ['revoked', 'listStreams', undefined],
    ]);
    expect(f.audit(session.json.requestId)).toEqual([
      expect.objectContaining({
        sub: 'revoked',
        stream: 'cam-1',
        outcome: 'DENIED',
        errorCode: 'UNAUTHORIZED',
      }),
    ]);
  });

  it('let a token they pass through to the decision', async () => {
    const f = fixture();
    const res = await f.post('cam-1', await f.mint([{ stream: 'cam-1' }]));
    expect(res.status).toBe(200);
  });

  it('do not run on open routes', async () => {
    const f = fixture();
    seen.length = 0;
    expect((await f.get('/openapi.json')).status).toBe(200);
    expect(seen).toEqual([]);
  });
});

describe('one error path', () => {
  it('answers an unexpected failure as INTERNAL_ERROR, logged once and audited once, with no detail to the caller', async () => {
    const f = fixture();
    const res = await f.post('cam-1', await f.mint([{ stream: 'cam-1' }], { sub: 'broken' }));
    expect(res.status).toBe(500);
    expect(res.json).toEqual({
      error: { code: 'INTERNAL_ERROR', message: 'Internal error' },
      requestId: res.json.requestId,
    });
    const logged = jsonLines(f).filter((l) => l.message === 'unhandled error');
    expect(logged).toEqual([expect.objectContaining({ detail: 'Error: store unreachable at 10.0.0.7' })]);
    expect(f.audit(res.json.requestId)).toEqual([
      expect.objectContaining({ sub: 'broken', outcome: 'FAILED', errorCode: 'INTERNAL_ERROR' }),
    ]);
  });
});

describe('a streamed answer', () => {
  it('keeps its stream as the body, under the JSON defaults the route overrides, CORS and no-store', async () => {
    const config = parseConfig({
      issuers: [{ issuer: 'i', jwksUri: 'https://i.example/jwks', audience: 'a' }],
      cors: { allowOrigins: ['https://app.example.com'] },
    });
    const route: TokenRoute<undefined> = {
      auth: 'jwt',
      parse: () => undefined,
      handle: async () => ({
        body: { stream: Readable.from([Buffer.from('ftyp'), Buffer.from('moov')]) },
        headers: { 'Content-Type': 'video/mp4' },
      }),
    };
    const event = {
      headers: { Origin: 'https://app.example.com' },
      requestContext: { authorizer: { sub: 'u', issuer: 'i', exp: '2000000000', grants: '[]' } },
    } as unknown as APIGatewayProxyEvent;
    const result = await runRoute(
      {
        config,
        kvs: {} as never,
        now: () => 1_000_000,
        logger: new Logger({ logLevel: 'SILENT' }),
        metrics: new Metrics({ namespace: 'test' }),
      },
      ROUTES[0]!,
      route,
      event,
      'req-1',
    );
    expect(result.statusCode).toBe(200);
    expect(result.headers).toMatchObject({
      'Content-Type': 'video/mp4',
      'Cache-Control': 'no-store',
      'Access-Control-Allow-Origin': 'https://app.example.com',
    });
    expect(await text(result.body as Readable)).toBe('ftypmoov');
  });
});
