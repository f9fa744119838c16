// Proves no-lost-flags does not take causality from the backend: with the lying-clocks-drop-flag mutant the git adapter stamps one dominating clock on every write, a judgment by those clocks excuses the lost flag, and no-lost-flags (causality from the history) still catches it.
import { describe, expect, it } from 'vitest';
import { runWorld } from '../../../backends/world.ts';
import { LYING_CLOCK_COUNT } from '../../../backends/git/gitServer.ts';
import { clientOps, opsOf } from '../../../sim/checkers/historyView.ts';
import { fromStampedClocks, judgeNoLostFlags } from '../../../sim/checkers/noLostFlags.ts';
import type { CheckInput } from '../../../sim/checkers/types.ts';
import { controlWorldConfig } from './controlWorld.ts';

const RUN_TIMEOUT_MS = 300_000;
/** Measured: with seed 1 the merge drops a flag whose pair also has a write of the other value, so equal clocks excuse it. */
const SEED = 1;

function inputOf(outcome: { history: CheckInput['history']; finals: CheckInput['finals'] }): CheckInput {
  return { history: outcome.history, finals: outcome.finals, strategy: { name: 'renumber', mayResetValidity: false }, convergence: { lastHealMs: 0, convergedAtMs: 0, boundMs: 0, syncRounds: 0 } };
}

describe('lying-clocks-drop-flag', () => {
  it('the adapter\'s clocks would hide the lost flag; the history does not', { timeout: RUN_TIMEOUT_MS }, async () => {
    const lying = await runWorld(controlWorldConfig(SEED, 'lying-clocks-drop-flag'));
    const stamped = opsOf(clientOps(lying.history), 'store').filter((op) => op.outcome === 'ok').map((op) => op.value.vclock);
    expect(stamped.length).toBeGreaterThan(0);
    for (const vclock of stamped) expect(Object.values(vclock ?? {})).toEqual(['s1', 's2', 's3'].map(() => LYING_CLOCK_COUNT));
    expect(judgeNoLostFlags(inputOf(lying), fromStampedClocks).verdict).toBe('valid');
    const result = lying.checks['no-lost-flags'];
    expect(result?.verdict).toBe('invalid');
    expect(result?.explanation).toMatch(/lost flag writes/);
    expect(lying.verdict).toBe('invalid');
  });

  it('the same run with honest clocks (drop-flag-change alone) is caught by both judgments: the lie is what hid it', { timeout: RUN_TIMEOUT_MS }, async () => {
    const honest = await runWorld(controlWorldConfig(SEED, 'drop-flag-change'));
    expect(judgeNoLostFlags(inputOf(honest), fromStampedClocks).verdict).toBe('invalid');
    expect(honest.checks['no-lost-flags']?.verdict).toBe('invalid');
  });
});
