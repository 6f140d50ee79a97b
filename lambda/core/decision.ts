// The allow/deny decision for one session request against a token's grants (docs/tokens.md). Time is passed in.
import { KVS_MIN_EXPIRES_SECONDS } from './config-rules';
import { BrokerError } from './errors';
import { matchesStream, type Grant } from './grants';
import type { SessionRequest } from './request';

export interface SessionLimits {
  defaultExpiresSeconds: number;
  maxExpiresSeconds: number;
  /** Cap each session at the token's `exp` (needs `tokenExpMs` in decide). */
  capAtTokenExpiry?: boolean;
}

/** Why a request was refused (for the audit line): the broker does not serve the stream, or no grant covered it. */
export type DenyReason =
  | 'STREAM_NOT_SERVED'
  | 'NO_GRANT_FOR_STREAM'
  | 'MODE_NOT_GRANTED'
  | 'PROTOCOL_NOT_GRANTED'
  | 'SELECTOR_NOT_GRANTED'
  | 'OUTSIDE_WINDOW';

export type Decision =
  | { allowed: true; grant: Grant; expiresInSeconds: number; expiresAtMs: number }
  | { allowed: false; reason: DenyReason };

const DENY_ORDER: DenyReason[] = [
  'NO_GRANT_FOR_STREAM',
  'MODE_NOT_GRANTED',
  'PROTOCOL_NOT_GRANTED',
  'SELECTOR_NOT_GRANTED',
  'OUTSIDE_WINDOW',
];

/**
 * Session expiry = min(requested or default, config max, grant cap, window cap), never below the KVS minimum (300 s).
 */
export function sessionExpirySeconds(
  requested: number | undefined,
  limits: SessionLimits,
  grantCap?: number,
  windowCap?: number,
): number {
  const wanted = Math.min(
    requested ?? limits.defaultExpiresSeconds,
    limits.maxExpiresSeconds,
    grantCap ?? Infinity,
    windowCap ?? Infinity,
  );
  return Math.max(KVS_MIN_EXPIRES_SECONDS, Math.floor(wanted));
}

/**
 * Checks one grant; on success returns the expiry it allows. Media reached: LIVE and open-ended LIVE_REPLAY reach
 * "now" onwards for the session's life, so `now` must lie in the window and the expiry is capped at `to` (down to
 * the KVS minimum); a bounded range must lie inside [from, to].
 */
function checkGrant(
  grant: Grant,
  request: SessionRequest,
  nowMs: number,
  limits: SessionLimits,
  tokenCap: number | undefined,
): { ok: true; expiresInSeconds: number } | { ok: false; reason: DenyReason } {
  // NO_GRANT_FOR_STREAM is DENY_ORDER's first entry, which decide reports whenever no grant got further, so a miss
  // with no reason reads the same.
  // Stryker disable next-line ObjectLiteral,StringLiteral: equivalent, see above.
  if (!matchesStream(grant.stream, request.streamName)) return { ok: false, reason: 'NO_GRANT_FOR_STREAM' };
  if (!grant.modes.includes(request.playbackMode)) return { ok: false, reason: 'MODE_NOT_GRANTED' };
  if (!grant.protocols.includes(request.protocol)) return { ok: false, reason: 'PROTOCOL_NOT_GRANTED' };
  // A window is on the time KVS received the media (docs/tokens.md): PRODUCER_TIMESTAMP ranges are on the clock
  // the camera sets, which would let a producer's clock move media in or out of a grant's window.
  const windowed = grant.from !== undefined || grant.to !== undefined;
  if (windowed && request.fragmentSelectorType !== 'SERVER_TIMESTAMP') {
    return { ok: false, reason: 'SELECTOR_NOT_GRANTED' };
  }

  const fromMs = (grant.from ?? -Infinity) * 1000;
  const toMs = (grant.to ?? Infinity) * 1000;
  let windowCap: number | undefined;
  const reachedStart = request.startMs ?? nowMs;
  if (reachedStart < fromMs) return { ok: false, reason: 'OUTSIDE_WINDOW' };
  if (request.endMs !== undefined) {
    if (request.endMs > toMs) return { ok: false, reason: 'OUTSIDE_WINDOW' };
  } else {
    // Open-ended: the session keeps reaching live media until it expires.
    if (nowMs > toMs || nowMs < fromMs) return { ok: false, reason: 'OUTSIDE_WINDOW' };
    windowCap = Math.floor((toMs - nowMs) / 1000); // Infinity without `to`: no cap
  }
  return {
    ok: true,
    expiresInSeconds: sessionExpirySeconds(
      request.expiresInSeconds,
      limits,
      grant.maxExpiresSeconds,
      tokenCap === undefined ? windowCap : Math.min(windowCap ?? Infinity, tokenCap),
    ),
  };
}

/**
 * Allows a request when one grant covers its stream, mode, protocol and media window; picks the longest expiry (the
 * first such grant in the token on a tie).
 * With `limits.capAtTokenExpiry` and the token's `exp` (`tokenExpMs`), a session ends no later than its token,
 * except that KVS refuses an Expires below 300 s (GetDASHStreamingSessionURL/GetHLSStreamingSessionURL `Expires`:
 * 300..43200): a token with less than 300 s left still gets a 300 s session, so a session outlives its token by
 * less than 300 s at most. Refusing instead would make the last 5 minutes of every token useless, and a token
 * lifetime of 5 minutes or less (common for access tokens) would never open a session.
 */
export function decide(
  grants: readonly Grant[],
  request: SessionRequest,
  nowMs: number,
  limits: SessionLimits,
  tokenExpMs?: number,
): Decision {
  const tokenCap =
    limits.capAtTokenExpiry && tokenExpMs !== undefined ? Math.floor((tokenExpMs - nowMs) / 1000) : undefined;
  let best: { grant: Grant; expiresInSeconds: number } | undefined;
  let closestMiss = 0;
  for (const grant of grants) {
    const result = checkGrant(grant, request, nowMs, limits, tokenCap);
    if (result.ok) {
      if (!best || result.expiresInSeconds > best.expiresInSeconds) {
        best = { grant, expiresInSeconds: result.expiresInSeconds };
      }
    } else {
      closestMiss = Math.max(closestMiss, DENY_ORDER.indexOf(result.reason));
    }
  }
  if (!best) return { allowed: false, reason: DENY_ORDER[closestMiss]! };
  return { allowed: true, ...best, expiresAtMs: nowMs + best.expiresInSeconds * 1000 };
}

const DENY_MESSAGES: Record<DenyReason, (r: SessionRequest) => string> = {
  STREAM_NOT_SERVED: (r) => `This broker does not serve stream ${r.streamName}`,
  NO_GRANT_FOR_STREAM: (r) => `Your token grants no access to stream ${r.streamName}`,
  MODE_NOT_GRANTED: (r) =>
    `Your token does not grant playbackMode ${r.playbackMode} on stream ${r.streamName}`,
  PROTOCOL_NOT_GRANTED: (r) => `Your token does not grant protocol ${r.protocol} on stream ${r.streamName}`,
  SELECTOR_NOT_GRANTED: (r) =>
    `Your token grants a media time window on stream ${r.streamName}: use fragmentSelectorType SERVER_TIMESTAMP`,
  OUTSIDE_WINDOW: (r) =>
    `The requested media time is outside the window your token grants on stream ${r.streamName}`,
};

/** The caller-facing error for a denial. It names only what the token lacks, never whether the stream exists. */
export function forbidden(reason: DenyReason, request: SessionRequest): BrokerError {
  return new BrokerError('FORBIDDEN', DENY_MESSAGES[reason](request), { detail: reason });
}
