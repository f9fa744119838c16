// Proves modseq accepts MODSEQs that grow with every change and catches one that stays while flags change.
import { describe, expect, it } from 'vitest';
import { checkModseq } from '../../../sim/checkers/modseq.ts';
import { checkInput, converged, finalReplica, HistoryBuilder, mailbox, message, seen } from './historyBuilder.ts';

describe('modseq', () => {
  it('is valid when MODSEQ grows with each change and HIGHESTMODSEQ never goes down', () => {
    const h = new HistoryBuilder();
    h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 2, highestModseq: 3, messages: [seen(1, 'g1', [], 3)] });
    h.store('n1', 'imap-0', { uid: 1, guid: 'g1', mode: '+', flags: ['\\Seen'] }, 'ok', { flagsAfter: ['\\Seen'], modseq: 4, vclock: { n1: 1 } });
    h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 2, highestModseq: 4, messages: [seen(1, 'g1', ['\\Seen'], 4)] });
    // Another server lags (its MODSEQ is lower): only each server's own series must grow.
    h.select('n2', 'imap-1', { uidValidity: 1, uidNext: 2, highestModseq: 3, messages: [seen(1, 'g1', [], 3)] });
    const boxes = [mailbox('INBOX', [message('g1', 1, { flags: ['\\Seen', '\\Flagged'], modseq: 6 })], { highestModseq: 6 })];
    expect(checkModseq(checkInput(h, converged(['n1', 'n2'], boxes))).verdict).toBe('valid');
  });

  it('negative control modseq-stuck: a store that changes flags without raising MODSEQ is invalid', () => {
    const h = new HistoryBuilder();
    const before = h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 2, highestModseq: 3, messages: [seen(1, 'g1', [], 3)] }).done;
    const stuck = h.store('n1', 'imap-0', { uid: 1, guid: 'g1', mode: '+', flags: ['\\Seen'] }, 'ok', { flagsAfter: ['\\Seen'], modseq: 3, vclock: { n1: 1 } }).done;
    const boxes = [mailbox('INBOX', [message('g1', 1, { flags: ['\\Seen'], modseq: 3 })], { highestModseq: 3 })];
    const result = checkModseq(checkInput(h, converged(['n1'], boxes)));
    expect(result.verdict).toBe('invalid');
    expect(result.count).toBe(1);
    expect(result.evidence).toEqual([before, stuck]);
  });

  it('negative control: a final state whose flags differ from the last seen at the same MODSEQ is invalid', () => {
    const h = new HistoryBuilder();
    const seenAt = h.select('n2', 'imap-1', { uidValidity: 1, uidNext: 2, highestModseq: 5, messages: [seen(1, 'g1', ['\\Seen'], 5)] }).done;
    const finals = [finalReplica('n2', [mailbox('INBOX', [message('g1', 1, { flags: ['\\Seen', '\\Flagged'], modseq: 5 })])])];
    const result = checkModseq(checkInput(h, finals));
    expect(result.verdict).toBe('invalid');
    expect(result.evidence).toEqual([seenAt]);
  });

  it('negative control: HIGHESTMODSEQ going down for a client is invalid', () => {
    const h = new HistoryBuilder();
    const high = h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 1, highestModseq: 9 }).done;
    const low = h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 1, highestModseq: 7 }).done;
    const result = checkModseq(checkInput(h, converged(['n1'], [mailbox('INBOX', [])])));
    expect(result.verdict).toBe('invalid');
    expect(result.evidence).toEqual([high, low]);
    expect(result.explanation).toContain('HIGHESTMODSEQ go down from 9 to 7');
  });
});
