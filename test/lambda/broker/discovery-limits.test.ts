// SECURITY.md, discovery: GET /v1/streams through the real handlers (local broker) makes at most 10 KVS calls
// and answers within 3 s, serves repeated listings from a brief per-prefix cache, and tells a caller whose grants
// need more that the page is truncated, with a nextToken that carries on where it stopped.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { createBrokerRouter } from '../../../lambda/broker/handler';
import { parseConfig } from '../../../lambda/core/config';
import { BrokerError } from '../../../lambda/core/errors';
import type { LocalBroker } from '../../../local/app';
import { captureOutput, devIssuerConfig, startTestBroker, type Captured } from '../../support/local-broker';

let broker: LocalBroker;
let captured: Captured;
let token: string;

const pad = (i: number) => String(i).padStart(3, '0');
/** 100 prefix grants `p000-*` .. `p099-*` (the default cap, limits.maxGrantsPerToken): one ListStreams call each. */
const GRANTS = Array.from({ length: 100 }, (_, i) => ({ stream: `p${pad(i)}-*` }));
const entry = (streamName: string) => ({ streamName, modes: ['LIVE'], protocols: ['DASH', 'HLS'] });
const listStreamsCalls = () => broker.emulator.stats().requests.ListStreams ?? 0;

async function list(query = '') {
  const started = performance.now();
  const res = await fetch(`${broker.url}/v1/streams${query}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  return {
    status: res.status,
    json: (await res.json()) as { streams: unknown[]; nextToken?: string; truncated?: boolean },
    ms: performance.now() - started,
  };
}

beforeAll(async () => {
  captured = captureOutput();
  broker = await startTestBroker((baseUrl) => ({
    issuers: [devIssuerConfig(baseUrl)],
    local: {
      // one stream under every other prefix among the first 30, and one far away
      streams: [
        ...Array.from({ length: 15 }, (_, i) => ({ name: `p${pad(2 * i)}-cam` })),
        { name: 'p090-cam' },
      ],
      enforceQuotas: true,
    },
  }));
  token = await broker.devIssuer!.mint({ sub: 'greedy', grants: GRANTS });
});

afterAll(async () => {
  captured.restore();
  await broker.close();
});

describe('GET /v1/streams with 100 prefix grants', () => {
  it('lists what 10 ListStreams calls reach, within 3 s, and says the page is truncated', async () => {
    const before = listStreamsCalls();
    const res = await list();
    expect(listStreamsCalls() - before).toBe(10);
    expect(res.ms).toBeLessThan(3000);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      streams: ['p000-cam', 'p002-cam', 'p004-cam', 'p006-cam', 'p008-cam'].map(entry),
      nextToken: expect.any(String),
      truncated: true,
    });
  });

  it('answers a repeated listing from the per-prefix cache, so the same 10 calls reach 10 prefixes further', async () => {
    const before = listStreamsCalls();
    const again = await list();
    expect(listStreamsCalls() - before).toBe(10);
    expect(again.json).toEqual({
      streams: Array.from({ length: 10 }, (_, i) => entry(`p${pad(2 * i)}-cam`)),
      nextToken: expect.any(String),
      truncated: true,
    });
  });

  it("carries on from a truncated page's nextToken where its listing stopped", async () => {
    const first = await list('?limit=1000'); // p000-p029 now cached: this one lists p030-p039 (nothing there)
    expect(first.json.streams).toHaveLength(15);
    const before = listStreamsCalls();
    const next = await list(`?nextToken=${first.json.nextToken}`);
    expect(listStreamsCalls() - before).toBe(10);
    expect(next.json).toEqual({ streams: [], nextToken: expect.any(String), truncated: true });
  });

  it('ends a page at its limit first, with a plain nextToken, when enough streams are known', async () => {
    const res = await list('?limit=2');
    expect(res.json).toEqual({ streams: ['p000-cam', 'p002-cam'].map(entry), nextToken: expect.any(String) });
    const rest = await list(`?limit=1&nextToken=${res.json.nextToken}`);
    expect(rest.json).toEqual({ streams: [entry('p004-cam')], nextToken: expect.any(String) });
  });

  it('refuses a nextToken it did not issue', async () => {
    const res = await list('?nextToken=bm90LWEtdG9rZW4');
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error: { code: 'INVALID_REQUEST', message: 'nextToken: is not a token this API returned' },
      requestId: expect.any(String),
    });
  });
});

describe('the time budget of one discovery request', () => {
  // The route alone, with a KVS whose every ListStreams call takes 600 ms of an injected clock.
  function route(failOnCall?: number) {
    const clock = { now: 1_000_000, calls: 0 };
    const kvs = {
      getStreamingSessionUrl: () => Promise.reject(new Error('not used')),
      listStreams: async (prefix: string) => {
        clock.calls += 1;
        clock.now += 600;
        if (clock.calls === failOnCall)
          throw new BrokerError('UPSTREAM_TIMEOUT', 'Kinesis Video Streams did not answer in time');
        return { streamNames: [`${prefix}cam`] };
      },
    };
    const config = parseConfig({
      issuers: [{ issuer: 'i', jwksUri: 'https://i.example/jwks', audience: 'a' }],
    });
    const handler = createBrokerRouter({
      config,
      kvs,
      logger: new Logger({ logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'test' }),
      now: () => clock.now,
    });
    const event = {
      httpMethod: 'GET',
      resource: '/v1/streams',
      queryStringParameters: null,
      headers: {},
      requestContext: {
        authorizer: {
          sub: 'u',
          issuer: 'i',
          exp: String(2_000_000_000),
          grants: JSON.stringify(GRANTS.slice(0, 20)),
        },
      },
    } as unknown as APIGatewayProxyEvent;
    return {
      clock,
      answer: async () => {
        const res = await handler(event, { awsRequestId: 'req-1' } as Context);
        const json = JSON.parse(res.body as string) as Record<string, unknown> & { error?: { code: string } };
        if (json.error) throw json.error;
        return json;
      },
    };
  }

  it('stops listing when its 2.5 s for KVS are spent, before the 10 calls, and says so', async () => {
    const { clock, answer } = route();
    expect(await answer()).toEqual({
      streams: ['p000-cam', 'p001-cam', 'p002-cam', 'p003-cam', 'p004-cam'].map(entry),
      nextToken: expect.any(String),
      truncated: true,
    });
    expect(clock.calls).toBe(5); // at 600 ms each, the fifth ends past 2.5 s
  });

  it('answers what it listed when a later call runs out of time, and a 504 when the first one does', async () => {
    // the fifth call ends at 3 s, past the budget: the four prefixes before it are what fit
    expect(await route(5).answer()).toEqual({
      streams: ['p000-cam', 'p001-cam', 'p002-cam', 'p003-cam'].map(entry),
      nextToken: expect.any(String),
      truncated: true,
    });
    expect(
      await route(1)
        .answer()
        .catch((e: { code: string }) => e.code),
    ).toBe('UPSTREAM_TIMEOUT');
    // a timeout with time left is KVS failing, not the budget: the caller gets the 504 as well
    expect(
      await route(3)
        .answer()
        .catch((e: { code: string }) => e.code),
    ).toBe('UPSTREAM_TIMEOUT');
  });
});
