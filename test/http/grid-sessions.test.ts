// POST /v1/sessions (docs/api.md, camera grids) end to end over HTTP: local API Gateway -> real authorizer -> real
// broker -> real AWS SDK clients -> KVS emulator with its quotas on. Each entry is decided, audited and counted as
// if asked alone, in order; one entry's failure never fails another; a bad body is a 400 for the whole request.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createBrokerClient, isSessionFailure, MAX_GRID_SESSIONS } from '../../client';
import { MAX_BATCH_SESSIONS } from '../../lambda/core/batch';
import {
  brokerPerTest,
  startPartnerIdp,
  type BrokerFixture,
  type PartnerIdp,
} from '../support/broker-fixture';
import { addFaultyStreams, sessionConfig } from './session-config';

let partner: PartnerIdp;
beforeAll(async () => {
  partner = await startPartnerIdp();
});
afterAll(() => partner.close());
const fixture = brokerPerTest({ config: (b) => sessionConfig(partner.jwksUrl)(b), setup: addFaultyStreams });

const GRANTS = [
  { stream: 'cam-1' },
  { stream: 'cam-no-retention' },
  { stream: 'cam-gone' },
  { stream: 'cam-forbidden-role' },
];
const ON_DEMAND = {
  playbackMode: 'ON_DEMAND',
  startTimestamp: '2026-11-25T09:00:00Z',
  endTimestamp: '2026-11-25T09:10:00Z',
};

function grid(f: BrokerFixture, token: string | undefined, body: unknown) {
  return f.request('/v1/sessions', {
    method: 'POST',
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
const emf = (f: BrokerFixture) =>
  f.captured.lines
    .flatMap((chunk) => chunk.split('\n'))
    .filter((l) => l.startsWith('{') && l.includes('"_aws"'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const session = (streamName: string, protocol = 'DASH') => ({
  url: expect.stringContaining(protocol === 'DASH' ? '/dash/v1/' : '/hls/v1/'),
  protocol,
  streamName,
  playbackMode: 'LIVE',
  expiresAt: '2026-11-25T10:05:00.000Z',
  expiresInSeconds: 300,
});
const failure = (streamName: string, code: string, extra: Record<string, unknown> = {}) => ({
  streamName,
  error: { code, message: expect.any(String), ...extra },
});

describe('POST /v1/sessions', () => {
  it('answers a grid of 16 in order, each entry granted or refused alone, audited and counted alone', async () => {
    const f = fixture();
    const token = await f.mint(GRANTS);
    const entries = [
      { streamName: 'cam-1' },
      { streamName: 'cam-1', protocol: 'HLS' },
      { streamName: 'cam-lobby' }, // no grant
      { streamName: 'cam-1', ...ON_DEMAND }, // the grant is LIVE only
      { streamName: 'cam-no-retention' },
      { streamName: 'cam-gone' }, // granted, but no such stream
      { streamName: 'acme-cam-1' }, // no grant
      { streamName: 'cam-forbidden-role' }, // the broker's role may not open it
      ...Array.from({ length: 8 }, (_, i) => ({ streamName: 'cam-1', protocol: i % 2 ? 'HLS' : 'DASH' })),
    ];
    const res = await grid(f, token, { sessions: entries });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json.sessions).toEqual([
      session('cam-1'),
      session('cam-1', 'HLS'),
      failure('cam-lobby', 'FORBIDDEN'),
      failure('cam-1', 'FORBIDDEN'),
      failure('cam-no-retention', 'STREAM_NOT_PLAYABLE', { reason: 'NoDataRetentionException' }),
      failure('cam-gone', 'NOT_FOUND'),
      failure('acme-cam-1', 'FORBIDDEN'),
      failure('cam-forbidden-role', 'UPSTREAM_ERROR'),
      ...Array.from({ length: 8 }, (_, i) => session('cam-1', i % 2 ? 'HLS' : 'DASH')),
    ]);
    // One audit line per entry, in order, as a single session's would be.
    const lines = f.audit(res.json.requestId ?? (res.headers['x-amzn-requestid'] as string));
    expect(lines.map((l) => [l.stream, l.outcome, l.errorCode])).toEqual(
      entries.map((e, i) => {
        const answer = (res.json.sessions as { error?: { code: string } }[])[i]!;
        const outcome = !answer.error
          ? 'GRANTED'
          : answer.error.code === 'UPSTREAM_ERROR'
            ? 'FAILED'
            : 'DENIED';
        return [e.streamName, outcome, answer.error?.code];
      }),
    );
    expect(lines.every((l) => l.audit === 'kvs-session' && l.sub === 'user-1')).toBe(true);
    // One metric per entry: 10 issued, 6 denied with their own error codes.
    const metrics = emf(f);
    expect(metrics.filter((m) => m.SessionsIssued === 1)).toHaveLength(10);
    expect(metrics.filter((m) => m.SessionsDenied === 1).map((m) => m.ErrorCode)).toEqual([
      'FORBIDDEN',
      'FORBIDDEN',
      'STREAM_NOT_PLAYABLE',
      'NOT_FOUND',
      'FORBIDDEN',
      'UPSTREAM_ERROR',
    ]);
    // Refused before KVS: GetDataEndpoint, the first call of any session, for cam-1 (DASH, HLS), cam-no-retention,
    // cam-gone and cam-forbidden-role only; nothing throttled.
    const stats = f.broker.emulator.stats();
    expect(stats.requests.GetDataEndpoint).toBe(5);
    expect(stats.throttled).toEqual({});
  });

  it('opens 16 sessions of one stream inside its quotas: one GetDataEndpoint, 16 session URLs', async () => {
    const f = fixture();
    const res = await grid(f, await f.mint(GRANTS), {
      sessions: Array.from({ length: 16 }, () => ({ streamName: 'cam-1' })),
    });
    expect(res.json.sessions).toEqual(Array.from({ length: 16 }, () => session('cam-1')));
    const stats = f.broker.emulator.stats();
    expect([stats.requests.GetDataEndpoint, stats.requests.GetDASHStreamingSessionURL]).toEqual([1, 16]);
    expect(stats.throttled).toEqual({});
  });

  it('answers a throttled entry with its Retry-After seconds, beside the entries that were served', async () => {
    const f = fixture();
    const token = await f.mint(GRANTS);
    const sixteen = { sessions: Array.from({ length: 16 }, () => ({ streamName: 'cam-1' })) };
    expect((await grid(f, token, sixteen)).status).toBe(200);
    // KVS allows GetDASHStreamingSessionURL 25 TPS per stream; the emulator's clock stands still, so 9 more fit.
    const res = await grid(f, token, sixteen);
    const answers = res.json.sessions as Record<string, unknown>[];
    expect(answers.filter((a) => !a.error)).toHaveLength(9);
    expect(answers.filter((a) => a.error)).toEqual(
      Array.from({ length: 7 }, () => ({
        ...failure('cam-1', 'THROTTLED'),
        retryAfterSeconds: expect.any(Number),
      })),
    );
  });

  it.each([
    ['no entry', { sessions: [] }, 'sessions: must hold 1 to 16 entries'],
    [
      '17 entries',
      { sessions: Array.from({ length: 17 }, () => ({ streamName: 'cam-1' })) },
      'sessions: must hold 1 to 16 entries',
    ],
    [
      'an entry breaking a rule',
      { sessions: [{ streamName: 'cam-1' }, { streamName: 'cam-1', protocol: 'RTSP' }] },
      'sessions.1.protocol: ',
    ],
    ['an entry without its stream', { sessions: [{ protocol: 'HLS' }] }, 'sessions.0.streamName: '],
    ['an unknown field', { sessions: [{ streamName: 'cam-1' }], extra: 1 }, 'extra: unknown field'],
    ['a body that is not JSON', '{"sessions": [', 'body: must be valid JSON'],
  ])('refuses the whole request for %s: 400, no KVS call, one audit line', async (_name, body, message) => {
    const f = fixture();
    const res = await grid(f, await f.mint(GRANTS), body);
    expect(res.status).toBe(400);
    expect(res.json.error).toEqual({ code: 'INVALID_REQUEST', message: expect.stringContaining(message) });
    expect(f.broker.emulator.stats().requests).toEqual({});
    expect(f.audit(res.json.requestId)).toEqual([
      expect.objectContaining({ outcome: 'DENIED', errorCode: 'INVALID_REQUEST' }),
    ]);
  });

  it('is refused at the gateway for a token without grants, and without a token', async () => {
    const f = fixture();
    const body = { sessions: [{ streamName: 'cam-1' }] };
    expect((await grid(f, await f.mint([]), body)).json.error).toMatchObject({ code: 'FORBIDDEN' });
    expect((await grid(f, undefined, body)).json.error).toMatchObject({ code: 'UNAUTHORIZED' });
  });
});

describe('the typed client', () => {
  it('asks for a grid with sessions() and tells sessions from refusals', async () => {
    const f = fixture();
    const client = createBrokerClient({ baseUrl: f.broker.url, token: await f.mint(GRANTS) });
    const answers = await client.sessions([
      { streamName: 'cam-1', protocol: 'HLS' },
      { streamName: 'cam-lobby' },
    ]);
    expect(answers.map((a) => (isSessionFailure(a) ? a.error.code : a.protocol))).toEqual([
      'HLS',
      'FORBIDDEN',
    ]);
    for (const a of answers) if (!isSessionFailure(a)) f.remember(a.url);
  });

  it('caps a grid where the broker does', () => {
    expect(MAX_GRID_SESSIONS).toBe(MAX_BATCH_SESSIONS);
  });
});
