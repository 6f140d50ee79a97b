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

/**
 * Whether `p` settles within a few turns of the event loop: for a call whose last step (a timer fired under fake
 * timers) leaves only promise work, so a test can fail at once where it would otherwise wait for jest's timeout.
 */
export async function settlesSoon(p: Promise<unknown>): Promise<boolean> {
  let settled = false;
  p.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let turn = 0; turn < 10 && !settled; turn += 1) await new Promise<void>((r) => setImmediate(r));
  return settled;
}
