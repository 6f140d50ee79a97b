// The emulated stream's timeline: fixed-length fragments numbered from the epoch, and which of them a session sees.
import { defaultMaxFragmentResults, type MediaSession } from './session';

/**
 * Fragment n covers media time [n x d, (n+1) x d) in epoch milliseconds, and is "ingested" (complete,
 * listable) once the clock reaches its end. Its fragment number is n.
 */
export interface FragmentSpan {
  readonly fragmentNumber: number;
  readonly startMs: number;
  readonly durationMs: number;
}

export function fragmentStartMs(fragmentNumber: number, durationMs: number): number {
  return fragmentNumber * durationMs;
}

/** The fragment whose span contains `timeMs`. */
export function fragmentNumberAt(timeMs: number, durationMs: number): number {
  return Math.floor(timeMs / durationMs);
}

/** The newest fragment complete at `nowMs` (the stream head). */
export function lastCompleteFragment(nowMs: number, durationMs: number): number {
  return fragmentNumberAt(nowMs, durationMs) - 1;
}

/** KVS StartTimestamp: only fragments starting at or after it are included. */
export function firstFragmentFrom(startMs: number, durationMs: number): number {
  return Math.ceil(startMs / durationMs);
}

/** KVS EndTimestamp: inclusive, compared with fragment start timestamps. */
export function lastFragmentUntil(endMs: number, durationMs: number): number {
  return Math.floor(endMs / durationMs);
}

export interface SessionFragments {
  /** What the manifest or media playlist lists now, oldest first (possibly none yet). */
  readonly listed: readonly FragmentSpan[];
  /**
   * The first fragment the session ever lists, fixed for its lifetime: HLS media sequence numbers count
   * from it (KVS numbers them per session, from 0).
   */
  readonly firstInSession: number;
  /** Fragment numbers the session may fetch now: everything it has listed so far. */
  readonly servable?: { readonly first: number; readonly last: number };
  /** No fragment will ever be added: ON_DEMAND, or LIVE_REPLAY that has listed its EndTimestamp. */
  readonly ended: boolean;
}

function span(first: number, last: number, durationMs: number): FragmentSpan[] {
  const spans: FragmentSpan[] = [];
  for (let n = Math.max(first, 0); n <= last; n++) {
    spans.push({ fragmentNumber: n, startMs: fragmentStartMs(n, durationMs), durationMs });
  }
  return spans;
}

function required(session: MediaSession, field: 'startMs' | 'endMs'): number {
  const value = session[field];
  if (value === undefined) throw new TypeError(`${session.playbackMode} session without ${field}`);
  return value;
}

/** The first fragment the stream still held when the session was issued (see MediaSession.oldestMs). */
export function oldestRetainedFragment(session: MediaSession, durationMs: number): number {
  return session.oldestMs === undefined ? 0 : firstFragmentFrom(session.oldestMs, durationMs);
}

/**
 * The first fragment a LIVE_REPLAY or ON_DEMAND session lists: the first at or after StartTimestamp that the
 * stream still retained when the session was issued.
 */
export function firstRequestedFragment(session: MediaSession, durationMs: number): number {
  return Math.max(
    firstFragmentFrom(required(session, 'startMs'), durationMs),
    oldestRetainedFragment(session, durationMs),
  );
}

/**
 * When a LIVE_REPLAY session's first fragment is listed: at issue, or once that fragment is complete.
 * From there one more fragment is listed each fragment duration ("as the duration of the next fragment
 * elapses", KVS says), so the replay runs at real speed and never overtakes the stream head.
 */
export function replayOriginMs(session: MediaSession, durationMs: number): number {
  const first = firstRequestedFragment(session, durationMs);
  return Math.max(session.issuedAtMs, fragmentStartMs(first + 1, durationMs));
}

/**
 * The fragments a session lists at `nowMs`, capped by maxFragmentResults like KVS:
 * LIVE, the newest complete ones; LIVE_REPLAY, a window sliding forward from StartTimestamp at real
 * speed; ON_DEMAND, the oldest ones in [StartTimestamp, EndTimestamp]. None older than the session's
 * oldestMs (the stream's retention when it was issued), like KVS, which no longer holds them.
 */
export function sessionFragments(session: MediaSession, durationMs: number, nowMs: number): SessionFragments {
  const cap = session.maxFragmentResults ?? defaultMaxFragmentResults(session.playbackMode);
  const head = lastCompleteFragment(nowMs, durationMs);
  const oldest = oldestRetainedFragment(session, durationMs);
  const result = (first: number, last: number, firstInSession: number, ended: boolean): SessionFragments => {
    const listed = span(Math.max(first, last - cap + 1), last, durationMs);
    const origin = Math.max(firstInSession, 0);
    return {
      listed,
      firstInSession: origin,
      ...(listed.length > 0 ? { servable: { first: origin, last } } : {}),
      ended,
    };
  };

  switch (session.playbackMode) {
    case 'LIVE': {
      // what it listed when issued (or now, should the clock read earlier than the issue time)
      const firstInSession = Math.max(
        Math.min(lastCompleteFragment(session.issuedAtMs, durationMs), head) - cap + 1,
        oldest,
      );
      return result(Math.max(head - cap + 1, oldest), head, firstInSession, false);
    }
    case 'LIVE_REPLAY': {
      const first = firstRequestedFragment(session, durationMs);
      const end = session.endMs === undefined ? Infinity : lastFragmentUntil(session.endMs, durationMs);
      const origin = replayOriginMs(session, durationMs);
      const released = nowMs < origin ? first - 1 : first + Math.floor((nowMs - origin) / durationMs);
      const last = Math.min(released, end, head);
      return result(first, last, first, last >= end);
    }
    case 'ON_DEMAND': {
      const first = firstRequestedFragment(session, durationMs);
      const last = Math.min(lastFragmentUntil(required(session, 'endMs'), durationMs), head, first + cap - 1);
      return result(first, last, first, true);
    }
  }
}

/** Whether the session may fetch fragment `fragmentNumber` at `nowMs`. */
export function isServable(fragments: SessionFragments, fragmentNumber: number): boolean {
  const range = fragments.servable;
  return range !== undefined && fragmentNumber >= range.first && fragmentNumber <= range.last;
}
