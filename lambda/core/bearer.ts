// Reading the bearer token from request headers (header names are case-insensitive; the scheme too, RFC 6750).

export function headerValue(headers: Record<string, string | undefined>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

/** The token of `Authorization: Bearer <token>`, or undefined when absent or of another scheme. */
export function bearerToken(headers: Record<string, string | undefined>): string | undefined {
  const value = headerValue(headers, 'authorization');
  const match = value === undefined ? null : /^Bearer +([A-Za-z0-9\-_.~+/]+=*) *$/i.exec(value);
  return match?.[1];
}
