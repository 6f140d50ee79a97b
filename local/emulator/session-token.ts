// Signed streaming-session tokens: what a session URL grants, checked again on every media request.
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  CONTAINER_FORMATS,
  DISCONTINUITY_MODES,
  DISPLAY_OPTIONS,
  FRAGMENT_SELECTOR_TYPES,
  PLAYBACK_MODES,
  type ContainerFormat,
  type DiscontinuityMode,
  type DisplayOption,
  type FragmentSelectorType,
  type PlaybackMode,
  type Protocol,
} from './playback';
import { MAX_RECORDING_PERIOD_SECONDS, type Recording } from './streams';

/** Everything a media server needs to answer for one session; timestamps are epoch milliseconds. */
export interface SessionClaims {
  sessionId: string;
  streamName: string;
  protocol: Protocol;
  playbackMode: PlaybackMode;
  fragmentSelectorType: FragmentSelectorType;
  /** Absent for LIVE. */
  startTimestampMs?: number;
  /** Absent for LIVE, and for LIVE_REPLAY without an end. */
  endTimestampMs?: number;
  /**
   * The oldest media the stream held at issue: max(stream creation, issue time - DataRetentionInHours).
   * Nothing older is listed or served. Absent in tokens minted before it existed, which mean no limit.
   */
  oldestMs?: number;
  /**
   * The stream's recording schedule at issue (streams.ts `recording`): fragments in its gaps are neither listed nor
   * served. Absent for a stream that always records, and in tokens minted before it existed.
   */
  recording?: Recording;
  displayFragmentTimestamp: DisplayOption;
  /** DASH only. */
  displayFragmentNumber?: DisplayOption;
  /** HLS only. */
  containerFormat?: ContainerFormat;
  /** HLS only. */
  discontinuityMode?: DiscontinuityMode;
  /** MaxManifestFragmentResults (DASH) or MaxMediaPlaylistFragmentResults (HLS), defaults applied. */
  maxFragmentResults: number;
  issuedAtMs: number;
  expiresAtMs: number;
}

/** The claims of a token that passed verification, and the token itself (to build further media URLs). */
export interface VerifiedSession extends SessionClaims {
  token: string;
}

export type SessionTokenFailure = 'malformed' | 'bad-signature' | 'expired' | 'wrong-stream';

export type SessionTokenResult =
  { ok: true; session: VerifiedSession } | { ok: false; reason: SessionTokenFailure };

const VERSION = 1;

function mac(payload: string, secret: Uint8Array): Buffer {
  return createHmac('sha256', secret).update(payload).digest();
}

/** `base64url(JSON claims) "." base64url(HMAC-SHA256(secret, first part))`: URL-safe as a query value. */
export function signSessionToken(claims: SessionClaims, secret: Uint8Array): string {
  const payload = Buffer.from(JSON.stringify({ v: VERSION, ...claims }), 'utf8').toString('base64url');
  return `${payload}.${mac(payload, secret).toString('base64url')}`;
}

/**
 * Checks, in order: shape, signature, claims, expiry (`nowMs >= expiresAtMs` is expired) and, when
 * `expected.streamName` is given, the stream. The signature is checked before the payload is parsed, so
 * nothing an attacker wrote is interpreted.
 */
export function verifySessionToken(
  token: string,
  secret: Uint8Array,
  nowMs: number,
  expected: { streamName?: string } = {},
): SessionTokenResult {
  const parts = token.split('.');
  const [payload, signature] = parts;
  if (parts.length !== 2 || !payload || !signature || !/^[A-Za-z0-9_-]+$/.test(payload + signature)) {
    return { ok: false, reason: 'malformed' };
  }
  // Compared as text, not decoded: base64url decoding ignores trailing bits, which would make tokens malleable.
  const given = Buffer.from(signature, 'utf8');
  const wanted = Buffer.from(mac(payload, secret).toString('base64url'), 'utf8');
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted))
    return { ok: false, reason: 'bad-signature' };
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const claims = toClaims(decoded);
  if (claims === undefined) return { ok: false, reason: 'malformed' };
  if (nowMs >= claims.expiresAtMs) return { ok: false, reason: 'expired' };
  if (expected.streamName !== undefined && expected.streamName !== claims.streamName) {
    return { ok: false, reason: 'wrong-stream' };
  }
  return { ok: true, session: { ...claims, token } };
}

/** Absent, or `{ everySeconds, forSeconds }` as a stream config allows it (integers, 1 <= forSeconds < everySeconds <= a day). */
function optRecording(value: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const r = value as Record<string, unknown>;
  return (
    Object.keys(r).length === 2 &&
    Number.isInteger(r.everySeconds) &&
    Number.isInteger(r.forSeconds) &&
    (r.forSeconds as number) >= 1 &&
    (r.everySeconds as number) > (r.forSeconds as number) &&
    (r.everySeconds as number) <= MAX_RECORDING_PERIOD_SECONDS
  );
}

function toClaims(value: unknown): SessionClaims | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const str = (k: string) => typeof v[k] === 'string';
  const int = (k: string) => Number.isInteger(v[k]);
  const optInt = (k: string) => v[k] === undefined || int(k);
  const member = (k: string, allowed: readonly string[], optional = false) =>
    (optional && v[k] === undefined) || (typeof v[k] === 'string' && allowed.includes(v[k]));
  const ok =
    v.v === VERSION &&
    str('sessionId') &&
    str('streamName') &&
    member('protocol', ['DASH', 'HLS']) &&
    member('playbackMode', PLAYBACK_MODES) &&
    member('fragmentSelectorType', FRAGMENT_SELECTOR_TYPES) &&
    optInt('startTimestampMs') &&
    optInt('endTimestampMs') &&
    optInt('oldestMs') &&
    optRecording(v.recording) &&
    member('displayFragmentTimestamp', DISPLAY_OPTIONS) &&
    member('displayFragmentNumber', DISPLAY_OPTIONS, true) &&
    member('containerFormat', CONTAINER_FORMATS, true) &&
    member('discontinuityMode', DISCONTINUITY_MODES, true) &&
    int('maxFragmentResults') &&
    int('issuedAtMs') &&
    int('expiresAtMs');
  if (!ok) return undefined;
  const claims: Record<string, unknown> = { ...v };
  delete claims.v;
  return claims as unknown as SessionClaims;
}
