// The audit line (README (Observability and audit)): one per decision, granted or denied. Never a JWT, a session URL or its token.
import type { IssuerConfig } from './config';
import { ERROR_STATUS, type ErrorCode } from './errors';
import type { SessionRequest } from './request';
import { ARCHIVE_AUDIT, DISCOVERY_AUDIT, REVOCATION_AUDIT, SESSION_AUDIT } from './telemetry';

export interface AuditEvent {
  /** `kvs-session` for a session decision, `kvs-discovery` for a GET /v1/streams answer, `kvs-revocation`, `kvs-archive`. */
  audit: typeof SESSION_AUDIT | typeof DISCOVERY_AUDIT | typeof REVOCATION_AUDIT | typeof ARCHIVE_AUDIT;
  time: string;
  /** As the client sees it in error bodies; a client can choose it (header `x-amzn-RequestId`), so never trust it. */
  requestId: string;
  /** API Gateway's own id for the request: a client cannot choose it. Correlate by this one. */
  extendedRequestId?: string;
  issuer?: string;
  sub?: string;
  /** Who pays: the issuer's `streamPrefix` (a partner), or the issuer itself when it has none (tenantOf). */
  tenant?: string;
  stream?: string;
  protocol?: string;
  playbackMode?: string;
  mediaStart?: string;
  mediaEnd?: string;
  expiresAt?: string;
  /** Seconds of session granted (expiresAt - time): the usage report's session-seconds. */
  expiresInSeconds?: number;
  sourceIp?: string;
  userAgent?: string;
  outcome: 'GRANTED' | 'DENIED' | 'FAILED';
  errorCode?: ErrorCode;
  /** Internal reason (a deny reason or a KVS exception name), for operators. */
  reason?: string;
  /** Discovery only: streams in the answer, and whether KVS calls or time ran out before all were listed. */
  streamsListed?: number;
  truncated?: boolean;
  /** Sessions: the device's viewerId (docs/api.md, Seats), when the request carried one. */
  viewerId?: string;
  /** Revocations: what was revoked (a sub and the instant before which its tokens are, or one jti). */
  revokedSub?: string;
  revokedJti?: string;
  revokedBefore?: string;
  /** Archive only: the KVS operation, its calls, and the images returned (never image or media bytes). */
  kvsOperation?: string;
  kvsCalls?: number;
  imagesReturned?: number;
}

/** What an archive request reached: the KVS operation and the media range answered (after grant windows). */
export interface ArchiveAccess {
  operation: 'ListFragments' | 'GetImages' | 'GetClip';
  fromMs: number;
  toMs: number;
}

export interface AuditInput {
  /** @default SESSION_AUDIT */
  audit?: AuditEvent['audit'];
  nowMs: number;
  requestId: string;
  extendedRequestId?: string;
  issuer?: string;
  sub?: string;
  tenant?: string;
  streamName?: string;
  request?: SessionRequest;
  /** For decisions without a session request (WebRTC): what the line names as protocol and mode. */
  protocol?: string;
  playbackMode?: string;
  expiresAtMs?: number;
  sourceIp?: string;
  userAgent?: string;
  errorCode?: ErrorCode;
  reason?: string;
  streamsListed?: number;
  truncated?: boolean;
  viewerId?: string;
  revokedSub?: string;
  revokedJti?: string;
  revokedBeforeMs?: number;
  archive?: ArchiveAccess;
  kvsCalls?: number;
  imagesReturned?: number;
}

/**
 * The parts of an API Gateway event an audit line names: a proxy event (broker) and a REQUEST authorizer event both
 * have this shape, so the broker and the authorizer build their audit fields with the same function.
 */
export interface AuditedRequest {
  requestContext?: {
    requestId?: string;
    extendedRequestId?: string;
    identity?: { sourceIp?: string; userAgent?: string | null };
  };
  pathParameters?: { [name: string]: string | undefined } | null;
}

/** Who asked, as far as it is known when the line is written (nothing before the token was read). */
export interface AuditedCaller {
  issuer?: string;
  sub?: string;
}

/** The fields of an audit line that describe the request and its caller, whatever the route decides. */
export type AuditFields = Pick<
  AuditInput,
  'requestId' | 'extendedRequestId' | 'issuer' | 'sub' | 'tenant' | 'streamName' | 'sourceIp' | 'userAgent'
>;

/**
 * THE audit fields of a request (README (Observability and audit)): request ids, caller, tenant (from the issuer's
 * config), the path's stream, source IP and user agent. Pure; auditEvent makes them safe to log.
 */
export function auditFields(
  request: AuditedRequest,
  caller: AuditedCaller | undefined,
  issuers: readonly Pick<IssuerConfig, 'issuer' | 'streamPrefix'>[],
): AuditFields {
  const context = request.requestContext;
  const streamName = request.pathParameters?.streamName;
  return {
    requestId: context?.requestId ?? '',
    extendedRequestId: context?.extendedRequestId,
    issuer: caller?.issuer,
    sub: caller?.sub,
    tenant: tenantOf(issuers.find((i) => i.issuer === caller?.issuer)),
    streamName: typeof streamName === 'string' ? streamName : undefined,
    sourceIp: context?.identity?.sourceIp,
    userAgent: context?.identity?.userAgent ?? undefined,
  };
}

/** The tenant of an issuer's callers: its `streamPrefix` when it confines them, else the issuer itself. */
export function tenantOf(
  issuer: Pick<IssuerConfig, 'issuer' | 'streamPrefix'> | undefined,
): string | undefined {
  if (!issuer) return undefined;
  return issuer.streamPrefix !== '' ? issuer.streamPrefix : issuer.issuer;
}

/** Longest text a client controls that may reach a log line, in code points. */
export const LOG_TEXT_MAX = 256;

/**
 * Characters a client's text never brings into a log line: C0 and C1 controls and DEL (line breaks, terminal
 * escapes), the Unicode line and paragraph separators, bidirectional overrides and isolates (text that displays
 * differently from what it is), and zero-width characters.
 */
// eslint-disable-next-line no-control-regex -- control characters are what this replaces
const UNSAFE_LOG_CHARS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/gu;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Non-global copies for `test`: a global regex keeps state (lastIndex) from one call to the next. */
const UNSAFE_LOG_CHAR = new RegExp(UNSAFE_LOG_CHARS.source, 'u');
const A_LONE_SURROGATE = new RegExp(LONE_SURROGATE.source);
/** Text that logSafe returns unchanged at a glance: printable ASCII only, at most LOG_TEXT_MAX characters. */
const PLAIN_ASCII = new RegExp(`^[\\x20-\\x7e]{0,${LOG_TEXT_MAX}}$`);

/** Whether text holds a character logSafe would replace (for text that must pass unchanged, or be refused). */
export function hasUnsafeLogChars(text: string): boolean {
  return UNSAFE_LOG_CHAR.test(text) || A_LONE_SURROGATE.test(text);
}

/**
 * THE rule for attacker-controlled text (user agent, path, stream, sub, client request id) on its way to a log
 * line: unsafe characters and lone surrogates become U+FFFD, and the text is cut to LOG_TEXT_MAX code points with
 * a trailing `…` when longer. The JSON logger escapes what remains; this keeps lines short and unambiguous to read.
 */
export function logSafe(text: string | null | undefined): string | undefined {
  if (text === null || text === undefined) return undefined;
  const value = String(text);
  // Fast paths (most text): nothing to replace, and short enough (n UTF-16 units are at most n code points). Only
  // shortcuts: for text they pass, the full path below replaces nothing and cuts nothing, so it returns the same.
  // Stryker disable next-line ConditionalExpression: equivalent, as said above (only slower)
  if (PLAIN_ASCII.test(value)) return value;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent, as said above (only slower)
  if (value.length <= LOG_TEXT_MAX && !hasUnsafeLogChars(value)) return value;
  const clean = value.replace(LONE_SURROGATE, '\ufffd').replace(UNSAFE_LOG_CHARS, '\ufffd');
  const points = [...clean];
  return points.length > LOG_TEXT_MAX ? `${points.slice(0, LOG_TEXT_MAX - 1).join('')}…` : clean;
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** DENIED is the caller's doing (4xx); FAILED is ours or upstream's (5xx, from the status table). */
export function auditEvent(input: AuditInput): AuditEvent {
  const { request } = input;
  const outcome =
    input.errorCode === undefined ? 'GRANTED' : ERROR_STATUS[input.errorCode] >= 500 ? 'FAILED' : 'DENIED';
  const event: AuditEvent = {
    audit: input.audit ?? SESSION_AUDIT,
    time: new Date(input.nowMs).toISOString(),
    requestId: logSafe(input.requestId) ?? '',
    extendedRequestId: logSafe(input.extendedRequestId),
    issuer: logSafe(input.issuer),
    sub: logSafe(input.sub),
    tenant: logSafe(input.tenant),
    stream: logSafe(request?.streamName ?? input.streamName),
    protocol: request?.protocol ?? input.protocol,
    playbackMode: request?.playbackMode ?? input.playbackMode,
    mediaStart: iso(request?.startMs ?? input.archive?.fromMs),
    mediaEnd: iso(request?.endMs ?? input.archive?.toMs),
    expiresAt: iso(input.expiresAtMs),
    expiresInSeconds:
      input.expiresAtMs === undefined ? undefined : Math.round((input.expiresAtMs - input.nowMs) / 1000),
    sourceIp: logSafe(input.sourceIp),
    userAgent: logSafe(input.userAgent),
    outcome,
    errorCode: input.errorCode,
    reason: input.reason,
    streamsListed: input.streamsListed,
    truncated: input.truncated,
    viewerId: logSafe(input.viewerId ?? request?.viewerId),
    revokedSub: logSafe(input.revokedSub),
    revokedJti: logSafe(input.revokedJti),
    revokedBefore: iso(input.revokedBeforeMs),
    kvsOperation: input.archive?.operation,
    kvsCalls: input.kvsCalls,
    imagesReturned: input.imagesReturned,
  };
  return Object.fromEntries(
    Object.entries(event).filter(([, v]) => v !== undefined),
  ) as unknown as AuditEvent;
}
