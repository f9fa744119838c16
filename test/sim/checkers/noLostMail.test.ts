// Proves no-lost-mail keeps every acknowledged delivery on every replica, honouring expunges and moves, and catches a lost ack.
import { describe, expect, it } from 'vitest';
import { checkNoLostMail } from '../../../sim/checkers/noLostMail.ts';
import { checkInput, converged, finalReplica, HistoryBuilder, mailbox, message } from './historyBuilder.ts';

function baseHistory(): { h: HistoryBuilder; ack1: number } {
  const h = new HistoryBuilder();
  const ack1 = h.deliver('n1', { messageId: 'a', guid: 'g1', uid: 1 }).done;
  h.deliver('n2', { messageId: 'b' }, 'info'); // may or may not be stored
  h.deliver('n1', { messageId: 'c', guid: 'g3', uid: 2 });
  h.transfer('move', 'n1', 'imap-0', { to: 'Archive', uid: 2, guid: 'g3' }, 'ok', { toUid: 1 });
  h.deliver('n2', { messageId: 'd', guid: 'g4', uid: 3 });
  h.expunge('n2', 'imap-1', { uids: [3], guids: ['g4'] }, 'ok');
  h.deliver('n2', { messageId: 'e', guid: 'g5', uid: 4 });
  h.expunge('n2', 'imap-1', { uids: [4], guids: ['g5'] }, 'info');
  return { h, ack1 };
}

describe('no-lost-mail', () => {
  it('is valid when acknowledged mail survives, excusing expunges (ok or info) and following moves', () => {
    const { h } = baseHistory();
    // An OK move without a target UID may have done nothing: the message may stay in the source.
    h.deliver('n1', { messageId: 'f', guid: 'g6', uid: 5 });
    h.transfer('move', 'n1', 'imap-0', { to: 'Archive', uid: 5, guid: 'g6' }, 'ok', { toUid: 0 });
    const boxes = [mailbox('INBOX', [message('g1', 1), message('g6', 5)]), mailbox('Archive', [message('g3', 1)])];
    const result = checkNoLostMail(checkInput(h, converged(['n1', 'n2'], boxes)));
    expect(result.verdict).toBe('valid');
    expect(result.explanation).toContain('2 excused');
  });

  it('negative control early-ack: an acknowledged delivery missing on one replica is invalid, evidence at the ack', () => {
    const { h, ack1 } = baseHistory();
    const archive = mailbox('Archive', [message('g3', 1)]);
    const finals = [finalReplica('n1', [mailbox('INBOX', [message('g1', 1)]), archive]), finalReplica('n2', [mailbox('INBOX', []), archive], 'tree-2')];
    const result = checkNoLostMail(checkInput(h, finals));
    expect(result.verdict).toBe('invalid');
    expect(result.count).toBe(1);
    expect(result.evidence).toEqual([ack1]);
    expect(result.explanation).toContain('g1');
    expect(result.explanation).toContain('n2');
  });

  it('negative control trust-reads: a message a replica holds with another message\'s body counts as lost there', () => {
    const { h, ack1 } = baseHistory();
    const boxes = [mailbox('INBOX', [message('g1', 1)]), mailbox('Archive', [message('g3', 1)])];
    const [n1, n2] = converged(['n1', 'n2'], boxes);
    const result = checkNoLostMail(checkInput(h, [n1 as NonNullable<typeof n1>, { ...(n2 as NonNullable<typeof n2>), wrongBodies: ['g1'] }]));
    expect(result.verdict).toBe('invalid');
    expect(result.count).toBe(1);
    expect(result.evidence).toEqual([ack1]);
    expect(result.explanation).toContain("g1 acknowledged at record");
    expect(result.explanation).toContain("another message's body on n2");
  });

  it('negative control: a moved message that is not in its target is lost', () => {
    const h = new HistoryBuilder();
    const ack = h.deliver('n1', { messageId: 'c', guid: 'g3', uid: 2 }).done;
    h.transfer('move', 'n1', 'imap-0', { to: 'Archive', uid: 2, guid: 'g3' }, 'ok', { toUid: 1 });
    const result = checkNoLostMail(checkInput(h, converged(['n1'], [mailbox('INBOX', []), mailbox('Archive', [])])));
    expect(result.verdict).toBe('invalid');
    expect(result.evidence).toEqual([ack]);
  });

  it('is unknown without final states', () => {
    expect(checkNoLostMail(checkInput(new HistoryBuilder(), [])).verdict).toBe('unknown');
  });
});
