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

  it('negative control: two replicas ending with the same UID on different messages', () => {
    const h = new HistoryBuilder();
    const ack3 = h.deliver('n1', { messageId: 'c', guid: 'g3', uid: 3 }).done;
    h.deliver('n2', { messageId: 'd', guid: 'g4', uid: 4 });
    const finals = [
      finalReplica('n1', [mailbox('INBOX', [message('g3', 3)])], 't1'),
      finalReplica('n2', [mailbox('INBOX', [message('g4', 3)])], 't2'),
    ];
    const result = checkUidStable(checkInput(h, finals));
    expect(result.verdict).toBe('invalid');
    expect(result.evidence[0]).toBe(ack3);
  });

  it('ignores pending messages (uid 0)', () => {
    const h = new HistoryBuilder();
    h.deliver('n2', { messageId: 'a', guid: 'g1', uid: 0 });
    h.deliver('n2', { messageId: 'b', guid: 'g2', uid: 0 });
    const result = checkUidStable(checkInput(h, converged(['n1'], [mailbox('INBOX', [message('g1', 0), message('g2', 0)])])));
    expect(result.verdict).toBe('valid');
  });
});
