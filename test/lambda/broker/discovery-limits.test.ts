// SECURITY.md, discovery: GET /v1/streams through the real handlers (local broker) makes at most 10 KVS calls per
// request, serves repeated listings from a brief per-prefix cache, tells a caller whose grants need more that the
// page is truncated (with a nextToken that carries on where it stopped), and shares one ListStreams budget and cache
// per instance across callers, so that greedy callers cannot take a modest caller's answer. One fresh broker per test
// on a fixed clock: each test sets up the cache it asserts on (none carries state to the next).
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from '@jest/globals';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { createBrokerRouter } from '../../../lambda/broker/handler';
import { DISCOVERY_LIMITS } from '../../../lambda/broker/streams';
import { parseConfig } from '../../../lambda/core/config';
import { BrokerError } from '../../../lambda/core/errors';
import { brokerPerTest, type BrokerFixture } from '../../support/broker-fixture';
import { devIssuerConfig } from '../../support/local-broker';

const pad = (i: number) => String(i).padStart(3, '0');
/** 100 prefix grants `p000-*` .. `p099-*` (the default cap, limits.maxGrantsPerToken): one ListStreams call each. */
const GRANTS = Array.from({ length: 100 }, (_, i) => ({ stream: `p${pad(i)}-*` }));
const entry = (streamName: string) => ({ streamName, modes: ['LIVE'], protocols: ['DASH', 'HLS'] });

const fixture = brokerPerTest({
  config: (baseUrl) => ({
    issuers: [devIssuerConfig(baseUrl)],
    api: { throttlingRateLimit: 1000, throttlingBurstLimit: 1000 },
    local: {
      // one stream under every other prefix among the first 30, one far away, and a modest caller's two cameras
      streams: [
        ...Array.from({ length: 15 }, (_, i) => ({ name: `p${pad(2 * i)}-cam` })),
        { name: 'p090-cam' },
        { name: 'lobby-1' },
        { name: 'lobby-2' },
      ],
      enforceQuotas: true,
    },
  }),
});

const listStreamsCalls = (f: BrokerFixture) => f.broker.emulator.stats().requests.ListStreams ?? 0;
const list = (f: BrokerFixture, token: string, query = '') =>
  f.get(`/v1/streams${query}`, token) as unknown as Promise<{
    status: number;
    json: { streams: unknown[]; nextToken?: string; truncated?: boolean; error?: { code: string } };
  }>;

describe('GET /v1/streams with 100 prefix grants', () => {
  it('lists what 10 ListStreams calls reach and says the page is truncated', async () => {
    const f = fixture();
    const res = await list(f, await f.mint(GRANTS));
    expect(listStreamsCalls(f)).toBe(10);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      streams: ['p000-cam', 'p002-cam', 'p004-cam', 'p006-cam', 'p008-cam'].map(entry),
      nextToken: expect.any(String),
      truncated: true,
    });
  });

  it('answers a repeated listing from the per-prefix cache, so the same 10 calls reach 10 prefixes further', async () => {
    const f = fixture();
    const token = await f.mint(GRANTS);
    await list(f, token);
    const again = await list(f, token);
    expect(listStreamsCalls(f)).toBe(20);
    expect(again.json).toEqual({
      streams: Array.from({ length: 10 }, (_, i) => entry(`p${pad(2 * i)}-cam`)),
      nextToken: expect.any(String),
      truncated: true,
    });
  });

  it("carries on from a truncated page's nextToken where its listing stopped", async () => {
    const f = fixture();
    const token = await f.mint(GRANTS);
    const first = await list(f, token, '?limit=1000'); // p000-p009
    expect(first.json.streams).toHaveLength(5);
    const next = await list(f, token, `?nextToken=${first.json.nextToken}`); // p010-p019
    expect(listStreamsCalls(f)).toBe(20);
    expect(next.json).toEqual({
      streams: ['p010-cam', 'p012-cam', 'p014-cam', 'p016-cam', 'p018-cam'].map(entry),
      nextToken: expect.any(String),
      truncated: true,
    });
  });

  it('ends a page at its limit first, with a plain nextToken, when enough streams are known', async () => {
    const f = fixture();
    const token = await f.mint(GRANTS);
    const res = await list(f, token, '?limit=2');
    expect(res.json).toEqual({ streams: ['p000-cam', 'p002-cam'].map(entry), nextToken: expect.any(String) });
    const rest = await list(f, token, `?limit=1&nextToken=${res.json.nextToken}`);
    expect(rest.json).toEqual({ streams: [entry('p004-cam')], nextToken: expect.any(String) });
  });

  it('refuses a nextToken it did not issue', async () => {
    const f = fixture();
    const res = await list(f, await f.mint(GRANTS), '?nextToken=bm90LWEtdG9rZW4');
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error: { code: 'INVALID_REQUEST', message: 'nextToken: is not a token this API returned' },
      requestId: expect.any(String),
    });
  });
});

describe("one instance's ListStreams budget, shared by its callers", () => {
  it('leaves a modest caller its full answer while 20 greedy callers list in parallel, and KVS never throttles', async () => {
    const f = fixture();
    // 20 callers with 100 distinct prefix grants each (2000 listings wanted), and one with a single prefix.
    const greedy = await Promise.all(
      Array.from({ length: 20 }, (_, g) =>
        f.mint(
          Array.from({ length: 100 }, (_, i) => ({ stream: `g${pad(g)}x${pad(i)}-*` })),
          { sub: `greedy-${g}` },
        ),
      ),
    );
    const modest = await f.mint([{ stream: 'lobby-*' }], { sub: 'modest' });
    const answers = await Promise.all([...greedy.map((t) => list(f, t)), list(f, modest)]);
    const mine = answers.pop()!;
    expect(mine).toMatchObject({ status: 200, json: { streams: [entry('lobby-1'), entry('lobby-2')] } });
    expect(mine.json.truncated).toBeUndefined();
    for (const a of answers) expect(a).toMatchObject({ status: 200, json: { streams: [], truncated: true } });
    expect(listStreamsCalls(f)).toBeLessThanOrEqual(DISCOVERY_LIMITS.listStreamsBurst);
    expect(f.broker.emulator.stats().throttled).toEqual({});
  });

  it('shares calls in flight and cached pages, so 20 callers asking at once each get what 10 calls reach', async () => {
    const f = fixture();
    const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => f.mint(GRANTS, { sub: `u${i}` })));
    const answers = await Promise.all(tokens.map((t) => list(f, t)));
    const first = ['p000-cam', 'p002-cam', 'p004-cam', 'p006-cam', 'p008-cam'].map(entry);
    for (const a of answers) expect(a.json.streams.slice(0, 5)).toEqual(first);
    // 200 listings wanted, within the instance's budget: each answer above came from shared pages.
    expect(listStreamsCalls(f)).toBeLessThanOrEqual(DISCOVERY_LIMITS.listStreamsBurst);
    expect(f.broker.emulator.stats().throttled).toEqual({});
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
