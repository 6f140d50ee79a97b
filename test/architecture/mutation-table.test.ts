// The mutation table in docs/ARCHITECTURE.md is printed from Stryker's JSON reports by scripts/mutation-table.ts:
// Stryker's score (killed and timed out over every mutant that is not an error or ignored), per file and folder.
import { describe, expect, it } from '@jest/globals';
import { mutationRuns } from '../../scripts/mutation';
import { countMutants, mutationTable, scores } from '../../scripts/mutation-table';

// n mutants of one status, on lines from..from+n-1 (a mutant is known by its place and mutation)
const m = (status: string, n = 1, from = 1) =>
  Array.from({ length: n }, (_, i) => ({
    status,
    mutatorName: 'ConditionalExpression',
    replacement: 'true',
    location: { start: { line: from + i, column: 3 }, end: { line: from + i, column: 9 } },
  }));

describe('mutation table', () => {
  it('scores detected over valid mutants, leaves ignored and errors out, and "covered" leaves out the unreached', () => {
    const c = countMutants([
      ...m('Killed', 6),
      ...m('Timeout', 2),
      ...m('Survived', 1),
      ...m('NoCoverage', 1),
      ...m('Ignored', 5),
      ...m('CompileError'),
      ...m('RuntimeError'),
    ]);
    expect(c).toEqual({ Killed: 6, Timeout: 2, Survived: 1, NoCoverage: 1, Errors: 2 });
    expect(scores(c)).toEqual({ total: 12, all: 10, score: 0.8, covered: 8 / 9 });
  });

  it('sums files into folders and all; a mutant measured again counts once, from the later report', () => {
    const first = {
      files: {
        'lambda/kvs/a.ts': { mutants: m('Survived', 4) },
        'lambda/core/b.ts': { mutants: m('Killed', 3) },
      },
    };
    // a re-run over lines 1-3 of a.ts: those three now killed, line 4 as the first report had it
    const later = { files: { 'lambda/kvs/a.ts': { mutants: m('Killed', 3) } } };
    const lines = mutationTable([first, later]).split('\n');
    expect(lines.slice(2)).toEqual([
      '| lambda/core | 3 | 3 | 0 | 0 | 0 | 0 | 100.0 % | 100.0 % |',
      '| - b.ts | 3 | 3 | 0 | 0 | 0 | 0 | 100.0 % | 100.0 % |',
      '| lambda/kvs | 4 | 3 | 0 | 1 | 0 | 0 | 75.0 % | 75.0 % |',
      '| - a.ts | 4 | 3 | 0 | 1 | 0 | 0 | 75.0 % | 75.0 % |',
      '| **all** | 7 | 6 | 0 | 1 | 0 | 0 | 85.7 % | 85.7 % |',
    ]);
    // the same mutation elsewhere on a line, or another mutation at the same place, is another mutant
    const other = {
      files: { 'lambda/kvs/a.ts': { mutants: [{ ...m('Killed')[0]!, replacement: 'false' }] } },
    };
    expect(mutationTable([first, other]).split('\n')[5]).toBe(
      '| - a.ts | 5 | 1 | 0 | 4 | 0 | 0 | 20.0 % | 20.0 % |',
    );
  });
});

describe('npm run mutation', () => {
  it('runs each folder against its own tests: all three by default, a folder whole, or files grouped by folder', () => {
    expect(mutationRuns([])).toEqual([{ folder: 'core' }, { folder: 'contract' }, { folder: 'kvs' }]);
    expect(mutationRuns(['kvs'])).toEqual([{ folder: 'kvs' }]);
    expect(mutationRuns(['lambda/kvs/retry.ts', 'lambda/core/cors.ts', 'lambda/kvs/adapter.ts'])).toEqual([
      { folder: 'kvs', files: ['lambda/kvs/retry.ts', 'lambda/kvs/adapter.ts'] },
      { folder: 'core', files: ['lambda/core/cors.ts'] },
    ]);
    expect(mutationRuns(['lambda/kvs/retry.ts', 'kvs'])).toEqual([{ folder: 'kvs' }]);
    expect(mutationRuns(['kvs', 'lambda/kvs/retry.ts'])).toEqual([{ folder: 'kvs' }]);
  });

  it('refuses anything else, naming it', () => {
    expect(() => mutationRuns(['lib'])).toThrow('lib');
    expect(() => mutationRuns(['lambda/broker/router.ts'])).toThrow('lambda/broker/router.ts');
    expect(() => mutationRuns(['lambda/kvs/README.md'])).toThrow('lambda/kvs/README.md');
  });
});
