// Proves no-resurrection judges only acknowledged expunges, times the move excuse and later selects by their invokes, and catches a binding again on the expunging server.
import { describe, expect, it } from 'vitest';
import { checkNoResurrection } from '../../../sim/checkers/noResurrection.ts';
import { checkInput, converged, HistoryBuilder, mailbox, message, seen } from './historyBuilder.ts';

const back = converged(['n1'], [mailbox('INBOX', [message('g1', 1)])]);
const gone = converged(['n1'], [mailbox('INBOX', [])]);

describe('no-resurrection (more)', () => {
  it('explains how many acknowledged expunges it judged', () => {
    const h = new HistoryBuilder();
    h.expunge('n1', 'imap-0', { uids: [1, 2], guids: ['g1', 'g2'] }, 'ok');
    // Of unknown outcome: the message may still be there.
    h.expunge('n1', 'imap-0', { uids: [3], guids: ['g3'] }, 'info');
    const result = checkNoResurrection(checkInput(h, converged(['n1', 'n2'], [mailbox('INBOX', [message('g3', 3)])])));
    expect(result.verdict).toBe('valid');
    expect(result.explanation).toBe('2 acknowledged expunges stay expunged on the expunging server and in all 2 final states');
  });

  it('explains a message back in a final state', () => {
    const h = new HistoryBuilder();
    const ack = h.expunge('n1', 'imap-0', { uids: [1], guids: ['g1'] }, 'ok').done;
    expect(checkNoResurrection(checkInput(h, back)).explanation).toBe(`1 expunges undone; first: g1 expunged from INBOX (record ${ack}) is back in the final state of n1`);
  });

  it('gives a failed move no excuse', () => {
    const h = new HistoryBuilder();
    h.expunge('n1', 'imap-0', { uids: [1], guids: ['g1'] }, 'ok');
    h.transfer('move', 'n2', 'imap-1', { from: 'Archive', to: 'INBOX', uid: 4, guid: 'g1' }, 'fail');
    expect(checkNoResurrection(checkInput(h, back)).verdict).toBe('invalid');
  });

  it('excuses a move that completed after the expunge was sent, even before its answer', () => {
    const h = new HistoryBuilder();
    h.deliver('n1', { messageId: 'a', guid: 'g0', uid: 5 });
    h.record('n1', 'imap-0', 'invoke', 'expunge', { mailbox: 'INBOX', uidValidity: 1, uids: [1], guids: ['g1'] });
    h.transfer('move', 'n2', 'imap-1', { from: 'Archive', to: 'INBOX', uid: 4, guid: 'g1' }, 'ok', { toUid: 1 });
    h.record('n1', 'imap-0', 'ok', 'expunge', { mailbox: 'INBOX', uidValidity: 1, uids: [1], guids: ['g1'], expunged: [1] });
    // The excused expunge is not judged, and it was the only one.
    expect(checkNoResurrection(checkInput(h, back)).verdict).toBe('not-applicable');
  });

  it('does not judge a select sent before the expunge was acknowledged', () => {
    const h = new HistoryBuilder();
    h.deliver('n1', { messageId: 'a', guid: 'g0', uid: 5 });
    h.record('n1', 'imap-1', 'invoke', 'select', { mailbox: 'INBOX' });
    h.expunge('n1', 'imap-0', { uids: [1], guids: ['g1'] }, 'ok');
    h.record('n1', 'imap-1', 'ok', 'select', { mailbox: 'INBOX', uidValidity: 1, uidNext: 2, messages: [seen(1, 'g1')] });
    expect(checkNoResurrection(checkInput(h, gone)).verdict).toBe('valid');
  });

  it('explains a later select showing the message on the expunging server', () => {
    const h = new HistoryBuilder();
    const ack = h.expunge('n1', 'imap-0', { uids: [1], guids: ['g1'] }, 'ok').done;
    const sel = h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 2, messages: [seen(1, 'g1')] }).done;
    expect(checkNoResurrection(checkInput(h, gone)).explanation).toBe(`1 expunges undone; first: g1 expunged from INBOX (record ${ack}) is back in a select on n1 (record ${sel})`);
  });

  it('catches the message bound again on the expunging server, not on another one', () => {
    const h = new HistoryBuilder();
    h.bind('n1', { uid: 1, guid: 'g1' });
    const ack = h.expunge('n1', 'imap-0', { uids: [1], guids: ['g1'] }, 'ok').done;
    h.bind('n2', { uid: 1, guid: 'g1' });
    expect(checkNoResurrection(checkInput(h, gone)).verdict).toBe('valid');
    const again = h.bind('n1', { uid: 1, guid: 'g1' });
    const result = checkNoResurrection(checkInput(h, gone));
    expect(result.evidence).toEqual([ack, again]);
    expect(result.explanation).toBe(`1 expunges undone; first: g1 expunged from INBOX (record ${ack}) is back bound again on n1 (record ${again})`);
  });
});
