// Proves uidvalidity counts changes as a cost when the strategy may reset, and calls them invalid otherwise or when a value goes down.
import { describe, expect, it } from 'vitest';
import { checkUidValidity } from '../../../sim/checkers/uidValidity.ts';
import { checkInput, converged, HistoryBuilder, mailbox } from './historyBuilder.ts';

const finals = converged(['n1', 'n2'], [mailbox('INBOX', [], { uidValidity: 2 })]);

describe('uidvalidity', () => {
  it('is valid with no change, with a zero cost', () => {
    const h = new HistoryBuilder();
    h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 1 });
    h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 1 });
    const result = checkUidValidity(checkInput(h, finals));
    expect(result.verdict).toBe('valid');
    expect(result.costs?.['uidValidityChanges']).toBe(0);
  });

  it('reports a reset as a cost, once per transition, when the strategy declares it may reset', () => {
    const h = new HistoryBuilder();
    h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 3 });
    h.validityChange('n1', 'INBOX', 1, 2);
    h.validityChange('n2', 'INBOX', 1, 2);
    h.select('n1', 'imap-0', { uidValidity: 2, uidNext: 1 });
    const result = checkUidValidity(checkInput(h, finals, { strategy: 'reset-validity', mayResetValidity: true }));
    expect(result.verdict).toBe('valid');
    expect(result.costs).toEqual({ uidValidityChanges: 1, 'uidValidityChanges:INBOX': 1 });
  });

  it('negative control validity-bump: a change under a strategy that never resets is invalid', () => {
    const h = new HistoryBuilder();
    const before = h.select('n1', 'imap-0', { uidValidity: 1, uidNext: 3 }).done;
    const change = h.validityChange('n1', 'INBOX', 1, 2);
    const after = h.select('n1', 'imap-0', { uidValidity: 2, uidNext: 1 }).done;
    const result = checkUidValidity(checkInput(h, finals, { strategy: 'renumber', mayResetValidity: false }));
    expect(result.verdict).toBe('invalid');
    expect(result.count).toBe(2);
    expect(result.evidence).toEqual([before, change, after]);
    expect(result.costs?.['uidValidityChanges']).toBe(1);
  });

  it('negative control: a value going down is invalid even when resets are allowed', () => {
    const h = new HistoryBuilder();
    const down = h.validityChange('n2', 'INBOX', 5, 4);
    const result = checkUidValidity(checkInput(h, finals, { mayResetValidity: true }));
    expect(result.verdict).toBe('invalid');
    expect(result.evidence).toEqual([down]);
    expect(result.explanation).toContain('lowered INBOX UIDVALIDITY from 5 to 4');
  });
});
