import { defineConfig } from 'vitest/config';

// Stryker runs the suite once per mutant: the deterministic impl/model tests and the fault audit
// only (no CLI child processes, no worker threads, whose modules stryker cannot instrument per test).
export default defineConfig({
  test: {
    include: [
      'test/impl/deterministic.test.ts', 'test/impl/faults.test.ts', 'test/model/**/*.test.ts', 'test/audit/{catalogue,detectors}.test.ts',
      'test/properties/{faults,invariants}.test.ts',
    ],
    pool: 'forks',
    testTimeout: 60_000,
  },
});
