// Proves keyword-set judges acknowledged keyword adds from the history and the final states alone: kept adds are valid, a dropped one is invalid, removals and expunges excuse.
import { describe, expect, it } from 'vitest';
import { checkKeywordSet } from '../../../sim/checkers/keywordSet.ts';
import { isWrittenKeyword, ownedKeywords, writtenKeywordCount, WRITTEN_KEYWORDS_MAX } from '../../../sim/writtenKeywords.ts';
import { KEYWORDS_MAX } from '../../../core/names.ts';
import { checkInput, converged, finalReplica, HistoryBuilder, mailbox, message, seen } from './historyBuilder.ts';

/** imap-0 adds $w0 to g1 on n1 (acknowledged, no clock anywhere); returns the add's indexes. */
function added(h: HistoryBuilder, guid = 'g1', keyword = '$w0'): { invoke: number; done: number } {
  h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 3, messages: [seen(1, 'g1'), seen(2, 'g2')] });
  return h.store('n1', 'imap-0', { uid: guid === 'g1' ? 1 : 2, guid, mode: '+', flags: [keyword] }, 'ok', { flagsAfter: [keyword], modseq: 2 });
}

const withKeyword = (flags: string[] = ['$w0']) => [mailbox('INBOX', [message('g1', 1, { flags }), message('g2', 2)])];

describe('keyword-set', () => {
  it('is valid when every acknowledged add is on every final replica, and reports the stable latency of reads', () => {
    const h = new HistoryBuilder();
    const add = added(h);
    // A read on n2 misses it at 50 ms after the ack, a read on n1 then sees it 100 ms after the ack.
    h.at(h.records[add.done]!.timeMs + 50).select('n2', 'imap-1', { uidValidity: 1, uidNext: 3, messages: [seen(1, 'g1', [], 3)] });
    h.at(h.records[add.done]!.timeMs + 100).select('n1', 'imap-1', { uidValidity: 1, uidNext: 3, messages: [seen(1, 'g1', ['$w0'], 4)] });
    const result = checkKeywordSet(checkInput(h, converged(['n1', 'n2'], withKeyword())));
    expect(result.verdict, result.explanation).toBe('valid');
    expect(result.judgedCount).toBe(1);
    expect(result.costs?.['stableLatencyMsMax']).toBeGreaterThanOrEqual(100);
    expect(result.explanation).toContain('1 acknowledged keyword adds');
  });

  it('negative control drop-keyword-change: an acknowledged add missing on one replica is invalid, with the add as evidence', () => {
    const h = new HistoryBuilder();
    const add = added(h);
    const finals = [finalReplica('n1', withKeyword()), finalReplica('n2', withKeyword([]))];
    const result = checkKeywordSet(checkInput(h, finals));
    expect(result.verdict).toBe('invalid');
    expect(result.count).toBe(1);
    expect(result.evidence).toEqual([add.done]);
    expect(result.explanation).toContain('g1 $w0');
    expect(result.explanation).toContain('on n2');
  });

  it('reads no clock: stamps claiming the add came first change nothing', () => {
    const h = new HistoryBuilder();
    h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 3, messages: [seen(1, 'g1')] });
    h.store('n1', 'imap-0', { uid: 1, guid: 'g1', mode: '+', flags: ['$w0'] }, 'ok', { flagsAfter: ['$w0'], modseq: 2, vclock: { '*': 1 } });
    h.store('n1', 'imap-1', { uid: 1, guid: 'g1', mode: '+', flags: ['\\Seen'] }, 'ok', { flagsAfter: ['$w0', '\\Seen'], modseq: 3, vclock: { '*': 9 } });
    const result = checkKeywordSet(checkInput(h, converged(['n1'], withKeyword(['\\Seen']))));
    expect(result.verdict).toBe('invalid');
  });

  it('a removal of the keyword, acknowledged or in doubt, excuses the add', () => {
    for (const outcome of ['ok', 'info'] as const) {
      const h = new HistoryBuilder();
      added(h);
      h.store('n2', 'imap-1', { uid: 1, guid: 'g1', mode: '-', flags: ['$w0'] }, outcome, { flagsAfter: [], modseq: 3 });
      const result = checkKeywordSet(checkInput(h, converged(['n1', 'n2'], withKeyword([]))));
      expect(result.verdict, outcome).toBe('not-applicable');
      expect(result.judgedCount).toBe(0);
      expect(result.costs?.['keywordAddsExcused']).toBe(1);
    }
  });

  it("a refused removal excuses nothing", () => {
    const h = new HistoryBuilder();
    added(h);
    h.store('n2', 'imap-1', { uid: 1, guid: 'g1', mode: '-', flags: ['$w0'] }, 'fail');
    expect(checkKeywordSet(checkInput(h, converged(['n1'], withKeyword([])))).verdict).toBe('invalid');
  });

  it("a '=' that does not name the keyword excuses the add only if it completed after the add was invoked", () => {
    const overwrite = (before: boolean) => {
      const h = new HistoryBuilder();
      h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 3, messages: [seen(1, 'g1')] });
      if (before) h.store('n2', 'imap-1', { uid: 1, guid: 'g1', mode: '=', flags: ['\\Seen'] }, 'ok', { flagsAfter: ['\\Seen'], modseq: 2 });
      h.store('n1', 'imap-0', { uid: 1, guid: 'g1', mode: '+', flags: ['$w0'] }, 'ok', { flagsAfter: ['$w0'], modseq: 3 });
      if (!before) h.store('n2', 'imap-1', { uid: 1, guid: 'g1', mode: '=', flags: ['\\Seen'] }, 'ok', { flagsAfter: ['\\Seen'], modseq: 4 });
      return checkKeywordSet(checkInput(h, converged(['n1'], withKeyword(['\\Seen']))));
    };
    expect(overwrite(false).verdict).toBe('not-applicable');
    expect(overwrite(true).verdict).toBe('invalid');
  });

  it('an acknowledged expunge excuses the add; a message gone without one is a loss, unless an expunge is in doubt', () => {
    const gone = [mailbox('INBOX', [message('g2', 2)])];
    const run = (expunge: 'ok' | 'info' | null) => {
      const h = new HistoryBuilder();
      added(h);
      if (expunge) h.expunge('n1', 'imap-0', { uids: [1], guids: ['g1'] }, expunge);
      return checkKeywordSet(checkInput(h, converged(['n1'], gone)));
    };
    expect(run('ok').verdict).toBe('not-applicable');
    expect(run('info').verdict).toBe('valid');
    const lost = run(null);
    expect(lost.verdict).toBe('invalid');
    expect(lost.explanation).toContain('gone from n1');
  });

  it('follows a move: the message is found by GUID in any mailbox', () => {
    const h = new HistoryBuilder();
    added(h);
    h.transfer('move', 'n1', 'imap-1', { to: 'Archive', uid: 1, guid: 'g1' }, 'ok', { toUid: 1 });
    const boxes = [mailbox('INBOX', [message('g2', 2)]), mailbox('Archive', [message('g1', 1, { flags: ['$w0'] })])];
    expect(checkKeywordSet(checkInput(h, converged(['n1', 'n2'], boxes))).verdict).toBe('valid');
  });

  it('does not judge adds in doubt or other keywords, and is unknown without final states', () => {
    const h = new HistoryBuilder();
    h.store('n1', 'imap-0', { uid: 1, guid: 'g1', mode: '+', flags: ['$w0'] }, 'info');
    h.store('n1', 'imap-0', { uid: 1, guid: 'g1', mode: '+', flags: ['$w1'] }, 'ok', { flagsAfter: null, modseq: null });
    h.store('n1', 'imap-0', { uid: 1, guid: 'g1', mode: '+', flags: ['$Junk'] }, 'ok', { flagsAfter: ['$Junk'], modseq: 2 });
    const result = checkKeywordSet(checkInput(h, converged(['n1'], withKeyword([]))));
    expect(result.verdict).toBe('not-applicable');
    expect(result.judgedCount).toBe(0);
    expect(result.costs?.['keywordAddsInDoubt']).toBe(2);
    expect(checkKeywordSet(checkInput(h, [])).verdict).toBe('unknown');
  });
});

describe('written keywords', () => {
  it('are $w<n> atoms, owned by one client each, within the Maildir keyword letters', () => {
    expect(isWrittenKeyword('$w12')).toBe(true);
    expect(isWrittenKeyword('$w')).toBe(false);
    expect(isWrittenKeyword('$W1')).toBe(false);
    expect(isWrittenKeyword('$w01')).toBe(false);
    for (const clients of [1, 3, 4, 20]) {
      const owned = Array.from({ length: clients }, (_, i) => ownedKeywords(i, clients, 3));
      const all = owned.flat();
      expect(new Set(all).size).toBe(all.length);
      expect(all.length).toBe(writtenKeywordCount(3));
    }
    expect(writtenKeywordCount(0)).toBe(WRITTEN_KEYWORDS_MAX);
    expect(writtenKeywordCount(3) + 3).toBeLessThan(KEYWORDS_MAX);
    expect(writtenKeywordCount(30)).toBe(0);
  });
});
