import { defineConfig } from 'vitest/config';
import { SLOW_TEST_FILES } from './test/tiers.ts';

const ALL_TESTS = 'test/**/*.test.ts';

// Two projects, every test file in exactly one: `vitest run` (npm test) runs both,
// `vitest run --project fast` (npm run test:fast) the in-process ones only.
export const config = defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    globalSetup: ['test/tempRoot.globalSetup.ts'],
    projects: [
      { extends: true, test: { name: 'fast', include: [ALL_TESTS], exclude: [...SLOW_TEST_FILES], setupFiles: ['test/fastTier.setup.ts'] } },
      { extends: true, test: { name: 'slow', include: [...SLOW_TEST_FILES] } },
    ],
  },
});

export default config;
