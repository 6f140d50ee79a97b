// API Gateway's own answers (gateway responses) in the contract's JSON error shape: one table, used by the CDK construct
// to configure the deployed API and by the local gateway to answer the same way.
import { ERROR_STATUS, errorHeaders, type ErrorCode } from '../core/errors';

export interface GatewayErrorResponse {
  /** API Gateway's gateway response type, e.g. `UNAUTHORIZED`. */
  readonly type: string;
  readonly code: ErrorCode;
  readonly message: string;
  /**
   * Keep the status API Gateway chose instead of the code's status: DEFAULT_4XX and DEFAULT_5XX stand
   * for many statuses, and 413/415 are more precise than INVALID_REQUEST's 400.
   */
  readonly keepStatus?: boolean;
}

/** Seconds a throttled client is told to wait; stage throttling refills every second. */
export const GATEWAY_RETRY_AFTER_SECONDS = 1;

/**
 * Every gateway response a client of this API can meet. Statuses come from the one code -> status table
 * (errors.ts) unless `keepStatus`.
 */
export const GATEWAY_ERROR_RESPONSES: readonly GatewayErrorResponse[] = [
  // The authorizer threw 'Unauthorized', or the Authorization header is missing.
  { type: 'UNAUTHORIZED', code: 'UNAUTHORIZED', message: 'Missing or invalid bearer token' },
  // The authorizer's policy does not cover this method and stream.
  { type: 'ACCESS_DENIED', code: 'FORBIDDEN', message: 'The token grants no access to this resource' },
  // The authorizer Lambda failed or answered nonsense: fail closed, never a 200.
  { type: 'AUTHORIZER_FAILURE', code: 'UPSTREAM_ERROR', message: 'Authorization is unavailable' },
  { type: 'AUTHORIZER_CONFIGURATION_ERROR', code: 'UPSTREAM_ERROR', message: 'Authorization is unavailable' },
  { type: 'THROTTLED', code: 'THROTTLED', message: 'Too many requests; retry later' },
  { type: 'QUOTA_EXCEEDED', code: 'THROTTLED', message: 'Too many requests; retry later' },
  // With a request authorizer this is what API Gateway answers for a path or method it does not have.
  { type: 'MISSING_AUTHENTICATION_TOKEN', code: 'NOT_FOUND', message: 'No such route' },
  { type: 'RESOURCE_NOT_FOUND', code: 'NOT_FOUND', message: 'No such route' },
  { type: 'WAF_FILTERED', code: 'FORBIDDEN', message: 'The request was blocked' },
  { type: 'BAD_REQUEST_BODY', code: 'INVALID_REQUEST', message: 'The request body is malformed' },
  {
    type: 'BAD_REQUEST_PARAMETERS',
    code: 'INVALID_REQUEST',
    message: 'The request parameters are malformed',
  },
  {
    type: 'REQUEST_TOO_LARGE',
    code: 'INVALID_REQUEST',
    message: 'The request is too large',
    keepStatus: true,
  },
  {
    type: 'UNSUPPORTED_MEDIA_TYPE',
    code: 'INVALID_REQUEST',
    message: 'The request body must be JSON',
    keepStatus: true,
  },
  { type: 'INTEGRATION_FAILURE', code: 'UPSTREAM_ERROR', message: 'The broker failed to answer' },
  { type: 'INTEGRATION_TIMEOUT', code: 'UPSTREAM_TIMEOUT', message: 'The broker did not answer in time' },
  {
    type: 'DEFAULT_4XX',
    code: 'INVALID_REQUEST',
    message: 'The request could not be processed',
    keepStatus: true,
  },
  { type: 'DEFAULT_5XX', code: 'UPSTREAM_ERROR', message: 'The service failed to answer', keepStatus: true },
];

/** The statuses API Gateway itself uses for the `keepStatus` types the local gateway can produce. */
export const GATEWAY_NATIVE_STATUS: Record<string, number> = {
  REQUEST_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
};

/** Retry-After and WWW-Authenticate of a gateway response (static values: the deployed API sets them at synth). */
export function gatewayErrorHeaders(r: GatewayErrorResponse): Record<string, string> {
  return errorHeaders(
    r.keepStatus ? 0 : ERROR_STATUS[r.code],
    r.code === 'THROTTLED' ? GATEWAY_RETRY_AFTER_SECONDS : undefined,
  );
}

/** A gateway response as the deployed API sends it (the local gateway's answer for that type). */
export function gatewayResponse(type: string, requestId: string) {
  const r = GATEWAY_ERROR_RESPONSES.find((g) => g.type === type);
  if (!r) throw new TypeError(`no gateway response of type ${type}`);
  const statusCode = r.keepStatus
    ? (GATEWAY_NATIVE_STATUS[type] ?? ERROR_STATUS[r.code])
    : ERROR_STATUS[r.code];
  return {
    statusCode,
    headers: {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-store',
      ...gatewayErrorHeaders(r),
    },
    body: JSON.stringify({ error: { code: r.code, message: r.message }, requestId }),
  };
}
