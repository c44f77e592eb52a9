// Prints one closing line over every runner's JSON report: "tests: N passed, N failed, N skipped".
// A missing report counts as a failure (the runner crashed before reporting).
import { existsSync, readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
let missing = 0;
for (const file of process.argv.slice(2)) {
  if (!existsSync(file)) {
    console.error(`missing test report: ${file}`);
    missing += 1;
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  if ('numPassedTests' in report) {
    // vitest; a file that failed outside any test (a hook, an import) counts as one failure.
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + report.numTodoTests;
    if (report.numFailedTests === 0 && (report.numFailedTestSuites > 0 || report.success === false)) {
      console.error(`vitest reported ${report.numFailedTestSuites} failed file(s) outside tests`);
      failed += Math.max(1, report.numFailedTestSuites);
    }
  } else if (report.stats) {
    // playwright
    passed += report.stats.expected;
    failed += report.stats.unexpected;
    skipped += report.stats.skipped;
    failed += report.errors?.length ?? 0;
  }
}
console.log(`tests: ${passed} passed, ${failed + missing} failed, ${skipped} skipped`);
process.exit(failed + missing > 0 || passed === 0 ? 1 : 0);
