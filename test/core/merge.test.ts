// Proves each Maildir merge rule on a worked example (flags, dsync trap, expunge, move, copy, mailbox create/delete/rename, MODSEQ), that the merge is side-independent and canonical, and that it only rebuilds what diverged.
import { describe, expect, it } from 'vitest';
import { mergeFlagsThreeWay } from '../../core/merge/flags.ts';
import { mergeLocation } from '../../core/merge/changed.ts';
import { mergeStores, merge3 } from '../../core/merge/mergeStores.ts';
import { renumberMailbox } from '../../core/merge/uids.ts';
import { allMessages } from '../../core/messageMap.ts';
import type { StoreState } from '../../core/state.ts';
import {
  copy,
  createMailbox,
  deleteMailbox,
  deliver,
  expunge,
  findGuid,
  mailbox,
  move,
  msg,
  renameMailbox,
  snapshot,
  store,
  storeFlag,
  where,
} from './stateOps.ts';

const base = store(
  mailbox('INBOX', { uidValidity: 7, messages: [msg('g1', 1, ['\\Seen']), msg('g2', 2), msg('g3', 3)] }),
  mailbox('Archive', { uidValidity: 8, messages: [msg('g4', 1)] }),
);

/** Merges both ways and checks the two results are the same state. */
function both(b: StoreState, o: StoreState, t: StoreState): StoreState {
  const one = merge3(b, o, t);
  const other = merge3(b, t, o);
  expect(snapshot(other)).toEqual(snapshot(one));
  return one;
}

const flagsOf = (state: StoreState, guid: string): readonly string[] | undefined => findGuid(state, guid)?.message.flags;
const placeOf = (state: StoreState, guid: string): string | undefined => findGuid(state, guid)?.mailbox.name;

describe('flags', () => {
  it('merges flag changes on different flags one by one', () => {
    const merged = both(base, storeFlag(base, 'g2', '+', '\\Seen'), storeFlag(base, 'g2', '+', '\\Flagged'));
    expect(flagsOf(merged, 'g2')).toEqual(['\\Flagged', '\\Seen']);
  });

  it('dsync trap: A removes \\Seen while B sets \\Flagged; the result has \\Flagged and not \\Seen', () => {
    const a = storeFlag(base, 'g1', '-', '\\Seen');
    const b = storeFlag(storeFlag(base, 'g1', '+', '\\Flagged'), 'g1', '+', '$Label1');
    const merged = both(base, a, b);
    expect(flagsOf(merged, 'g1')).toEqual(['$Label1', '\\Flagged']);
  });

  it('keeps a change made on one side only, and agrees where both sides made the same change', () => {
    const a = storeFlag(storeFlag(base, 'g1', '-', '\\Seen'), 'g3', '+', '\\Answered');
    const b = storeFlag(base, 'g3', '+', '\\Answered');
    const merged = both(base, a, b);
    expect(flagsOf(merged, 'g1')).toEqual([]);
    expect(flagsOf(merged, 'g3')).toEqual(['\\Answered']);
  });

  it('without a base version, add against remove goes to the higher MODSEQ, and a tie adds', () => {
    const withSeen = { ...msg('x', 5, ['\\Seen']), modseq: 9 };
    const without = { ...msg('x', 5, []), modseq: 4 };
    expect(mergeFlagsThreeWay(undefined, withSeen, without)).toEqual(['\\Seen']);
    expect(mergeFlagsThreeWay(undefined, { ...withSeen, modseq: 3 }, without)).toEqual([]);
    expect(mergeFlagsThreeWay(undefined, { ...withSeen, modseq: 4 }, without)).toEqual(['\\Seen']);
    expect(mergeFlagsThreeWay(undefined, without, { ...withSeen, modseq: 4 })).toEqual(['\\Seen']);
  });
});

describe('expunge', () => {
  it('wins over a flag change', () => {
    const merged = both(base, expunge(base, 'g2'), storeFlag(base, 'g2', '+', '\\Flagged'));
    expect(findGuid(merged, 'g2')).toBeUndefined();
    expect(merged.mailboxes.get('INBOX')?.messages.size).toBe(2);
  });

  it('wins over a concurrent move (the move keeps the GUID, so the expunge reaches it)', () => {
    const merged = both(base, expunge(base, 'g2'), move(base, 'g2', 'Archive'));
    expect(findGuid(merged, 'g2')).toBeUndefined();
    expect(merged.mailboxes.get('Archive')?.messages.size).toBe(1);
  });

  it('does not reach a concurrent copy: the copy is a new message and survives', () => {
    const merged = both(base, expunge(base, 'g2'), copy(base, 'g2', 'Archive', 'g2copy'));
    expect(findGuid(merged, 'g2')).toBeUndefined();
    expect(placeOf(merged, 'g2copy')).toBe('Archive');
  });
});

describe('move', () => {
  it('moved on one side and flagged on the other: in the target, with the flag', () => {
    const merged = both(base, move(base, 'g2', 'Archive'), storeFlag(base, 'g2', '+', '\\Flagged'));
    expect(placeOf(merged, 'g2')).toBe('Archive');
    expect(flagsOf(merged, 'g2')).toEqual(['\\Flagged']);
    expect(findGuid(merged, 'g2')?.message.uid).toBe(2); // the UID the mover gave it in Archive
  });

  it('moved to two mailboxes concurrently: in exactly one, the smaller name, whichever side is ours', () => {
    const withJunk = createMailbox(base, 'Junk', 9);
    const merged = both(withJunk, move(withJunk, 'g3', 'Junk'), move(withJunk, 'g3', 'Archive'));
    expect(placeOf(merged, 'g3')).toBe('Archive');
    const count = [...merged.mailboxes.values()].reduce((n, m) => n + [...allMessages(m.messages)].filter((x) => x.guid === 'g3').length, 0);
    expect(count).toBe(1);
  });

  it('location merge rule table', () => {
    expect(mergeLocation('A', 'A', 'B')).toBe('B');
    expect(mergeLocation('A', 'C', 'A')).toBe('C');
    expect(mergeLocation('A', 'C', 'B')).toBe('B');
    expect(mergeLocation('A', undefined, 'B')).toBeUndefined();
    expect(mergeLocation(undefined, undefined, 'B')).toBe('B');
    expect(mergeLocation(undefined, 'C', 'B')).toBe('B');
  });
});

describe('mailboxes', () => {
  it('created on both sides: one mailbox with the larger UIDVALIDITY, both deliveries kept with distinct UIDs', () => {
    const a = deliver(createMailbox(base, 'Work', 20), 'Work', msg('wa', 0));
    const b = deliver(createMailbox(base, 'Work', 30), 'Work', msg('wb', 0));
    const merged = both(base, a, b);
    const work = merged.mailboxes.get('Work');
    expect(work?.uidValidity).toBe(30);
    expect(where(merged)['wa']?.[0]).toBe('Work');
    expect(new Set([where(merged)['wa']?.[1], where(merged)['wb']?.[1]]).size).toBe(2);
  });

  it('deleted on one side while the other delivered into it: the delivery is recovered into INBOX', () => {
    const a = deleteMailbox(base, 'Archive');
    const b = storeFlag(deliver(base, 'Archive', msg('late', 0)), 'g4', '+', '\\Flagged');
    const merged = both(base, a, b);
    expect(merged.mailboxes.has('Archive')).toBe(false);
    expect(placeOf(merged, 'late')).toBe('INBOX');
    expect(findGuid(merged, 'late')?.message.uid).toBe(4); // a new arrival in INBOX: UIDNEXT there
    expect(findGuid(merged, 'g4')).toBeUndefined(); // the delete wins over the flag change
  });

  it('deleted on one side while the other moved a message into it: recovered into INBOX, not lost', () => {
    const merged = both(base, deleteMailbox(base, 'Archive'), move(base, 'g2', 'Archive'));
    expect(placeOf(merged, 'g2')).toBe('INBOX');
  });

  it('renamed on one side while the other delivered into the old name: the delivery lands in the new name', () => {
    const a = renameMailbox(base, 'Archive', 'Old');
    const b = deliver(base, 'Archive', msg('late', 0));
    const merged = both(base, a, b);
    expect([...merged.mailboxes.keys()].sort()).toEqual(['INBOX', 'Old']);
    expect(placeOf(merged, 'late')).toBe('Old');
    expect(placeOf(merged, 'g4')).toBe('Old');
    expect(merged.mailboxes.get('Old')?.uidValidity).toBe(8);
  });

  it('renamed to two names concurrently: the smaller name wins', () => {
    const merged = both(base, renameMailbox(base, 'Archive', 'Zeta'), renameMailbox(base, 'Archive', 'Beta'));
    expect([...merged.mailboxes.keys()].sort()).toEqual(['Beta', 'INBOX']);
    expect(placeOf(merged, 'g4')).toBe('Beta');
  });

  it('renamed on one side, deleted on the other: the delete wins, what was added after the base is recovered into INBOX', () => {
    const a = deliver(renameMailbox(base, 'Archive', 'Old'), 'Old', msg('new', 0));
    const merged = both(base, a, deleteMailbox(base, 'Archive'));
    expect([...merged.mailboxes.keys()]).toEqual(['INBOX']);
    expect(findGuid(merged, 'g4')).toBeUndefined();
    expect(placeOf(merged, 'new')).toBe('INBOX');
  });

  it('never deletes INBOX', () => {
    const noInbox: StoreState = { mailboxes: new Map([...base.mailboxes].filter(([n]) => n !== 'INBOX')) };
    expect(both(base, noInbox, base).mailboxes.has('INBOX')).toBe(true);
  });
});

describe('UIDs and MODSEQ', () => {
  it('gives every merged change a MODSEQ above both sides\' HIGHESTMODSEQ', () => {
    let a = base;
    for (let i = 0; i < 5; i++) a = storeFlag(storeFlag(a, 'g3', '+', '\\Seen'), 'g3', '-', '\\Seen');
    const b = storeFlag(base, 'g2', '+', '\\Flagged');
    const merged = both(base, a, b);
    const inbox = merged.mailboxes.get('INBOX');
    const top = Math.max(a.mailboxes.get('INBOX')?.highestModseq ?? 0, b.mailboxes.get('INBOX')?.highestModseq ?? 0);
    expect(findGuid(merged, 'g2')?.message.modseq).toBe(top + 1);
    expect(inbox?.highestModseq).toBe(top + 1);
    expect(findGuid(merged, 'g1')?.message.modseq).toBe(1); // unchanged message untouched
  });

  it('never keeps a UID one side already gave to another message (negative case of the safe-UID rule)', () => {
    const a = deliver(base, 'INBOX', msg('a4', 0));
    const b = deliver(base, 'INBOX', msg('b4', 0));
    const outcome = mergeStores(base, a, b, { node: 'x', oursTimeMs: 0, theirsTimeMs: 0 }, { settleMailbox: renumberMailbox });
    const uids = [findGuid(outcome.state, 'a4')?.message.uid, findGuid(outcome.state, 'b4')?.message.uid];
    expect(uids).toEqual([5, 6]);
    expect(outcome.renumbered).toBe(2);
    expect(outcome.state.mailboxes.get('INBOX')?.uidNext).toBe(7);
  });
});

describe('canonical and side-independent', () => {
  it('does not depend on the merging node', () => {
    const a = deliver(storeFlag(base, 'g1', '-', '\\Seen'), 'INBOX', msg('a4', 0, ['$Zed']));
    const b = deliver(storeFlag(base, 'g2', '+', '$Alpha'), 'Archive', msg('b2', 0));
    const one = mergeStores(base, a, b, { node: 'n1', oursTimeMs: 5, theirsTimeMs: 9 }, { settleMailbox: renumberMailbox });
    const two = mergeStores(base, b, a, { node: 'n2', oursTimeMs: 9, theirsTimeMs: 5 }, { settleMailbox: renumberMailbox });
    expect(snapshot(two.state)).toEqual(snapshot(one.state));
    expect(one.state.mailboxes.get('INBOX')?.keywords).toEqual(['$Alpha', '$Zed']);
  });

  it('rebuilds only buckets that diverged: the others stay reference-equal to the inputs', () => {
    const big = store(mailbox('INBOX', { uidValidity: 7, messages: Array.from({ length: 2000 }, (_, i) => msg(`m${i}`, i + 1)) }));
    const a = storeFlag(big, 'm5', '+', '\\Seen');
    const b = storeFlag(big, 'm1500', '+', '\\Flagged');
    const merged = merge3(big, a, b).mailboxes.get('INBOX');
    const input = big.mailboxes.get('INBOX');
    let shared = 0;
    merged?.messages.buckets.forEach((bucket, i) => {
      if (bucket === input?.messages.buckets[i]) shared++;
    });
    expect(shared).toBe(254);
    expect(merged?.messages.size).toBe(2000);
  });
});
