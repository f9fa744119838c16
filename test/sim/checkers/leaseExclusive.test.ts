// Proves lease-exclusive accepts owners that follow their lease epochs in time, and catches an owner assigning under a superseded epoch or two owners sharing one.
import { describe, expect, it } from 'vitest';
import { checkLeaseExclusive } from '../../../sim/checkers/leaseExclusive.ts';
import { checkInput, converged, HistoryBuilder, mailbox, message } from './historyBuilder.ts';

const finals = converged(['a', 'b'], [mailbox('INBOX', [message('g1', 1)])]);

describe('lease-exclusive', () => {
  it('has nothing to judge with no owner assignments (strategies without leases)', () => {
    const h = new HistoryBuilder();
    h.bind('a', { uid: 1, guid: 'g1' });
    const result = checkLeaseExclusive(checkInput(h, finals));
    expect(result).toMatchObject({ verdict: 'not-applicable', judgedCount: 0, judgedWhat: 'UID assignments under a lease' });
    expect(result.explanation).toBe('nothing to judge: no UID assignments under a lease');
  });

  it('is valid when a take-over at a higher epoch follows the old owner, per mailbox', () => {
    const h = new HistoryBuilder();
    h.assign('a', 1, [21, 22]);
    h.assign('a', 1, [23], 'Archive');
    h.assign('b', 2, [24]);
    h.assign('b', 2, [25]);
    // Archive's owner is still a at epoch 1: each mailbox has its own lease.
    h.assign('a', 1, [4], 'Archive');
    h.assign('a', 3, [26]);
    const result = checkLeaseExclusive(checkInput(h, finals));
    expect(result.verdict, result.explanation).toBe('valid');
    expect(result.explanation).toBe('6 owner assignments in 2 mailbox(es) followed the lease epochs, one owner at a time');
  });

  it('negative control owner-no-fence: an assignment under an epoch another owner superseded is invalid', () => {
    const h = new HistoryBuilder();
    h.assign('a', 1, [21]);
    const newer = h.at(28_000).assign('b', 2, [22, 23]);
    const stale = h.at(35_000).assign('a', 1, [22]);
    const result = checkLeaseExclusive(checkInput(h, finals));
    expect(result.verdict).toBe('invalid');
    expect(result.count).toBe(1);
    expect(result.evidence).toEqual([newer, stale]);
    expect(result.explanation).toContain('a assigned INBOX UID 22 under epoch 1 at 35.0 s, after b had assigned under epoch 2 at 28.0 s');
  });

  it('negative control: two owners at one epoch is invalid', () => {
    const h = new HistoryBuilder();
    h.assign('a', 2, [5, 6]);
    h.assign('b', 2, [5]);
    const result = checkLeaseExclusive(checkInput(h, finals));
    expect(result.verdict).toBe('invalid');
    expect(result.explanation).toContain('b assigned INBOX UID 5 under epoch 2');
    expect(result.explanation).toContain('which a also held');
  });
});
