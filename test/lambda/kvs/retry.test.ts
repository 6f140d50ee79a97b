// Retry rules of KVS calls: which failures are retried, full-jitter waits, and the one deadline.
import { describe, expect, it } from '@jest/globals';
import {
  DATA_ENDPOINT_THROTTLE_BACKOFF,
  TRANSIENT_BACKOFF,
  backoffMs,
  describeFailure,
  withRetries,
} from '../../../lambda/kvs/retry';

const named = (name: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${name} happened`), { name, ...extra });

describe('describeFailure', () => {
  it.each([
    ['KVS throttling', named('ClientLimitExceededException', { $fault: 'client' }), 'throttled', false],
    ['an SDK timeout', named('TimeoutError'), 'transient', true],
    [
      'a 5xx',
      named('InternalFailure', { $fault: 'server', $metadata: { httpStatusCode: 500 } }),
      'transient',
      false,
    ],
    ['a reset connection', named('Error', { code: 'ECONNRESET' }), 'transient', false],
    ['our own deadline', named('AbortError'), 'final', true],
    ['a missing stream', named('ResourceNotFoundException', { $fault: 'client' }), 'final', false],
    ['a refused role', named('NotAuthorizedException', { $fault: 'client' }), 'final', false],
    ['DynamoDB throttling', named('ThrottlingException', { $fault: 'client' }), 'throttled', false],
    ['a socket timeout (by its code)', named('Error', { code: 'ETIMEDOUT' }), 'transient', true],
    ['a refused connection', named('Error', { code: 'ECONNREFUSED' }), 'transient', false],
    ['another code', named('Error', { code: 'ENOTFOUND' }), 'final', false],
    [
      'a 500 without $fault',
      named('UnknownError', { $metadata: { httpStatusCode: 500 } }),
      'transient',
      false,
    ],
    ['a 499', named('UnknownError', { $metadata: { httpStatusCode: 499 } }), 'final', false],
    [
      'a 4xx',
      named('UnknownError', { $fault: 'client', $metadata: { httpStatusCode: 400 } }),
      'final',
      false,
    ],
  ])('classifies %s', (_what, error, kind, timedOut) => {
    expect(describeFailure(error)).toMatchObject({ kind, timedOut });
  });

  it('keeps the name and message, and takes a thrown non-error as a final Error', () => {
    expect(describeFailure(named('InternalFailure'))).toEqual({
      name: 'InternalFailure',
      message: 'InternalFailure happened',
      timedOut: false,
      kind: 'final',
    });
    for (const thrown of [undefined, null])
      expect(describeFailure(thrown)).toEqual({
        name: 'Error',
        message: undefined,
        timedOut: false,
        kind: 'final',
      });
  });
});

describe('backoffMs (full jitter)', () => {
  it.each([
    [1, 0.999, 99],
    [2, 0.5, 100],
    [4, 0.5, 400],
    [5, 0.5, 500], // capped at 1 s
    [9, 0, 0],
  ])('transient attempt %i with random %f waits %i ms', (attempt, random, expected) => {
    expect(backoffMs(attempt, TRANSIENT_BACKOFF, () => random)).toBe(expected);
  });

  it('stays below its ceiling min(cap, base x 2^(attempt-1)) for every attempt, and reaches down to 0', () => {
    const justBelowOne = () => 1 - 2 ** -53;
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, TRANSIENT_BACKOFF, justBelowOne))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, TRANSIENT_BACKOFF, () => 0))).toEqual([
      0, 0, 0, 0, 0, 0,
    ]);
  });

  it('lets GetDataEndpoint throttling waits grow to 5 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffMs(n, DATA_ENDPOINT_THROTTLE_BACKOFF, () => 0.5))).toEqual(
      [100, 200, 400, 800, 1600, 2500, 2500],
    );
  });
});

describe('withRetries', () => {
  function context(deadlineMs: number, maxAttempts = 3) {
    const t = { now: 0, slept: [] as number[] };
    return {
      t,
      ctx: {
        now: () => t.now,
        sleep: async (ms: number) => {
          t.slept.push(ms);
          t.now += ms;
        },
        random: () => 0.5,
        maxAttempts,
        deadlineMs,
      },
    };
  }

  it('stops a transient failure after maxAttempts and maps it', async () => {
    const { t, ctx } = context(25_000);
    let attempts = 0;
    const run = withRetries(ctx, async () => {
      attempts += 1;
      throw named('InternalFailure', { $fault: 'server' });
    });
    await expect(run).rejects.toMatchObject({ code: 'UPSTREAM_ERROR' });
    expect(attempts).toBe(3);
    expect(t.slept).toEqual([50, 100]);
  });

  it('does not start a wait that would end past the deadline', async () => {
    const { t, ctx } = context(120);
    let attempts = 0;
    const run = withRetries(ctx, async () => {
      attempts += 1;
      throw named('TimeoutError');
    });
    await expect(run).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    expect(t.slept).toEqual([50]); // the next wait (100 ms) would end at 150 > 120
    expect(attempts).toBe(2);
  });

  it('never retries a final failure, and tells onFailure its name', async () => {
    const { t, ctx } = context(25_000);
    const seen: string[] = [];
    let attempts = 0;
    const run = withRetries(
      ctx,
      async () => {
        attempts += 1;
        throw named('ResourceNotFoundException');
      },
      (name) => seen.push(name),
    );
    await expect(run).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(seen).toEqual(['ResourceNotFoundException']);
    expect(attempts).toBe(1);
    expect(t.slept).toEqual([]);
  });

  it('refuses to start an attempt once the deadline has passed', async () => {
    const { ctx } = context(0);
    await expect(withRetries(ctx, async () => 'never')).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
  });
});
