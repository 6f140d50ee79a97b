// Seat rules (docs/api.md, Seats) as a pure function of the principal's seats and the clock.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { errorBody, errorHeaders } from '../../../lambda/core/errors';
import {
  ANONYMOUS_VIEWER,
  releaseSeat,
  seatLimit,
  seatOf,
  seatsExpiresAtS,
  seatsKey,
  takeSeat,
  VIEWER_ID,
} from '../../../lambda/core/seats';

const NOW = 1_764_000_000_000;
const S = 1000;

describe('takeSeat', () => {
  it('gives the first viewer a seat until its session ends', () => {
    expect(takeSeat(undefined, 'phone', NOW + 300 * S, NOW, 2)).toEqual({
      granted: true,
      seats: { phone: NOW + 300 * S },
      renewal: false,
    });
  });

  it('keeps a renewing viewer its seat even when every seat is held, extending it', () => {
    const seats = { phone: NOW + 10 * S, tv: NOW + 20 * S };
    expect(takeSeat(seats, 'phone', NOW + 300 * S, NOW, 2)).toEqual({
      granted: true,
      seats: { phone: NOW + 300 * S, tv: NOW + 20 * S },
      renewal: true,
      previousUntilMs: NOW + 10 * S,
    });
  });

  it('never shortens a seat when a renewal asks for a shorter session', () => {
    const decision = takeSeat({ phone: NOW + 600 * S }, 'phone', NOW + 300 * S, NOW, 1);
    expect(decision).toMatchObject({ granted: true, seats: { phone: NOW + 600 * S } });
  });

  it('refuses a new viewer when every seat is held, until the earliest seat frees (rounded up)', () => {
    const seats = { phone: NOW + 90_500, tv: NOW + 200 * S };
    expect(takeSeat(seats, 'tablet', NOW + 300 * S, NOW, 2)).toEqual({
      granted: false,
      retryAfterSeconds: 91,
    });
  });

  it('tells a refused viewer to wait at least 1 s', () => {
    expect(takeSeat({ tv: NOW + 1 }, 'tablet', NOW + 300 * S, NOW, 1)).toEqual({
      granted: false,
      retryAfterSeconds: 1,
    });
  });

  it('frees a seat the moment its session expires, and drops expired seats from the item', () => {
    const seats = { phone: NOW, tv: NOW + 200 * S };
    expect(takeSeat(seats, 'tablet', NOW + 300 * S, NOW, 2)).toEqual({
      granted: true,
      seats: { tv: NOW + 200 * S, tablet: NOW + 300 * S },
      renewal: false,
    });
  });

  it('gives requests without a viewerId one seat of their own, which counts toward the limit', () => {
    expect(seatOf(undefined)).toBe(ANONYMOUS_VIEWER);
    expect(VIEWER_ID.test(ANONYMOUS_VIEWER)).toBe(false);
    const first = takeSeat(undefined, seatOf(undefined), NOW + 300 * S, NOW, 1);
    expect(first.granted).toBe(true);
    const seats = first.granted ? first.seats : {};
    expect(takeSeat(seats, seatOf(undefined), NOW + 300 * S, NOW + S, 1)).toMatchObject({
      granted: true,
      renewal: true,
    });
    expect(takeSeat(seats, 'phone', NOW + 300 * S, NOW + S, 1)).toMatchObject({ granted: false });
  });

  it('never holds more live seats than the limit, whatever the sequence of requests', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.array(
          fc.record({
            viewer: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', '*'),
            dt: fc.nat(400),
            len: fc.integer({ min: 300, max: 900 }),
          }),
          { maxLength: 40 },
        ),
        (limit, requests) => {
          let seats: Record<string, number> = {};
          let now = NOW;
          for (const r of requests) {
            now += r.dt * S;
            const d = takeSeat(seats, r.viewer, now + r.len * S, now, limit);
            if (d.granted) seats = { ...d.seats };
            expect(Object.values(seats).filter((e) => e > now).length).toBeLessThanOrEqual(limit);
          }
        },
      ),
    );
  });
});

describe('releaseSeat (a seat taken for a session KVS then refused)', () => {
  it('drops a new seat, and leaves the other viewers theirs', () => {
    const taken = takeSeat({ tv: NOW + 20 * S }, 'phone', NOW + 300 * S, NOW, 2);
    expect(taken.granted && releaseSeat(taken.seats, 'phone', { untilMs: NOW + 300 * S })).toEqual({
      tv: NOW + 20 * S,
    });
  });

  it('removes a dropped seat from the item, so the item keeps a TTL (no viewer left with no expiry)', () => {
    const released = releaseSeat({ phone: NOW + 300 * S, tv: NOW + 20 * S }, 'phone', {
      untilMs: NOW + 300 * S,
    });
    expect(Object.keys(released ?? {})).toEqual(['tv']);
    expect(seatsExpiresAtS(released ?? {})).toBe(NOW / 1000 + 20);
  });

  it('puts a renewed seat back to the expiry it had before', () => {
    const seats = { phone: NOW + 300 * S, tv: NOW + 20 * S };
    expect(releaseSeat(seats, 'phone', { untilMs: NOW + 300 * S, previousUntilMs: NOW + 10 * S })).toEqual({
      phone: NOW + 10 * S,
      tv: NOW + 20 * S,
    });
  });

  it('changes nothing when the seat was written since (a later session of the viewer stands) or is gone', () => {
    const seats = { phone: NOW + 400 * S };
    expect(releaseSeat(seats, 'phone', { untilMs: NOW + 300 * S })).toBeUndefined();
    expect(releaseSeat({}, 'phone', { untilMs: NOW + 300 * S })).toBeUndefined();
    expect(releaseSeat(undefined, 'phone', { untilMs: NOW + 300 * S })).toBeUndefined();
  });

  it('changes nothing when the renewal had not moved the seat (it already lasted longer)', () => {
    const taken = takeSeat({ phone: NOW + 600 * S }, 'phone', NOW + 300 * S, NOW, 1);
    expect(taken).toMatchObject({ granted: true, renewal: true, previousUntilMs: NOW + 600 * S });
    const untilMs = NOW + 600 * S;
    expect(releaseSeat({ phone: untilMs }, 'phone', { untilMs, previousUntilMs: untilMs })).toBeUndefined();
  });

  it('undoes any granted take exactly, whatever the seats before (property)', () => {
    const viewer = fc.constantFrom('phone', 'tv', 'tablet', ANONYMOUS_VIEWER);
    const seatsArb = fc.dictionary(viewer, fc.integer({ min: NOW + 1, max: NOW + 900 * S }));
    fc.assert(
      fc.property(seatsArb, viewer, fc.integer({ min: 1, max: 900 }), (before, who, seconds) => {
        const taken = takeSeat(before, who, NOW + seconds * S, NOW, 10);
        if (!taken.granted) return;
        const untilMs = taken.seats[who]!;
        const undone = releaseSeat(taken.seats, who, {
          untilMs,
          ...(taken.previousUntilMs !== undefined ? { previousUntilMs: taken.previousUntilMs } : {}),
        });
        expect(undone ?? taken.seats).toEqual(before);
      }),
    );
  });
});

describe('seatLimit (a refused seat)', () => {
  it('answers 429 SEAT_LIMIT, saying so, with Retry-After the seconds until the earliest seat frees', () => {
    const decision = takeSeat({ phone: NOW + 90_500, tv: NOW + 200 * S }, 'tablet', NOW + 300 * S, NOW, 2);
    if (decision.granted) throw new Error('expected a refusal');
    const error = seatLimit(decision.retryAfterSeconds);
    expect(error).toMatchObject({
      name: 'BrokerError',
      code: 'SEAT_LIMIT',
      status: 429,
      retryAfterSeconds: 91,
    });
    expect(errorBody(error, 'req-1')).toEqual({
      error: { code: 'SEAT_LIMIT', message: expect.stringMatching(/seat/) },
      requestId: 'req-1',
    });
    expect(errorHeaders(error.status, error.retryAfterSeconds)).toEqual({ 'Retry-After': '91' });
  });
});

describe('seat items', () => {
  it('expire (TTL, epoch seconds) when their last seat does', () => {
    expect(seatsExpiresAtS({ a: NOW + 1500, b: NOW + 300_000 })).toBe((NOW + 300_000) / 1000);
    expect(seatsExpiresAtS({ a: NOW + 1 })).toBe(NOW / 1000 + 1);
  });

  it('are keyed per issuer and sub, unambiguously', () => {
    expect(seatsKey('https://a/', 'x|y')).not.toBe(seatsKey('https://a/x', 'y'));
    expect(seatsKey('i', 's')).toBe('["seats","i","s"]');
  });
});
