// WebRTC viewers (docs/api.md, POST /v1/streams/{streamName}/webrtc): the request rules, the grant decision and its
// expiry, the stream -> signaling channel mapping, and the viewer's default client id. Pure; `now` is a parameter.
import { createHash } from 'node:crypto';
import { BrokerError } from './errors';
import { matchesStream, type Grant } from './grants';
import { parseStreamName } from './request';
import { VIEWER_ID, VIEWER_ID_RULE } from './seats';

/**
 * A signed ConnectAsViewer URL lives at most this long (the KVS WebRTC JS SDK signs its own for 299 s); it only
 * has to open the WebSocket, which then lasts up to KVS's 1 hour connection limit.
 */
export const WEBRTC_MAX_URL_SECONDS = 300;
/** X-Amz-ClientId (KVS WebRTC developer guide, "ConnectAsViewer"): 1..256 of [a-zA-Z0-9_.-], never `AWS_`. */
export const CLIENT_ID = /^(?![aA][wW][sS]_)[a-zA-Z0-9_.-]{1,256}$/;
/** The placeholder of config `webrtc.channelName`. */
export const STREAM_PLACEHOLDER = '{stream}';

export interface WebrtcRequest {
  streamName: string;
  clientId?: string;
  /** The device's stable id, for seats (docs/api.md, Seats), as in a session request. */
  viewerId?: string;
}

export interface WebrtcAnswer {
  protocol: 'WEBRTC';
  streamName: string;
  channelArn: string;
  clientId: string;
  signalingUrl: string;
  iceServers: { urls: string[]; username?: string; credential?: string }[];
  expiresAt: string;
  expiresInSeconds: number;
}

const invalid = (field: string, message: string) =>
  new BrokerError('INVALID_REQUEST', `${field}: ${message}`);

const CLIENT_ID_RULE = 'must be 1 to 256 characters of a-z, A-Z, 0-9, _ . - and not start with AWS_';
const BODY_FIELDS: Record<string, { pattern: RegExp; rule: string }> = {
  clientId: { pattern: CLIENT_ID, rule: CLIENT_ID_RULE },
  viewerId: { pattern: VIEWER_ID, rule: VIEWER_ID_RULE },
};

/** Body `{ clientId?, viewerId? }`, strict. Throws INVALID_REQUEST naming the field. */
export function parseWebrtcRequest(streamName: unknown, body: unknown): WebrtcRequest {
  const request: { streamName: string; clientId?: string; viewerId?: string } = {
    streamName: parseStreamName(streamName),
  };
  if (body === undefined) return request;
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalid('body', 'must be a JSON object');
  const unknown = Object.keys(body).filter((k) => !Object.hasOwn(BODY_FIELDS, k));
  if (unknown.length > 0) throw invalid(unknown.join(', '), 'unknown field');
  for (const [field, { pattern, rule }] of Object.entries(BODY_FIELDS)) {
    const value = (body as Record<string, unknown>)[field];
    if (value === undefined) continue;
    if (typeof value !== 'string' || !pattern.test(value)) throw invalid(field, rule);
    request[field as 'clientId' | 'viewerId'] = value;
  }
  return request;
}

/** The channel of a stream: config `webrtc.channelName` with `{stream}` replaced by the stream's name. */
export function channelNameFor(template: string, streamName: string): string {
  return template.split(STREAM_PLACEHOLDER).join(streamName);
}

/**
 * A client id for a caller who named none: `v-` + 16 characters of a hash of issuer and sub (the master learns
 * neither) + `-` + the request id's first characters, so two viewers of one user do not replace each other (KVS:
 * a newer connection with the same client id takes precedence).
 */
export function defaultClientId(issuer: string, sub: string, requestId: string): string {
  const who = createHash('sha256').update(`${issuer}\u0000${sub}`).digest('base64url').slice(0, 16);
  const suffix = requestId.replace(/[^a-zA-Z0-9]/g, '').slice(0, 12) || '0';
  return `v-${who}-${suffix}`;
}

export type WebrtcDecision =
  | { allowed: true; expiresInSeconds: number; expiresAtMs: number }
  | { allowed: false; reason: 'NO_GRANT_FOR_STREAM' | 'MODE_NOT_GRANTED' | 'OUTSIDE_WINDOW' };

/**
 * Allowed when a grant matches the stream, has mode WEBRTC and (when it has a window) `now` lies in it. The URL's
 * expiry: at most WEBRTC_MAX_URL_SECONDS, the grant's `maxExpiresSeconds` and its window's end, and never past the
 * token's `exp` (unlike a session URL, KVS sets no minimum). A token with less than a second left gets nothing.
 */
export function decideWebrtc(
  grants: readonly Grant[],
  streamName: string,
  nowMs: number,
  tokenExpMs: number,
): WebrtcDecision {
  let reason: 'NO_GRANT_FOR_STREAM' | 'MODE_NOT_GRANTED' | 'OUTSIDE_WINDOW' = 'NO_GRANT_FOR_STREAM';
  let best = 0;
  for (const grant of grants) {
    if (!matchesStream(grant.stream, streamName)) continue;
    if (!grant.modes.includes('WEBRTC')) {
      if (reason === 'NO_GRANT_FOR_STREAM') reason = 'MODE_NOT_GRANTED';
      continue;
    }
    // A window that has ended (now at or past `to`) leaves under 1 s below, so it is refused there, as OUTSIDE_WINDOW.
    const toMs = (grant.to ?? Infinity) * 1000;
    if (nowMs < (grant.from ?? -Infinity) * 1000) {
      reason = 'OUTSIDE_WINDOW';
      continue;
    }
    const seconds = Math.floor(
      Math.min(
        WEBRTC_MAX_URL_SECONDS,
        grant.maxExpiresSeconds ?? Infinity,
        (toMs - nowMs) / 1000,
        (tokenExpMs - nowMs) / 1000,
      ),
    );
    if (seconds >= 1) best = Math.max(best, seconds);
    else reason = 'OUTSIDE_WINDOW';
  }
  if (best === 0) return { allowed: false, reason };
  return { allowed: true, expiresInSeconds: best, expiresAtMs: nowMs + best * 1000 };
}

/** The answer's `iceServers`, in RTCIceServer's shape, from GetIceServerConfig's IceServerList (and a STUN URL). */
export function iceServersOf(
  list: readonly { Uris?: string[]; Username?: string; Password?: string }[],
  stunUrl?: string,
): WebrtcAnswer['iceServers'] {
  const turn = list.map((s) => ({
    urls: s.Uris ?? [],
    ...(s.Username !== undefined ? { username: s.Username } : {}),
    ...(s.Password !== undefined ? { credential: s.Password } : {}),
  }));
  return stunUrl ? [{ urls: [stunUrl] }, ...turn] : turn;
}
