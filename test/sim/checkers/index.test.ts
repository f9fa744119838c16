// Proves the checker registry runs the named checks and combines verdicts (invalid > unknown > valid; not-applicable has no say, and all not-applicable is unknown).
import { describe, expect, it } from 'vitest';
import { CHECKERS, overallVerdict, runChecks } from '../../../sim/checkers/index.ts';
import { CHECK_NAMES } from '../../../sim/checkers/names.ts';
import type { CheckResult, CheckVerdict } from '../../../sim/resultTypes.ts';
import { checkInput, converged, HistoryBuilder, mailbox, message, seen } from './historyBuilder.ts';

function result(verdict: CheckVerdict): CheckResult {
  const judgedCount = verdict === 'not-applicable' ? 0 : 1;
  return { verdict, count: verdict === 'invalid' ? 1 : 0, evidence: [], explanation: '', judgedCount, judgedWhat: 'things' };
}

describe('checker registry', () => {
  it('lists the checks in the agreed order', () => {
    expect(CHECK_NAMES).toEqual(['uid-stable', 'uid-order', 'uidvalidity', 'no-lost-mail', 'no-lost-flags', 'keyword-set', 'no-resurrection', 'no-duplicates', 'modseq', 'move-atomic', 'convergence', 'lease-exclusive', 'completions', 'real-clients']);
    // The one list and the registry agree: every name has a checker and every checker a name.
    expect(Object.keys(CHECKERS)).toEqual([...CHECK_NAMES]);
  });

  it('runs every check on a clean small run: valid where something was judged, not-applicable elsewhere', () => {
    const h = new HistoryBuilder();
    h.deliver('n1', { messageId: 'g1@test', guid: 'g1', uid: 1 });
    h.bind('n1', { uid: 1, guid: 'g1' });
    h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 2, messages: [seen(1, 'g1')] });
    h.store('n1', 'imap-0', { uid: 1, guid: 'g1', mode: '+', flags: ['\\Seen'] }, 'ok', { flagsAfter: ['\\Seen'], modseq: 2, vclock: { n1: 1 } });
    const finals = converged(['n1', 'n2'], [mailbox('INBOX', [message('g1', 1, { flags: ['\\Seen'], modseq: 2 })])]);
    const results = runChecks(checkInput(h, finals), CHECK_NAMES);
    // No expunge, no move, no lease, no written keyword, no real client: those checkers have nothing to judge.
    const idle = ['keyword-set', 'no-resurrection', 'move-atomic', 'lease-exclusive', 'real-clients'];
    for (const name of CHECK_NAMES) expect(results[name]?.verdict, name).toBe(idle.includes(name) ? 'not-applicable' : 'valid');
    expect(overallVerdict(results)).toBe('valid');
  });

  it('reports an unknown name as unknown and combines verdicts', () => {
    const results = runChecks(checkInput(new HistoryBuilder(), converged(['n1'], [])), ['convergence', 'no-such-check']);
    expect(results['no-such-check']?.verdict).toBe('unknown');
    expect(results['no-such-check']?.explanation).toBe(`no checker named "no-such-check"; known: ${CHECK_NAMES.join(', ')}`);
    expect(overallVerdict(results)).toBe('unknown');
    expect(overallVerdict({ a: result('unknown'), b: result('invalid') })).toBe('invalid');
  });

  it('lets a not-applicable check leave the verdict to the others, but a run where nothing was judged is unknown', () => {
    expect(overallVerdict({ a: result('valid'), b: result('not-applicable') })).toBe('valid');
    expect(overallVerdict({ a: result('invalid'), b: result('not-applicable') })).toBe('invalid');
    expect(overallVerdict({ a: result('unknown'), b: result('not-applicable') })).toBe('unknown');
    expect(overallVerdict({ a: result('not-applicable'), b: result('not-applicable') })).toBe('unknown');
    expect(overallVerdict({})).toBe('unknown');
  });
});
