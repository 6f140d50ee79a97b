// The one deadline of a request's KVS calls (no attempt starts, no wait ends and no answer is awaited past it), and
// which backoff and how many attempts throttling and transient failures get.
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { BrokerError } from '../../../lambda/core/errors';
import { DATA_ENDPOINT_THROTTLE_BACKOFF, withRetries, type RetryContext } from '../../../lambda/kvs/retry';
import { virtualTime } from '../../support/clock';

const named = (name: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${name} happened`), { name, ...extra });

/** A retry context on a virtual clock that starts at 1 000 000 (not 0, so `deadline - now` differs from `+`). */
function context(deadlineInMs: number, extra: Partial<RetryContext> = {}) {
  const time = virtualTime(1_000_000);
  const ctx: RetryContext = {
    now: time.now,
    sleep: time.sleep,
    random: () => 0.5,
    maxAttempts: 3,
    deadlineMs: 1_000_000 + deadlineInMs,
    ...extra,
  };
  return { t: time.t, ctx };
}

/** Runs `withRetries` on an attempt that always fails with `error`; counts the attempts. */
async function failing(ctx: RetryContext, error: Error) {
  let attempts = 0;
  const result = await withRetries(ctx, async () => {
    attempts += 1;
    throw error;
  }).catch((e: unknown) => e);
  return { attempts, error: result as BrokerError };
}

describe('the deadline', () => {
  it('refuses to start an attempt at or after it, without calling KVS', async () => {
    for (const late of [0, 1]) {
      const { ctx } = context(-late);
      let attempts = 0;
      const error = await withRetries(ctx, async () => (attempts += 1)).catch((e: BrokerError) => e);
      expect(attempts).toBe(0);
      expect(error).toBeInstanceOf(BrokerError);
      expect(error).toMatchObject({
        code: 'UPSTREAM_TIMEOUT',
        message: 'Kinesis Video Streams did not answer in time',
        detail: 'deadline passed before the attempt',
      });
    }
  });

  it('leaves through toError when the caller names its own error', async () => {
    const seen: unknown[] = [];
    const own = new BrokerError('STATE_UNAVAILABLE', 'state table did not answer');
    const toError = (failure: unknown) => (seen.push(failure), own);
    const { ctx } = context(0, { toError });
    await expect(withRetries(ctx, async () => 'never')).rejects.toBe(own);
    expect(seen).toEqual([{ name: 'DeadlinePassed', timedOut: true }]);
    const { ctx: later } = context(25_000, { toError });
    await expect(
      withRetries(later, async () => Promise.reject(named('ResourceNotFoundException'))),
    ).rejects.toBe(own);
    expect(seen[1]).toEqual({
      name: 'ResourceNotFoundException',
      message: 'ResourceNotFoundException happened',
      timedOut: false,
      kind: 'final',
    });
  });

  it('does not start a wait that would end exactly at it: no attempt could follow', async () => {
    // random 0.5: waits 50 then 100 ms; the second would end at 150, the deadline
    const { t, ctx } = context(150);
    const { attempts, error } = await failing(ctx, named('TimeoutError'));
    expect(t.slept).toEqual([50]);
    expect(attempts).toBe(2);
    expect(error).toMatchObject({ code: 'UPSTREAM_TIMEOUT', detail: 'TimeoutError' });
    const { t: roomier, ctx: oneMore } = context(151);
    expect((await failing(oneMore, named('TimeoutError'))).attempts).toBe(3);
    expect(roomier.slept).toEqual([50, 100]);
  });

  describe('aborts the attempt in flight (real timer, faked)', () => {
    afterEach(() => {
      jest.useRealTimers();
    });

    it('exactly when the deadline comes, not a millisecond before', async () => {
      jest.useFakeTimers({ now: 1_000_000 });
      const seen: AbortSignal[] = [];
      const run = withRetries(
        { now: Date.now, sleep: async () => {}, random: () => 0.5, maxAttempts: 3, deadlineMs: 1_000_300 },
        (signal) =>
          new Promise((_resolve, reject) => {
            seen.push(signal);
            signal.addEventListener('abort', () => reject(named('AbortError')));
          }),
      ).catch((e: BrokerError) => e);
      await jest.advanceTimersByTimeAsync(299);
      expect(seen.map((s) => s.aborted)).toEqual([false]);
      await jest.advanceTimersByTimeAsync(1);
      expect(seen.map((s) => s.aborted)).toEqual([true]);
      // AbortError is final: no second attempt after the deadline
      expect(await run).toMatchObject({ code: 'UPSTREAM_TIMEOUT', detail: 'AbortError' });
    });

    it('leaves no timer behind once the call has answered or failed', async () => {
      jest.useFakeTimers({ now: 1_000_000 });
      const ctx = {
        now: Date.now,
        sleep: async () => {},
        random: () => 0.5,
        maxAttempts: 2,
        deadlineMs: 1_025_000,
      };
      let signal: AbortSignal | undefined;
      expect(await withRetries(ctx, async (s) => ((signal = s), 'answer'))).toBe('answer');
      expect(jest.getTimerCount()).toBe(0);
      await expect(
        withRetries(ctx, async () => Promise.reject(named('InternalFailure'))),
      ).rejects.toMatchObject({
        code: 'UPSTREAM_ERROR',
      });
      expect(jest.getTimerCount()).toBe(0);
      await jest.advanceTimersByTimeAsync(30_000);
      expect(signal?.aborted).toBe(false);
    });
  });
});

describe('throttling and transient failures', () => {
  const throttled = () => named('ClientLimitExceededException', { $fault: 'client' });
  const transient = () => named('InternalFailure', { $fault: 'server' });
  const dataEndpoint = { throttleBackoff: DATA_ENDPOINT_THROTTLE_BACKOFF };

  it('retries throttling with throttleBackoff until the deadline, past maxAttempts', async () => {
    const { t, ctx } = context(2000, dataEndpoint);
    const { attempts, error } = await failing(ctx, throttled());
    // 0.5 of min(5 s, 200 ms x 2^(n-1)): 100, 200, 400, 800; the next (1600) would end at 3100 > 2000
    expect(t.slept).toEqual([100, 200, 400, 800]);
    expect(attempts).toBe(5);
    expect(error).toMatchObject({ code: 'THROTTLED' });
  });

  it.each([
    ['throttling', 'when no throttleBackoff is given', throttled, {}, 'THROTTLED'],
    ['a transient failure', 'with a throttleBackoff', transient, dataEndpoint, 'UPSTREAM_ERROR'],
    ['a transient failure', 'without a throttleBackoff', transient, {}, 'UPSTREAM_ERROR'],
  ] as const)(
    'retries %s maxAttempts times with the transient backoff %s',
    async (_, __, failure, extra, code) => {
      const { t, ctx } = context(25_000, extra);
      const { attempts, error } = await failing(ctx, failure());
      // 0.5 of min(1 s, 100 ms x 2^(n-1)): 50, 100
      expect(t.slept).toEqual([50, 100]);
      expect(attempts).toBe(3);
      expect(error).toMatchObject({ code });
    },
  );

  it('answers with the first success after failures', async () => {
    const { t, ctx } = context(25_000, dataEndpoint);
    const failures = [throttled(), transient()];
    const answer = await withRetries(ctx, async () => {
      const next = failures.shift();
      if (next) throw next;
      return 'endpoint';
    });
    expect(answer).toBe('endpoint');
    // the throttling waited by throttleBackoff (attempt 1), the transient failure by the transient one (attempt 2)
    expect(t.slept).toEqual([100, 100]);
  });
});
