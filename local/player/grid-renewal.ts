// When the live grid renews its sessions: all of them in one POST /v1/sessions, a minute before the first expires
// (KVS refuses every request of an expired session), and again a little later when a renewal failed.

/** Renew this long before the earliest session of the grid expires. */
export const GRID_RENEW_BEFORE_MS = 60_000;
/** After a failed renewal, try again this much later (while the sessions still live). */
export const GRID_RETRY_MS = 10_000;
/** Never sooner than this from now, however short the sessions. */
const MIN_DELAY_MS = 5_000;

/** Milliseconds from `nowMs` until the grid should renew, or undefined when no session plays. */
export function gridRenewalDelayMs(expiresAt: readonly string[], nowMs: number): number | undefined {
  const times = expiresAt.map((t) => Date.parse(t)).filter((t) => Number.isFinite(t));
  if (times.length === 0) return undefined;
  return Math.max(MIN_DELAY_MS, Math.min(...times) - GRID_RENEW_BEFORE_MS - nowMs);
}

/** After a failed renewal: the retry's delay, or undefined when the first session expires before it. */
export function gridRetryDelayMs(expiresAt: readonly string[], nowMs: number): number | undefined {
  const times = expiresAt.map((t) => Date.parse(t)).filter((t) => Number.isFinite(t));
  if (times.length === 0 || Math.min(...times) <= nowMs + GRID_RETRY_MS) return undefined;
  return GRID_RETRY_MS;
}
