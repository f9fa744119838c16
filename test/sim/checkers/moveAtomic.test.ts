// Proves move-atomic accepts a message in exactly one of source and target and catches one left in both.
import { describe, expect, it } from 'vitest';
import { checkMoveAtomic } from '../../../sim/checkers/moveAtomic.ts';
import { checkInput, converged, finalReplica, HistoryBuilder, mailbox, message } from './historyBuilder.ts';

describe('move-atomic', () => {
  it('is valid when each moved message is in exactly one mailbox; concurrent moves may pick either target', () => {
    const h = new HistoryBuilder();
    h.transfer('move', 'n1', 'imap-0', { to: 'Archive', uid: 1, guid: 'g1' }, 'ok', { toUid: 1 });
    h.transfer('move', 'n2', 'imap-1', { to: 'Trash', uid: 1, guid: 'g1' }, 'ok', { toUid: 1 });
    h.transfer('move', 'n1', 'imap-0', { to: 'Archive', uid: 2, guid: 'g2' }, 'ok', { toUid: 2 });
    h.expunge('n1', 'imap-0', { mailbox: 'Archive', uids: [2], guids: ['g2'] }, 'ok');
    const boxes = [mailbox('INBOX', []), mailbox('Archive', []), mailbox('Trash', [message('g1', 1)])];
    expect(checkMoveAtomic(checkInput(h, converged(['n1', 'n2'], boxes))).verdict).toBe('valid');
  });

  it('negative control move-both: a moved message left in both mailboxes is invalid, evidence at the move', () => {
    const h = new HistoryBuilder();
    h.deliver('n1', { messageId: 'a', guid: 'g1', uid: 1 });
    const move = h.transfer('move', 'n1', 'imap-0', { to: 'Archive', uid: 1, guid: 'g1' }, 'ok', { toUid: 1 }).done;
    const boxes = [mailbox('INBOX', [message('g1', 1)]), mailbox('Archive', [message('g1', 1)])];
    const result = checkMoveAtomic(checkInput(h, converged(['n1', 'n2'], boxes)));
    expect(result.verdict).toBe('invalid');
    expect(result.count).toBe(1);
    expect(result.evidence).toEqual([move]);
    expect(result.explanation).toContain('g1 is in Archive and INBOX');
  });

  it('negative control: a moved message in neither mailbox on one replica is invalid', () => {
    const h = new HistoryBuilder();
    const move = h.transfer('move', 'n1', 'imap-0', { to: 'Archive', uid: 1, guid: 'g1' }, 'ok', { toUid: 1 }).done;
    const finals = [finalReplica('n1', [mailbox('INBOX', []), mailbox('Archive', [message('g1', 1)])]), finalReplica('n2', [mailbox('INBOX', []), mailbox('Archive', [])], 't2')];
    const result = checkMoveAtomic(checkInput(h, finals));
    expect(result.verdict).toBe('invalid');
    expect(result.evidence).toEqual([move]);
    expect(result.explanation).toContain('in neither on n2');
  });
});
