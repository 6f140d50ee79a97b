// Seat rules (docs/api.md, Seats): one seat per viewerId with an unexpired session, renewals keep their seat,
// requests without a viewerId share one seat of their own. Pure: the viewer-state adapter (lambda/state) reads the
// principal's one item, asks `takeSeat`, and writes the answer back under a version condition.
import { BrokerError } from './errors';

/**
 * The seat of the requests that carry no viewerId. `*` is outside the viewerId pattern, so no device can claim it
 * by name.
 */
export const ANONYMOUS_VIEWER = '*';

/** A viewerId: what the typed client generates (a UUID) and what apps may choose, kept short and printable. */
export const VIEWER_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
/** What a request is told when its viewerId breaks VIEWER_ID (every route that takes one). */
export const VIEWER_ID_RULE = 'must be 1 to 128 of a-z, A-Z, 0-9, _ . : -';

/** viewerId -> the expiry (epoch ms) of the latest session it was given. */
export type Seats = Readonly<Record<string, number>>;

export type SeatDecision =
  | {
      granted: true;
      /** The seats to write back: expired ones dropped, this viewer's extended or added. */
      seats: Seats;
      /** The viewer already held a seat (a renewal). */
      renewal: boolean;
      /** The expiry the viewer's seat had before (a renewal), to put back if the session is not opened after all. */
      previousUntilMs?: number;
    }
  | { granted: false; retryAfterSeconds: number };

/** The item key of a principal's seats. */
export function seatsKey(issuer: string, sub: string): string {
  return JSON.stringify(['seats', issuer, sub]);
}

export function seatOf(viewerId: string | undefined): string {
  return viewerId ?? ANONYMOUS_VIEWER;
}

/**
 * The decision for `viewer` asking for a session that ends at `untilMs`, given the principal's current seats.
 * A seat is held while its session is unexpired (expiry > now).
 */
export function takeSeat(
  current: Seats | undefined,
  viewer: string,
  untilMs: number,
  nowMs: number,
  limit: number,
): SeatDecision {
  const live = Object.entries(current ?? {}).filter(([, expiresAtMs]) => expiresAtMs > nowMs);
  const held = live.find(([id]) => id === viewer);
  if (!held && live.length >= limit) {
    const earliest = Math.min(...live.map(([, expiresAtMs]) => expiresAtMs));
    return { granted: false, retryAfterSeconds: Math.max(1, Math.ceil((earliest - nowMs) / 1000)) };
  }
  const seats = Object.fromEntries(live);
  seats[viewer] = Math.max(held?.[1] ?? 0, untilMs);
  return held
    ? { granted: true, seats, renewal: true, previousUntilMs: held[1] }
    : { granted: true, seats, renewal: false };
}

/**
 * The seats once a seat taken for a session that was never opened (KVS failed after the seat was taken) is given
 * back: the viewer's expiry put back as it was, or its seat dropped when it was new. `taken.untilMs` is the expiry
 * the seat was written with. Undefined when there is nothing to undo: the renewal changed nothing, or another
 * request of the same viewer has extended the seat since, and that session stands.
 */
export function releaseSeat(
  current: Seats | undefined,
  viewer: string,
  taken: { untilMs: number; previousUntilMs?: number },
): Seats | undefined {
  if (current?.[viewer] !== taken.untilMs || taken.previousUntilMs === taken.untilMs) return undefined;
  const seats = { ...current };
  if (taken.previousUntilMs === undefined) delete seats[viewer];
  else seats[viewer] = taken.previousUntilMs;
  return seats;
}

/** The item's TTL (epoch seconds): once every seat in it has expired, the item holds nothing. */
export function seatsExpiresAtS(seats: Seats): number {
  return Math.ceil(Math.max(0, ...Object.values(seats)) / 1000);
}

export function seatLimit(retryAfterSeconds: number): BrokerError {
  return new BrokerError('SEAT_LIMIT', 'Every seat of this account is in use; retry later', {
    retryAfterSeconds,
  });
}
