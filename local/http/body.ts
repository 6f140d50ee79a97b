// Reads a request body with a size cap, for every local HTTP server (gateway, emulator, player page).

/**
 * The whole body, or the error `tooLarge()` makes as soon as more than `maxBytes` arrived: a client cannot make
 * the local server buffer more than that, whatever it sends.
 */
export async function readBody(
  req: AsyncIterable<Buffer | string>,
  maxBytes: number,
  tooLarge: () => Error,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += bytes.length;
    if (size > maxBytes) throw tooLarge();
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}
