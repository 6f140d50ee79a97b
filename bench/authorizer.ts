// The authorizer's hot path: decisions per second and CPU per decision against its floor (jose `jwtVerify` plus one
// JSON audit line), and where our part of a decision goes, each piece timed in situ (bench/children/
// authorizer-parts.ts). Both run in child processes: their log lines go to a discarded stdout.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as f from './fixtures';
import { median, round } from './stats';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Runs a benchmark child (its stdout, full of log lines, discarded) and returns what it sends over IPC. */
export function child<T>(args: string[], env: Record<string, string>): Promise<T> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, args, {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    let message: T | undefined;
    proc.on('message', (m) => (message = m as T));
    proc.once('error', reject);
    proc.once('exit', (code) =>
      message !== undefined ? resolve(message) : reject(new Error(`${args.join(' ')}: exit ${code}`)),
    );
  });
}

type Side = 'ours' | 'floor' | 'jose';
type Round = Record<Side, { perSecond: number; cpuUs: number }>;

export interface AuthorizerRate {
  /** Medians over rounds. */
  oursPerSecond: number;
  floorPerSecond: number;
  josePerSecond: number;
  oursCpuUs: number;
  floorCpuUs: number;
  joseCpuUs: number;
  /** Medians of the per-round ratios ours / floor (and ours / bare jose, reported). */
  rateRatio: number;
  cpuRatio: number;
  rateRatioToJose: number;
  cpuRatioToJose: number;
}

function summarize(rounds: Round[]): AuthorizerRate {
  const m = (pick: (r: Round) => number, digits = 0) => round(median(rounds.map(pick)), digits);
  return {
    oursPerSecond: m((r) => r.ours.perSecond),
    floorPerSecond: m((r) => r.floor.perSecond),
    josePerSecond: m((r) => r.jose.perSecond),
    oursCpuUs: m((r) => r.ours.cpuUs, 1),
    floorCpuUs: m((r) => r.floor.cpuUs, 1),
    joseCpuUs: m((r) => r.jose.cpuUs, 1),
    rateRatio: m((r) => r.ours.perSecond / r.floor.perSecond, 2),
    cpuRatio: m((r) => r.ours.cpuUs / r.floor.cpuUs, 2),
    rateRatioToJose: m((r) => r.ours.perSecond / r.jose.perSecond, 2),
    cpuRatioToJose: m((r) => r.ours.cpuUs / r.jose.cpuUs, 2),
  };
}

export interface AuthorizerBenchOptions {
  dir: string;
  keys: f.Keys;
  /** The deployed authorizer bundle. */
  bundleFile: string;
  env: Record<string, string>;
  rounds: number;
  tokensPerAlg: number;
  partsRounds: number;
}

/** Decisions/s and CPU per decision, RS256 and ES256, and the in-situ cost of each piece of a decision. */
export async function authorizerBench(o: AuthorizerBenchOptions) {
  const events = [];
  for (const alg of ['RS256', 'ES256'] as const) {
    for (let i = 0; i < o.tokensPerAlg; i += 1) {
      const streamName = `cam-${String(i % 200).padStart(3, '0')}`;
      events.push({ alg, event: f.authorizerEvent(await o.keys.mint(alg, `user-${i}`), streamName) });
    }
  }
  const eventsFile = `${o.dir}/rate-events.json`;
  writeFileSync(eventsFile, JSON.stringify(events));
  const rates = await child<Record<string, Round[]>>(
    ['bench/children/authorizer-rate.mjs', o.bundleFile, eventsFile, String(o.rounds)],
    o.env,
  );
  const partsUs = await child<Record<string, number>>(
    ['--import', 'tsx', 'bench/children/authorizer-parts.ts', String(o.partsRounds)],
    o.env,
  );
  return {
    rate: Object.fromEntries(Object.entries(rates).map(([alg, rounds]) => [alg, summarize(rounds)])),
    partsUs,
  };
}
