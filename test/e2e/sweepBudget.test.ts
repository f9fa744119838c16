// Proves `mailsim sweep --time-budget` stops a long sweep early, keeps every run it started, says stoppedByTimeBudget with the counts, exits 0 without failures, and refuses a malformed budget with exit 2.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mailsim, STACK_LINE } from './mailsim.ts';

const SCENARIO = 'scenarios/partition-both-deliver.yaml';
const SEED_COUNT = 500;

describe('mailsim sweep --time-budget', () => {
  it('stops starting seeds once the budget passes and reports what ran', async () => {
    const out = await mkdtemp(join(tmpdir(), 'mailsim-e2e-'));
    const run = await mailsim(['sweep', SCENARIO, '--set', 'replica=git', '--seeds', String(SEED_COUNT), '--time-budget', '3s', '--jobs', '1', '--json', '--out', out]);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as { runs: number; planned: number; asExpected: number; notAsExpected: number; errors: unknown[]; stoppedByTimeBudget: boolean; timeBudgetMs: number; interrupted: boolean; exitCode: number };
    expect(summary).toMatchObject({ planned: SEED_COUNT, stoppedByTimeBudget: true, timeBudgetMs: 3_000, interrupted: false, exitCode: 0, errors: [] });
    expect(summary.runs).toBeGreaterThan(0);
    expect(summary.runs).toBeLessThan(SEED_COUNT);
    // Runs never started are neither passed nor failed: the counts cover only what ran.
    expect(summary.asExpected + summary.notAsExpected).toBe(summary.runs);
    const lines = readFileSync(join(out, 'results.jsonl'), 'utf8').split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(summary.runs);
    expect(run.stderr).toContain(`stoppedByTimeBudget: true (3 s): ${SEED_COUNT - summary.runs} of ${SEED_COUNT} planned runs never started`);
  });

  it('refuses a malformed budget with exit 2, one line naming the option', async () => {
    const run = await mailsim(['sweep', SCENARIO, '--seeds', '2', '--time-budget', 'ten minutes']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^mailsim: --time-budget: expected a duration like 90s, 10m, 1h or a number of seconds, got "ten minutes" \[E_INPUT\]$/m);
    expect(run.stderr).not.toMatch(STACK_LINE);
    expect(run.stdout).toBe('');
  });
});
