// Reads a request body with a size cap, for every local HTTP server (gateway, emulator, player page).
import type { Readable } from 'node:stream';

/**
 * The whole body, or the error `tooLarge()` makes as soon as more than `maxBytes` arrived: a client cannot make
 * the local server buffer more than that, whatever it sends. The rest of an oversize body is read and dropped
 * rather than the stream destroyed, so the client gets the answer instead of a connection reset.
 */
export function readBody(req: Readable, maxBytes: number, tooLarge: () => Error): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += bytes.length;
      if (size <= maxBytes) {
        chunks.push(bytes);
        return;
      }
      chunks.length = 0;
      req.off('data', onData);
      req.off('end', onEnd);
      req.resume();
      reject(tooLarge());
    };
    const onEnd = () => resolve(Buffer.concat(chunks));
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', reject);
  });
}
