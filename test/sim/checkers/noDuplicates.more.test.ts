// Proves no-duplicates credits appends, copies of delivered and population messages, judges the worst replica, and explains duplicates in a stable order.
import { describe, expect, it } from 'vitest';
import { checkNoDuplicates } from '../../../sim/checkers/noDuplicates.ts';
import { checkInput, converged, finalReplica, HistoryBuilder, mailbox, message } from './historyBuilder.ts';

describe('no-duplicates (more)', () => {
  it('is unknown without final states', () => {
    expect(checkNoDuplicates(checkInput([], [])).explanation).toBe('no final replica states to check');
  });

  it('allows a population message and its copy, found by the GUIDs of the final states', () => {
    const h = new HistoryBuilder();
    h.transfer('copy', 'n1', 'imap-0', { to: 'Archive', uid: 1, guid: 'p1' }, 'ok', { toUid: 1, toGuid: 'p1c' });
    const boxes = [mailbox('INBOX', [message('p1', 1, { messageId: 'pop' })]), mailbox('Archive', [message('p1c', 1, { messageId: 'pop' })])];
    const result = checkNoDuplicates(checkInput(h, converged(['n1'], boxes)));
    expect(result.verdict).toBe('valid');
    expect(result.explanation).toBe('no message appears more often than clients created it (0 SMTP retry copies)');
  });

  it('credits an APPEND as a creation like an SMTP delivery', () => {
    const h = new HistoryBuilder();
    h.deliver('n1', { messageId: 'm1', guid: 'g1', uid: 1 });
    h.op('n1', 'imap-0', 'append', { mailbox: 'INBOX', messageId: 'm1', attempt: 1 }, 'ok', { guid: 'g2', uid: 2, uidValidity: 1 });
    const boxes = [mailbox('INBOX', [message('g1', 1, { messageId: 'm1' }), message('g2', 2, { messageId: 'm1' })])];
    expect(checkNoDuplicates(checkInput(h, converged(['n1'], boxes))).verdict).toBe('valid');
  });

  it('finds the Message-ID of a copied delivery whose original is gone, and credits a copy of unknown outcome', () => {
    const h = new HistoryBuilder();
    h.deliver('n1', { messageId: 'm1', guid: 'g1', uid: 1 });
    h.transfer('copy', 'n1', 'imap-0', { to: 'Archive', uid: 1, guid: 'g1' }, 'info');
    h.expunge('n1', 'imap-0', { uids: [1], guids: ['g1'] }, 'ok');
    const boxes = [mailbox('INBOX', []), mailbox('Archive', [message('g1c', 1, { messageId: 'm1' })]), mailbox('Trash', [message('g1t', 1, { messageId: 'm1' })])];
    expect(checkNoDuplicates(checkInput(h, converged(['n1'], boxes))).verdict).toBe('valid');
  });

  it('gives no credit for a failed copy', () => {
    const h = new HistoryBuilder();
    const ack = h.deliver('n1', { messageId: 'm1', guid: 'g1', uid: 1 }).done;
    h.transfer('copy', 'n1', 'imap-0', { to: 'INBOX', uid: 1, guid: 'g1' }, 'fail');
    const boxes = [mailbox('INBOX', [message('g1', 1, { messageId: 'm1' }), message('g1x', 2, { messageId: 'm1' })])];
    const result = checkNoDuplicates(checkInput(h, converged(['n1'], boxes)));
    expect(result.evidence).toEqual([ack]);
    // The copies are listed in message-map order, which is not GUID order.
    expect(result.explanation).toMatch(/^1 duplicate copies made by merges; first: m1 appears 2 times on n1 \((g1, g1x|g1x, g1)\), but clients created it at most 1 times$/);
  });

  it('skips messages without a Message-ID: with no other message, it has nothing to judge', () => {
    const boxes = [mailbox('INBOX', [message('a', 1, { messageId: '' }), message('b', 2, { messageId: '' })])];
    expect(checkNoDuplicates(checkInput([], converged(['n1'], boxes))).verdict).toBe('not-applicable');
    const withOne = [mailbox('INBOX', [message('a', 1, { messageId: '' }), message('b', 2, { messageId: '' }), message('c', 3)])];
    expect(checkNoDuplicates(checkInput([], converged(['n1'], withOne)))).toMatchObject({ verdict: 'valid', judgedCount: 1 });
  });

  it('judges the replica with the most extra copies', () => {
    const copies = (n: number) => [mailbox('INBOX', Array.from({ length: n }, (_, i) => message(`p${i}`, i + 1, { messageId: 'pop' })))];
    const finals = [finalReplica('n1', copies(3)), finalReplica('n2', copies(2)), finalReplica('n3', copies(1))];
    const result = checkNoDuplicates(checkInput([], finals));
    expect(result.count).toBe(2);
    expect(result.explanation).toBe('2 duplicate copies made by merges; first: pop appears 3 times on n1 (p0, p1, p2), but clients created it at most 1 times');
  });

  it('counts as retry copies only copies present, not attempts that left none', () => {
    const h = new HistoryBuilder();
    h.deliver('n1', { messageId: 'm1', attempt: 1 }, 'info');
    h.deliver('n1', { messageId: 'm1', attempt: 2 }, 'info');
    const boxes = [mailbox('INBOX', [message('g1', 1, { messageId: 'm1' })])];
    expect(checkNoDuplicates(checkInput(h, converged(['n1'], boxes))).costs).toEqual({ retryCopies: 0 });
  });

  it('takes the first binding of each copy as evidence', () => {
    const h = new HistoryBuilder();
    const original = h.bind('n1', { uid: 1, guid: 'p1' });
    const copy = h.bind('n1', { uid: 2, guid: 'p1x' });
    h.bind('n1', { uid: 3, guid: 'p1' });
    const boxes = [mailbox('INBOX', [message('p1', 3, { messageId: 'pop' }), message('p1x', 2, { messageId: 'pop' })])];
    expect(checkNoDuplicates(checkInput(h, converged(['n1'], boxes))).evidence).toEqual([original, copy]);
  });

  it('explains the duplicate with the lowest Message-ID first when no record shows either', () => {
    const boxes = [
      mailbox('A', [message('z1', 1, { messageId: 'zz' }), message('z2', 2, { messageId: 'zz' })]),
      mailbox('B', [message('a1', 1, { messageId: 'aa' }), message('a2', 2, { messageId: 'aa' })]),
    ];
    const result = checkNoDuplicates(checkInput([], converged(['n1'], boxes)));
    expect(result.count).toBe(2);
    expect(result.explanation).toMatch(/^2 duplicate copies made by merges; first: aa appears 2 times on n1 \((a1, a2|a2, a1)\)/);
  });
});
