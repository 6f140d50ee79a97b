// Checks Stryker's timed-out mutants one by one: each is applied alone (to the source the report holds), its covering
// test files run under jest with the mutation setup, and the verdict is printed: FAILED (a test failed: the timeout
// stood for a kill), PASSED (no test failed: a survivor Stryker counted as detected), HANG (still running after
// 30 s, where a failing run takes a few) or ERROR (jest never got to the tests). Stryker restarts a worker after a
// timeout and the new worker's first mutant pays jest's cold start, so a loaded machine turns kills into timeouts in
// runs; Stryker counts both as detected, this tells them apart.
// It writes into the working tree and puts each file back: run it on a clean checkout, nothing else running on it.
//   npm run mutation:timeouts -- coverage/mutation/core.json [more.json ...]
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import type { Mutant } from './mutation-table';

interface Position {
  readonly line: number;
  readonly column: number;
}
/** A mutant as the table reads it, with where it is (always, in a report) and the ids of the tests covering it. */
export interface ReportMutant extends Mutant {
  readonly coveredBy?: readonly string[];
  readonly location: { readonly start: Position; readonly end: Position };
}
export interface TimeoutReport {
  readonly files: Record<string, { readonly source: string; readonly mutants: readonly ReportMutant[] }>;
  readonly testFiles?: Record<string, { readonly tests: readonly { readonly id: string }[] }>;
  readonly projectRoot?: string;
}

/** The source with one mutant applied. Stryker's positions are 1-based lines and 1-based columns. */
export function applyMutant(source: string, { location, replacement = '' }: ReportMutant): string {
  const lines = source.split('\n');
  const offset = ({ line, column }: Position) =>
    lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + column - 1;
  return source.slice(0, offset(location.start)) + replacement + source.slice(offset(location.end));
}

/** Each test's file (relative to the repository), by test id: read once per report. */
export function testFilesById(report: TimeoutReport): ReadonlyMap<string, string> {
  const fileOf = new Map<string, string>();
  for (const [file, { tests }] of Object.entries(report.testFiles ?? {}))
    for (const { id } of tests)
      fileOf.set(id, isAbsolute(file) ? relative(report.projectRoot ?? '.', file) : file);
  return fileOf;
}

/** The test files holding the tests that cover a mutant. */
export function coveringTestFiles(fileOf: ReadonlyMap<string, string>, mutant: ReportMutant): string[] {
  return [...new Set((mutant.coveredBy ?? []).flatMap((id) => fileOf.get(id) ?? []))].sort();
}

/**
 * FAILED only when jest ran the tests and one failed; a run that never got to its tests (a bad option, no test
 * found, a file that does not load) is ERROR, not a kill.
 */
export function verdictOf(status: number | null, output: string): 'FAILED' | 'PASSED' | 'ERROR' {
  const tests = /^Tests:\s+(.*)$/m.exec(output)?.[1];
  if (tests === undefined) return 'ERROR';
  if (/\d+ failed/.test(tests)) return 'FAILED';
  return status === 0 ? 'PASSED' : 'ERROR';
}

function verdict(file: string, source: string, tests: string[]): { verdict: string; seconds: number } {
  const original = readFileSync(file, 'utf8');
  const started = Date.now();
  writeFileSync(file, source);
  try {
    // The test files come before the option: jest reads every word after --setupFilesAfterEnv as a setup file.
    // GNU timeout kills the whole process group (npx, jest and its workers), not only its child.
    const jest = [
      'jest',
      '--silent',
      ...tests,
      '--setupFilesAfterEnv',
      '<rootDir>/test/support/mutation-setup.ts',
    ];
    const run = spawnSync('timeout', ['-s', 'KILL', '30', 'npx', ...jest], {
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '--experimental-vm-modules --no-warnings=ExperimentalWarning' },
    });
    // timeout's KILL reaches its own group, itself included: it dies by the signal instead of exiting 124.
    const hung = run.signal === 'SIGKILL' || run.status === 124 || run.status === 137;
    const v = hung ? 'HANG' : verdictOf(run.status, `${run.stdout}${run.stderr}`);
    return { verdict: v, seconds: (Date.now() - started) / 1000 };
  } finally {
    writeFileSync(file, original);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const counts = new Map<string, number>();
  for (const path of process.argv.slice(2)) {
    const report = JSON.parse(readFileSync(path, 'utf8')) as TimeoutReport;
    const fileOf = testFilesById(report);
    for (const [file, { source, mutants }] of Object.entries(report.files)) {
      for (const mutant of mutants.filter((m) => m.status === 'Timeout')) {
        const tests = coveringTestFiles(fileOf, mutant);
        const { verdict: v, seconds } = verdict(file, applyMutant(source, mutant), tests);
        counts.set(v, (counts.get(v) ?? 0) + 1);
        const { line, column } = mutant.location.start;
        console.log(
          `${v} ${seconds.toFixed(1)} s ${file}:${line}:${column} ${mutant.mutatorName} (${tests.length} test files)`,
        );
      }
    }
  }
  console.log([...counts].map(([v, n]) => `${v} ${n}`).join(', ') || 'no timed-out mutants');
}
