// Proves no-lost-mail counts APPENDs and new-GUID COPYs as creations, lists every allowed home and every replica missing it, and counts excused messages.
import { describe, expect, it } from 'vitest';
import { checkNoLostMail } from '../../../sim/checkers/noLostMail.ts';
import { checkInput, converged, finalReplica, HistoryBuilder, mailbox, message } from './historyBuilder.ts';

const nothing = converged(['n1'], [mailbox('INBOX', []), mailbox('Archive', [])]);

describe('no-lost-mail (more)', () => {
  it('is unknown without final states, and says why', () => {
    expect(checkNoLostMail(checkInput([], [])).explanation).toBe('no final replica states to check');
  });

  it('explains how many acknowledged messages it found and how many an expunge excused', () => {
    const h = new HistoryBuilder();
    h.deliver('n1', { messageId: 'a', guid: 'g1', uid: 1 });
    h.deliver('n1', { messageId: 'b', guid: 'g2', uid: 2 });
    h.expunge('n1', 'imap-0', { uids: [2], guids: ['g2'] }, 'ok');
    const result = checkNoLostMail(checkInput(h, converged(['n1', 'n2'], [mailbox('INBOX', [message('g1', 1)])])));
    expect(result.explanation).toBe('1 acknowledged messages present on all 2 replicas (1 excused by an expunge)');
  });

  it('catches a lost APPEND', () => {
    const h = new HistoryBuilder();
    const append = h.op('n1', 'imap-0', 'append', { mailbox: 'INBOX', messageId: 'a' }, 'ok', { guid: 'g1', uid: 1, uidValidity: 1 }).done;
    const result = checkNoLostMail(checkInput(h, nothing));
    expect(result.evidence).toEqual([append]);
    expect(result.explanation).toBe(`1 acknowledged messages lost; first: g1 acknowledged at record ${append} is missing from INBOX on n1`);
  });

  it('catches a lost COPY that named a new GUID, and ignores one that named none', () => {
    const h = new HistoryBuilder();
    const copy = h.transfer('copy', 'n1', 'imap-0', { to: 'Archive', uid: 1, guid: 'g1' }, 'ok', { toUid: 4, toGuid: 'g1c' }).done;
    h.transfer('copy', 'n1', 'imap-0', { to: 'Archive', uid: 2, guid: 'g2' }, 'ok', { toUid: 5 });
    const result = checkNoLostMail(checkInput(h, nothing));
    expect(result.count).toBe(1);
    expect(result.evidence).toEqual([copy]);
    expect(result.explanation).toContain('g1c acknowledged at record 1 is missing from Archive on n1');
  });

  it('lists every mailbox the message may be in, sorted, and every replica missing it', () => {
    const h = new HistoryBuilder();
    h.deliver('n1', { messageId: 'a', guid: 'g1', uid: 1 });
    h.transfer('move', 'n1', 'imap-0', { to: 'Trash', uid: 1, guid: 'g1' }, 'info');
    h.transfer('move', 'n1', 'imap-0', { to: 'Archive', uid: 1, guid: 'g1' }, 'info');
    const finals = [finalReplica('n1', [mailbox('INBOX', [])]), finalReplica('n2', [mailbox('INBOX', [])]), finalReplica('n3', [mailbox('Trash', [message('g1', 1)])])];
    expect(checkNoLostMail(checkInput(h, finals)).explanation).toBe('1 acknowledged messages lost; first: g1 acknowledged at record 1 is missing from Archive or INBOX or Trash on n1, n2');
  });
});
