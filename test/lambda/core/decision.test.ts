import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { PLAYBACK_MODES, PROTOCOLS } from '../../../lambda/core/config';
import { decide, forbidden, sessionExpirySeconds } from '../../../lambda/core/decision';
import { matchesStream, type Grant } from '../../../lambda/core/grants';
import type { SessionRequest } from '../../../lambda/core/request';
import { HOUR, NOW, NOW_S, grant, limits, live } from './decision-fixtures';

describe('decide', () => {
  it('allows a live session on an exactly granted stream with the default expiry', () => {
    expect(decide([grant('cam-lobby')], live('cam-lobby'), NOW, limits)).toEqual({
      allowed: true,
      grant: grant('cam-lobby'),
      expiresInSeconds: 300,
      expiresAtMs: NOW + 300_000,
    });
  });

  it.each<[string, Grant[], SessionRequest, string]>([
    ['refuses a stream no grant names', [grant('cam-lobby')], live('cam-garage'), 'NO_GRANT_FOR_STREAM'],
    ['refuses a stream outside a prefix grant', [grant('site7-*')], live('site8-cam'), 'NO_GRANT_FOR_STREAM'],
    [
      'refuses a mode the grant lacks',
      [grant('cam-1')],
      live('cam-1', { playbackMode: 'LIVE_REPLAY', startMs: NOW - HOUR }),
      'MODE_NOT_GRANTED',
    ],
    [
      'refuses a protocol the grant lacks',
      [grant('cam-1', { protocols: ['DASH'] })],
      live('cam-1', { protocol: 'HLS' }),
      'PROTOCOL_NOT_GRANTED',
    ],
    [
      'refuses a grant whose window ends before the requested start',
      [grant('cam-1', { modes: ['ON_DEMAND'], to: NOW_S - 7200 })],
      live('cam-1', { playbackMode: 'ON_DEMAND', startMs: NOW - HOUR, endMs: NOW - HOUR / 2 }),
      'OUTSIDE_WINDOW',
    ],
    [
      'refuses a range that starts before the window',
      [grant('cam-1', { modes: ['ON_DEMAND'], from: NOW_S - 1800 })],
      live('cam-1', { playbackMode: 'ON_DEMAND', startMs: NOW - HOUR, endMs: NOW - HOUR / 4 }),
      'OUTSIDE_WINDOW',
    ],
    [
      'refuses LIVE after the window closed',
      [grant('cam-1', { to: NOW_S - 1 })],
      live('cam-1'),
      'OUTSIDE_WINDOW',
    ],
    [
      'refuses LIVE before the window opens',
      [grant('cam-1', { from: NOW_S + 60 })],
      live('cam-1'),
      'OUTSIDE_WINDOW',
    ],
    [
      'refuses an open-ended LIVE_REPLAY once the window has closed',
      [grant('cam-1', { modes: ['LIVE_REPLAY'], from: NOW_S - 7200, to: NOW_S - 60 })],
      live('cam-1', { playbackMode: 'LIVE_REPLAY', startMs: NOW - HOUR }),
      'OUTSIDE_WINDOW',
    ],
    ['refuses everything without grants', [], live('cam-1'), 'NO_GRANT_FOR_STREAM'],
  ])('%s', (_name, grants, request, reason) => {
    expect(decide(grants, request, NOW, limits)).toEqual({ allowed: false, reason });
  });

  it('reports the closest miss among several grants', () => {
    const grants = [grant('cam-2'), grant('cam-1', { protocols: ['DASH'] })];
    expect(decide(grants, live('cam-1', { protocol: 'HLS' }), NOW, limits)).toEqual({
      allowed: false,
      reason: 'PROTOCOL_NOT_GRANTED',
    });
  });

  it('allows an ON_DEMAND range inside the window', () => {
    const g = grant('site7-*', { modes: ['ON_DEMAND'], from: NOW_S - 86400, to: NOW_S });
    const d = decide(
      [g],
      live('site7-door', { playbackMode: 'ON_DEMAND', startMs: NOW - HOUR, endMs: NOW - 1000 }),
      NOW,
      limits,
    );
    expect(d.allowed).toBe(true);
  });

  it('caps a LIVE session at the window end, down to the KVS minimum', () => {
    const request = live('cam-1', { expiresInSeconds: 3600 });
    const ending = (seconds: number) =>
      decide([grant('cam-1', { to: NOW_S + seconds })], request, NOW, limits);
    expect(ending(1200)).toMatchObject({ allowed: true, expiresInSeconds: 1200 });
    expect(ending(60)).toMatchObject({ allowed: true, expiresInSeconds: 300 });
  });

  describe('with sessions.capAtTokenExpiry', () => {
    const capped = { ...limits, capAtTokenExpiry: true };
    const request = live('cam-1', { expiresInSeconds: 3600 });
    const tokenLeft = (seconds: number) => NOW + seconds * 1000;

    it('ends a session no later than its token', () => {
      expect(decide([grant('cam-1')], request, NOW, capped, tokenLeft(1200))).toMatchObject({
        allowed: true,
        expiresInSeconds: 1200,
        expiresAtMs: tokenLeft(1200),
      });
    });

    it('grants the KVS minimum Expires (300 s) to a token with less left: the session outlives it by < 300 s', () => {
      expect(decide([grant('cam-1')], request, NOW, capped, tokenLeft(120))).toMatchObject({
        allowed: true,
        expiresInSeconds: 300,
      });
    });

    it('takes the tighter of the token and the grant window', () => {
      const windowed = grant('cam-1', { to: NOW_S + 900 });
      expect(decide([windowed], request, NOW, capped, tokenLeft(1800))).toMatchObject({
        expiresInSeconds: 900,
      });
      expect(decide([windowed], request, NOW, capped, tokenLeft(600))).toMatchObject({
        expiresInSeconds: 600,
      });
    });

    it('does not cap when the option is off (the default)', () => {
      expect(decide([grant('cam-1')], request, NOW, limits, tokenLeft(1200))).toMatchObject({
        expiresInSeconds: 3600,
      });
    });
  });

  it('picks the grant that allows the longest session', () => {
    const grants = [grant('cam-*', { maxExpiresSeconds: 600 }), grant('cam-1', { maxExpiresSeconds: 1800 })];
    expect(decide(grants, live('cam-1', { expiresInSeconds: 3600 }), NOW, limits)).toMatchObject({
      allowed: true,
      expiresInSeconds: 1800,
      grant: grants[1],
    });
  });

  const streamName = fc.stringMatching(/^[a-c]{1,3}$/);
  const pattern = fc.oneof(
    streamName,
    streamName.map((s) => `${s}*`),
    fc.constant('*'),
  );
  const arbGrant: fc.Arbitrary<Grant> = fc.record(
    {
      stream: pattern,
      modes: fc.uniqueArray(fc.constantFrom(...PLAYBACK_MODES), { minLength: 1 }),
      protocols: fc.uniqueArray(fc.constantFrom(...PROTOCOLS), { minLength: 1 }),
      from: fc.integer({ min: NOW_S - 4 * 3600, max: NOW_S + 3600 }),
      to: fc.integer({ min: NOW_S - 3600, max: NOW_S + 4 * 3600 }),
      maxExpiresSeconds: fc.integer({ min: 1, max: 43200 }),
    },
    { requiredKeys: ['stream', 'modes', 'protocols'] },
  );
  const arbRequest: fc.Arbitrary<SessionRequest> = fc
    .record({
      streamName,
      protocol: fc.constantFrom(...PROTOCOLS),
      playbackMode: fc.constantFrom(...PLAYBACK_MODES),
      start: fc.integer({ min: -3 * 3600, max: 0 }),
      length: fc.integer({ min: 1, max: 3 * 3600 }),
      openEnded: fc.boolean(),
      expiresInSeconds: fc.option(fc.integer({ min: 300, max: 43200 }), { nil: undefined }),
    })
    .map(({ start, length, openEnded, ...r }) => {
      const request = live(r.streamName, { ...r });
      if (r.playbackMode === 'LIVE') return request;
      const startMs = NOW + start * 1000;
      const endMs = r.playbackMode === 'ON_DEMAND' || !openEnded ? startMs + length * 1000 : undefined;
      return { ...request, startMs, ...(endMs !== undefined ? { endMs } : {}) };
    });

  it('never allows a stream, mode, protocol or window that no grant covers (property)', () => {
    fc.assert(
      fc.property(fc.array(arbGrant, { maxLength: 4 }), arbRequest, (grants, request) => {
        const d = decide(grants, request, NOW, limits);
        if (!d.allowed) return;
        const g = d.grant;
        expect(grants).toContain(g);
        expect(matchesStream(g.stream, request.streamName)).toBe(true);
        expect(g.modes).toContain(request.playbackMode);
        expect(g.protocols).toContain(request.protocol);
        const from = (g.from ?? -Infinity) * 1000;
        const to = (g.to ?? Infinity) * 1000;
        expect(request.startMs ?? NOW).toBeGreaterThanOrEqual(from);
        expect(request.endMs ?? NOW).toBeLessThanOrEqual(to);
        expect(d.expiresInSeconds).toBeGreaterThanOrEqual(300);
        expect(d.expiresInSeconds).toBeLessThanOrEqual(
          Math.max(300, Math.min(3600, g.maxExpiresSeconds ?? 3600)),
        );
        if (request.endMs === undefined && g.to !== undefined) {
          // an open-ended session stops reaching media at `to`, unless the KVS minimum forbids it
          expect(NOW + d.expiresInSeconds * 1000 <= to || d.expiresInSeconds === 300).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('with capAtTokenExpiry, never lets a session outlive its token by 300 s or more (property)', () => {
    fc.assert(
      fc.property(
        fc.array(arbGrant, { maxLength: 4 }),
        arbRequest,
        fc.integer({ min: 1, max: 5 * 3600 }),
        (grants, request, left) => {
          const tokenExpMs = NOW + left * 1000;
          const d = decide(grants, request, NOW, { ...limits, capAtTokenExpiry: true }, tokenExpMs);
          if (d.allowed) expect(d.expiresAtMs).toBeLessThanOrEqual(Math.max(tokenExpMs, NOW + 300_000));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('allows whatever a single covering grant without window allows (property)', () => {
    fc.assert(
      fc.property(arbRequest, (request) => {
        const g = grant(request.streamName, { modes: [request.playbackMode], protocols: [request.protocol] });
        expect(decide([g], request, NOW, limits).allowed).toBe(true);
      }),
    );
  });
});

describe('sessionExpirySeconds', () => {
  it.each<[string, number | undefined, number | undefined, number | undefined, number]>([
    ['uses the default when none is requested', undefined, undefined, undefined, 300],
    ['grants what is asked within the caps', 1200, undefined, undefined, 1200],
    ['reduces to the config maximum', 43200, undefined, undefined, 3600],
    ['reduces to the grant cap', 3000, 900, undefined, 900],
    ['reduces to the window cap', 3000, undefined, 400, 400],
    ['never goes below the KVS minimum', 3000, 60, undefined, 300],
  ])('%s', (_name, requested, grantCap, windowCap, expected) => {
    expect(sessionExpirySeconds(requested, limits, grantCap, windowCap)).toBe(expected);
  });
});

describe('forbidden', () => {
  it('is a 403 FORBIDDEN that names what is missing, with the reason kept for the log', () => {
    const e = forbidden('MODE_NOT_GRANTED', live('cam-1', { playbackMode: 'ON_DEMAND' }));
    expect({ code: e.code, status: e.status, message: e.message, detail: e.detail }).toEqual({
      code: 'FORBIDDEN',
      status: 403,
      message: 'Your token does not grant playbackMode ON_DEMAND on stream cam-1',
      detail: 'MODE_NOT_GRANTED',
    });
  });
});

// The edges of a grant's media window (docs/tokens.md: the window bounds the MEDIA time the grant reaches; LIVE:
// now inside it), each stated on both sides so that moving an edge by one millisecond fails a test.
describe('decide at the edges of a grant window', () => {
  const windowed = (fromS: number, toS: number) => [
    grant('cam-1', { modes: ['LIVE', 'ON_DEMAND'], from: fromS, to: toS }),
  ];
  const onDemand = (startMs: number, endMs: number) =>
    live('cam-1', { playbackMode: 'ON_DEMAND', startMs, endMs });
  const outcome = (d: ReturnType<typeof decide>) => (d.allowed ? 'allowed' : d.reason);

  it.each<[string, number, string]>([
    ['the window opens after now: LIVE is refused', NOW_S + 1, 'OUTSIDE_WINDOW'],
    ['the window opens exactly now: LIVE is allowed', NOW_S, 'allowed'],
  ])('%s', (_name, fromS, expected) => {
    expect(outcome(decide(windowed(fromS, NOW_S + 3600), live('cam-1'), NOW, limits))).toBe(expected);
  });

  it.each<[string, number, string]>([
    ['the window closed before now: LIVE is refused', NOW_S - 1, 'OUTSIDE_WINDOW'],
    ['the window closes exactly now: LIVE is still allowed', NOW_S, 'allowed'],
  ])('%s', (_name, toS, expected) => {
    expect(outcome(decide(windowed(NOW_S - 3600, toS), live('cam-1'), NOW, limits))).toBe(expected);
  });

  it.each<[string, number, number, string]>([
    ['media starting exactly at the window start is allowed', NOW - 2 * HOUR, NOW - HOUR, 'allowed'],
    ['media starting 1 ms before the window is refused', NOW - 2 * HOUR - 1, NOW - HOUR, 'OUTSIDE_WINDOW'],
    ['media ending exactly at the window end is allowed', NOW - 2 * HOUR, NOW - HOUR, 'allowed'],
    ['media ending 1 ms after the window is refused', NOW - 2 * HOUR, NOW - HOUR + 1, 'OUTSIDE_WINDOW'],
  ])('%s', (_name, startMs, endMs, expected) => {
    const w = windowed((NOW - 2 * HOUR) / 1000, (NOW - HOUR) / 1000);
    expect(outcome(decide(w, onDemand(startMs, endMs), NOW, limits))).toBe(expected);
  });

  it('grants a window with no end its full expiry, and one ending in 20 minutes no more than 20 minutes', () => {
    const open = [grant('cam-1', { from: NOW_S - 60 })];
    const closing = [grant('cam-1', { from: NOW_S - 60, to: NOW_S + 1200 })];
    expect(decide(open, live('cam-1', { expiresInSeconds: 3600 }), NOW, limits)).toMatchObject({
      allowed: true,
      expiresInSeconds: 3600,
    });
    expect(decide(closing, live('cam-1', { expiresInSeconds: 3600 }), NOW, limits)).toMatchObject({
      allowed: true,
      expiresInSeconds: 1200,
    });
  });

  it('of two grants that both allow, takes the one giving the longer session, whatever their order', () => {
    const short = grant('cam-1', { maxExpiresSeconds: 600 });
    const long = grant('cam-*', { maxExpiresSeconds: 1800 });
    for (const grants of [
      [short, long],
      [long, short],
    ]) {
      expect(decide(grants, live('cam-1', { expiresInSeconds: 3600 }), NOW, limits)).toMatchObject({
        allowed: true,
        expiresInSeconds: 1800,
        grant: long,
      });
    }
  });
});

// docs/tokens.md: a grant's window is on the time KVS received the media. PRODUCER_TIMESTAMP ranges are on the
// camera's clock, which its owner sets: with them a window would reach whatever media the camera says is inside.
describe('fragment selectors under a grant window', () => {
  const onDemand = (extra: Partial<SessionRequest> = {}) =>
    live('cam-1', { playbackMode: 'ON_DEMAND', startMs: NOW - HOUR, endMs: NOW - HOUR / 2, ...extra });
  const windowed = [
    ['from and to', { from: NOW_S - 86400, to: NOW_S }],
    ['from only', { from: NOW_S - 86400 }],
    ['to only', { to: NOW_S }],
  ] as const;

  it.each(windowed)('refuses PRODUCER_TIMESTAMP under a window (%s)', (_name, window) => {
    const grants = [grant('cam-1', { modes: ['ON_DEMAND', 'LIVE'], ...window })];
    const producer = { fragmentSelectorType: 'PRODUCER_TIMESTAMP' } as const;
    expect(decide(grants, onDemand(producer), NOW, limits)).toEqual({
      allowed: false,
      reason: 'SELECTOR_NOT_GRANTED',
    });
    expect(decide(grants, live('cam-1', producer), NOW, limits)).toEqual({
      allowed: false,
      reason: 'SELECTOR_NOT_GRANTED',
    });
    expect(decide(grants, onDemand(), NOW, limits)).toMatchObject({ allowed: true });
  });

  it('allows PRODUCER_TIMESTAMP under a grant without a window', () => {
    const grants = [grant('cam-1', { modes: ['ON_DEMAND'] })];
    expect(
      decide(grants, onDemand({ fragmentSelectorType: 'PRODUCER_TIMESTAMP' }), NOW, limits),
    ).toMatchObject({ allowed: true });
  });

  it('uses another grant without a window when one covers the request', () => {
    const grants = [
      grant('cam-1', { modes: ['ON_DEMAND'], from: NOW_S - 86400, to: NOW_S }),
      grant('cam-*', { modes: ['ON_DEMAND'] }),
    ];
    expect(
      decide(grants, onDemand({ fragmentSelectorType: 'PRODUCER_TIMESTAMP' }), NOW, limits),
    ).toMatchObject({ allowed: true, grant: grants[1] });
  });

  it('answers 403 FORBIDDEN saying which selector the window needs', () => {
    const error = forbidden('SELECTOR_NOT_GRANTED', onDemand({ fragmentSelectorType: 'PRODUCER_TIMESTAMP' }));
    expect(error).toMatchObject({ code: 'FORBIDDEN', status: 403, detail: 'SELECTOR_NOT_GRANTED' });
    expect(error.message).toBe(
      'Your token grants a media time window on stream cam-1: use fragmentSelectorType SERVER_TIMESTAMP',
    );
  });
});
