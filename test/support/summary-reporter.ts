import type { Reporter, TestModule } from 'vitest/node';

/** CI reads only a closing line `N passed, N failed, N skipped`; vitest's own summary is not one. */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: readonly TestModule[]): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const m of testModules) {
      const tests = [...m.children.allTests()];
      for (const t of tests) {
        const s = t.result().state;
        if (s === 'passed') passed++;
        else if (s === 'failed') failed++;
        else skipped++;
      }
      // A file that fails to load has no tests: count it, or a broken import would read as green.
      if (m.state() === 'failed' && tests.length === 0) failed++;
    }
    process.stdout.write(`${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
