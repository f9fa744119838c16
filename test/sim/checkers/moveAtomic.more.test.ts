// Proves move-atomic points at the creation when no move explains a duplicate, judges only certain moves, honours expunges of either outcome, and explains its result.
import { describe, expect, it } from 'vitest';
import { checkMoveAtomic } from '../../../sim/checkers/moveAtomic.ts';
import { checkInput, converged, finalReplica, HistoryBuilder, mailbox, message } from './historyBuilder.ts';

const both = [mailbox('INBOX', [message('g1', 1)]), mailbox('Archive', [message('g1', 1)])];

describe('move-atomic (more)', () => {
  it('is unknown without final states', () => {
    expect(checkMoveAtomic(checkInput([], []))).toEqual({
      verdict: 'unknown', count: 0, evidence: [], explanation: 'no final replica states to check', judgedCount: 0, judgedWhat: 'moves (ok or info)',
    });
  });

  it('names the first acknowledged creation of a GUID found in two mailboxes with no move, or nothing when no record knows it', () => {
    const h = new HistoryBuilder();
    const ack = h.deliver('n1', { messageId: 'a', guid: 'g1', uid: 1 }).done;
    h.op('n1', 'imap-0', 'append', { mailbox: 'Archive', messageId: 'a' }, 'ok', { guid: 'g1', uid: 1, uidValidity: 1 });
    expect(checkMoveAtomic(checkInput(h, converged(['n1'], both))).evidence).toEqual([ack]);
    const unknown = checkMoveAtomic(checkInput([], converged(['n1'], both)));
    expect(unknown.verdict).toBe('invalid');
    expect(unknown.evidence).toEqual([]);
  });

  it('judges only moves that certainly happened, and explains how many', () => {
    const h = new HistoryBuilder();
    h.transfer('move', 'n1', 'imap-0', { to: 'Archive', uid: 1, guid: 'g1' }, 'ok', { toUid: 4 });
    // Answered OK without a target UID: it may have done nothing, so it is not counted nor judged.
    h.transfer('move', 'n1', 'imap-0', { to: 'Archive', uid: 2, guid: 'g2' }, 'ok', { toUid: 0 });
    const result = checkMoveAtomic(checkInput(h, converged(['n1', 'n2'], [mailbox('INBOX', []), mailbox('Archive', [message('g1', 4)])])));
    expect(result.verdict).toBe('valid');
    expect(result.explanation).toBe('1 acknowledged moves each left the message in exactly one mailbox on all 2 replicas');
  });

  it('excuses a moved message that an ok and an info expunge may both have removed', () => {
    const h = new HistoryBuilder();
    h.transfer('move', 'n1', 'imap-0', { to: 'Archive', uid: 1, guid: 'g1' }, 'ok', { toUid: 4 });
    h.expunge('n1', 'imap-0', { mailbox: 'Archive', uids: [4], guids: ['g1'] }, 'ok');
    h.expunge('n2', 'imap-1', { mailbox: 'Archive', uids: [4], guids: ['g1'] }, 'info');
    expect(checkMoveAtomic(checkInput(h, converged(['n1'], [mailbox('Archive', [])]))).verdict).toBe('valid');
  });

  it('lists every replica that lost a moved message', () => {
    const h = new HistoryBuilder();
    h.transfer('move', 'n1', 'imap-0', { to: 'Archive', uid: 1, guid: 'g1' }, 'ok', { toUid: 4 });
    const finals = [finalReplica('n1', [mailbox('Archive', [])]), finalReplica('n2', [mailbox('Archive', [])]), finalReplica('n3', [mailbox('Archive', [message('g1', 4)])])];
    expect(checkMoveAtomic(checkInput(h, finals)).explanation).toBe('1 messages not in exactly one mailbox; first: g1 moved from INBOX to Archive (record 1) is in neither on n1, n2');
  });
});
