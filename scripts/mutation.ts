// `npm run mutation`: one Stryker run per folder (lambda/core, lambda/contract, lambda/kvs), each against its own
// tests (stryker.config.mjs reads MUTATION_FOLDER), then the score table of docs/ARCHITECTURE.md from their reports.
//   npm run mutation                          # the three folders, one after another
//   npm run mutation -- kvs                   # one folder
//   npm run mutation -- lambda/kvs/retry.ts lambda/core/cors.ts   # some files, each against its folder's tests
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mutationTable } from './mutation-table';

const FOLDERS = ['core', 'contract', 'kvs'] as const;

/** Which Stryker runs the arguments ask for: a folder whole, or some of its files (`--mutate`). */
export function mutationRuns(args: readonly string[]): { folder: string; files?: string[] }[] {
  if (args.length === 0) return FOLDERS.map((folder) => ({ folder }));
  const runs = new Map<string, string[] | undefined>();
  for (const arg of args) {
    const folder = (FOLDERS as readonly string[]).includes(arg)
      ? arg
      : /^lambda\/(\w+)\/.+\.ts$/.exec(arg)?.[1];
    if (folder === undefined || !(FOLDERS as readonly string[]).includes(folder))
      throw new Error(
        `not a folder (${FOLDERS.join(', ')}) or a file under lambda/${FOLDERS.join('|')}: ${arg}`,
      );
    const files = runs.has(folder) ? runs.get(folder) : [];
    runs.set(folder, arg === folder || files === undefined ? undefined : [...files, arg]);
  }
  return [...runs].map(([folder, files]) => (files ? { folder, files } : { folder }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const runs = mutationRuns(process.argv.slice(2));
  for (const { folder, files } of runs) {
    const args = ['stryker', 'run', ...(files ? ['--mutate', files.join(',')] : [])];
    console.log(`\n# lambda/${folder}${files ? `: ${files.join(', ')}` : ''}`);
    const run = spawnSync('npx', args, {
      stdio: 'inherit',
      env: { ...process.env, MUTATION_FOLDER: folder },
    });
    if (run.status !== 0) process.exit(run.status ?? 1);
  }
  const reports = runs.map(({ folder }) =>
    JSON.parse(readFileSync(`coverage/mutation/${folder}.json`, 'utf8')),
  );
  console.log(`\n${mutationTable(reports)}`);
}
