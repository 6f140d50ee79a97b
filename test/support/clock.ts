// A test clock: starts at a fixed instant and moves only when a test moves it.

/** 2026-11-25T10:00:00Z, the instant the contract's examples use. */
export const T0 = Date.parse('2026-11-25T10:00:00.000Z');

export interface TestClock {
  /** Epoch milliseconds. */
  now(): number;
  /** Epoch seconds (a JWT NumericDate), floored. */
  nowS(): number;
  /** ISO 8601 of now + offsetMs. */
  iso(offsetMs?: number): string;
  advance(ms: number): void;
}

export function testClock(startMs: number = T0): TestClock {
  let ms = startMs;
  return {
    now: () => ms,
    nowS: () => Math.floor(ms / 1000),
    iso: (offsetMs = 0) => new Date(ms + offsetMs).toISOString(),
    advance: (delta) => {
      ms += delta;
    },
  };
}

/** A clock that only moves when the code under test sleeps: waits are exact and cost no real time. */
export function virtualTime(start: number) {
  const t = { now: start, slept: [] as number[] };
  return {
    t,
    now: () => t.now,
    sleep: async (ms: number) => {
      t.slept.push(ms);
      t.now += ms;
    },
  };
}
