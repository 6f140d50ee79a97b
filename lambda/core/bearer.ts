// Reading the bearer token from request headers (header names are case-insensitive; the scheme too, RFC 6750).

export function headerValue(headers: Record<string, string | undefined>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  // The first header of that name in any case; names of another length are skipped without lowering them.
  for (const key in headers) {
    // A shortcut only: the names asked for are ASCII, and a name lowers to ASCII only letter for letter (A-Z, and the
    // Kelvin sign to k), so a name of another length never lowers to the wanted one; dropping the test changes no answer.
    // Stryker disable next-line ConditionalExpression: equivalent, as said above
    if (key.length !== wanted.length) continue;
    if (Object.hasOwn(headers, key) && key.toLowerCase() === wanted) return headers[key];
  }
  return undefined;
}

/** The token of `Authorization: Bearer <token>`, or undefined when absent or of another scheme. */
export function bearerToken(headers: Record<string, string | undefined>): string | undefined {
  return headerValue(headers, 'authorization')?.match(/^Bearer +([A-Za-z0-9\-_.~+/]+=*) *$/i)?.[1];
}
