// Proves modseq compares flag sets regardless of order, catches a MODSEQ that goes down or a HIGHESTMODSEQ below a listed MODSEQ, and keeps the highest value seen as the bar.
import { describe, expect, it } from 'vitest';
import { checkModseq } from '../../../sim/checkers/modseq.ts';
import { checkInput, converged, finalReplica, HistoryBuilder, mailbox, message, seen } from './historyBuilder.ts';

const empty = converged(['n1'], [mailbox('INBOX', [])]);

describe('modseq (more)', () => {
  it('explains what it checked; flag order does not matter; a repeated HIGHESTMODSEQ is fine', () => {
    const h = new HistoryBuilder();
    h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 2, highestModseq: 3, messages: [seen(1, 'g1', ['\\Seen', '\\Flagged'], 3)] });
    h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 2, highestModseq: 3, messages: [seen(1, 'g1', ['\\Flagged', '\\Seen'], 3)] });
    // A select without UIDVALIDITY is not judged.
    h.op('n1', 'imap-1', 'select', { mailbox: 'INBOX' }, 'ok', { highestModseq: 1, messages: [seen(1, 'g1', [], 1)] });
    const result = checkModseq(checkInput(h, empty));
    expect(result.verdict).toBe('valid');
    expect(result.explanation).toBe('2 message observations and 1 client HIGHESTMODSEQ series are monotonic');
  });

  it('catches a MODSEQ that went down, judged against the highest seen so far', () => {
    const h = new HistoryBuilder();
    const high = h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 2, highestModseq: 9, messages: [seen(1, 'g1', [], 5)] }).done;
    const low = h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 2, highestModseq: 9, messages: [seen(1, 'g1', [], 4)] }).done;
    h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 2, highestModseq: 9, messages: [seen(1, 'g1', [], 4)] });
    const result = checkModseq(checkInput(h, empty));
    expect(result.count).toBe(2);
    expect(result.evidence).toEqual([high, low, low + 2]);
    expect(result.explanation).toBe(`2 MODSEQ violations; first: g1 in INBOX on n1: MODSEQ 5 (record ${high}) went down: 4 in a select (record ${low})`);
  });

  it('tells keyword sets apart by their names', () => {
    const h = new HistoryBuilder();
    h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 2, messages: [seen(1, 'g1', ['$a', '$b'], 3)] });
    h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 2, messages: [seen(1, 'g1', ['$a$b'], 3)] });
    const result = checkModseq(checkInput(h, empty));
    expect(result.explanation).toBe('1 MODSEQ violations; first: g1 in INBOX on n1: MODSEQ 3 (record 1) stayed while flags changed from [$a $b] to [$a$b]: 3 in a select (record 3)');
  });

  it('explains a stuck MODSEQ in a store answer and in a final state', () => {
    const h = new HistoryBuilder();
    h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 2, highestModseq: 3, messages: [seen(1, 'g1', [], 3)] });
    const stuck = h.store('n1', 'imap-0', { uid: 1, guid: 'g1', mode: '+', flags: ['\\Seen'] }, 'ok', { flagsAfter: ['\\Seen'], modseq: 3, vclock: { n1: 1 } }).done;
    const result = checkModseq(checkInput(h, empty));
    expect(result.explanation).toBe(`1 MODSEQ violations; first: g1 in INBOX on n1: MODSEQ 3 (record 1) stayed while flags changed from [] to [\\Seen]: 3 in the store answer (record ${stuck})`);
    const f = new HistoryBuilder();
    f.select('n2', 'imap-1', { uidValidity: 1, uidNext: 2, highestModseq: 5, messages: [seen(1, 'g1', ['\\Seen'], 5)] });
    const finals = [finalReplica('n2', [mailbox('INBOX', [message('g1', 1, { flags: ['\\Seen', '\\Flagged'], modseq: 5 })])])];
    expect(checkModseq(checkInput(f, finals)).explanation).toBe('1 MODSEQ violations; first: g1 in INBOX on n2: MODSEQ 5 (record 1) stayed while flags changed from [\\Seen] to [\\Flagged \\Seen]: 5 in the final state');
  });

  it('skips store answers without a MODSEQ or flags, and still catches a later drop', () => {
    const h = new HistoryBuilder();
    h.store('n1', 'imap-0', { uid: 1, guid: 'g1', mode: '+', flags: ['\\Seen'] }, 'ok', { flagsAfter: ['\\Seen'], vclock: { n1: 1 } });
    h.store('n1', 'imap-0', { uid: 1, guid: 'g1', mode: '+', flags: ['\\Seen'] }, 'ok', { flagsAfter: null, modseq: null, vclock: { n1: 2 } });
    const high = h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 2, highestModseq: 9, messages: [seen(1, 'g1', ['\\Seen'], 5)] }).done;
    const low = h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 2, highestModseq: 9, messages: [seen(1, 'g1', ['\\Seen'], 4)] }).done;
    const result = checkModseq(checkInput(h, empty));
    expect(result.count).toBe(1);
    expect(result.evidence).toEqual([high, low]);
  });

  it('catches a HIGHESTMODSEQ below the MODSEQ of a message listed with it', () => {
    const h = new HistoryBuilder();
    const sel = h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 3, highestModseq: 3, messages: [seen(1, 'g1', [], 2), seen(2, 'g2', [], 5)] }).done;
    const result = checkModseq(checkInput(h, empty));
    expect(result.count).toBe(1);
    expect(result.evidence).toEqual([sel]);
    expect(result.explanation).toBe('1 MODSEQ violations; first: imap-0 saw INBOX HIGHESTMODSEQ 3 below MODSEQ 5 of g2');
  });

  it('keeps the HIGHESTMODSEQ bar across a select that reported none', () => {
    const h = new HistoryBuilder();
    const high = h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 1, highestModseq: 9 }).done;
    h.op('n1', 'imap-0', 'select', { mailbox: 'INBOX' }, 'ok', { uidValidity: 1, uidNext: 1, messages: [] });
    const low = h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 1, highestModseq: 7 }).done;
    const result = checkModseq(checkInput(h, empty));
    expect(result.evidence).toEqual([high, low]);
    expect(result.explanation).toBe('1 MODSEQ violations; first: imap-0 saw INBOX HIGHESTMODSEQ go down from 9 to 7 (on n1)');
  });
});
