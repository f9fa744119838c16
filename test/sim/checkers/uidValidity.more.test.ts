// Proves uidvalidity counts distinct transitions per mailbox, ignores malformed records, reads COPYUID answers, and explains each kind of change.
import { describe, expect, it } from 'vitest';
import { checkUidValidity } from '../../../sim/checkers/uidValidity.ts';
import { checkInput, converged, HistoryBuilder, mailbox } from './historyBuilder.ts';

const finals = converged(['n1'], [mailbox('INBOX', [])]);
const resets = { strategy: 'reset-validity', mayResetValidity: true };

describe('uidvalidity (more)', () => {
  it('ignores malformed and no-op validity records', () => {
    const h = new HistoryBuilder();
    h.record('n1', 'replica', 'info', 'uidvalidity', { before: 1, after: 2 });
    h.record('n1', 'replica', 'info', 'uidvalidity', { mailbox: 'INBOX', after: 2 });
    h.record('n1', 'replica', 'info', 'uidvalidity', { mailbox: 'INBOX', before: 1 });
    h.validityChange('n1', 'INBOX', 3, 3);
    const result = checkUidValidity(checkInput(h, finals));
    expect(result).toEqual({
      verdict: 'not-applicable', count: 0, evidence: [], explanation: 'nothing to judge: no UIDVALIDITY changes and client observations',
      judgedCount: 0, judgedWhat: 'UIDVALIDITY changes and client observations', costs: { uidValidityChanges: 0 },
    });
  });

  it('counts each distinct transition of each mailbox, costs listed by mailbox name', () => {
    const h = new HistoryBuilder();
    h.validityChange('n1', 'Trash', 1, 2);
    h.validityChange('n1', 'INBOX', 1, 2);
    h.validityChange('n1', 'INBOX', 2, 3);
    h.validityChange('n2', 'INBOX', 2, 3);
    const result = checkUidValidity(checkInput(h, finals, resets));
    expect(result.verdict).toBe('valid');
    expect(result.explanation).toBe('3 UIDVALIDITY changes (allowed: the strategy may reset)');
    expect(result.costs).toEqual({ 'uidValidityChanges:INBOX': 2, 'uidValidityChanges:Trash': 1, uidValidityChanges: 3 });
    expect(Object.keys(result.costs ?? {})).toEqual(['uidValidityChanges:INBOX', 'uidValidityChanges:Trash', 'uidValidityChanges']);
  });

  it('explains a replica change under a strategy that never resets', () => {
    const h = new HistoryBuilder();
    h.validityChange('n1', 'INBOX', 1, 2);
    const result = checkUidValidity(checkInput(h, finals, { strategy: 'renumber' }));
    expect(result.explanation).toBe('1 UIDVALIDITY violations; first: n1 changed INBOX UIDVALIDITY from 1 to 2 under renumber, which declares it never resets');
  });

  it('keeps what each client saw per process and mailbox, across a select that reported no UIDVALIDITY', () => {
    const h = new HistoryBuilder();
    h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 1 });
    h.op('n1', 'imap-0', 'select', { mailbox: 'INBOX' }, 'ok', {});
    h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 1 });
    h.select('n1', 'imap-1', { mailbox: 'Archive', uidValidity: 5, uidNext: 1 });
    h.select('n1', 'imap-1', { uidValidity: 7, uidNext: 1 });
    const result = checkUidValidity(checkInput(h, finals));
    expect(result.verdict).toBe('valid');
    expect(result.costs).toEqual({ uidValidityChanges: 0 });
  });

  it('calls a client seeing UIDVALIDITY go down invalid even when resets are allowed', () => {
    const h = new HistoryBuilder();
    const high = h.select('a', 'imap-0', { uidValidity: 5, uidNext: 1 }).done;
    const low = h.select('b', 'imap-0', { uidValidity: 4, uidNext: 1 }).done;
    const result = checkUidValidity(checkInput(h, finals, resets));
    expect(result.verdict).toBe('invalid');
    expect(result.evidence).toEqual([high, low]);
    expect(result.explanation).toBe('1 UIDVALIDITY violations; first: imap-0 saw INBOX UIDVALIDITY go down from 5 to 4 (on a, then b: failover)');
  });

  it('reads the target UIDVALIDITY of MOVE and COPY answers as what the client saw', () => {
    for (const f of ['move', 'copy'] as const) {
      const h = new HistoryBuilder();
      const sel = h.select('n1', 'imap-0', { mailbox: 'Archive', uidValidity: 1, uidNext: 1 }).done;
      const transfer = h.transfer(f, 'n1', 'imap-0', { to: 'Archive', uid: 1, guid: 'g1' }, 'ok', { toUidValidity: 2, toUid: 1 }).done;
      const result = checkUidValidity(checkInput(h, finals, { strategy: 'renumber' }));
      expect(result.evidence, f).toEqual([sel, transfer]);
      expect(result.explanation, f).toBe('1 UIDVALIDITY violations; first: imap-0 saw Archive UIDVALIDITY change from 1 to 2 under renumber (on n1)');
      expect(result.costs, f).toEqual({ 'uidValidityChanges:Archive': 1, uidValidityChanges: 1 });
    }
  });

  it('an OK without COPYUID (the UID was gone, nothing moved) answers no UIDVALIDITY', () => {
    for (const f of ['move', 'copy'] as const) {
      const h = new HistoryBuilder();
      h.select('n1', 'imap-0', { mailbox: 'Archive', uidValidity: 1, uidNext: 1 });
      // A real server's OK "No messages found": the simulator records toUid 0 and toUidValidity 0.
      h.transfer(f, 'n1', 'imap-0', { to: 'Archive', uid: 1, guid: 'g1' }, 'ok', { toUidValidity: 0, toUid: 0 });
      expect(checkUidValidity(checkInput(h, finals, { strategy: 'renumber' })).verdict, f).toBe('valid');
    }
  });
});
