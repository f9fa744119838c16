// Proves no-resurrection accepts expunges that stay done and catches an expunge undone by a merge.
import { describe, expect, it } from 'vitest';
import { checkNoResurrection } from '../../../sim/checkers/noResurrection.ts';
import { checkInput, converged, HistoryBuilder, mailbox, message, seen } from './historyBuilder.ts';

describe('no-resurrection', () => {
  it('is valid when expunged messages stay gone; other servers may lag; absent UIDs expunge nothing', () => {
    const h = new HistoryBuilder();
    h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 3, messages: [seen(1, 'g1'), seen(2, 'g2')] });
    h.expunge('n1', 'imap-0', { uids: [1], guids: ['g1'] }, 'ok');
    // n2 has not heard of the expunge yet: a stale read, not a resurrection.
    h.select('n2', 'imap-1', { uidValidity: 1, uidNext: 3, messages: [seen(1, 'g1'), seen(2, 'g2')] });
    // An OK expunge of a UID the server no longer has removes nothing.
    h.op('n1', 'imap-0', 'expunge', { mailbox: 'INBOX', uidValidity: 1, uids: [7], guids: ['g2'] }, 'ok', { expunged: [], vclock: {} });
    const result = checkNoResurrection(checkInput(h, converged(['n1', 'n2'], [mailbox('INBOX', [message('g2', 2)])])));
    expect(result.verdict).toBe('valid');
  });

  it('negative control undo-expunge: the expunged message back in a final state is invalid', () => {
    const h = new HistoryBuilder();
    const ack = h.expunge('n1', 'imap-0', { uids: [1], guids: ['g1'] }, 'ok').done;
    const result = checkNoResurrection(checkInput(h, converged(['n1', 'n2'], [mailbox('INBOX', [message('g1', 1)])])));
    expect(result.verdict).toBe('invalid');
    expect(result.count).toBe(1);
    expect(result.evidence).toEqual([ack]);
  });

  it('negative control undo-expunge: a later select on the expunging server showing it is invalid', () => {
    const h = new HistoryBuilder();
    const ack = h.expunge('n1', 'imap-0', { uids: [1], guids: ['g1'] }, 'ok').done;
    const back = h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 2, messages: [seen(1, 'g1')] }).done;
    const result = checkNoResurrection(checkInput(h, converged(['n1'], [mailbox('INBOX', [])])));
    expect(result.verdict).toBe('invalid');
    expect(result.evidence).toEqual([ack, back]);
  });

  it('excuses a move of the GUID back into the mailbox that overlapped the expunge', () => {
    const h = new HistoryBuilder();
    h.expunge('n1', 'imap-0', { uids: [1], guids: ['g1'] }, 'ok');
    h.transfer('move', 'n2', 'imap-1', { from: 'Archive', to: 'INBOX', uid: 4, guid: 'g1' }, 'ok', { toUid: 9 });
    const result = checkNoResurrection(checkInput(h, converged(['n1'], [mailbox('INBOX', [message('g1', 9)])])));
    // The excused expunge is not judged, and it was the only one.
    expect(result.verdict).toBe('not-applicable');
  });
});
