// Which fragments a stream with a recording schedule holds, counted without walking them one by one.
import { isRecording } from '../emulator/archive';
import type { Recording } from '../emulator/streams';

export type { Recording };

/**
 * The recorded fragments of a stream whose fragments last `durationMs` (fragment n starts at n x durationMs):
 * fragment n is recorded when its start is (the emulator's `isRecording`, the rule ListFragments, GetImages and
 * GetClip follow). The pattern repeats every `cycle` fragments (lcm(period, duration) / duration), so ranks and
 * counts are arithmetic on one cycle's tables. Without a schedule every fragment is recorded (a cycle of one).
 * A fragment's rank is how many recorded fragments precede it from fragment 0.
 */
export class RecordedFragments {
  private readonly cycle: number;
  /** Offsets in the cycle of its recorded fragments, ascending. */
  private readonly positions: readonly number[];
  /** recordedBefore[i]: recorded fragments among offsets [0, i) of a cycle. */
  private readonly recordedBefore: Int32Array;
  /** runsBefore[i]: fragments among offsets [0, i) that are recorded and follow one that is not (a gap's end). */
  private readonly runsBefore: Int32Array;
  /** Offsets in the cycle of the fragments that end a gap, ascending. */
  private readonly runStarts: readonly number[];

  constructor(
    durationMs: number,
    readonly recording?: Recording,
  ) {
    const period = recording === undefined ? durationMs : recording.everySeconds * 1000;
    this.cycle = period / gcd(period, durationMs);
    const recorded = (n: number) => isRecording(recording, n * durationMs);
    this.recordedBefore = new Int32Array(this.cycle + 1);
    this.runsBefore = new Int32Array(this.cycle + 1);
    const positions: number[] = [];
    const runStarts: number[] = [];
    for (let i = 0; i < this.cycle; i++) {
      const here = recorded(i);
      if (here) positions.push(i);
      this.recordedBefore[i + 1] = this.recordedBefore[i]! + (here ? 1 : 0);
      // offset -1 is the previous cycle's last, the same as offset cycle - 1
      const runStart = here && !recorded(i - 1 + this.cycle);
      if (runStart) runStarts.push(i);
      this.runsBefore[i + 1] = this.runsBefore[i]! + (runStart ? 1 : 0);
    }
    this.positions = positions;
    this.runStarts = runStarts;
  }

  isRecorded(n: number): boolean {
    const offset = mod(n, this.cycle);
    return this.recordedBefore[offset + 1]! > this.recordedBefore[offset]!;
  }

  /** The number of recorded fragments before fragment n (from fragment 0): n's rank when n is recorded. */
  rank(n: number): number {
    return Math.floor(n / this.cycle) * this.positions.length + this.recordedBefore[mod(n, this.cycle)]!;
  }

  /** The recorded fragment of rank r. */
  fragmentOfRank(r: number): number {
    const per = this.positions.length;
    return Math.floor(r / per) * this.cycle + this.positions[mod(r, per)]!;
  }

  /** Recorded fragments in [a, b]. */
  countBetween(a: number, b: number): number {
    return b < a ? 0 : this.rank(b + 1) - this.rank(a);
  }

  /** Gaps ended by fragment n or a fragment before it (from fragment 0): recorded ones after an unrecorded one. */
  gapsUpTo(n: number): number {
    const next = n + 1;
    return (
      Math.floor(next / this.cycle) * this.runsBefore[this.cycle]! + this.runsBefore[mod(next, this.cycle)]!
    );
  }

  /** The newest fragment at or before n that ends a gap; undefined when the stream has no gaps. */
  lastGapEndUpTo(n: number): number | undefined {
    const per = this.runStarts.length;
    if (per === 0) return undefined;
    const r = this.gapsUpTo(n) - 1;
    return Math.floor(r / per) * this.cycle + this.runStarts[mod(r, per)]!;
  }
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function mod(n: number, m: number): number {
  return ((n % m) + m) % m;
}

const cache = new Map<string, RecordedFragments>();

/** The (shared, immutable) schedule of a stream's fragments. */
export function recordedFragments(durationMs: number, recording?: Recording): RecordedFragments {
  const key = `${durationMs}:${recording?.everySeconds}:${recording?.forSeconds}`;
  let found = cache.get(key);
  if (found === undefined) {
    found = new RecordedFragments(durationMs, recording);
    cache.set(key, found);
  }
  return found;
}
