// Proves the session guarantee is judged from what the client saw: a replica that could be a later state of it is accepted, and each way of not reflecting it (lower counters, a known UID naming another message, an unseen UID below UIDNEXT, a lower MODSEQ, a UID the client removed) is refused.
import { describe, expect, it } from 'vitest';
import { SessionMemory } from '../../sim/sessionMemory.ts';
import { mailbox, message } from './checkers/historyBuilder.ts';

function told(): SessionMemory {
  const memory = new SessionMemory();
  memory.selected(mailbox('INBOX', [message('g1', 1, { modseq: 3 }), message('g2', 2)], { uidNext: 4, highestModseq: 5 }));
  return memory;
}

describe('SessionMemory', () => {
  it('accepts a later state: new UIDs at or above UIDNEXT, higher MODSEQs, a message gone', () => {
    const later = mailbox('INBOX', [message('g1', 1, { modseq: 6 }), message('g4', 4, { modseq: 7 })], { uidNext: 5, highestModseq: 7 });
    expect(told().behind('n2', later)).toBeNull();
    // Another UIDVALIDITY is another UID space: the client must SELECT again anyway.
    expect(told().behind('n2', mailbox('INBOX', [message('g9', 1)], { uidValidity: 2, uidNext: 2, highestModseq: 1 }))).toBeNull();
  });

  it('negative controls: refuses each state that cannot follow what the client saw', () => {
    const states = [
      mailbox('INBOX', [message('g1', 1, { modseq: 3 })], { uidNext: 3, highestModseq: 5 }),
      mailbox('INBOX', [message('gX', 1, { modseq: 3 })], { uidNext: 4, highestModseq: 5 }),
      mailbox('INBOX', [message('g1', 1, { modseq: 3 }), message('g3', 3)], { uidNext: 4, highestModseq: 5 }),
      mailbox('INBOX', [message('g1', 1, { modseq: 2 })], { uidNext: 4, highestModseq: 5 }),
    ];
    const reasons = states.map((state) => told().behind('n2', state));
    expect(reasons.map((r) => r?.split(' ').slice(1, 3).join(' '))).toEqual(['is behind', 'shows INBOX', 'shows INBOX', 'shows INBOX']);
    expect(reasons[1]).toContain('naming another message');
    expect(reasons[2]).toContain('which it never saw');
    expect(reasons[3]).toContain('MODSEQ below');
    const removed = told();
    removed.removed('INBOX', 1, 2);
    expect(removed.behind('n2', mailbox('INBOX', [message('g2', 2)], { uidNext: 4, highestModseq: 5 }))).toContain('which this session removed');
    const appended = told();
    appended.message('INBOX', 1, 4, 'g4', 8);
    expect(appended.behind('n2', mailbox('INBOX', [message('g5', 4, { modseq: 8 })], { uidNext: 5, highestModseq: 8 }))).toContain('naming another message');
  });

  it('a UID the client was told (MOVE, APPEND) raises the UIDNEXT a replica must have, and only that', () => {
    // swarm-5 seed 438: the client moved a message in and was told UID 219; the replica it failed
    // over to had not seen the move, its UIDNEXT was still 219, and it handed 219 out again.
    const moved = told();
    moved.message('INBOX', 1, 7, 'g7');
    expect(moved.behind('n2', mailbox('INBOX', [message('g1', 1, { modseq: 3 })], { uidNext: 7, highestModseq: 5 }))).toContain('is behind');
    // The server that made the move has UIDs below 7 the client never listed: no sign of a fork.
    const origin = mailbox('INBOX', [message('g1', 1, { modseq: 3 }), message('g5', 5), message('g7', 7)], { uidNext: 8, highestModseq: 5 });
    expect(moved.behind('n1', origin)).toBeNull();
  });
});
