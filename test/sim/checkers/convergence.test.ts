// Proves convergence accepts identical final trees and states within the bound and catches a replica that stopped syncing.
import { describe, expect, it } from 'vitest';
import { checkConvergence } from '../../../sim/checkers/convergence.ts';
import { checkInput, converged, finalReplica, HistoryBuilder, mailbox, message } from './historyBuilder.ts';

const boxes = [mailbox('INBOX', [message('g1', 1)])];

function healed(): { h: HistoryBuilder; heal: number } {
  const h = new HistoryBuilder();
  h.fault({ kind: 'partition', groups: [['n1'], ['n2']] });
  h.at(500);
  const heal = h.fault({ kind: 'heal' });
  h.deliver('n1', { messageId: 'a', guid: 'g1', uid: 1 });
  return { h, heal };
}

describe('convergence', () => {
  it('is valid when all replicas agree within the bound, with time and sync rounds as costs', () => {
    const { h } = healed();
    const result = checkConvergence(checkInput(h, converged(['n1', 'n2', 'n3'], boxes), { convergence: { lastHealMs: 500, convergedAtMs: 800, boundMs: 1000, syncRounds: 3 } }));
    expect(result.verdict).toBe('valid');
    expect(result.costs).toEqual({ convergenceTimeMs: 300, syncRounds: 3 });
    expect(result.explanation).toContain('300 ms');
  });

  it('negative control stop-sync: replicas whose trees differ at the end are invalid, evidence at the last heal', () => {
    const { h, heal } = healed();
    const finals = [finalReplica('n1', boxes, 'tree-a'), finalReplica('n2', [mailbox('INBOX', [])], 'tree-b')];
    const result = checkConvergence(checkInput(h, finals, { convergence: { lastHealMs: 500, convergedAtMs: null } }));
    expect(result.verdict).toBe('invalid');
    expect(result.evidence).toEqual([heal]);
    expect(result.explanation).toContain('n2 ends with tree tree-b');
  });

  it('negative control: equal trees but different states, or agreement after the bound, are invalid', () => {
    const { h } = healed();
    const sameTree = [finalReplica('n1', boxes, 't'), finalReplica('n2', [mailbox('INBOX', [message('g1', 1, { flags: ['\\Seen'] })])], 't')];
    expect(checkConvergence(checkInput(h, sameTree)).verdict).toBe('invalid');
    const late = checkConvergence(checkInput(h, converged(['n1', 'n2'], boxes), { convergence: { lastHealMs: 500, convergedAtMs: 2000, boundMs: 1000 } }));
    expect(late.verdict).toBe('invalid');
    expect(late.explanation).toContain('1500 ms after the last heal, bound 1000 ms');
  });
});
