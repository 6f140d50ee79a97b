// Session checks (lambda/broker/pipeline.ts SessionCheck, where seats plug in): run on each session the grants
// allow, single or grid entry alike, before KVS is asked; a refusal refuses that session alone.
import { describe, expect, it } from '@jest/globals';
import type { SessionCheck } from '../../../lambda/broker/pipeline';
import { BrokerError } from '../../../lambda/core/errors';
import { brokerPerTest } from '../../support/broker-fixture';
import { devIssuerConfig } from '../../support/local-broker';

const seen: { sub: string; stream: string; expiresAtMs: number; requestId: string }[] = [];
/** Holds no seat on cam-2 for anyone (a seat store would answer SEAT_LIMIT with the seconds until one frees). */
const seats: SessionCheck = async (caller, { request, expiresAtMs, requestId }) => {
  seen.push({ sub: caller.sub, stream: request.streamName, expiresAtMs, requestId });
  if (request.streamName === 'cam-2')
    throw new BrokerError('THROTTLED', 'All seats are held', { retryAfterSeconds: 7 });
};

const fixture = brokerPerTest({
  config: (baseUrl) => ({
    issuers: [devIssuerConfig(baseUrl)],
    local: { streams: [{ name: 'cam-1' }, { name: 'cam-2' }], enforceQuotas: false },
  }),
  sessionChecks: [seats],
});

describe('session checks', () => {
  it('refuse a single session before KVS is asked, with its Retry-After', async () => {
    const f = fixture();
    seen.length = 0;
    const res = await f.post('cam-2', await f.mint([{ stream: 'cam-*' }]));
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('7');
    expect(f.broker.emulator.stats().requests).toEqual({});
    expect(seen).toEqual([
      { sub: 'user-1', stream: 'cam-2', expiresAtMs: f.clock.now() + 300_000, requestId: res.json.requestId },
    ]);
  });

  it('refuse one grid entry alone, and run on no session the grants refuse', async () => {
    const f = fixture();
    seen.length = 0;
    const res = await f.request('/v1/sessions', {
      method: 'POST',
      headers: { Authorization: `Bearer ${await f.mint([{ stream: 'cam-*' }])}` },
      body: JSON.stringify({
        sessions: [
          { streamName: 'cam-1' },
          { streamName: 'cam-2' },
          { streamName: 'lobby' },
          { streamName: 'cam-1' },
        ],
      }),
    });
    const entries = res.json.sessions as { streamName: string; url?: string; error?: { code: string } }[];
    expect(entries.map((e) => e.error?.code ?? 'GRANTED')).toEqual([
      'GRANTED',
      'THROTTLED',
      'FORBIDDEN',
      'GRANTED',
    ]);
    expect(entries[1]).toMatchObject({ retryAfterSeconds: 7 });
    expect(seen.map((s) => s.stream).sort()).toEqual(['cam-1', 'cam-1', 'cam-2']);
  });
});
