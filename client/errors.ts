// Typed errors: the broker's documented error codes (docs/api.md) plus the two a client meets on its own side.
// Callers branch on `code`, never on `message`.

/** The codes the broker answers with (docs/api.md). */
export const BROKER_ERROR_CODES = [
  'INVALID_REQUEST',
  'UNAUTHORIZED',
  'TOKEN_REVOKED',
  'FORBIDDEN',
  'NOT_FOUND',
  'STREAM_NOT_PLAYABLE',
  'THROTTLED',
  'SEAT_LIMIT',
  'INTERNAL_ERROR',
  'UPSTREAM_ERROR',
  'STATE_UNAVAILABLE',
  'UPSTREAM_TIMEOUT',
] as const;

export type BrokerErrorCode = (typeof BROKER_ERROR_CODES)[number];

/**
 * NETWORK_ERROR: no HTTP answer (offline, DNS, CORS refusal, aborted).
 * UNEXPECTED_RESPONSE: an answer that is not the API's JSON (a proxy's HTML page, a truncated body).
 */
export type ClientErrorCode = BrokerErrorCode | 'NETWORK_ERROR' | 'UNEXPECTED_RESPONSE';

export interface BrokerClientErrorDetails {
  /** HTTP status, when there was an answer. */
  status?: number;
  /** The KVS exception name the broker gives for STREAM_NOT_PLAYABLE. */
  reason?: string;
  /** The broker's request id, to quote to its operators. */
  requestId?: string;
  /** `Retry-After` of a THROTTLED answer, in seconds. */
  retryAfterSeconds?: number;
  /** How many HTTP attempts the call made before giving up. */
  attempts?: number;
  cause?: unknown;
}

export class BrokerClientError extends Error {
  override readonly name = 'BrokerClientError';
  readonly status?: number;
  readonly reason?: string;
  readonly requestId?: string;
  readonly retryAfterSeconds?: number;
  readonly attempts: number;

  constructor(
    readonly code: ClientErrorCode,
    message: string,
    details: BrokerClientErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.reason = details.reason;
    this.requestId = details.requestId;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.attempts = details.attempts ?? 1;
  }

  /** Worth asking again later (throttling, a failing upstream, the network); not a refusal of this caller. */
  get transient(): boolean {
    return TRANSIENT.has(this.code);
  }
}

const TRANSIENT = new Set<ClientErrorCode>([
  'THROTTLED',
  'INTERNAL_ERROR',
  'UPSTREAM_ERROR',
  'UPSTREAM_TIMEOUT',
  'STATE_UNAVAILABLE',
  'NETWORK_ERROR',
  'UNEXPECTED_RESPONSE',
]);

export function isBrokerClientError(error: unknown): error is BrokerClientError {
  return error instanceof BrokerClientError;
}

/** `Retry-After` as seconds: delta-seconds, or an HTTP date relative to `nowMs`. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - nowMs) / 1000));
}

/** The error a non-2xx answer stands for, from the API's body `{ error: { code, message, reason? }, requestId }`. */
export function errorFromResponse(
  status: number,
  text: string,
  retryAfter: string | null,
  nowMs: number,
): BrokerClientError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const { error, requestId } = (body ?? {}) as {
    error?: { code?: unknown; message?: unknown; reason?: unknown };
    requestId?: unknown;
  };
  const known = (BROKER_ERROR_CODES as readonly unknown[]).includes(error?.code);
  const retryAfterSeconds = parseRetryAfter(retryAfter, nowMs);
  const details: BrokerClientErrorDetails = {
    status,
    ...(typeof error?.reason === 'string' ? { reason: error.reason } : {}),
    ...(typeof requestId === 'string' ? { requestId } : {}),
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  };
  if (!known) {
    // a 429 from something in front of the API (a CDN, WAF) is still throttling
    const code = status === 429 ? 'THROTTLED' : 'UNEXPECTED_RESPONSE';
    return new BrokerClientError(code, `HTTP ${status}: not an answer of the broker's API`, details);
  }
  const message = typeof error?.message === 'string' ? error.message : `HTTP ${status}`;
  return new BrokerClientError(error!.code as BrokerErrorCode, message, details);
}
