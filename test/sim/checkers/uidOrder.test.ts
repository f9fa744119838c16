// Proves uid-order accepts ascending UIDs and a growing UIDNEXT, and catches UIDNEXT going backwards and new UIDs below it.
import { describe, expect, it } from 'vitest';
import { checkUidOrder } from '../../../sim/checkers/uidOrder.ts';
import { checkInput, converged, HistoryBuilder, mailbox, message, seen } from './historyBuilder.ts';

const finals = converged(['n1'], [mailbox('INBOX', [message('g1', 1)])]);

describe('uid-order', () => {
  it('is valid for ascending server UIDs, batches learnt in any order, and a client UIDNEXT that grows', () => {
    const h = new HistoryBuilder();
    h.bind('n1', { uid: 1, guid: 'g1' });
    h.bind('n1', { uid: 2, guid: 'g2' });
    // A crash lost the binding and the replica learnt it again: nothing new was handed out.
    h.bind('n1', { uid: 1, guid: 'g1' });
    h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 3, messages: [seen(1, 'g1'), seen(2, 'g2')] });
    // One merge: two bindings learnt at the same time, in GUID order.
    h.bind('n1', { uid: 9, guid: 'g9' }, 50);
    h.bind('n1', { uid: 8, guid: 'g8' }, 50);
    h.at(60);
    h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 10, messages: [seen(8, 'g8'), seen(9, 'g9')] });
    h.transfer('copy', 'n1', 'imap-0', { to: 'INBOX', uid: 1, guid: 'g1' }, 'ok', { toUid: 10, toGuid: 'g10' });
    const result = checkUidOrder(checkInput(h, converged(['n1'], [mailbox('INBOX', [message('g1', 1)], { uidNext: 11 })])));
    expect(result.verdict).toBe('valid');
  });

  it('starts afresh after a UIDVALIDITY change (reset-validity)', () => {
    const h = new HistoryBuilder();
    h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 10, messages: [seen(9, 'g9')] });
    h.select('n1', 'imap-0', { uidValidity: 2, uidNext: 3, messages: [seen(1, 'g9'), seen(2, 'g7')] });
    h.bind('n1', { uid: 9, guid: 'g9', uidValidity: 1 });
    h.bind('n1', { uid: 1, guid: 'g9', uidValidity: 2 });
    const reset = converged(['n1'], [mailbox('INBOX', [message('g9', 1)], { uidValidity: 2, uidNext: 3 })]);
    expect(checkUidOrder(checkInput(h, reset, { mayResetValidity: true })).verdict).toBe('valid');
  });

  it('negative control uidnext-backwards: a client select showing UIDNEXT going down is invalid', () => {
    const h = new HistoryBuilder();
    const high = h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 5, messages: [seen(4, 'g4')] }).done;
    h.expunge('n1', 'imap-0', { uids: [4], guids: ['g4'] }, 'ok');
    const low = h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 4, messages: [] }).done;
    const result = checkUidOrder(checkInput(h, finals));
    expect(result.verdict).toBe('invalid');
    expect(result.count).toBe(1);
    expect(result.evidence).toEqual([high, low]);
    expect(result.explanation).toContain('UIDNEXT go down from 5 to 4');
  });

  it('negative control: a new message seen below a UIDNEXT seen earlier is invalid', () => {
    const h = new HistoryBuilder();
    const first = h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 8, messages: [seen(7, 'g7')] }).done;
    const later = h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 9, messages: [seen(6, 'gX'), seen(7, 'g7'), seen(8, 'g8')] }).done;
    const result = checkUidOrder(checkInput(h, finals));
    expect(result.verdict).toBe('invalid');
    expect(result.evidence).toEqual([first, later]);
    expect(result.explanation).toContain('new INBOX UID 6 below UIDNEXT 8');
  });

  it('negative control: a server binding a UID below one it bound before is invalid', () => {
    const h = new HistoryBuilder();
    const high = h.bind('n1', { uid: 5, guid: 'g5' });
    const low = h.bind('n1', { uid: 3, guid: 'g3' });
    const result = checkUidOrder(checkInput(h, finals));
    expect(result.verdict).toBe('invalid');
    expect(result.evidence).toEqual([high, low]);
  });

  it('negative control uidnext-backwards: a server announcing UIDNEXT at or below a UID it handed out is invalid', () => {
    const h = new HistoryBuilder();
    const bound = h.bind('n1', { uid: 7, guid: 'g7' });
    const low = h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 7, messages: [] }).done;
    const finalsLow = converged(['n1'], [mailbox('INBOX', [message('g1', 1)], { uidNext: 5 })]);
    const result = checkUidOrder(checkInput(h, finalsLow));
    expect(result.verdict).toBe('invalid');
    expect(result.count).toBe(2);
    expect(result.evidence).toEqual([bound, low]);
    expect(result.explanation).toContain('n1 announced INBOX UIDNEXT 7 after handing out UID 7');
  });
});
