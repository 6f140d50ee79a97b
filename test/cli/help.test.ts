// Every command-line tool answers --help and -h with its usage on stdout and exit code 0, doing nothing else
// (the usage report, the dev token, the bench and the soak).
import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function run(script: string, flag: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', script, flag],
      { cwd: ROOT, timeout: 30_000, env: { ...process.env, NODE_OPTIONS: '' } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe.each([
  ['usage', 'usage/report.ts', '--stream NAME'],
  ['token', 'local/token.ts', '--sub <id>'],
  ['bench', 'bench/run.ts', '--print'],
  ['soak', 'scripts/soak.ts', 'SOAK_SECONDS'],
])('npm run %s', (name, script, option) => {
  it.each(['--help', '-h'])(`answers %s with its usage`, async (flag) => {
    const { code, stdout, stderr } = await run(script, flag);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^(Usage: )?npm run ${name}`));
    expect(stdout).toContain(option);
  });
});
