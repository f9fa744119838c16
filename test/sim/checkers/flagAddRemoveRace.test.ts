// Proves what no-lost-flags does with the concurrent add and remove of one flag (scenarios/flag-add-remove-race.yaml): the merge keeps the flag although both causally last writes cleared it, the checker accepts it because each clear was concurrent with an add, and it still fails a loss where the clears are settled.
import { describe, expect, it } from 'vitest';
import { allMessages } from '../../../core/messageMap.ts';
import { historyClocks } from '../../../sim/checkers/historyCausality.ts';
import { clientOps, opsOf } from '../../../sim/checkers/historyView.ts';
import { checkNoLostFlags } from '../../../sim/checkers/noLostFlags.ts';
import { causallyLast } from '../../../sim/checkers/vclock.ts';
import { runWorld } from '../../../backends/world.ts';
import { loadScenario } from '../../../scenarios/loader.ts';
import { resolveScenario } from '../../../scenarios/resolve.ts';
import { checkInput, converged, HistoryBuilder, mailbox, message, seen } from './historyBuilder.ts';

const RUN_TIMEOUT_MS = 120_000;

describe('the concurrent add and remove of one flag', () => {
  it('scenario: the flag survives both clears, and no-lost-flags accepts it while judging the uncontended write', { timeout: RUN_TIMEOUT_MS }, async () => {
    const loaded = await loadScenario('scenarios/flag-add-remove-race.yaml');
    const outcome = await runWorld(resolveScenario(loaded, 1));
    for (const final of outcome.finals) {
      const inbox = final.state.mailboxes.get('INBOX');
      const raced = inbox ? [...allMessages(inbox.messages)].find((m) => m.uid === 2) : undefined;
      expect(raced?.flags, final.node).toContain('\\Flagged');
    }
    const result = outcome.checks['no-lost-flags'];
    expect(result?.verdict).toBe('valid');
    expect(result?.explanation).toMatch(/^1 of 2 written \(message, flag\) pairs have a settled causally last value/);
    expect(outcome.verdict).toBe('valid');
    // The causally last writes to the flag are the two clears: only the excuse lets the flag stand.
    const stores = opsOf(clientOps(outcome.history), 'store').filter((op) => op.outcome === 'ok' && op.value.uid === 2);
    const clocks = historyClocks(clientOps(outcome.history));
    const last = causallyLast(stores, (op) => clocks.get(op.index) ?? {});
    expect(last.map((op) => [op.node, op.value.mode])).toEqual([['a', '-'], ['c', '-']]);
  });

  /**
   * A sets the flag on n4 and C clears it on n0 after a client read A there; B sets it on n3
   * and D clears it there later. The final flag is set.
   */
  function race(clearAfterBoth: boolean): { h: HistoryBuilder; c: number; d: number } {
    const h = new HistoryBuilder();
    const flag = { uid: 1, guid: 'g1', flags: ['\\Flagged'] };
    h.store('n4', 'imap-4', { ...flag, mode: '+' }, 'ok', { flagsAfter: ['\\Flagged'], modseq: 2 });
    h.store('n3', 'imap-3', { ...flag, mode: '+' }, 'ok', { flagsAfter: ['\\Flagged'], modseq: 2 });
    h.select('n4', 'imap-0', { uidValidity: 1, uidNext: 2, messages: [seen(1, 'g1', ['\\Flagged'], 2)] });
    if (clearAfterBoth) h.select('n3', 'imap-0', { uidValidity: 1, uidNext: 2, messages: [seen(1, 'g1', ['\\Flagged'], 2)] });
    const c = h.store('n0', 'imap-0', { ...flag, mode: '-' }, 'ok', { flagsAfter: [], modseq: 3 }).done;
    const d = h.store('n3', 'imap-3', { ...flag, mode: '-' }, 'ok', { flagsAfter: [], modseq: 3 }).done;
    return { h, c, d };
  }
  const flagged = converged(['n0', 'n3', 'n4'], [mailbox('INBOX', [message('g1', 1, { flags: ['\\Flagged'] })])]);

  it('accepts the flag when each causally last clear was concurrent with an add', () => {
    const { h } = race(false);
    const result = checkNoLostFlags(checkInput(h, flagged));
    expect(result.verdict).toBe('not-applicable');
    expect(result.judgedCount).toBe(0);
  });

  it('negative control: once every add happened before both clears, the surviving flag is a lost write', () => {
    const { h, c, d } = race(true);
    const result = checkNoLostFlags(checkInput(h, flagged));
    expect(result.verdict).toBe('invalid');
    expect(result.evidence).toEqual([c, d]);
  });
});
