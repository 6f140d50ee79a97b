// The per-client-IP rate limit's answer (SECURITY.md, Floods): one definition for the deployed AWS WAF
// rate-based rule's custom response and for the local gateway, which answers exactly the same.
import { staticCorsHeaders } from '../core/cors';
import { ERROR_STATUS } from '../core/errors';

/**
 * WAF custom response bodies are static (no templates), so the body cannot carry API Gateway's request id; it names
 * where the refusal came from instead. The shape is the contract's error body all the same.
 */
export const WAF_REQUEST_ID = 'waf-rate-limit';
export const WAF_RATE_LIMIT_MESSAGE = 'Too many requests from this address; retry later';

export interface RateLimitSettings {
  readonly limit: number;
  readonly windowSeconds: number;
}

/**
 * What a client over the limit gets: 429 THROTTLED, `Retry-After` of one evaluation window (after a window without
 * requests the address's count is zero, whatever WAF's 10 s check cycle), and static CORS headers by the gateway
 * responses' rule (one origin or `*`; none with several, so that no origin outside the list is ever named).
 */
export function rateLimitedResponse(settings: RateLimitSettings, allowOrigins: readonly string[]) {
  return {
    statusCode: ERROR_STATUS.THROTTLED,
    headers: {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-store',
      'Retry-After': String(settings.windowSeconds),
      ...staticCorsHeaders(allowOrigins),
    },
    body: JSON.stringify({
      error: { code: 'THROTTLED', message: WAF_RATE_LIMIT_MESSAGE },
      requestId: WAF_REQUEST_ID,
    }),
  };
}
