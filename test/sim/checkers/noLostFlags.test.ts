// Proves no-lost-flags accepts final flags written by causally last writes (causality from the history: what clients wrote and read) and catches a dropped flag change.
import { describe, expect, it } from 'vitest';
import { checkNoLostFlags, writtenFlags } from '../../../sim/checkers/noLostFlags.ts';
import { checkInput, converged, HistoryBuilder, mailbox, message, seen } from './historyBuilder.ts';

function history(): { h: HistoryBuilder; unflag: number; setOnly: number } {
  const h = new HistoryBuilder();
  h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 4, messages: [seen(1, 'g1'), seen(2, 'g2', ['$Junk']), seen(3, 'g3')] });
  // Concurrent writes to \Seen of g1 that disagree: either final value is fine.
  h.store('n1', 'imap-0', { uid: 1, guid: 'g1', mode: '+', flags: ['\\Seen'] }, 'ok', { flagsAfter: ['\\Seen'], modseq: 2, vclock: { n1: 1 } });
  h.store('n2', 'imap-1', { uid: 1, guid: 'g1', mode: '-', flags: ['\\Seen'] }, 'ok', { flagsAfter: [], modseq: 2, vclock: { n2: 1 } });
  // \Flagged of g1: set on n1; imap-1 then reads n1 (a state that holds the set) and clears it on n2: the clear is causally last.
  h.store('n1', 'imap-0', { uid: 1, guid: 'g1', mode: '+', flags: ['\\Flagged'] }, 'ok', { flagsAfter: ['\\Flagged', '\\Seen'], modseq: 3, vclock: { n1: 2 } });
  h.select('n1', 'imap-1', { uidValidity: 1, uidNext: 4, messages: [seen(1, 'g1', ['\\Flagged', '\\Seen'], 3)] });
  const unflag = h.store('n2', 'imap-1', { uid: 1, guid: 'g1', mode: '-', flags: ['\\Flagged'] }, 'ok', { flagsAfter: [], modseq: 4, vclock: { n1: 2, n2: 2 } }).done;
  // '=' writes every system flag and every keyword present ($Junk, seen in the select).
  const setOnly = h.store('n1', 'imap-0', { uid: 2, guid: 'g2', mode: '=', flags: ['\\Answered'] }, 'ok', { flagsAfter: ['\\Answered'], modseq: 5, vclock: { n1: 3 } }).done;
  // A store of unknown outcome may have landed: its value is accepted.
  h.store('n2', 'imap-1', { uid: 1, guid: 'g1', mode: '+', flags: ['$Label1'] }, 'info');
  // An OK store that changed nothing may have hit an absent UID: not a judged write.
  h.store('n2', 'imap-1', { uid: 9, guid: 'g2', mode: '+', flags: ['\\Draft'] }, 'ok', { flagsAfter: null, modseq: null, vclock: { n1: 3, n2: 3 } });
  // g3 is written, then expunged: excused.
  h.store('n1', 'imap-0', { uid: 3, guid: 'g3', mode: '+', flags: ['\\Seen'] }, 'ok', { flagsAfter: ['\\Seen'], modseq: 6, vclock: { n1: 4 } });
  h.expunge('n1', 'imap-0', { uids: [3], guids: ['g3'] }, 'ok', { n1: 5 });
  return { h, unflag, setOnly };
}

describe('no-lost-flags', () => {
  it('is valid when every final flag matches its causally last writes', () => {
    const { h } = history();
    const boxes = [mailbox('INBOX', [message('g1', 1, { flags: ['\\Seen', '$Label1'] }), message('g2', 2, { flags: ['\\Answered'] })])];
    const result = checkNoLostFlags(checkInput(h, converged(['n1', 'n2'], boxes)));
    expect(result.verdict).toBe('valid');
  });

  it('negative control drop-flag-change: a merge that kept \\Flagged after its causally last clear is invalid', () => {
    const { h, unflag } = history();
    const boxes = [mailbox('INBOX', [message('g1', 1, { flags: ['\\Flagged'] }), message('g2', 2, { flags: ['\\Answered'] })])];
    const result = checkNoLostFlags(checkInput(h, converged(['n1', 'n2'], boxes)));
    expect(result.verdict).toBe('invalid');
    expect(result.count).toBe(1);
    expect(result.evidence).toEqual([unflag]);
    expect(result.explanation).toContain('g1 \\Flagged is true');
  });

  it("negative control: a keyword that '=' removed and that came back is invalid", () => {
    const { h, setOnly } = history();
    const boxes = [mailbox('INBOX', [message('g1', 1), message('g2', 2, { flags: ['\\Answered', '$Junk'] })])];
    const result = checkNoLostFlags(checkInput(h, converged(['n1', 'n2'], boxes)));
    expect(result.verdict).toBe('invalid');
    expect(result.evidence).toEqual([setOnly]);
  });

  it('needs no vector clock on the store records: without the read, the clear is concurrent with the set', () => {
    const h = new HistoryBuilder();
    h.store('n1', 'imap-0', { uid: 1, guid: 'g1', mode: '+', flags: ['\\Flagged'] }, 'ok', { flagsAfter: ['\\Flagged'], modseq: 2 });
    h.store('n2', 'imap-1', { uid: 1, guid: 'g1', mode: '-', flags: ['\\Flagged'] }, 'ok', { flagsAfter: [], modseq: 2 });
    const finals = converged(['n1', 'n2'], [mailbox('INBOX', [message('g1', 1, { flags: ['\\Flagged'] })])]);
    expect(checkNoLostFlags(checkInput(h, finals)).verdict).toBe('not-applicable');
    // The same clear after imap-1 read n1's state: the set is lost.
    const read = new HistoryBuilder();
    read.store('n1', 'imap-0', { uid: 1, guid: 'g1', mode: '+', flags: ['\\Flagged'] }, 'ok', { flagsAfter: ['\\Flagged'], modseq: 2 });
    read.select('n1', 'imap-1', { uidValidity: 1, uidNext: 2, messages: [seen(1, 'g1', ['\\Flagged'], 2)] });
    read.store('n2', 'imap-1', { uid: 1, guid: 'g1', mode: '-', flags: ['\\Flagged'] }, 'ok', { flagsAfter: [], modseq: 2 });
    expect(checkNoLostFlags(checkInput(read, finals)).verdict).toBe('invalid');
  });

  it("'=' writes every system flag and the keywords named or present", () => {
    const written = writtenFlags('=', ['$A'], new Set(['$B', '\\Seen']));
    expect(written).toEqual([
      ['$A', true],
      ['$B', false],
      ['\\Answered', false],
      ['\\Deleted', false],
      ['\\Draft', false],
      ['\\Flagged', false],
      ['\\Seen', false],
    ]);
    expect(writtenFlags('-', ['\\Seen'], new Set())).toEqual([['\\Seen', false]]);
  });
});
