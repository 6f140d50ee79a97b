// CORS answer headers for a request Origin, from the configured allow-list (`*` allows any origin).

/**
 * What `cors.allowOrigins` may hold: `*`, or a serialized origin (scheme, host, optional port; no path), the
 * form a browser sends in `Origin` and API Gateway's preflight compares with.
 */
export const CORS_ORIGIN = /^(\*|https?:\/\/[a-zA-Z0-9.-]+(:\d{1,5})?)$/;

export function corsHeaders(
  origin: string | undefined,
  allowOrigins: readonly string[],
): Record<string, string> {
  if (!origin || allowOrigins.length === 0) return {};
  if (allowOrigins.includes('*')) return { 'Access-Control-Allow-Origin': '*' };
  return allowOrigins.includes(origin) ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' } : {};
}
