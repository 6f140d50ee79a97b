// CORS answer headers for a request Origin, from the configured allow-list (`*` allows any origin).

/**
 * What `cors.allowOrigins` may hold: `*`, or a serialized origin (scheme, host, optional port; no path), the
 * form a browser sends in `Origin` and API Gateway's preflight compares with.
 */
export const CORS_ORIGIN = /^(\*|https?:\/\/[a-zA-Z0-9.-]+(:\d{1,5})?)$/;

/**
 * Headers a browser script may read beyond the CORS-safelisted ones (SECURITY.md: every 429 carries
 * `Retry-After`, and allowed origins can read it). Sent on every answer to an allowed origin, errors included.
 */
export const CORS_EXPOSE_HEADERS = { 'Access-Control-Expose-Headers': 'Retry-After' } as const;

export function corsHeaders(
  origin: string | undefined,
  allowOrigins: readonly string[],
): Record<string, string> {
  if (!origin) return {};
  // Stryker disable next-line ConditionalExpression: a shortcut only: an empty list includes neither `*` nor the origin.
  if (allowOrigins.length === 0) return {};
  if (allowOrigins.includes('*')) return { 'Access-Control-Allow-Origin': '*', ...CORS_EXPOSE_HEADERS };
  return allowOrigins.includes(origin)
    ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin', ...CORS_EXPOSE_HEADERS }
    : {};
}

/**
 * CORS headers for answers that cannot look at the request's Origin (API Gateway gateway responses, WAF custom
 * responses): a static value. One origin (or `*`) is sent as is; with several there is no safe static value, and
 * echoing the request's Origin would hand any site the answer (SECURITY.md), so there is none.
 */
export function staticCorsHeaders(allowOrigins: readonly string[]): Record<string, string> {
  if (allowOrigins.includes('*')) return { 'Access-Control-Allow-Origin': '*', ...CORS_EXPOSE_HEADERS };
  if (allowOrigins.length === 1) {
    return { 'Access-Control-Allow-Origin': allowOrigins[0]!, ...CORS_EXPOSE_HEADERS };
  }
  return {};
}
