// Reading the bearer token from request headers (header names are case-insensitive; the scheme too, RFC 6750).

export function headerValue(headers: Record<string, string | undefined>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  // The first header of that name in any case; names of another length are skipped without lowering them.
  for (const key in headers) {
    if (key.length === wanted.length && Object.hasOwn(headers, key) && key.toLowerCase() === wanted) {
      return headers[key];
    }
  }
  return undefined;
}

/** The token of `Authorization: Bearer <token>`, or undefined when absent or of another scheme. */
export function bearerToken(headers: Record<string, string | undefined>): string | undefined {
  const value = headerValue(headers, 'authorization');
  const match = value === undefined ? null : /^Bearer +([A-Za-z0-9\-_.~+/]+=*) *$/i.exec(value);
  return match?.[1];
}
