// Proves no-duplicates tells SMTP retry copies (a cost) from merge duplicates (a violation).
import { describe, expect, it } from 'vitest';
import { checkNoDuplicates } from '../../../sim/checkers/noDuplicates.ts';
import { checkInput, converged, HistoryBuilder, mailbox, message } from './historyBuilder.ts';

describe('no-duplicates', () => {
  it('is valid for a retry after an unknown outcome, reported as retryCopies, and for copies', () => {
    const h = new HistoryBuilder();
    h.deliver('n1', { messageId: 'm1', attempt: 1 }, 'info');
    h.deliver('n2', { messageId: 'm1', attempt: 2, guid: 'g1b', uid: 2 });
    h.deliver('n2', { messageId: 'm2', guid: 'g2', uid: 3 });
    h.transfer('copy', 'n2', 'imap-0', { to: 'Archive', uid: 3, guid: 'g2' }, 'ok', { toUid: 1, toGuid: 'g2c' });
    const boxes = [
      mailbox('INBOX', [message('g1a', 1, { messageId: 'm1' }), message('g1b', 2, { messageId: 'm1' }), message('g2', 3, { messageId: 'm2' })]),
      mailbox('Archive', [message('g2c', 1, { messageId: 'm2' }), message('p1', 2, { messageId: 'population-1' })]),
    ];
    const result = checkNoDuplicates(checkInput(h, converged(['n1', 'n2'], boxes)));
    expect(result.verdict).toBe('valid');
    expect(result.costs).toEqual({ retryCopies: 1 });
  });

  it('negative control duplicate-on-merge: two copies of a message delivered once is invalid', () => {
    const h = new HistoryBuilder();
    h.deliver('n1', { messageId: 'm1', attempt: 1 }, 'fail');
    const ack = h.deliver('n1', { messageId: 'm1', attempt: 2, guid: 'g1', uid: 1 }).done;
    const boxes = [mailbox('INBOX', [message('g1', 1, { messageId: 'm1' }), message('g1x', 2, { messageId: 'm1' })])];
    const result = checkNoDuplicates(checkInput(h, converged(['n1', 'n2'], boxes)));
    expect(result.verdict).toBe('invalid');
    expect(result.count).toBe(1);
    expect(result.evidence).toEqual([ack]);
    expect(result.explanation).toContain('m1 appears 2 times');
  });

  it('negative control: a population message duplicated by a merge is invalid, evidence at the binding of each copy', () => {
    const h = new HistoryBuilder();
    const original = h.bind('n1', { uid: 1, guid: 'p1' });
    const copy = h.bind('n1', { uid: 2, guid: 'p1x' });
    const boxes = [mailbox('INBOX', [message('p1', 1, { messageId: 'pop' }), message('p1x', 2, { messageId: 'pop' })])];
    const result = checkNoDuplicates(checkInput(h, converged(['n1'], boxes)));
    expect(result.verdict).toBe('invalid');
    expect(result.evidence).toEqual([original, copy]);
  });
});
