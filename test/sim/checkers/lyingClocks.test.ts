// Proves no-lost-flags does not take causality from the backend: with the lying-clocks-drop-flag mutant the git adapter stamps one dominating clock on every write; a judgment by such clocks excuses a lost flag, and no-lost-flags (causality from the history) still catches it.
import { describe, expect, it } from 'vitest';
import { runWorld } from '../../../backends/world.ts';
import { LYING_CLOCK_COUNT } from '../../../backends/git/server/causality.ts';
import { clientOps, opsOf } from '../../../sim/checkers/historyView.ts';
import { checkNoLostFlags, fromStampedClocks, judgeNoLostFlags } from '../../../sim/checkers/noLostFlags.ts';
import { controlWorldConfig } from './controlWorld.ts';
import { checkInput, converged, HistoryBuilder, mailbox, message } from './historyBuilder.ts';

const RUN_TIMEOUT_MS = 300_000;
/** Measured: with seed 2 the merge drops a flag write whose order the history shows (seed 1's drop it does not settle). */
const SEED = 2;
const LIE = { s1: LYING_CLOCK_COUNT, s2: LYING_CLOCK_COUNT };

describe('lying-clocks-drop-flag', () => {
  it('a judgment by the lying clocks excuses a lost clear; the history does not', () => {
    const h = new HistoryBuilder();
    h.store('s1', 'imap-0', { uid: 1, guid: 'g1', mode: '+', flags: ['\\Seen'] }, 'ok', { flagsAfter: ['\\Seen'], modseq: 2, vclock: LIE });
    const clear = h.store('s1', 'imap-0', { uid: 1, guid: 'g1', mode: '-', flags: ['\\Seen'] }, 'ok', { flagsAfter: [], modseq: 3, vclock: LIE }).done;
    const lost = checkInput(h, converged(['s1', 's2'], [mailbox('INBOX', [message('g1', 1, { flags: ['\\Seen'] })])]));
    expect(judgeNoLostFlags(lost, fromStampedClocks).verdict).toBe('not-applicable');
    const result = checkNoLostFlags(lost);
    expect(result.verdict).toBe('invalid');
    expect(result.evidence).toEqual([clear]);
  });

  it('a real run with the mutant stays invalid, its every stamped clock the lie', { timeout: RUN_TIMEOUT_MS }, async () => {
    const lying = await runWorld(controlWorldConfig(SEED, 'lying-clocks-drop-flag'));
    const stamped = opsOf(clientOps(lying.history), 'store').filter((op) => op.outcome === 'ok').map((op) => op.value.vclock);
    expect(stamped.length).toBeGreaterThan(0);
    for (const vclock of stamped) expect(Object.values(vclock ?? {})).toEqual(['s1', 's2', 's3'].map(() => LYING_CLOCK_COUNT));
    expect(lying.checks['no-lost-flags']?.verdict).toBe('invalid');
    expect(lying.verdict).toBe('invalid');
  });
});
