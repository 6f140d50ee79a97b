// Cold starts: a fresh `node` per run imports one bundle and serves one request (bench/children/cold.mjs).
// Each bundle is paired with its floor run for run (A B B A ...), and every run must have served the request.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { interleave, median, round } from './stats';

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

/** `runs` pairs of target and floor, after one unmeasured pair (disk cache, JIT of node itself). */
export async function compareCold(
  target: ColdTarget,
  floor: ColdTarget,
  runs: number,
  env: Record<string, string>,
): Promise<ColdComparison> {
  await coldRun(target, env);
  await coldRun(floor, env);
  const processA: number[] = [];
  const processB: number[] = [];
  const paired = await interleave(
    runs,
    async () => {
      const r = await coldRun(target, env);
      processA.push(r.processMs);
      return r.ms;
    },
    async () => {
      const r = await coldRun(floor, env);
      processB.push(r.processMs);
      return r.ms;
    },
  );
  return {
    bundle: target.label,
    floor: floor.label,
    runs,
    medianMs: round(paired.medianA, 1),
    floorMedianMs: round(paired.medianB, 1),
    ratio: round(paired.medianRatio),
    processMedianMs: round(median(processA), 1),
    floorProcessMedianMs: round(median(processB), 1),
    processRatio: round(median(processA.map((a, i) => a / processB[i]!))),
  };
}
