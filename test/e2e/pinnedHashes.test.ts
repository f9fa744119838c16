// Proves that every reference-replica run of the default suite still has its pinned history hash (reports/baselines/hashes.json), naming any run that differs.
import { describe, expect, it } from 'vitest';
import { mailsim } from './mailsim.ts';

describe('pinned history hashes', () => {
  it('are unchanged for every reference-replica run of the default suite', async () => {
    const run = await mailsim(['hashes']);
    // On a difference the output names each run; rewrite with `mailsim hashes --write` only for a change meant to alter histories.
    expect(run.stdout + run.stderr).toMatch(/^all \d+ history hashes as pinned/m);
    expect(run.code).toBe(0);
  }, 900_000);
});
