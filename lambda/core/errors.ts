// The broker's error taxonomy (docs/api.md): one code -> status table, one KVS exception -> code table.

export const ERROR_STATUS = {
  INVALID_REQUEST: 400,
  UNAUTHORIZED: 401,
  /** The token's sub or jti was revoked (docs/api.md, Revocation). */
  TOKEN_REVOKED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  STREAM_NOT_PLAYABLE: 422,
  THROTTLED: 429,
  /** Every seat of the principal is held (docs/api.md, Seats); `Retry-After` says when the earliest frees. */
  SEAT_LIMIT: 429,
  INTERNAL_ERROR: 500,
  UPSTREAM_ERROR: 502,
  /**
   * The viewer-state table (revocations, seats) did not answer in time or kept throttling. Fail closed: without it
   * the broker cannot tell a revoked token or a full set of seats, so it grants nothing (docs/api.md).
   */
  STATE_UNAVAILABLE: 503,
  UPSTREAM_TIMEOUT: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/**
 * RFC 6750 section 3: a 401 names the Bearer scheme, with the `error` parameter. API Gateway has one UNAUTHORIZED
 * gateway response for a missing and a bad token alike, so every 401 says `invalid_token` (for a request with no
 * token at all the RFC would leave `error` out: one static header cannot tell the two apart).
 */
export const WWW_AUTHENTICATE_BEARER = 'Bearer error="invalid_token"';

/** The headers an error answer carries besides the JSON ones: `Retry-After`, and `WWW-Authenticate` on a 401. */
export function errorHeaders(status: number, retryAfterSeconds?: number): Record<string, string> {
  return {
    ...(retryAfterSeconds !== undefined ? { 'Retry-After': String(retryAfterSeconds) } : {}),
    ...(status === 401 ? { 'WWW-Authenticate': WWW_AUTHENTICATE_BEARER } : {}),
  };
}

export interface BrokerErrorOptions {
  /** The KVS exception name behind the error, returned as `error.reason` where docs/api.md promises it. */
  reason?: string;
  /** Seconds a client should wait, sent as `Retry-After` (THROTTLED, SEAT_LIMIT, STATE_UNAVAILABLE). */
  retryAfterSeconds?: number;
  /** Internal detail for the log only; never sent to the caller. */
  detail?: string;
}

/** An error with a stable documented code (docs/api.md); callers branch on `code`, never on `message`. */
export class BrokerError extends Error {
  override readonly name = 'BrokerError';
  readonly status: number;
  readonly reason?: string;
  readonly retryAfterSeconds?: number;
  readonly detail?: string;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: BrokerErrorOptions = {},
  ) {
    super(message);
    this.status = ERROR_STATUS[code];
    this.reason = options.reason;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.detail = options.detail;
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; reason?: string };
  requestId: string;
}

/** The JSON body for any error. Anything that is not a BrokerError is hidden behind INTERNAL_ERROR. */
export function errorBody(error: unknown, requestId: string): ErrorBody {
  const e = toBrokerError(error);
  return {
    error: { code: e.code, message: e.message, ...(e.reason ? { reason: e.reason } : {}) },
    requestId,
  };
}

export function toBrokerError(error: unknown): BrokerError {
  if (error instanceof BrokerError) return error;
  return new BrokerError('INTERNAL_ERROR', 'Internal error', {
    detail: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  });
}

/** KVS exception name -> our code. An exception not listed here is an UPSTREAM_ERROR. */
const KVS_EXCEPTIONS: Record<string, { code: ErrorCode; message: string; exposeReason: boolean }> = {
  ResourceNotFoundException: {
    code: 'NOT_FOUND',
    message: 'No such stream, or no fragments in the requested range',
    exposeReason: false,
  },
  NoDataRetentionException: {
    code: 'STREAM_NOT_PLAYABLE',
    message: 'The stream does not retain data',
    exposeReason: true,
  },
  UnsupportedStreamMediaTypeException: {
    code: 'STREAM_NOT_PLAYABLE',
    message: 'The stream media type cannot be played over DASH or HLS',
    exposeReason: true,
  },
  MissingCodecPrivateDataException: {
    code: 'STREAM_NOT_PLAYABLE',
    message: 'The stream has no codec private data',
    exposeReason: true,
  },
  InvalidCodecPrivateDataException: {
    code: 'STREAM_NOT_PLAYABLE',
    message: 'The stream codec private data is invalid',
    exposeReason: true,
  },
  ClientLimitExceededException: {
    code: 'THROTTLED',
    message: 'Too many requests for this stream; retry later',
    exposeReason: false,
  },
  InvalidArgumentException: {
    code: 'INVALID_REQUEST',
    message: 'Kinesis Video Streams rejected the request parameters',
    exposeReason: true,
  },
  NotAuthorizedException: {
    code: 'UPSTREAM_ERROR',
    message: 'The broker is not authorized to open this stream',
    exposeReason: false,
  },
};

/** Seconds a throttled client is told to wait; KVS quotas are per second. */
export const THROTTLE_RETRY_AFTER_SECONDS = 1;

/** Maps a failure of a KVS call, described by the exception name, to a BrokerError. */
export function fromKvsFailure(failure: { name: string; message?: string; timedOut?: boolean }): BrokerError {
  if (failure.timedOut) {
    return new BrokerError('UPSTREAM_TIMEOUT', 'Kinesis Video Streams did not answer in time', {
      detail: failure.name,
    });
  }
  const known = Object.hasOwn(KVS_EXCEPTIONS, failure.name) ? KVS_EXCEPTIONS[failure.name] : undefined;
  if (!known) {
    return new BrokerError('UPSTREAM_ERROR', 'Kinesis Video Streams failed to answer', {
      detail: `${failure.name}: ${failure.message ?? ''}`,
    });
  }
  return new BrokerError(known.code, known.message, {
    reason: known.exposeReason ? failure.name : undefined,
    retryAfterSeconds: known.code === 'THROTTLED' ? THROTTLE_RETRY_AFTER_SECONDS : undefined,
    detail: `${failure.name}: ${failure.message ?? ''}`,
  });
}
