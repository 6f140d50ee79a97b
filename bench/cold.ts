// Cold starts: a fresh `node` per run imports one bundle and serves one request (bench/children/cold.mjs).
// All bundles run in turn, round after round, and every run must have served the request.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { median, round } from './stats';

const CHILD = fileURLToPath(new URL('./children/cold.mjs', import.meta.url));

export interface ColdRun {
  /** import + first call, timed inside the process. */
  ms: number;
  /** the whole process, spawn to exit, timed from outside. */
  processMs: number;
}

export interface ColdTarget {
  label: string;
  file: string;
  eventFile: string;
  /** What the one request must answer (statusCode, or the policy's Effect). */
  expect: string | number;
}

export function writeEvent(dir: string, name: string, event: unknown): string {
  const file = `${dir}/${name}.json`;
  writeFileSync(file, JSON.stringify(event));
  return file;
}

export function coldRun(target: ColdTarget, env: Record<string, string>): Promise<ColdRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CHILD, target.file, target.eventFile], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('error', reject);
    child.once('exit', () => {
      const processMs = performance.now() - started;
      const line = /@@cold (.*)/.exec(out)?.[1];
      if (!line) return reject(new Error(`${target.label}: no result\n${out}\n${err}`));
      const result = JSON.parse(line) as { totalMs: number; outcome: string | number };
      if (result.outcome !== target.expect) {
        return reject(
          new Error(`${target.label}: answered ${result.outcome}, expected ${target.expect}\n${out}${err}`),
        );
      }
      resolve({ ms: result.totalMs, processMs });
    });
  });
}

export interface ColdComparison {
  bundle: string;
  floor: string;
  runs: number;
  medianMs: number;
  floorMedianMs: number;
  /** median of the per-pair ratios, import + first call */
  ratio: number;
  processMedianMs: number;
  floorProcessMedianMs: number;
  processRatio: number;
}

/**
 * Every target once per round, in an order that rotates from round to round, after one unmeasured round (disk
 * cache). Each comparison's ratio is the median over rounds of target / floor from the same round, so that a
 * burst of load from elsewhere moves both sides of a pair, and every floor run serves every comparison.
 */
export async function compareColdRoundRobin(
  targets: readonly ColdTarget[],
  comparisons: readonly [target: string, floor: string][],
  rounds: number,
  env: Record<string, string>,
  onRound: (round: number) => void = () => {},
): Promise<ColdComparison[]> {
  const runs = new Map<string, ColdRun[]>(targets.map((t) => [t.label, []]));
  for (const t of targets) await coldRun(t, env);
  for (let r = 0; r < rounds; r += 1) {
    onRound(r);
    for (let k = 0; k < targets.length; k += 1) {
      const t = targets[(r + k) % targets.length]!;
      runs.get(t.label)!.push(await coldRun(t, env));
    }
  }
  return comparisons.map(([a, b]) => {
    const as = runs.get(a)!;
    const bs = runs.get(b)!;
    return {
      bundle: a,
      floor: b,
      runs: rounds,
      medianMs: round(median(as.map((x) => x.ms)), 1),
      floorMedianMs: round(median(bs.map((x) => x.ms)), 1),
      ratio: round(median(as.map((x, i) => x.ms / bs[i]!.ms))),
      processMedianMs: round(median(as.map((x) => x.processMs)), 1),
      floorProcessMedianMs: round(median(bs.map((x) => x.processMs)), 1),
      processRatio: round(median(as.map((x, i) => x.processMs / bs[i]!.processMs))),
    };
  });
}
