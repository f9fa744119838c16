// Proves convergence picks the start of quiescence as evidence, compares strategy data and message sets regardless of insertion order, and says unknown when agreement was never seen.
import { describe, expect, it } from 'vitest';
import { bucketOf } from '../../../core/messageMap.ts';
import type { Mailbox } from '../../../core/state.ts';
import { checkConvergence, stateFingerprint } from '../../../sim/checkers/convergence.ts';
import { checkInput, converged, finalReplica, HistoryBuilder, mailbox, message, storeState } from './historyBuilder.ts';

const boxes = [mailbox('INBOX', [message('g1', 1)])];
const diverged = [finalReplica('n1', boxes, 'tree-a'), finalReplica('n2', [mailbox('INBOX', [])], 'tree-b')];

/** Two GUIDs that share a bucket of the message map, so their iteration order is their insertion order. */
function sameBucketGuids(): [string, string] {
  const first = 'g0';
  for (let i = 1; i < 10_000; i++) if (bucketOf(`g${i}`) === bucketOf(first)) return [first, `g${i}`];
  throw new Error('no two GUIDs share a bucket');
}

describe('convergence (more)', () => {
  it('takes the last heal or restart at or before lastHealMs as evidence, not a later one nor another fault', () => {
    const h = new HistoryBuilder();
    h.at(100);
    h.fault({ kind: 'heal' });
    h.at(200);
    const restart = h.fault({ kind: 'restart', node: 'n2' });
    h.fault({ kind: 'crash', node: 'n1', mode: 'process' });
    h.record('nemesis', 'nemesis', 'info', 'note', null);
    h.record('n1', 'net', 'info', 'heal', { kind: 'heal' });
    h.at(900);
    h.fault({ kind: 'heal' });
    const result = checkConvergence(checkInput(h, diverged, { convergence: { lastHealMs: 300, convergedAtMs: null } }));
    expect(result.evidence).toEqual([restart]);
    expect(result.explanation).toBe('1 convergence violations; first: n2 ends with tree tree-b, n1 with tree-a');
    expect(result.costs).toEqual({ syncRounds: 2 });
  });

  it('takes a heal at record 0 as evidence, else the last record, else none', () => {
    const h = new HistoryBuilder();
    h.fault({ kind: 'heal' });
    h.deliver('n1', { messageId: 'a', guid: 'g1' });
    expect(checkConvergence(checkInput(h, diverged, { convergence: { lastHealMs: 10 } })).evidence).toEqual([0]);
    const noHeal = new HistoryBuilder();
    noHeal.fault({ kind: 'partition', groups: [['n1'], ['n2']] });
    noHeal.deliver('n1', { messageId: 'a', guid: 'g1' });
    expect(checkConvergence(checkInput(noHeal, diverged)).evidence).toEqual([2]);
    const empty = checkConvergence(checkInput([], diverged));
    expect(empty.verdict).toBe('invalid');
    expect(empty.evidence).toEqual([]);
  });

  it('is unknown without final states or when the simulator never saw agreement, with the costs it has', () => {
    const none = checkConvergence(checkInput([], [], { convergence: { lastHealMs: 100, convergedAtMs: 400, syncRounds: 5 } }));
    expect(none).toEqual({
      verdict: 'unknown', count: 0, evidence: [], explanation: 'no final replica states to check',
      judgedCount: 0, judgedWhat: 'replicas compared with the first', costs: { syncRounds: 5, convergenceTimeMs: 300 },
    });
    const never = checkConvergence(checkInput([], converged(['n1', 'n2'], boxes), { convergence: { lastHealMs: 700, convergedAtMs: null } }));
    expect(never.verdict).toBe('unknown');
    expect(never.judgedCount).toBe(1);
    expect(never.explanation).toBe('final states agree but the simulator never saw the replicas agree after 700 ms');
  });

  it('accepts agreement exactly at the bound and explains the run; one past it is a violation at the heal', () => {
    const h = new HistoryBuilder();
    h.at(500);
    const heal = h.fault({ kind: 'heal' });
    const atBound = checkConvergence(checkInput(h, converged(['n1', 'n2'], boxes), { convergence: { lastHealMs: 500, convergedAtMs: 1500, boundMs: 1000, syncRounds: 4 } }));
    expect(atBound.verdict).toBe('valid');
    expect(atBound.explanation).toBe('2 replicas agree; converged 1000 ms after the last heal (bound 1000 ms) in 4 sync rounds');
    const late = checkConvergence(checkInput(h, converged(['n1', 'n2'], boxes), { convergence: { lastHealMs: 500, convergedAtMs: 1501, boundMs: 1000 } }));
    expect(late.verdict).toBe('invalid');
    expect(late.evidence).toEqual([heal]);
    expect(late.explanation).toBe('1 convergence violations; first: replicas agreed 1001 ms after the last heal, bound 1000 ms');
  });

  it("tells apart replicas that differ only in the strategy's mailbox data (the owner), on one tree", () => {
    const owned = (node: string): Mailbox => ({ ...mailbox('INBOX', [message('g1', 1)]), strategyData: { owner: `${node} 1` } });
    const finals = [finalReplica('n1', [owned('n1')], 't'), finalReplica('n2', [owned('n2')], 't')];
    const result = checkConvergence(checkInput([], finals));
    expect(result.verdict).toBe('invalid');
    expect(result.explanation).toBe('1 convergence violations; first: n2 and n1 share tree t but hold different mailbox states');
  });

  it('gives one fingerprint to the same messages stored in a different order', () => {
    const [a, b] = sameBucketGuids();
    const one = storeState([mailbox('INBOX', [message(a, 1), message(b, 2)])]);
    const other = storeState([mailbox('INBOX', [message(b, 2), message(a, 1)])]);
    expect(stateFingerprint(one)).toBe(stateFingerprint(other));
    const finals = [finalReplica('n1', [...one.mailboxes.values()], 't'), finalReplica('n2', [...other.mailboxes.values()], 't')];
    expect(checkConvergence(checkInput([], finals)).verdict).toBe('valid');
  });
});
