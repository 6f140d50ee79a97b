// A stand-in for the emulator's latency wait (KvsEmulatorOptions.delay) that costs no real time: every wait is
// recorded and stays pending until the test opens it, or until the emulator closes.
import type { LatencyDelay } from '../../local/emulator';

export interface LatencyGate {
  readonly delay: LatencyDelay;
  /** The latencies asked for, in order. */
  readonly waits: number[];
  /** Ends one wait (by its index in `waits`, default the latest), as if its latency had passed. */
  open(index?: number): void;
  /** Resolves once `count` waits have been asked for (a request has reached the emulator and is being held). */
  waitsFor(count: number): Promise<void>;
}

export function latencyGate(): LatencyGate {
  const waits: number[] = [];
  const pending = new Map<number, () => void>();
  const watchers: { count: number; resolve: () => void }[] = [];
  return {
    waits,
    delay: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        pending.set(waits.push(ms) - 1, resolve);
        signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
        for (const w of watchers.filter((x) => waits.length >= x.count)) w.resolve();
      }),
    open: (index = waits.length - 1) => {
      pending.get(index)?.();
      pending.delete(index);
    },
    waitsFor: (count) =>
      waits.length >= count ? Promise.resolve() : new Promise((resolve) => watchers.push({ count, resolve })),
  };
}
