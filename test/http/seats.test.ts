// Seats (docs/api.md, Seats) end to end over HTTP against the embedded DynamoDB (dynalite) that enforces
// conditional writes as DynamoDB does: one seat per viewerId while its session lasts, and never more seats than
// the limit, however many requests race from however many instances.
import { describe, expect, it } from '@jest/globals';
import { startLocalBroker } from '../../local/app';
import { brokerPerTest, type BrokerFixture } from '../support/broker-fixture';
import { viewerConfig } from './viewer-config';

const fixture = brokerPerTest({ config: viewerConfig({ seatsPerPrincipal: 2 }) });
const GRANTS = [{ stream: 'cam-*' }];
const MIN = 60_000;

const session = (f: BrokerFixture, token: string, viewerId?: string, stream = 'cam-1') =>
  f.post(stream, token, viewerId === undefined ? {} : { viewerId });

describe('seats per principal', () => {
  it('gives each viewerId a seat, refuses a third with 429 SEAT_LIMIT until the earliest seat frees', async () => {
    const f = fixture();
    const token = await f.mint(GRANTS);
    expect((await session(f, token, 'phone')).status).toBe(200);
    f.clock.advance(MIN);
    expect((await session(f, token, 'tv')).status).toBe(200);
    f.clock.advance(MIN);
    const third = await session(f, token, 'tablet');
    expect(third).toEqual({
      status: 429,
      headers: expect.objectContaining({ 'retry-after': '180' }),
      json: {
        error: { code: 'SEAT_LIMIT', message: 'Every seat of this account is in use; retry later' },
        requestId: expect.any(String),
      },
    });
    expect(f.audit(third.headers['x-amzn-requestid'])).toEqual([
      expect.objectContaining({ viewerId: 'tablet', outcome: 'DENIED', errorCode: 'SEAT_LIMIT' }),
    ]);
    f.clock.advance(180_000);
    expect((await session(f, token, 'tablet')).status).toBe(200);
  });

  it('keeps a renewing viewer its seat, on any stream, and counts seats per principal (sub), not per token', async () => {
    const f = fixture();
    const phoneToken = await f.mint(GRANTS);
    expect((await session(f, phoneToken, 'phone')).status).toBe(200);
    expect((await session(f, await f.mint(GRANTS), 'tv')).status).toBe(200);
    f.clock.advance(4 * MIN);
    expect((await session(f, phoneToken, 'phone', 'cam-2')).status).toBe(200);
    expect((await session(f, phoneToken, 'tablet')).json.error?.code).toBe('SEAT_LIMIT');
    // Another principal has seats of its own.
    expect((await session(f, await f.mint(GRANTS, { sub: 'user-2' }), 'tablet')).status).toBe(200);
  });

  it('gives requests without a viewerId one shared seat of their own', async () => {
    const f = fixture();
    const token = await f.mint(GRANTS);
    expect((await session(f, token)).status).toBe(200);
    expect((await session(f, token)).status).toBe(200);
    expect((await session(f, token, 'phone')).status).toBe(200);
    expect((await session(f, token, 'tv')).json.error?.code).toBe('SEAT_LIMIT');
  });

  it('refuses a malformed viewerId with 400 naming the field', async () => {
    const f = fixture();
    const res = await session(f, await f.mint(GRANTS), '*');
    expect(res.json.error).toEqual({
      code: 'INVALID_REQUEST',
      message: 'viewerId: must be 1 to 128 of a-z, A-Z, 0-9, _ . : -',
    });
  });

  it('hands out exactly 2 seats to 50 concurrent first sessions from 50 viewerIds across two instances', async () => {
    const f = fixture();
    const other = await startLocalBroker({
      config: viewerConfig({ seatsPerPrincipal: 2, jwksBaseUrl: f.broker.url }),
      state: f.broker.state!,
      now: f.clock.now,
      emulatorNow: f.clock.now,
    });
    try {
      const token = await f.mint(GRANTS);
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          fetch(`${(i % 2 === 0 ? f.broker : other).url}/v1/streams/cam-1/sessions`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
            body: JSON.stringify({ viewerId: `viewer-${i}` }),
          }).then(
            async (r) =>
              `${r.status} ${r.status === 200 ? '' : ((await r.json()) as { error: { code: string } }).error.code}`,
          ),
        ),
      );
      const counts = answers.reduce<Record<string, number>>(
        (c, a) => ({ ...c, [a.trim()]: (c[a.trim()] ?? 0) + 1 }),
        {},
      );
      expect(counts).toEqual({ '200': 2, '429 SEAT_LIMIT': 48 });
    } finally {
      await other.close();
    }
  });
});
