// Prints the mutation score table of docs/ARCHITECTURE.md from StrykerJS JSON reports (`npm run mutation` writes
// coverage/mutation/<folder>.json). Several reports may be given, for runs over parts of the scope: a mutant measured
// in more than one report (the same file, place and mutation) counts once, from the last report that has it, so a
// re-run over some lines of a file (`--mutate file:10-20`, after tests were added) updates just those mutants.
//   npm run mutation:table -- coverage/mutation/mutation.json [more.json ...]
import { readFileSync } from 'node:fs';

export interface Mutant {
  readonly status: string;
  readonly mutatorName?: string;
  readonly replacement?: string;
  readonly location?: { start: { line: number; column: number }; end: { line: number; column: number } };
}
interface Report {
  readonly files: Record<string, { readonly mutants: readonly Mutant[] }>;
}

const COLUMNS = ['Killed', 'Timeout', 'Survived', 'NoCoverage', 'Errors'] as const;
type Counts = Record<(typeof COLUMNS)[number], number>;

export function countMutants(mutants: readonly Mutant[]): Counts {
  const counts: Counts = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, Errors: 0 };
  for (const { status } of mutants) {
    if (status === 'CompileError' || status === 'RuntimeError') counts.Errors += 1;
    else if (status in counts) counts[status as keyof Counts] += 1;
  }
  return counts;
}

function add(a: Counts, b: Counts): Counts {
  return Object.fromEntries(COLUMNS.map((c) => [c, a[c] + b[c]])) as Counts;
}

/** Stryker's score: detected (killed or timed out) over valid mutants; "covered" leaves out the unreached. */
export function scores(c: Counts): { total: number; all: number; score: number; covered: number } {
  const all = c.Killed + c.Timeout + c.Survived + c.NoCoverage;
  const detected = c.Killed + c.Timeout;
  return { total: all + c.Errors, all, score: detected / all, covered: detected / (all - c.NoCoverage) };
}

function row(name: string, c: Counts): string {
  const s = scores(c);
  const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)} %` : '-');
  return `| ${name} | ${s.total} | ${COLUMNS.map((k) => c[k]).join(' | ')} | ${pct(s.score)} | ${pct(s.covered)} |`;
}

/** A mutant's identity across reports: where it is and what it does. */
function mutantKey({ location, mutatorName, replacement }: Mutant): string {
  const at =
    location && `${location.start.line}:${location.start.column}-${location.end.line}:${location.end.column}`;
  return JSON.stringify([at, mutatorName, replacement]);
}

export function mutationTable(reports: readonly Report[]): string {
  const byFile = new Map<string, Map<string, Mutant>>();
  for (const report of reports)
    for (const [file, { mutants }] of Object.entries(report.files)) {
      const known = byFile.get(file) ?? new Map<string, Mutant>();
      for (const mutant of mutants) known.set(mutantKey(mutant), mutant);
      byFile.set(file, known);
    }
  const files = new Map([...byFile].map(([file, mutants]) => [file, countMutants([...mutants.values()])]));
  const folders = new Map<string, [string, Counts][]>();
  for (const [file, counts] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    const folder = file.split('/').slice(0, -1).join('/');
    folders.set(folder, [...(folders.get(folder) ?? []), [file, counts]]);
  }
  const zero = countMutants([]);
  const lines = [
    '| folder, file | mutants | killed | timed out | survived | no coverage | errors | score | covered |',
  ];
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  let total = zero;
  for (const [folder, rows] of folders) {
    const sum = rows.reduce((acc, [, c]) => add(acc, c), zero);
    total = add(total, sum);
    lines.push(row(folder, sum));
    for (const [file, c] of rows) lines.push(row(`- ${file.split('/').pop()}`, c));
  }
  lines.push(row('**all**', total));
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const paths = process.argv.slice(2);
  if (paths.length === 0) {
    console.error('usage: npm run mutation:table -- report.json [more.json ...]');
    process.exit(2);
  }
  console.log(mutationTable(paths.map((p) => JSON.parse(readFileSync(p, 'utf8')) as Report)));
}
