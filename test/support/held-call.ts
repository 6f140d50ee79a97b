// A KVS call held past its deadline: the emulator holds every request about one stream (latency gate) while fake
// timers move the clock, so the deadline passes and late answers come with no real waiting.
import { jest } from '@jest/globals';
import {
  startKvsEmulator,
  type KvsEmulator,
  type KvsEmulatorOptions,
  type KvsEmulatorStats,
} from '../../local/emulator';
import { latencyGate } from './latency-gate';
import { outcome, settlesSoon } from './outcomes';

/** The stream whose every request the emulator holds (its latency is a minute, far past any deadline). */
export const SLOW_STREAM = 'cam-slow';

/** What to do once the emulator holds the next request of the call. */
export interface HoldStep {
  /** Fake time to move while the request is held (the deadline's timers fire). @default 0 */
  advanceMs?: number;
  /** Then let the held request's answer through: before the deadline it goes on, after it it must find the call gone. */
  answer?: boolean;
}

export interface HeldCall {
  /** Per step: 'held' once the emulator held that request, else the outcome the call had already ended in. */
  held: string[];
  /**
   * What the call ended in ('ok' or the BrokerError's code) within a few turns of the event loop after the last step,
   * or 'still pending': a call the deadline aborted leaves only promise work, one left running would still be held.
   */
  outcome: string;
  /** Fake time from the call's start to its end. */
  elapsedMs: number;
  /** The emulator's counts once the call had ended. */
  stats: KvsEmulatorStats;
}

/**
 * Starts `call` against an emulator that holds every request about SLOW_STREAM, under fake timers, and takes `steps`
 * as its requests reach the emulator, one step a request. A call that ends before a request reaches KVS shows in
 * `held` at once, not at jest's timeout. Real timers are back and the emulator closed when it returns.
 */
export async function holdCall(
  call: (emulator: KvsEmulator) => Promise<unknown>,
  steps: HoldStep[],
  emulatorOptions: Partial<KvsEmulatorOptions> = {},
): Promise<HeldCall> {
  const gate = latencyGate();
  const emulator = await startKvsEmulator({
    streams: [{ name: SLOW_STREAM, latencyMs: 60_000 }],
    enforceQuotas: false,
    delay: gate.delay,
    ...emulatorOptions,
  });
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'hrtime', 'performance'] });
  try {
    const started = Date.now();
    const result = outcome(call(emulator));
    const held: string[] = [];
    for (const [index, step] of steps.entries()) {
      held.push(await Promise.race([gate.waitsFor(index + 1).then(() => 'held'), result]));
      if (step.advanceMs !== undefined) await jest.advanceTimersByTimeAsync(step.advanceMs);
      if (step.answer === true) gate.open(index);
    }
    const ended = (await settlesSoon(result)) ? await result : 'still pending';
    return { held, outcome: ended, elapsedMs: Date.now() - started, stats: emulator.stats() };
  } finally {
    jest.useRealTimers();
    await emulator.close();
  }
}
