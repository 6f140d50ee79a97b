// The audit line (DESIGN section 6): one per decision, granted or denied. Never a JWT, a session URL or its token.
import type { ErrorCode } from './errors';
import type { SessionRequest } from './request';

export interface AuditEvent {
  audit: 'kvs-session';
  time: string;
  requestId: string;
  issuer?: string;
  sub?: string;
  stream?: string;
  protocol?: string;
  playbackMode?: string;
  mediaStart?: string;
  mediaEnd?: string;
  expiresAt?: string;
  sourceIp?: string;
  userAgent?: string;
  outcome: 'GRANTED' | 'DENIED' | 'FAILED';
  errorCode?: ErrorCode;
  /** Internal reason (a deny reason or a KVS exception name), for operators. */
  reason?: string;
}

export interface AuditInput {
  nowMs: number;
  requestId: string;
  issuer?: string;
  sub?: string;
  streamName?: string;
  request?: SessionRequest;
  expiresAtMs?: number;
  sourceIp?: string;
  userAgent?: string;
  errorCode?: ErrorCode;
  reason?: string;
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** DENIED is the caller's doing (4xx); FAILED is ours or upstream's (5xx). */
export function auditEvent(input: AuditInput): AuditEvent {
  const { request } = input;
  const outcome =
    input.errorCode === undefined
      ? 'GRANTED'
      : ['UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT', 'INTERNAL_ERROR'].includes(input.errorCode)
        ? 'FAILED'
        : 'DENIED';
  const event: AuditEvent = {
    audit: 'kvs-session',
    time: new Date(input.nowMs).toISOString(),
    requestId: input.requestId,
    issuer: input.issuer,
    sub: input.sub,
    stream: request?.streamName ?? input.streamName,
    protocol: request?.protocol,
    playbackMode: request?.playbackMode,
    mediaStart: iso(request?.startMs),
    mediaEnd: iso(request?.endMs),
    expiresAt: iso(input.expiresAtMs),
    sourceIp: input.sourceIp,
    userAgent: input.userAgent?.slice(0, 256),
    outcome,
    errorCode: input.errorCode,
    reason: input.reason,
  };
  return Object.fromEntries(
    Object.entries(event).filter(([, v]) => v !== undefined),
  ) as unknown as AuditEvent;
}
