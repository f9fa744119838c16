// The tests Stryker runs against each mutant (npm run mutation): those that exercise the
// checkers and the merge in process. End-to-end runs, real programs and the browser stay out.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/sim/checkers/**/*.test.ts', 'test/core/merge*.test.ts', 'test/core/strategies*.test.ts', 'test/core/convergence.property.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
