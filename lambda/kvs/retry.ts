// Retries of KVS calls: which failures are worth another attempt, how long to wait (exponential backoff with full
// jitter), and one deadline that every attempt and every wait of a request shares.
import { BrokerError, fromKvsFailure } from '../core/errors';

export interface Backoff {
  /** Ceiling of the first wait; it doubles per attempt up to `capMs`. */
  readonly baseMs: number;
  readonly capMs: number;
}

/**
 * Waits for transient failures and for throttling of the session-URL and listing calls: short, a client is waiting.
 */
export const TRANSIENT_BACKOFF: Backoff = { baseMs: 100, capMs: 1000 };

/**
 * Waits for GetDataEndpoint throttling, retried until the deadline rather than a few times: KVS allows
 * GetDataEndpoint 5 TPS per stream (KVS developer guide, "Kinesis Video Streams service quotas"), so N Lambda
 * instances starting at once on one stream need about N/5 s. Full jitter up to 5 s spreads their retries over
 * the refill (AWS Architecture Blog, "Exponential Backoff And Jitter") instead of colliding on each doubling.
 */
export const DATA_ENDPOINT_THROTTLE_BACKOFF: Backoff = { baseMs: 200, capMs: 5000 };

/** Full jitter: uniform in [0, min(cap, base * 2^(attempt-1))). `random` is uniform in [0, 1). */
export function backoffMs(attempt: number, backoff: Backoff, random: () => number): number {
  return Math.floor(random() * Math.min(backoff.capMs, backoff.baseMs * 2 ** (attempt - 1)));
}

const TIMEOUT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
/**
 * Throttling: KVS's ClientLimitExceededException; DynamoDB's ProvisionedThroughputExceededException,
 * ThrottlingException and RequestLimitExceeded (DynamoDB developer guide, "Error handling with DynamoDB": retry
 * with exponential backoff). The viewer-state adapter (lambda/state) shares these rules.
 */
const THROTTLE_NAMES = new Set([
  'ClientLimitExceededException',
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
]);
// Typed to hold undefined too, so an error without a code is looked up as it is, not as a stand-in string.
const NETWORK_CODES = new Set<string | undefined>(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

export interface Failure {
  name: string;
  message?: string;
  timedOut: boolean;
  kind: 'throttled' | 'transient' | 'final';
}

/** What a KVS call's failure was, and whether another attempt may succeed. */
export function describeFailure(error: unknown): Failure {
  const e = error as {
    name?: string;
    message?: string;
    code?: string;
    $fault?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const name = e?.name ?? 'Error';
  // AbortError is our own deadline: the request's time is up, no attempt may follow.
  const timedOut = TIMEOUT_NAMES.has(name) || name === 'AbortError' || e?.code === 'ETIMEDOUT';
  const kind = THROTTLE_NAMES.has(name)
    ? 'throttled'
    : name === 'AbortError'
      ? 'final'
      : timedOut ||
          e?.$fault === 'server' ||
          (e?.$metadata?.httpStatusCode ?? 0) >= 500 ||
          NETWORK_CODES.has(e?.code)
        ? 'transient'
        : 'final';
  return { name, message: e?.message, timedOut, kind };
}

export interface RetryContext {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  /** Attempts for transient failures and for throttling when `throttleBackoff` is not given. */
  maxAttempts: number;
  /** The request's deadline, in `now()` time: no attempt starts and no wait ends after it. */
  deadlineMs: number;
  /** Retry throttling until the deadline with this backoff, instead of `maxAttempts` times. */
  throttleBackoff?: Backoff;
  /** The error a final failure (or the passed deadline, `timedOut`) leaves as. @default fromKvsFailure */
  toError?: (failure: Pick<Failure, 'name' | 'message' | 'timedOut'>) => BrokerError;
}

/**
 * Runs `attempt` with retries. The attempt gets an AbortSignal that fires at the deadline, so a slow answer
 * cannot hold the request past it. Failures leave as BrokerErrors; `onFailure` sees the KVS exception name.
 */
export async function withRetries<T>(
  ctx: RetryContext,
  attempt: (signal: AbortSignal) => Promise<T>,
  onFailure?: (exceptionName: string) => void,
): Promise<T> {
  for (let n = 1; ; n += 1) {
    const remaining = ctx.deadlineMs - ctx.now();
    if (remaining <= 0) {
      if (ctx.toError) throw ctx.toError({ name: 'DeadlinePassed', timedOut: true });
      throw new BrokerError('UPSTREAM_TIMEOUT', 'Kinesis Video Streams did not answer in time', {
        detail: 'deadline passed before the attempt',
      });
    }
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), remaining);
    try {
      return await attempt(abort.signal);
    } catch (error) {
      const failure = describeFailure(error);
      const wait = nextWait(failure, n, ctx);
      if (wait !== undefined) {
        await ctx.sleep(wait);
        continue;
      }
      onFailure?.(failure.name);
      throw (ctx.toError ?? fromKvsFailure)(failure);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** How long to wait before attempt n+1, or undefined when there is none (out of attempts or of time). */
function nextWait(failure: Failure, n: number, ctx: RetryContext): number | undefined {
  if (failure.kind === 'final') return undefined;
  const throttleUntilDeadline = failure.kind === 'throttled' && ctx.throttleBackoff !== undefined;
  if (!throttleUntilDeadline && n >= ctx.maxAttempts) return undefined;
  const wait = backoffMs(n, throttleUntilDeadline ? ctx.throttleBackoff! : TRANSIENT_BACKOFF, ctx.random);
  return ctx.now() + wait < ctx.deadlineMs ? wait : undefined;
}
