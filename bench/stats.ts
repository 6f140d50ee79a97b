// Small statistics for the benchmarks: medians and percentiles of samples, and A/B pairs run in turn.

export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

export const median = (samples: readonly number[]): number => quantile(samples, 0.5);

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

export interface Paired {
  a: number[];
  b: number[];
  /** a/b per pair, in run order. */
  ratios: number[];
  medianA: number;
  medianB: number;
  /** The median of the per-pair ratios (not the ratio of medians): pairing cancels the machine's drift. */
  medianRatio: number;
}

/** Runs A and B in turn, `rounds` times, alternating which goes first; each call returns one figure. */
export async function interleave(
  rounds: number,
  a: () => Promise<number>,
  b: () => Promise<number>,
): Promise<Paired> {
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < rounds; i += 1) {
    if (i % 2 === 0) {
      as.push(await a());
      bs.push(await b());
    } else {
      bs.push(await b());
      as.push(await a());
    }
  }
  const ratios = as.map((x, i) => x / bs[i]!);
  return { a: as, b: bs, ratios, medianA: median(as), medianB: median(bs), medianRatio: median(ratios) };
}
