// CORS answer headers for a request Origin, from the configured allow-list (`*` allows any origin).

export function corsHeaders(
  origin: string | undefined,
  allowOrigins: readonly string[],
): Record<string, string> {
  if (!origin || allowOrigins.length === 0) return {};
  if (allowOrigins.includes('*')) return { 'Access-Control-Allow-Origin': '*' };
  return allowOrigins.includes(origin) ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' } : {};
}
