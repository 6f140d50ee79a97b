// Retries of THROTTLED answers: never sooner than the server's Retry-After, spread by jitter so clients throttled
// together do not come back together, and all attempts of one call inside one deadline.
import { BrokerClientError } from './errors';
import { sleep, type Environment } from './types';

export interface RetryOptions {
  /** Attempts in all, the first included. @default 4 */
  maxAttempts?: number;
  /** No attempt starts later than this after the call began; the last error is thrown instead. @default 10000 */
  deadlineMs?: number;
  /** Backoff base when a 429 carries no Retry-After (full jitter: random up to base * 2^n). @default 500 */
  baseDelayMs?: number;
  /** Cap of one wait. @default 8000 */
  maxDelayMs?: number;
  /** Extra wait on top of Retry-After, as a fraction of it (random in [0, ratio)). @default 0.5 */
  jitterRatio?: number;
}

const DEFAULTS: Required<RetryOptions> = {
  maxAttempts: 4,
  deadlineMs: 10_000,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  jitterRatio: 0.5,
};

export function retryDefaults(options: RetryOptions = {}): Required<RetryOptions> {
  return { ...DEFAULTS, ...options };
}

/** How long to wait before attempt `attempt + 1` after `error` (attempt counts from 1). */
export function retryDelayMs(
  error: BrokerClientError,
  attempt: number,
  options: Required<RetryOptions>,
  random: () => number,
): number {
  if (error.retryAfterSeconds !== undefined) {
    const floor = error.retryAfterSeconds * 1000;
    // at least one base delay of spread, even for Retry-After: 0
    const spread = Math.max(floor * options.jitterRatio, options.baseDelayMs * options.jitterRatio);
    return Math.min(Math.max(floor, options.maxDelayMs), floor + random() * spread);
  }
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return random() * ceiling;
}

/** A THROTTLED answer about to be retried, for a UI that wants to say so. */
export interface RetryNotice {
  error: BrokerClientError;
  /** The attempt that was throttled, from 1. */
  attempt: number;
  delayMs: number;
}

/** Runs `attempt` until it succeeds, fails with something other than THROTTLED, or time or attempts run out. */
export async function withThrottleRetries<T>(
  env: Pick<Environment, 'now' | 'timers' | 'random'>,
  options: Required<RetryOptions>,
  attempt: () => Promise<T>,
  onRetry?: (notice: RetryNotice) => void,
): Promise<T> {
  const started = env.now();
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof BrokerClientError) || error.code !== 'THROTTLED') throw error;
      const delay = retryDelayMs(error, n, options, env.random);
      const tooLate = env.now() + delay - started > options.deadlineMs;
      if (n >= options.maxAttempts || tooLate) throw withAttempts(error, n);
      onRetry?.({ error, attempt: n, delayMs: delay });
      await sleep(env.timers, delay);
    }
  }
}

function withAttempts(error: BrokerClientError, attempts: number): BrokerClientError {
  return new BrokerClientError(error.code, error.message, {
    status: error.status,
    reason: error.reason,
    requestId: error.requestId,
    retryAfterSeconds: error.retryAfterSeconds,
    attempts,
    cause: error,
  });
}
