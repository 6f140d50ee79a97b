// Properties of the whole local stack (gateway, authorizer, broker, KVS emulator) over HTTP, with generated tokens,
// paths, bodies and headers (fast-check): no 5xx (no KVS fault is injected, so not even the documented 502/504),
// every error in the contract's shape with the code its status stands for, and no 200 wider than the token's grants.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { LocalBroker } from '../../local/app';
import { captureOutput, devIssuerConfig, startTestBroker, type Captured } from '../support/local-broker';

/** docs/api.md's table, written out (413 and 415 are API Gateway's own statuses for INVALID_REQUEST). */
const CODE_OF_STATUS: Record<number, string> = {
  400: 'INVALID_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'INVALID_REQUEST',
  415: 'INVALID_REQUEST',
  422: 'STREAM_NOT_PLAYABLE',
  429: 'THROTTLED',
};

const STREAMS = ['cam-1', 'cam-2', 'site7-door'];
const NOW_S = Math.floor(Date.now() / 1000);

let broker: LocalBroker;
let captured: Captured;
let requests = 0;

beforeAll(async () => {
  captured = captureOutput();
  broker = await startTestBroker((baseUrl) => ({
    issuers: [devIssuerConfig(baseUrl)],
    cors: { allowOrigins: ['https://app.example.com'] },
    api: {
      throttlingRateLimit: 100000,
      throttlingBurstLimit: 100000,
      tokenRateLimit: false,
      ipRateLimit: false,
    },
    local: { streams: STREAMS.map((name) => ({ name, dataRetentionInHours: 24 })), enforceQuotas: false },
  }));
});

afterAll(async () => {
  captured.restore();
  await broker.close();
  // Bounded cost: a few thousand requests at most.
  expect(requests).toBeLessThan(3000);
});

// ---- generators ----

interface GrantSpec {
  stream: string;
  modes?: string[];
  protocols?: string[];
  from?: number;
  to?: number;
}

/** Window edges 10 minutes or more from now, so that the test's clock and the broker's agree on which side. */
const edge = fc.integer({ min: -48, max: 48 }).map((k) => NOW_S + k * 600);
const window = fc.oneof(
  { weight: 3, arbitrary: fc.constant({}) },
  { weight: 1, arbitrary: fc.record({ from: edge }) },
  { weight: 1, arbitrary: fc.record({ to: edge }) },
  { weight: 1, arbitrary: fc.record({ from: edge, to: edge }) },
);
const grant: fc.Arbitrary<GrantSpec> = fc
  .record({
    stream: fc.constantFrom('cam-1', 'cam-2', 'cam-*', 'site7-*', '*', 'other', 'cam-10'),
    modes: fc.option(fc.subarray(['LIVE', 'LIVE_REPLAY', 'ON_DEMAND'], { minLength: 1 }), { nil: undefined }),
    protocols: fc.option(fc.subarray(['DASH', 'HLS'], { minLength: 1 }), { nil: undefined }),
    window,
  })
  .map(({ window: w, modes, protocols, ...g }) => ({
    ...g,
    ...w,
    ...(modes ? { modes } : {}),
    ...(protocols ? { protocols } : {}),
  }));
const grants = fc
  .array(grant, { maxLength: 4 })
  .map((gs) => gs.filter((g) => g.from === undefined || g.to === undefined || g.from <= g.to));

const iso = (offsetMinutes: number) => new Date((NOW_S + offsetMinutes * 60) * 1000).toISOString();
const timestamp = fc.oneof(
  fc.integer({ min: -2880, max: 60 }).map((m) => iso(m * 10)),
  fc.constantFrom('yesterday', '2026-13-01T00:00:00Z', '', '2026-01-01T00:00:00'),
);
const knownBody = fc.record(
  {
    protocol: fc.constantFrom('DASH', 'HLS', 'dash', 'RTSP'),
    playbackMode: fc.constantFrom('LIVE', 'LIVE_REPLAY', 'ON_DEMAND', 'REPLAY'),
    startTimestamp: timestamp,
    endTimestamp: timestamp,
    expiresInSeconds: fc.oneof(fc.integer({ min: -10, max: 50000 }), fc.constant('300')),
    maxFragmentResults: fc.integer({ min: -1, max: 6000 }),
    displayFragmentTimestamp: fc.constantFrom('ALWAYS', 'NEVER', 'SOMETIMES'),
    containerFormat: fc.constantFrom('FRAGMENTED_MP4', 'MPEG_TS', 'MKV'),
    discontinuityMode: fc.constantFrom('ALWAYS', 'NEVER', 'ON_DISCONTINUITY'),
    fragmentSelectorType: fc.constantFrom('SERVER_TIMESTAMP', 'PRODUCER_TIMESTAMP'),
    unknownField: fc.jsonValue(),
  },
  { requiredKeys: [] },
);
/** Requests the rules accept: the grants decide them. Start 1 to 48 h ago, ranges of 10 min to 4 h. */
const validBody = fc
  .record({
    protocol: fc.constantFrom('DASH', 'HLS'),
    mode: fc.constantFrom('LIVE', 'LIVE', 'LIVE_REPLAY', 'ON_DEMAND'),
    startMinutesAgo: fc.integer({ min: 6, max: 288 }).map((k) => k * 10),
    lengthMinutes: fc.integer({ min: 1, max: 24 }).map((k) => k * 10),
    expiresInSeconds: fc.option(fc.integer({ min: 300, max: 43200 }), { nil: undefined }),
  })
  .map(({ protocol, mode, startMinutesAgo, lengthMinutes, expiresInSeconds }) => ({
    protocol,
    playbackMode: mode,
    ...(mode === 'LIVE' ? {} : { startTimestamp: iso(-startMinutesAgo) }),
    ...(mode === 'ON_DEMAND' ? { endTimestamp: iso(-startMinutesAgo + lengthMinutes) } : {}),
    ...(expiresInSeconds !== undefined ? { expiresInSeconds } : {}),
  }));
/** Mostly bodies made of the real fields, valid or not; sometimes any JSON, or not JSON at all. */
const body = fc.oneof(
  { weight: 6, arbitrary: validBody.map((b) => JSON.stringify(b)) },
  { weight: 3, arbitrary: knownBody.map((b) => JSON.stringify(b)) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 2, arbitrary: fc.constant(undefined) },
);
const streamInPath = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...STREAMS, 'cam-10', 'unknown-9', 'other') },
  { weight: 1, arbitrary: fc.string({ maxLength: 300 }).map((s) => encodeURIComponent(s)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('%', '%zz', '..', 'a'.repeat(257), '%2F', 'cam-1%00', '%E2%80%AE'),
  },
);
const printable = fc.string({ unit: 'grapheme-ascii', maxLength: 300 });
const headers = fc.record(
  {
    'Content-Type': fc.constantFrom(
      'application/json',
      'text/plain',
      'application/x-www-form-urlencoded',
      '',
    ),
    Origin: fc.constantFrom('https://app.example.com', 'https://evil.example.net', 'null'),
    'User-Agent': printable,
    'X-Amzn-RequestId': printable,
    'X-Forwarded-For': printable,
  },
  { requiredKeys: [] },
);
type Auth = { kind: 'token'; grants: GrantSpec[]; expired: boolean } | { kind: 'raw'; value: string };
const auth: fc.Arbitrary<Auth> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('token' as const),
      grants,
      expired: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('raw' as const),
      value: fc.oneof(
        fc.constantFrom('', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'Bearer a.b.c', 'bearer x'),
        printable.map((s) => `Bearer ${s}`),
      ),
    }),
  },
);

// ---- requests and invariants ----

async function authorization(a: Auth): Promise<string> {
  if (a.kind === 'raw') return a.value;
  const token = await broker.devIssuer!.mint({
    sub: 'prop-user',
    grants: a.grants,
    ...(a.expired ? { expiresInSeconds: 60, issuedAt: new Date(Date.now() - 3600_000) } : {}),
  });
  return `Bearer ${token}`;
}

async function call(method: string, path: string, init: { headers: Record<string, string>; body?: string }) {
  requests += 1;
  const res = await fetch(`${broker.url}${path}`, { method, ...init });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text };
}

/** Every answer: no 5xx, JSON, and an error in the contract's shape with its status's code. */
function expectWellFormed(res: { status: number; headers: Headers; text: string }): Record<string, unknown> {
  expect(res.status).toBeLessThan(500);
  expect(res.headers.get('content-type')).toBe('application/json');
  const json = JSON.parse(res.text) as Record<string, unknown>;
  if (res.status !== 200) {
    expect(Object.keys(json).sort()).toEqual(['error', 'requestId']);
    expect(typeof json.requestId).toBe('string');
    const error = json.error as Record<string, unknown>;
    expect(error).toEqual({
      code: CODE_OF_STATUS[res.status],
      message: expect.any(String),
      ...('reason' in error ? { reason: expect.any(String) } : {}),
    });
  }
  return json;
}

const covers = (pattern: string, stream: string) =>
  pattern === '*' || (pattern.endsWith('*') ? stream.startsWith(pattern.slice(0, -1)) : pattern === stream);

/** docs/tokens.md, stated independently of the broker's code: one grant covers stream, mode, protocol, window. */
function grantCovers(g: GrantSpec, stream: string, body: Record<string, unknown>, nowMs: number): boolean {
  const mode = (body.playbackMode as string | undefined) ?? 'LIVE';
  const protocol = (body.protocol as string | undefined) ?? 'DASH';
  if (!covers(g.stream, stream)) return false;
  if (!(g.modes ?? ['LIVE']).includes(mode)) return false;
  if (!(g.protocols ?? ['DASH', 'HLS']).includes(protocol)) return false;
  const from = g.from === undefined ? -Infinity : g.from * 1000;
  const to = g.to === undefined ? Infinity : g.to * 1000;
  const start = typeof body.startTimestamp === 'string' ? Date.parse(body.startTimestamp) : nowMs;
  const end = typeof body.endTimestamp === 'string' ? Date.parse(body.endTimestamp) : nowMs;
  return start >= from && end <= to && (body.endTimestamp !== undefined || nowMs >= from);
}

describe('the local stack over HTTP', () => {
  it('answers generated session requests without 5xx, in the documented shape, never wider than the grants', async () => {
    await fc.assert(
      fc.asyncProperty(auth, streamInPath, body, headers, async (a, stream, payload, extra) => {
        const res = await call('POST', `/v1/streams/${stream}/sessions`, {
          headers: { ...extra, Authorization: await authorization(a) },
          ...(payload !== undefined ? { body: payload } : {}),
        });
        const json = expectWellFormed(res);
        if (res.status !== 200) return;
        // A 200 needs a live token whose grants cover this request.
        expect(a.kind === 'token' && !a.expired).toBe(true);
        // An empty body is every default (docs/api.md: every field optional).
        const parsed: unknown = payload?.trim() ? JSON.parse(payload) : {};
        const requested = (parsed ?? {}) as Record<string, unknown>;
        const decoded = decodeURIComponent(stream);
        const granted = a.kind === 'token' ? a.grants : [];
        expect(granted.some((g) => grantCovers(g, decoded, requested, Date.now()))).toBe(true);
        expect(json).toMatchObject({ streamName: decoded, url: expect.any(String) });
      }),
      { numRuns: 700 },
    );
  });

  it('lists only streams the grants cover, on generated discovery queries', async () => {
    const query = fc.record(
      {
        limit: fc.oneof(
          { weight: 4, arbitrary: fc.integer({ min: 1, max: 1000 }).map(String) },
          { weight: 1, arbitrary: fc.integer({ min: -5, max: 2000 }).map(String) },
          { weight: 1, arbitrary: printable },
        ),
        nextToken: fc.oneof(
          { weight: 4, arbitrary: fc.constant(undefined) },
          { weight: 1, arbitrary: printable },
        ),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(auth, query, headers, async (a, q, extra) => {
        const params = Object.entries(q).filter((e): e is [string, string] => e[1] !== undefined);
        const res = await call('GET', `/v1/streams?${new URLSearchParams(params).toString()}`, {
          headers: { ...extra, Authorization: await authorization(a) },
        });
        const json = expectWellFormed(res);
        if (res.status !== 200) return;
        expect(a.kind === 'token' && !a.expired).toBe(true);
        const granted = a.kind === 'token' ? a.grants : [];
        for (const s of json.streams as { streamName: string }[]) {
          expect(granted.some((g) => covers(g.stream, s.streamName))).toBe(true);
        }
      }),
      { numRuns: 250 },
    );
  });

  it('answers generated methods and paths (no token) with JSON errors', async () => {
    const path = fc.oneof(
      fc.webPath().map((p) => p || '/'),
      streamInPath.map((s) => `/v1/streams/${s}`),
      streamInPath.map((s) => `/v1/streams/${s}/sessions/extra`),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
        path,
        headers,
        async (m, p, h) => {
          const res = await call(m, p.startsWith('/') ? p : `/${p}`, { headers: h });
          const json = expectWellFormed(res);
          if (res.status === 200) expect(p.split('?')[0]).toBe('/openapi.json');
          else expect(json.error).toBeDefined();
        },
      ),
      { numRuns: 250 },
    );
  });
});
