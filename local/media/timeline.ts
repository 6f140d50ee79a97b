// The emulated stream's timeline: fixed-length fragments numbered from the epoch, and which of them a session sees.
import { recordedFragments, type RecordedFragments } from './recorded';
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

/** A fragment a session lists: where it sits in the session, and whether a recording gap comes before it. */
export interface ListedFragment extends FragmentSpan {
  /**
   * Its number in the session: recorded fragments listed before it since the session's first, from 0. HLS media
   * sequence numbers and DASH $Number$ are this, so they stay put across reloads whatever gaps the stream has.
   */
  readonly sequence: number;
  /** The fragment before it in the session is not the one just before it in time: a recording gap lies between. */
  readonly afterGap: boolean;
  /** Gaps between the session's first fragment and this one (the HLS discontinuity sequence number, ON_DISCONTINUITY). */
  readonly gapsBefore: number;
  /** The first fragment of its run (fragments without a gap between them) in the session: a DASH Period's start. */
  readonly runStart: number;
}

export interface SessionFragments {
  /** What the manifest or media playlist lists now, oldest first (possibly none yet): recorded fragments only. */
  readonly listed: readonly ListedFragment[];
  /**
   * The first fragment the session ever lists, fixed for its lifetime: sequence numbers count from it (KVS numbers
   * fragments per session, from 0).
   */
  readonly firstInSession: number;
  /** Fragment numbers the session may fetch now: the recorded ones among everything it has listed so far. */
  readonly servable?: { readonly first: number; readonly last: number };
  /** No fragment will ever be added: ON_DEMAND, or LIVE_REPLAY that has listed its EndTimestamp. */
  readonly ended: boolean;
  /** Which fragments the stream recorded (present when the session carries a recording schedule). */
  readonly recorded?: RecordedFragments;
}

function required(session: MediaSession, field: 'startMs' | 'endMs'): number {
  const value = session[field];
  if (value === undefined) throw new TypeError(`${session.playbackMode} session without ${field}`);
  return value;
}

/** The schedule of the session's stream (every fragment recorded when it has none). */
export function sessionRecording(session: MediaSession, durationMs: number): RecordedFragments {
  return recordedFragments(durationMs, session.recording);
}

/** The first fragment the stream still held when the session was issued (see MediaSession.oldestMs). */
export function oldestRetainedFragment(session: MediaSession, durationMs: number): number {
  return session.oldestMs === undefined ? 0 : Math.max(firstFragmentFrom(session.oldestMs, durationMs), 0);
}

/**
 * The first fragment a LIVE_REPLAY or ON_DEMAND session lists: the first recorded one at or after StartTimestamp
 * that the stream still retained when the session was issued.
 */
export function firstRequestedFragment(session: MediaSession, durationMs: number): number {
  const recorded = sessionRecording(session, durationMs);
  const from = Math.max(
    firstFragmentFrom(required(session, 'startMs'), durationMs),
    oldestRetainedFragment(session, durationMs),
  );
  return recorded.fragmentOfRank(recorded.rank(from));
}

/**
 * When a LIVE_REPLAY session's first fragment is listed: at issue, or once that fragment is complete.
 * From there the replay runs at real speed, a recording gap as long as it was, and never overtakes the stream
 * head: fragment n is listed (n - first) fragment durations after the first ("as the duration of the next
 * fragment elapses", KVS says), so the media timeline and the wall clock move together, as DASH needs.
 */
export function replayOriginMs(session: MediaSession, durationMs: number): number {
  const first = firstRequestedFragment(session, durationMs);
  return Math.max(session.issuedAtMs, fragmentStartMs(first + 1, durationMs));
}

/** The ranks (see RecordedFragments) a session has listed since it began, and those it lists now. */
interface Ranks {
  /** The rank of the session's first fragment. */
  readonly origin: number;
  /** Listed now: [from, to). */
  readonly from: number;
  readonly to: number;
  readonly ended: boolean;
}

function ranksOf(
  session: MediaSession,
  recorded: RecordedFragments,
  durationMs: number,
  nowMs: number,
): Ranks {
  const cap = session.maxFragmentResults ?? defaultMaxFragmentResults(session.playbackMode);
  const head = lastCompleteFragment(nowMs, durationMs);
  const oldest = recorded.rank(oldestRetainedFragment(session, durationMs));
  /** Ranks of the recorded fragments up to fragment n (inclusive): [0, upTo(n)). */
  const upTo = (n: number) => recorded.rank(n + 1);
  switch (session.playbackMode) {
    case 'LIVE': {
      // the newest recorded ones; its origin is what it listed when issued (or now, should the clock read earlier)
      const issueHead = Math.min(lastCompleteFragment(session.issuedAtMs, durationMs), head);
      const to = Math.max(upTo(head), oldest);
      const origin = Math.max(upTo(issueHead) - cap, oldest);
      return { origin, from: Math.max(to - cap, oldest), to, ended: false };
    }
    case 'LIVE_REPLAY': {
      const first = firstRequestedFragment(session, durationMs);
      const origin = recorded.rank(first);
      const end = session.endMs === undefined ? Infinity : upTo(lastFragmentUntil(session.endMs, durationMs));
      const originMs = replayOriginMs(session, durationMs);
      const released = nowMs < originMs ? first - 1 : first + Math.floor((nowMs - originMs) / durationMs);
      const to = Math.max(Math.min(upTo(released), end, upTo(head)), origin);
      return { origin, from: Math.max(to - cap, origin), to, ended: to >= end };
    }
    case 'ON_DEMAND': {
      const origin = recorded.rank(firstRequestedFragment(session, durationMs));
      const end = upTo(lastFragmentUntil(required(session, 'endMs'), durationMs));
      const to = Math.max(Math.min(end, upTo(head), origin + cap), origin);
      return { origin, from: origin, to, ended: true };
    }
  }
}

/**
 * The fragments a session lists at `nowMs`, recorded ones only, capped by maxFragmentResults like KVS (the cap
 * counts listed fragments): LIVE, the newest complete ones; LIVE_REPLAY, a window sliding forward from
 * StartTimestamp at real speed; ON_DEMAND, the oldest ones in [StartTimestamp, EndTimestamp]. None older than
 * the session's oldestMs (the stream's retention when it was issued), like KVS, which no longer holds them.
 */
export function sessionFragments(session: MediaSession, durationMs: number, nowMs: number): SessionFragments {
  const recorded = sessionRecording(session, durationMs);
  const { origin, from, to, ended } = ranksOf(session, recorded, durationMs, nowMs);
  const firstInSession = recorded.fragmentOfRank(origin);
  const gapsAtOrigin = recorded.gapsUpTo(firstInSession);
  const listed: ListedFragment[] = [];
  for (let rank = from; rank < to; rank++) {
    const n = recorded.fragmentOfRank(rank);
    const afterGap = rank > origin && !recorded.isRecorded(n - 1);
    // A LIVE session's runs start where the recording does, whenever the session began: two sessions of one stream
    // describe its runs alike (DASH Period ids and starts), so a renewed session's manifest continues the old one's.
    const runStart = afterGap
      ? n
      : (listed.at(-1)?.runStart ??
        (session.playbackMode === 'LIVE'
          ? (recorded.lastGapEndUpTo(n) ?? 0)
          : Math.max(recorded.lastGapEndUpTo(n) ?? firstInSession, firstInSession)));
    listed.push({
      fragmentNumber: n,
      startMs: fragmentStartMs(n, durationMs),
      durationMs,
      sequence: rank - origin,
      afterGap,
      gapsBefore: recorded.gapsUpTo(n) - gapsAtOrigin,
      runStart,
    });
  }
  return {
    listed,
    firstInSession,
    ...(to > origin ? { servable: { first: firstInSession, last: recorded.fragmentOfRank(to - 1) } } : {}),
    ended,
    ...(session.recording === undefined ? {} : { recorded }),
  };
}

/** Whether the session may fetch fragment `fragmentNumber`: listed by it so far, and recorded. */
export function isServable(fragments: SessionFragments, fragmentNumber: number): boolean {
  const range = fragments.servable;
  return (
    range !== undefined &&
    fragmentNumber >= range.first &&
    fragmentNumber <= range.last &&
    (fragments.recorded === undefined || fragments.recorded.isRecorded(fragmentNumber))
  );
}

/** The fragment of sequence number `sequence` in the session (DASH's $Number$), if it has listed one. */
export function fragmentOfSequence(
  session: MediaSession,
  fragments: SessionFragments,
  durationMs: number,
  sequence: number,
): number | undefined {
  const recorded = sessionRecording(session, durationMs);
  const n = recorded.fragmentOfRank(recorded.rank(fragments.firstInSession) + sequence);
  return isServable(fragments, n) ? n : undefined;
}
