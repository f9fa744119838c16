// Proves uid-order counts only well-formed records, judges batches by their highest UID, and catches low UIDNEXTs and new UIDs below UIDNEXT from appends, moves and copies.
import { describe, expect, it } from 'vitest';
import { checkUidOrder } from '../../../sim/checkers/uidOrder.ts';
import { checkInput, converged, HistoryBuilder, mailbox, message, seen } from './historyBuilder.ts';

const roomy = converged(['n1'], [mailbox('INBOX', [], { uidNext: 100 }), mailbox('Archive', [], { uidNext: 100 })]);

describe('uid-order (more)', () => {
  it('counts only well-formed bindings and ok selects with a UIDVALIDITY in its explanation', () => {
    const h = new HistoryBuilder();
    h.bind('n1', { uid: 1, guid: 'g1' });
    h.bind('n1', { uid: 2, guid: 'g2' });
    h.bind('n1', { uid: 0, guid: 'pending' });
    h.record('n1', 'replica', 'info', 'bind', { uidValidity: 1, uid: 3, guid: 'g3' });
    h.record('n1', 'replica', 'info', 'bind', { mailbox: 'INBOX', uid: 3, guid: 'g3' });
    h.record('n1', 'replica', 'info', 'bind', { mailbox: 'INBOX', uidValidity: 1, guid: 'g3' });
    h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 3, messages: [seen(1, 'g1'), seen(2, 'g2')] });
    h.op('n1', 'imap-0', 'select', { mailbox: 'INBOX' }, 'ok', { uidNext: 3 });
    h.op('n1', 'imap-0', 'select', { mailbox: 'INBOX' }, 'fail', { reason: 'NO' });
    h.op('n1', 'imap-0', 'append', { mailbox: 'INBOX' }, 'ok', { uidValidity: 1, uid: 3, guid: 'g3' });
    h.transfer('copy', 'n1', 'imap-0', { to: 'Archive', uid: 1, guid: 'g1' }, 'ok', { toUid: 1, toGuid: 'g1c' });
    const result = checkUidOrder(checkInput(h, roomy));
    expect(result.verdict).toBe('valid');
    expect(result.explanation).toBe('2 server UID assignments ascend and 1 client selects saw no UIDNEXT go down and no new UID below it');
  });

  it('catches a later binding that reuses or undercuts the highest UID of earlier batches', () => {
    const h = new HistoryBuilder();
    const first = h.bind('n1', { uid: 5, guid: 'g5' });
    const again = h.bind('n1', { uid: 5, guid: 'g6' });
    const result = checkUidOrder(checkInput(h, roomy));
    expect(result.evidence).toEqual([first, again]);
    expect(result.explanation).toBe('1 UID order violations; first: n1 bound INBOX UID 5 after UID 5 (UIDVALIDITY 1)');
  });

  it('keeps the highest earlier batch: a low batch does not lower the bar, a high one raises it', () => {
    const low = new HistoryBuilder();
    low.bind('n1', { uid: 10, guid: 'g10' });
    low.bind('n1', { uid: 3, guid: 'g3' });
    low.bind('n1', { uid: 5, guid: 'g5' });
    expect(checkUidOrder(checkInput(low, roomy)).count).toBe(2);
    const rising = new HistoryBuilder();
    rising.bind('n1', { uid: 1, guid: 'g1' });
    const high = rising.bind('n1', { uid: 5, guid: 'g5' });
    const under = rising.bind('n1', { uid: 3, guid: 'g3' });
    const result = checkUidOrder(checkInput(rising, roomy));
    expect(result.count).toBe(1);
    expect(result.evidence).toEqual([high, under]);
  });

  it('judges a batch by its highest UID, whichever order it was learnt in', () => {
    for (const order of [[7, 9], [9, 7]]) {
      const h = new HistoryBuilder();
      const indexes = order.map((uid) => h.bind('n1', { uid, guid: `g${uid}` }, 50));
      const later = h.bind('n1', { uid: 8, guid: 'g8' }, 60);
      const result = checkUidOrder(checkInput(h, roomy));
      expect(result.count, String(order)).toBe(1);
      expect(result.evidence, String(order)).toEqual([indexes[order.indexOf(9)], later]);
    }
  });

  it('compares a select UIDNEXT with the highest UID the server handed out, not the last one', () => {
    const h = new HistoryBuilder();
    const top = h.bind('n1', { uid: 7, guid: 'g7' }, 50);
    h.bind('n1', { uid: 3, guid: 'g3' }, 50);
    h.at(60);
    const sel = h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 5, messages: [] }).done;
    const result = checkUidOrder(checkInput(h, roomy));
    expect(result.evidence).toEqual([top, sel]);
    expect(result.explanation).toBe('1 UID order violations; first: n1 announced INBOX UIDNEXT 5 after handing out UID 7 (UIDVALIDITY 1)');
  });

  it('catches a final UIDNEXT at a UID the final state holds, even with no binding recorded', () => {
    const result = checkUidOrder(checkInput([], converged(['n1'], [mailbox('INBOX', [message('g1', 1), message('g5', 5)], { uidNext: 5 })])));
    expect(result.verdict).toBe('invalid');
    expect(result.evidence).toEqual([]);
    expect(result.explanation).toBe('1 UID order violations; first: n1 ends with INBOX UIDNEXT 5 at or below UID 5 it handed out');
  });

  it('names the binding as evidence for a final UIDNEXT at or below a bound UID', () => {
    const h = new HistoryBuilder();
    const bound = h.bind('n1', { uid: 7, guid: 'g7' });
    const result = checkUidOrder(checkInput(h, converged(['n1'], [mailbox('INBOX', [], { uidNext: 7 })])));
    expect(result.count).toBe(1);
    expect(result.evidence).toEqual([bound]);
  });

  it('lets a client see the same UIDs and UIDNEXT again, and a pending append (UID 0)', () => {
    const h = new HistoryBuilder();
    h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 3, messages: [seen(1, 'g1'), seen(2, 'g2')] });
    h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 3, messages: [seen(1, 'g1'), seen(2, 'g2')] });
    h.op('n1', 'imap-0', 'append', { mailbox: 'INBOX' }, 'ok', { uidValidity: 1, uid: 0, guid: 'g3' });
    expect(checkUidOrder(checkInput(h, roomy)).verdict).toBe('valid');
  });

  it('keeps the UIDNEXT expectation across a select that reported none', () => {
    const h = new HistoryBuilder();
    const first = h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 8, messages: [seen(7, 'g7')] }).done;
    h.op('n1', 'imap-0', 'select', { mailbox: 'INBOX' }, 'ok', { uidValidity: 1, messages: [seen(7, 'g7')] });
    const later = h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 9, messages: [seen(6, 'g6'), seen(7, 'g7')] }).done;
    const result = checkUidOrder(checkInput(h, roomy));
    expect(result.evidence).toEqual([first, later]);
    expect(result.explanation).toBe('1 UID order violations; first: imap-0 saw new INBOX UID 6 below UIDNEXT 8 it saw earlier (UIDVALIDITY 1) (on n1)');
  });

  it('catches an APPENDUID below a UIDNEXT the client saw earlier', () => {
    const h = new HistoryBuilder();
    const sel = h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 8, messages: [] }).done;
    const append = h.op('n2', 'imap-0', 'append', { mailbox: 'INBOX' }, 'ok', { uidValidity: 1, uid: 6, guid: 'g6' }).done;
    const result = checkUidOrder(checkInput(h, roomy));
    expect(result.evidence).toEqual([sel, append]);
    expect(result.explanation).toContain('imap-0 saw new INBOX UID 6 below UIDNEXT 8 it saw earlier (UIDVALIDITY 1) (on n1, then n2: failover)');
  });

  it('catches a COPYUID below a UIDNEXT the client saw earlier in the target, for moves and copies', () => {
    for (const f of ['move', 'copy'] as const) {
      const h = new HistoryBuilder();
      const sel = h.select('n1', 'imap-0', { mailbox: 'Archive', uidValidity: 1, uidNext: 8, messages: [] }).done;
      const transfer = h.transfer(f, 'n1', 'imap-0', { to: 'Archive', uid: 1, guid: 'g1' }, 'ok', { toUid: 6, toGuid: 'g6' }).done;
      const result = checkUidOrder(checkInput(h, roomy));
      expect(result.evidence, f).toEqual([sel, transfer]);
      expect(result.explanation, f).toContain('saw new Archive UID 6 below UIDNEXT 8');
    }
  });
});
