// scripts/mutation-timeouts.ts applies a timed-out mutant alone to the source Stryker's report holds and runs the
// test files that cover it: where the mutation lands, and which files run.
import { describe, expect, it } from '@jest/globals';
import {
  applyMutant,
  coveringTestFiles,
  testFilesById,
  verdictOf,
  type ReportMutant,
} from '../../scripts/mutation-timeouts';

const at = (
  line: number,
  column: number,
  endLine: number,
  endColumn: number,
  replacement: string,
): ReportMutant => ({
  status: 'Timeout',
  replacement,
  location: { start: { line, column }, end: { line: endLine, column: endColumn } },
});

const SOURCE = [
  'const a = 1;',
  "if (x > 0) throw invalid(keys.join(', '), 'unknown field');",
  'return a;',
].join('\n');

describe('applyMutant', () => {
  it('replaces the span between 1-based line and column positions, end excluded', () => {
    // line 2, columns 36..39 hold `', '` (Stryker's StringLiteral mutant of the join separator)
    expect(applyMutant(SOURCE, at(2, 36, 2, 40, '""')).split('\n')[1]).toBe(
      'if (x > 0) throw invalid(keys.join(""), \'unknown field\');',
    );
    expect(applyMutant(SOURCE, at(1, 11, 1, 12, '2')).split('\n')[0]).toBe('const a = 2;');
    expect(applyMutant(SOURCE, at(3, 1, 3, 10, '')).split('\n')[2]).toBe('');
  });

  it('replaces a span over several lines, and leaves the rest as it was', () => {
    const mutated = applyMutant(SOURCE, at(1, 13, 3, 1, ' '));
    expect(mutated).toBe('const a = 1; return a;');
    expect(applyMutant(SOURCE, at(2, 5, 2, 10, 'true'))).toBe(SOURCE.replace('x > 0', 'true'));
  });
});

describe('coveringTestFiles', () => {
  const report = {
    projectRoot: '/repo',
    files: {},
    testFiles: {
      'test/lambda/core/b.test.ts': { tests: [{ id: '3' }, { id: '4' }] },
      'test/lambda/core/a.test.ts': { tests: [{ id: '1' }, { id: '2' }] },
      '/repo/test/lambda/core/c.test.ts': { tests: [{ id: '5' }] },
    },
  };

  it('names each file holding a covering test once, sorted, relative to the project', () => {
    const mutant = { ...at(1, 1, 1, 2, ''), coveredBy: ['4', '2', '1', '5'] };
    expect(coveringTestFiles(testFilesById(report), mutant)).toEqual([
      'test/lambda/core/a.test.ts',
      'test/lambda/core/b.test.ts',
      'test/lambda/core/c.test.ts',
    ]);
  });

  it('names none for a mutant no test covers, or a report without test files', () => {
    expect(coveringTestFiles(testFilesById(report), at(1, 1, 1, 2, ''))).toEqual([]);
    expect(
      coveringTestFiles(testFilesById({ files: {} }), { ...at(1, 1, 1, 2, ''), coveredBy: ['1'] }),
    ).toEqual([]);
  });
});

describe('verdictOf', () => {
  it('is FAILED only when jest ran the tests and one failed', () => {
    expect(verdictOf(1, 'Tests:       1 failed, 37 passed, 38 total\n')).toBe('FAILED');
    expect(verdictOf(0, 'Test Suites: 1 passed\nTests:       38 passed, 38 total\n')).toBe('PASSED');
  });

  it('is ERROR when jest never got to the tests, whatever its exit status', () => {
    // jest reads every word after --setupFilesAfterEnv as a setup file: the test file was "not found"
    const invalid =
      '● Validation Error:\n\n  Module test/a.test.ts in the setupFilesAfterEnv option was not found.\n';
    expect(verdictOf(1, invalid)).toBe('ERROR');
    expect(verdictOf(1, 'No tests found, exiting with code 1\n')).toBe('ERROR');
    expect(verdictOf(1, 'Test Suites: 1 failed\nTests:       0 total\n')).toBe('ERROR');
  });
});
