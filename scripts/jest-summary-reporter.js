import process from 'node:process';

// Prints one plain closing line, "tests: N passed, N failed, N skipped", that CI systems can read.
export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    const {
      numPassedTests: passed,
      numFailedTests: failed,
      numPendingTests: skipped,
      numTodoTests: todo,
    } = results;
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped + todo} skipped\n`);
  }
}
