// Proves no-lost-flags excuses only what expunges and stores of unknown outcome may have done, counts and explains what it judged, and that the stamped-clock second opinion skips unclocked pairs.
import { describe, expect, it } from 'vitest';
import { checkNoLostFlags, fromStampedClocks, judgeNoLostFlags } from '../../../sim/checkers/noLostFlags.ts';
import { checkInput, converged, HistoryBuilder, mailbox, message, seen } from './historyBuilder.ts';

const finalWith = (flags: string[]) => converged(['n1'], [mailbox('INBOX', [message('g1', 1, { flags })])]);

function seenSet(h: HistoryBuilder, vclock = { n1: 1 }): number {
  return h.store('n1', 'imap-0', { uid: 1, guid: 'g1', mode: '+', flags: ['\\Seen'] }, 'ok', { flagsAfter: ['\\Seen'], modseq: 2, vclock }).done;
}

describe('no-lost-flags (more)', () => {
  it('is unknown without final states', () => {
    expect(checkNoLostFlags(checkInput([], [])).explanation).toBe('no final replica states to check');
  });

  it("counts every pair a '=' store wrote, keywords seen in selects and store answers included", () => {
    const h = new HistoryBuilder();
    h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 2, messages: [seen(1, 'g1', ['$Sel'])] });
    h.store('n1', 'imap-0', { uid: 1, guid: 'g1', mode: '+', flags: ['\\Answered'] }, 'ok', { flagsAfter: ['\\Answered', '$After', '$Sel'], modseq: 2, vclock: { n1: 1 } });
    h.store('n1', 'imap-0', { uid: 1, guid: 'g1', mode: '+', flags: ['\\Flagged'] }, 'info');
    h.store('n1', 'imap-0', { uid: 1, guid: 'g1', mode: '=', flags: ['\\Seen'] }, 'ok', { flagsAfter: ['\\Seen'], modseq: 3, vclock: { n1: 2 } });
    const result = checkNoLostFlags(checkInput(h, finalWith(['\\Seen'])));
    expect(result.verdict).toBe('valid');
    // Five system flags, $Sel and $After.
    // \Flagged is not settled: the store of unknown outcome may have set it.
    expect(result.explanation).toBe(
      '6 of 7 written (message, flag) pairs have a settled causally last value and end with it on every replica; the other 1 had writes of both values concurrent with their last write, or of unknown outcome (either value accepted)',
    );
  });

  it('gives a failed store no excuse', () => {
    const h = new HistoryBuilder();
    const set = seenSet(h);
    h.store('n1', 'imap-0', { uid: 1, guid: 'g1', mode: '-', flags: ['\\Seen'] }, 'fail');
    const result = checkNoLostFlags(checkInput(h, finalWith([])));
    expect(result.verdict).toBe('invalid');
    expect(result.evidence).toEqual([set]);
    expect(result.explanation).toBe(`1 lost flag writes; first: g1 \\Seen is false in INBOX on n1, but the causally last write (record ${set}) made it true`);
  });

  it('accepts the value of a store of unknown outcome', () => {
    const h = new HistoryBuilder();
    seenSet(h);
    h.store('n1', 'imap-0', { uid: 1, guid: 'g1', mode: '-', flags: ['\\Seen'] }, 'info');
    expect(checkNoLostFlags(checkInput(h, finalWith([]))).verdict).toBe('not-applicable');
  });

  it('excuses a message an ok expunge removed, but an expunge of unknown outcome only for \\Deleted', () => {
    const ok = new HistoryBuilder();
    seenSet(ok);
    ok.store('n1', 'imap-0', { uid: 1, guid: 'g1', mode: '+', flags: ['$Kw'] }, 'ok', { flagsAfter: ['$Kw'], modseq: 3 });
    ok.expunge('n1', 'imap-0', { uids: [1], guids: ['g1'] }, 'ok');
    // The excused message was the only one written: nothing is left to judge.
    expect(checkNoLostFlags(checkInput(ok, finalWith([]))).verdict).toBe('not-applicable');

    const info = new HistoryBuilder();
    info.store('n1', 'imap-0', { uid: 1, guid: 'g1', mode: '-', flags: ['\\Deleted'] }, 'ok', { flagsAfter: [], modseq: 2, vclock: { n1: 1 } });
    info.expunge('n1', 'imap-0', { uids: [1], guids: ['g1'] }, 'info');
    expect(checkNoLostFlags(checkInput(info, finalWith(['\\Deleted']))).verdict).toBe('not-applicable');
    seenSet(info, { n1: 2 });
    expect(checkNoLostFlags(checkInput(info, finalWith(['\\Deleted']))).verdict).toBe('invalid');
  });

  it('second opinion from stamped clocks: does not judge a pair that also has an unclocked write, and says so', () => {
    const h = new HistoryBuilder();
    seenSet(h);
    h.store('n1', 'imap-0', { uid: 1, guid: 'g1', mode: '-', flags: ['\\Seen'] }, 'ok', { flagsAfter: [], modseq: 3 });
    const result = judgeNoLostFlags(checkInput(h, finalWith([])), fromStampedClocks);
    expect(result.verdict).toBe('unknown');
    expect(result.explanation).toBe('1 (message, flag) pairs have ok store records without a clock; 0 judged, none lost');
    // The history needs no stamp: the same client cleared \Seen after setting it (session order).
    expect(checkNoLostFlags(checkInput(h, finalWith([]))).verdict).toBe('valid');
    expect(checkNoLostFlags(checkInput(h, finalWith(['\\Seen']))).verdict).toBe('invalid');
  });

  it('second opinion from stamped clocks: stays invalid when another pair is unclocked', () => {
    const h = new HistoryBuilder();
    seenSet(h);
    h.store('n1', 'imap-0', { uid: 2, guid: 'g2', mode: '+', flags: ['\\Seen'] }, 'ok', { flagsAfter: ['\\Seen'], modseq: 3 });
    expect(judgeNoLostFlags(checkInput(h, finalWith([])), fromStampedClocks).verdict).toBe('invalid');
  });

  it('names every causally last write when concurrent writes agree', () => {
    const h = new HistoryBuilder();
    const a = seenSet(h, { n1: 1 });
    const b = h.store('n2', 'imap-1', { uid: 1, guid: 'g1', mode: '+', flags: ['\\Seen'] }, 'ok', { flagsAfter: ['\\Seen'], modseq: 2, vclock: { n2: 1 } }).done;
    const result = checkNoLostFlags(checkInput(h, finalWith([])));
    expect(result.evidence).toEqual([a, b]);
    expect(result.explanation).toBe(`1 lost flag writes; first: g1 \\Seen is false in INBOX on n1, but the causally last write (record ${a}, ${b}) made it true`);
  });
});
