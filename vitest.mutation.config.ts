// The tests Stryker runs against each mutant (npm run mutation): the synthetic, in-process tests
// of the checkers and the merge. Simulated runs (the controls), end-to-end runs, real programs
// and the browser stay out: they take seconds each, and each mutant would rerun them.
// The merge's model-based properties (merge.property.test.ts) run in their quick form
// (MAILSIM_PROPERTY_QUICK: a fixed seed, 30 scenarios per strategy, no known-bad controls), and
// the merge laws check 100 histories each instead of 300.
// mergeLayouts.property.test.ts stays out: it compares one merge under five layouts with
// itself, so a mutant of the merge changes every layout's result alike and cannot fail it,
// and it takes about 17 seconds.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/sim/checkers/**/*.test.ts',
      'test/core/merge.test.ts',
      // merge.laws, merge.property, and the unit tests of core/merge's files (merge.validity...).
      'test/core/merge.*.test.ts',
      'test/core/mergeBase.test.ts',
      'test/core/probes.test.ts',
      'test/core/strategies*.test.ts',
    ],
    exclude: ['test/sim/checkers/controls.test.ts'],
    env: { MAILSIM_PROPERTY_QUICK: '1' },
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
