// What a call ended in, as a test compares it: 'ok', the BrokerError's code, or a WebSocket's opening status.
import { WebSocket } from 'ws';
import type { BrokerError } from '../../lambda/core/errors';

/** 'ok' when the call resolves, else the BrokerError's code. */
export const outcome = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'ok',
    (e: BrokerError) => e.code,
  );

/** Opens a signaling WebSocket: the status of its refusal, or 101 once open (0 when no HTTP answer came). */
export function openStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', () => resolve(0));
  });
}
