// The tests Stryker runs against each mutant (npm run mutation): the synthetic, in-process tests
// of the checkers and the merge. Simulated runs (the controls), end-to-end runs, real programs
// and the browser stay out: they take seconds each, and each mutant would rerun them.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/sim/checkers/**/*.test.ts', 'test/core/merge.test.ts', 'test/core/merge.laws.test.ts', 'test/core/strategies*.test.ts'],
    exclude: ['test/sim/checkers/controls.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
