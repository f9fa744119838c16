// Proves uid-stable accepts distinct bindings and catches one (mailbox, UIDVALIDITY, UID) naming two messages.
import { describe, expect, it } from 'vitest';
import { checkUidStable } from '../../../sim/checkers/uidStable.ts';
import { checkInput, converged, finalReplica, HistoryBuilder, mailbox, message, seen } from './historyBuilder.ts';

describe('uid-stable', () => {
  it('is valid when every UID names one message everywhere', () => {
    const h = new HistoryBuilder();
    h.deliver('n1', { messageId: 'a', guid: 'g1', uid: 1 });
    h.bind('n1', { uid: 1, guid: 'g1' });
    h.deliver('n2', { messageId: 'b', guid: 'g2', uid: 2 });
    h.bind('n2', { uid: 2, guid: 'g2' });
    h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 3, messages: [seen(1, 'g1'), seen(2, 'g2')] });
    const result = checkUidStable(checkInput(h, converged(['n1', 'n2'], [mailbox('INBOX', [message('g1', 1), message('g2', 2)])])));
    expect(result.verdict).toBe('valid');
    expect(result.count).toBe(0);
  });

  it('allows one UID under two UIDVALIDITY values (a reset)', () => {
    const h = new HistoryBuilder();
    h.bind('n1', { uid: 1, guid: 'g1', uidValidity: 1 });
    h.bind('n1', { uid: 1, guid: 'g2', uidValidity: 2 });
    const result = checkUidStable(checkInput(h, converged(['n1'], [mailbox('INBOX', [message('g2', 1)], { uidValidity: 2 })])));
    expect(result.verdict).toBe('valid');
  });

  it('negative control reuse-uid: a UID reused after expunge is invalid, evidence at the first binding and the reuse', () => {
    const h = new HistoryBuilder();
    const first = h.deliver('n1', { messageId: 'a', guid: 'g1', uid: 1 }).done;
    h.bind('n1', { uid: 1, guid: 'g1' });
    h.expunge('n1', 'imap-0', { uids: [1], guids: ['g1'] }, 'ok');
    const reuse = h.bind('n1', { uid: 1, guid: 'g2' });
    h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 2, messages: [seen(1, 'g2')] });
    const result = checkUidStable(checkInput(h, converged(['n1'], [mailbox('INBOX', [message('g2', 1)])])));
    expect(result.verdict).toBe('invalid');
    expect(result.count).toBe(1);
    expect(result.evidence).toEqual([first, reuse]);
    expect(result.explanation).toContain('UID 1 names g1');
  });

  it('allows two partitioned servers to hand out one UID when the merge retires it (renumber)', () => {
    const h = new HistoryBuilder();
    h.deliver('a', { messageId: 'x', guid: 'gA', uid: 101 });
    h.bind('a', { uid: 101, guid: 'gA' });
    h.deliver('b', { messageId: 'y', guid: 'gB', uid: 101 });
    h.bind('b', { uid: 101, guid: 'gB' });
    h.select('a', 'imap-0', { uidValidity: 1, uidNext: 102, messages: [seen(101, 'gA')] });
    h.select('b', 'imap-1', { uidValidity: 1, uidNext: 102, messages: [seen(101, 'gB')] });
    // After the heal both are renumbered above both UIDNEXTs; 101 names nothing any more.
    for (const node of ['a', 'b']) {
      h.bind(node, { uid: 102, guid: 'gA' }, 900);
      h.bind(node, { uid: 103, guid: 'gB' }, 900);
    }
    const finals = converged(['a', 'b'], [mailbox('INBOX', [message('gA', 102), message('gB', 103)])]);
    expect(checkUidStable(checkInput(h, finals)).verdict).toBe('valid');
  });

  it('negative control: a client that sees one UID name two messages (after failover) is invalid', () => {
    const h = new HistoryBuilder();
    const onA = h.select('a', 'imap-0', { uidValidity: 1, uidNext: 102, messages: [seen(101, 'gA')] }).done;
    const onB = h.select('b', 'imap-0', { uidValidity: 1, uidNext: 102, messages: [seen(101, 'gB')] }).done;
    const result = checkUidStable(checkInput(h, converged(['a'], [mailbox('INBOX', [])])));
    expect(result.verdict).toBe('invalid');
    expect(result.count).toBe(1);
    expect(result.evidence).toEqual([onA, onB]);
    expect(result.explanation).toContain('client imap-0 (on a, then b: failover)');
  });

  it('negative control: a server whose final state puts a UID it bound on another message (keep-uids) is invalid', () => {
    const h = new HistoryBuilder();
    const bound = h.bind('n1', { uid: 3, guid: 'g3' });
    const ack4 = h.deliver('n2', { messageId: 'd', guid: 'g4', uid: 3 }).done;
    const finals = [finalReplica('n1', [mailbox('INBOX', [message('g4', 3)])], 't1')];
    const result = checkUidStable(checkInput(h, finals));
    expect(result.verdict).toBe('invalid');
    expect(result.evidence).toEqual([bound, ack4]);
    expect(result.explanation).toContain('final state of n1');
  });

  it('ignores pending messages (uid 0)', () => {
    const h = new HistoryBuilder();
    h.deliver('n2', { messageId: 'a', guid: 'g1', uid: 0 });
    h.deliver('n2', { messageId: 'b', guid: 'g2', uid: 0 });
    const result = checkUidStable(checkInput(h, converged(['n1'], [mailbox('INBOX', [message('g1', 0), message('g2', 0)])])));
    // Pending messages bind nothing, so there is nothing to judge; one bound message is judged in its record and its final state.
    expect(result.verdict).toBe('not-applicable');
    h.deliver('n2', { messageId: 'c', guid: 'g3', uid: 1 });
    const bound = checkUidStable(checkInput(h, converged(['n1'], [mailbox('INBOX', [message('g1', 0), message('g2', 0), message('g3', 1)])])));
    expect(bound).toMatchObject({ verdict: 'valid', judgedCount: 2 });
  });
});
