// Test support: a virtual clock and timers for the client's scheduling (the HTTP it does stays real).
import type { Timers } from '../../client';

export interface VirtualTime {
  now(): number;
  timers: Timers;
  /** Delays asked of setTimeout, in order. */
  readonly delays: number[];
  /** Moves the clock by `ms`, running due callbacks in time order. */
  advance(ms: number): void;
  /** When the earliest pending callback is due, if any. */
  nextDue(): number | undefined;
  pending(): number;
}

export function virtualTime(start: number): VirtualTime {
  let clock = start;
  let seq = 0;
  const queue = new Map<number, { at: number; callback: () => void }>();
  const delays: number[] = [];
  const due = () => [...queue.entries()].sort((a, b) => a[1].at - b[1].at || a[0] - b[0]);
  return {
    now: () => clock,
    delays,
    timers: {
      setTimeout(callback, ms) {
        delays.push(ms);
        queue.set(++seq, { at: clock + ms, callback });
        return seq;
      },
      clearTimeout(handle) {
        queue.delete(handle as number);
      },
    },
    advance(ms) {
      const until = clock + ms;
      for (let next = due()[0]; next && next[1].at <= until; next = due()[0]) {
        queue.delete(next[0]);
        clock = next[1].at;
        next[1].callback();
      }
      clock = until;
    },
    nextDue: () => due()[0]?.[1].at,
    pending: () => queue.size,
  };
}

/**
 * Timers that sleep instantly and move `clock` forward by the delay asked (for retries: the client sleeps, the
 * server's clock moves, nothing waits for real).
 */
export function instantTimers(clock: { offset: number }): Timers & { delays: number[] } {
  const delays: number[] = [];
  return {
    delays,
    setTimeout(callback, ms) {
      delays.push(ms);
      clock.offset += ms;
      queueMicrotask(callback);
      return delays.length;
    },
    clearTimeout: () => undefined,
  };
}
