// API Gateway's own answers (gateway responses), in DESIGN's JSON error shape, as the CDK construct configures
// them; each status comes from the one code -> status table.
import { ERROR_STATUS, type ErrorCode } from './errors';

export type GatewayResponseType =
  | 'UNAUTHORIZED'
  | 'ACCESS_DENIED'
  | 'MISSING_AUTHENTICATION_TOKEN'
  | 'THROTTLED'
  | 'AUTHORIZER_FAILURE'
  | 'INTEGRATION_FAILURE'
  | 'INTEGRATION_TIMEOUT'
  | 'REQUEST_TOO_LARGE';

export const GATEWAY_RESPONSES: Record<
  GatewayResponseType,
  { code: ErrorCode; message: string; headers?: Record<string, string> }
> = {
  UNAUTHORIZED: { code: 'UNAUTHORIZED', message: 'Missing or invalid bearer token' },
  ACCESS_DENIED: { code: 'FORBIDDEN', message: 'Your token does not grant access to this stream' },
  MISSING_AUTHENTICATION_TOKEN: { code: 'NOT_FOUND', message: 'No such route' },
  THROTTLED: {
    code: 'THROTTLED',
    message: 'Too many requests; retry later',
    headers: { 'Retry-After': '1' },
  },
  AUTHORIZER_FAILURE: { code: 'UPSTREAM_ERROR', message: 'The authorizer failed' },
  INTEGRATION_FAILURE: { code: 'UPSTREAM_ERROR', message: 'The broker failed' },
  INTEGRATION_TIMEOUT: { code: 'UPSTREAM_TIMEOUT', message: 'The broker did not answer in time' },
  REQUEST_TOO_LARGE: { code: 'INVALID_REQUEST', message: 'body: too large' },
};

export function gatewayResponse(type: GatewayResponseType, requestId: string) {
  const r = GATEWAY_RESPONSES[type];
  return {
    statusCode: ERROR_STATUS[r.code],
    headers: { 'Content-Type': 'application/json', ...r.headers },
    body: JSON.stringify({ error: { code: r.code, message: r.message }, requestId }),
  };
}
