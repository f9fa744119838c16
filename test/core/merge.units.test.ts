// Proves the merge's building blocks one function at a time: message maps rebuilt bucket by bucket (shared where untouched, GUID order inside), UID settling (fresh UIDs, the dsync renumber rule, a full reassignment), message equality field by field, the changed GUIDs and where they are on each side, and the merged keyword table.
import { describe, expect, it } from 'vitest';
import { messageMapSorted, sortedBucket } from '../../core/merge/buckets.ts';
import { changedGuids, divergedGuids, locateInBase, sameMessage } from '../../core/merge/changed.ts';
import { mergeFlagsThreeWay } from '../../core/merge/flags.ts';
import { mergedKeywords } from '../../core/merge/mailbox.ts';
import { ProbeCounts } from '../../core/probes.ts';
import { merge3, mergeStores } from '../../core/merge/mergeStores.ts';
import { nameMaps } from '../../core/merge/names.ts';
import type { MailboxUidInput, UidEntry } from '../../core/merge/policy.ts';
import { assignFresh, reassignAll, renumberMailbox } from '../../core/merge/uids.ts';
import { allMessages, bucketOf, EMPTY_MESSAGE_MAP, getMessage, messageMapFrom, updateMessages } from '../../core/messageMap.ts';
import type { Mailbox, Message, StoreState } from '../../core/state.ts';
import { deliver, mailbox, msg, store, storeFlag } from './stateOps.ts';

/** Two GUIDs, with `prefix`, that share a bucket (found by search: the hash decides). */
function sameBucketPair(prefix: string): [string, string] {
  const seen = new Map<number, string>();
  for (let i = 0; ; i++) {
    const guid = `${prefix}${i}`;
    const other = seen.get(bucketOf(guid));
    if (other !== undefined) return [other, guid];
    seen.set(bucketOf(guid), guid);
  }
}

describe('updateMessages, as the merge edits a mailbox', () => {
  const start = messageMapFrom([msg('a', 1), msg('b', 2), msg('c', 3)]);

  it('returns the very map when nothing changes, removals of absent GUIDs included', () => {
    expect(updateMessages(start, [], [])).toBe(start);
    expect(updateMessages(start, [], ['absent'])).toBe(start);
  });

  it('removes and puts, copying only the buckets concerned', () => {
    const changed = { ...msg('b', 2), flags: ['\\Seen'] };
    const next = updateMessages(start, [changed, msg('d', 4)], ['a', 'absent']);
    expect(next.size).toBe(3);
    expect(getMessage(next, 'a')).toBeUndefined();
    expect(getMessage(next, 'b')).toBe(changed);
    expect(getMessage(next, 'd')?.uid).toBe(4);
    expect(next.buckets[bucketOf('a')]).toBeUndefined();
    expect(next.buckets[bucketOf('c')]).toBe(start.buckets[bucketOf('c')]);
    expect(start.size).toBe(3);
    expect(getMessage(start, 'a')?.uid).toBe(1);
  });

  it('keeps a bucket that still holds messages after a removal', () => {
    const [x, y] = sameBucketPair('r');
    const map = messageMapFrom([msg(x, 1), msg(y, 2)]);
    const next = updateMessages(map, [], [x]);
    expect(next.size).toBe(1);
    expect([...(next.buckets[bucketOf(y)]?.keys() ?? [])]).toEqual([y]);
  });
});

describe('messageMapSorted and sortedBucket', () => {
  it('hold every message, each bucket in GUID order', () => {
    const [x, y] = sameBucketPair('s');
    const [first, second] = x < y ? [x, y] : [y, x];
    const map = messageMapSorted([msg(second, 1), msg('lone', 2), msg(first, 3)]);
    expect(map.size).toBe(3);
    expect(map.buckets).toHaveLength(256);
    expect([...(map.buckets[bucketOf(x)]?.keys() ?? [])]).toEqual([first, second]);
    expect(getMessage(map, 'lone')?.uid).toBe(2);
    expect(map.buckets.filter((b) => b !== undefined)).toHaveLength(2);
    expect([...sortedBucket([msg('b', 1), msg('a', 2), msg('c', 3)]).keys()]).toEqual(['a', 'b', 'c']);
  });
});

const entry = (guid: string, safeUids: number[]): UidEntry => ({ guid, oursUid: safeUids[0] ?? 0, theirsUid: 0, safeUids, internalDateMs: 0 });
const uidInput = (entries: UidEntry[], uidNextMin: number, all: { guid: string; internalDateMs: number }[] = []): MailboxUidInput => ({
  name: 'INBOX', ours: undefined, theirs: undefined, uidValidity: 7, freshUidValidity: 70, uidNextMin, entries, allMessages: () => all,
});

describe('UID settling', () => {
  it('assignFresh: consecutive UIDs from the start, in the order given; returns the next free one', () => {
    const into = new Map<string, number>();
    expect(assignFresh(['a', 'b'], 5, into)).toBe(7);
    expect([...into]).toEqual([['a', 5], ['b', 6]]);
    expect(assignFresh([], 5, into)).toBe(5);
  });

  it('renumberMailbox: keeps the smallest safe UID, gives the others fresh ones from the floor', () => {
    const result = renumberMailbox(uidInput([entry('a', [3, 9]), entry('b', []), entry('c', [4]), entry('d', [])], 10));
    expect([...result.uids].sort()).toEqual([['a', 3], ['b', 10], ['c', 4], ['d', 11]]);
    expect(result).toMatchObject({ uidValidity: 7, uidNext: 12, reassignedAll: false });
  });

  it('renumberMailbox: with nothing to renumber UIDNEXT stays at the floor', () => {
    expect(renumberMailbox(uidInput([entry('a', [3])], 10)).uidNext).toBe(10);
  });

  it('reassignAll: every message UIDs 1..n in (INTERNALDATE, GUID) order, under the given UIDVALIDITY', () => {
    const all = [{ guid: 'late', internalDateMs: 9 }, { guid: 'b', internalDateMs: 1 }, { guid: 'a', internalDateMs: 1 }];
    const result = reassignAll(uidInput([], 10, all));
    expect([...result.uids]).toEqual([['a', 1], ['b', 2], ['late', 3]]);
    expect(result).toMatchObject({ uidValidity: 7, uidNext: 4, reassignedAll: true });
  });
});

describe('sameMessage', () => {
  const m = msg('g', 3, ['\\Seen']);

  it('is true for one message or an equal copy, false for none', () => {
    expect(sameMessage(m, m)).toBe(true);
    expect(sameMessage(m, { ...m, flags: ['\\Seen'] })).toBe(true);
    expect(sameMessage(m, undefined)).toBe(false);
  });

  it.each<[string, Partial<Message>]>([
    ['guid', { guid: 'h' }],
    ['uid', { uid: 4 }],
    ['modseq', { modseq: 2 }],
    ['internalDateMs', { internalDateMs: 2 }],
    ['sizeBytes', { sizeBytes: 1 }],
    ['blobId', { blobId: 'other' }],
    ['messageId', { messageId: '<other@test>' }],
    ['flags', { flags: ['\\Flagged'] }],
  ])('is false when %s differs', (_field, change) => {
    expect(sameMessage(m, { ...m, ...change })).toBe(false);
  });
});

describe('changed GUIDs', () => {
  const base = store(mailbox('INBOX', { uidValidity: 7, messages: [msg('g1', 1), msg('g2', 2)] }), mailbox('Archive', { uidValidity: 8, messages: [msg('g4', 1)] }));

  it('lists only GUIDs whose entries differ, with their place on each side', () => {
    const ours = storeFlag(base, 'g1', '+', '\\Seen');
    const theirs = store(base.mailboxes.get('INBOX') as Mailbox, mailbox('Archive', { uidValidity: 8, messages: [msg('g4', 1), msg('t1', 2)] }), mailbox('Work', { uidValidity: 9, messages: [msg('w1', 1)] }));
    const changed = changedGuids(ours, theirs, nameMaps(base, ours, theirs));
    expect([...changed.ours.keys()].sort()).toEqual(['g1']);
    expect([...changed.theirs.keys()].sort()).toEqual(['g1', 't1', 'w1']);
    expect(changed.ours.get('g1')).toMatchObject({ mailbox: 'INBOX', uidValidity: 7, message: { flags: ['\\Seen'] } });
    expect(changed.theirs.get('g1')).toMatchObject({ mailbox: 'INBOX', uidValidity: 7, message: { flags: [] } });
    expect(changed.theirs.get('w1')).toMatchObject({ mailbox: 'Work', uidValidity: 9 });
    expect([...changed.touched].sort()).toEqual([['Archive', ['t1']], ['INBOX', ['g1']], ['Work', ['w1']]]);
  });

  it('skips equal copies: a mailbox whose buckets are equal but not shared is visited and lists nothing', () => {
    const ours = store(mailbox('INBOX', { uidValidity: 7, messages: [msg('g1', 1), msg('g2', 2)] }), mailbox('Only', { uidValidity: 5, messages: [msg('o1', 1)] }));
    const changed = changedGuids(ours, base, nameMaps(base, ours, base));
    expect(changed.ours.get('o1')).toMatchObject({ mailbox: 'Only', uidValidity: 5 });
    expect(changed.ours.has('g1')).toBe(false);
    expect(changed.theirs.get('g4')).toMatchObject({ mailbox: 'Archive', uidValidity: 8 });
    expect([...changed.touched].sort()).toEqual([['Archive', ['g4']], ['INBOX', []], ['Only', ['o1']]]);
  });

  it('locateInBase: the base place under its merged name, or nothing', () => {
    const renamed = store(base.mailboxes.get('INBOX') as Mailbox, mailbox('Old', { uidValidity: 8, messages: [msg('g4', 1)] }));
    const [b] = nameMaps(base, renamed, base);
    expect(locateInBase(base, b, 'g4')).toMatchObject({ mailbox: 'Old', uidValidity: 8, message: { guid: 'g4' } });
    expect(locateInBase(base, b, 'g2')).toMatchObject({ mailbox: 'INBOX', uidValidity: 7 });
    expect(locateInBase(base, b, 'absent')).toBeUndefined();
  });

  it('divergedGuids: by plain names, in GUID order, with the base place', () => {
    const ours = storeFlag(storeFlag(base, 'g2', '+', '\\Seen'), 'g1', '+', '\\Seen');
    const { places, touched } = divergedGuids(base, ours, base);
    expect(places.map((p) => [p.guid, p.base?.mailbox, p.ours?.message.flags, p.theirs?.message.flags])).toEqual([
      ['g1', 'INBOX', ['\\Seen'], []],
      ['g2', 'INBOX', ['\\Seen'], []],
    ]);
    expect([...(touched.get('INBOX') ?? [])].sort()).toEqual(['g1', 'g2']);
  });

  it('divergedGuids: GUID order even where bucket order differs', () => {
    let [x, y] = ['a0', 'a1'];
    for (let i = 1; bucketOf(x) <= bucketOf(y); i++) [x, y] = [`a${i}`, `b${i}`];
    // x sorts before y but sits in a later bucket.
    const withBoth = store(mailbox('INBOX', { uidValidity: 7, messages: [msg(x, 1), msg(y, 2)] }));
    const empty = store(mailbox('INBOX', { uidValidity: 7 }));
    expect(divergedGuids(empty, withBoth, empty).places.map((p) => p.guid)).toEqual([x, y]);
  });

  it('finds nothing between equal states', () => {
    const changed = changedGuids(base, base, nameMaps(base, base, base));
    expect(changed.ours.size + changed.theirs.size + changed.touched.size).toBe(0);
    expect([...allMessages(EMPTY_MESSAGE_MAP)]).toEqual([]);
  });
});

describe('mergeFlagsThreeWay probes', () => {
  it('counts a flag merged without a base version', () => {
    const probes = new ProbeCounts();
    mergeFlagsThreeWay(undefined, { ...msg('x', 1, ['\\Seen']), modseq: 3 }, msg('x', 1), { probes });
    expect(probes.snapshot()).toEqual({ 'flag-without-base': 1 });
  });
});

describe('mergedKeywords', () => {
  it('is the sorted union of both tables and the keywords (not system flags) of arriving messages', () => {
    const ours = mailbox('INBOX', { messages: [msg('a', 1, ['$Zed'])] });
    const theirs = mailbox('INBOX', { messages: [msg('b', 1, ['$Alpha', '$Zed'])] });
    const arrival = { guid: 'c', flags: ['\\Seen', '$Mid'], ours: undefined, theirs: undefined, any: msg('c', 0), moved: false };
    expect(mergedKeywords(ours, theirs, [arrival])).toEqual(['$Alpha', '$Mid', '$Zed']);
    expect(mergedKeywords(undefined, undefined, [])).toEqual([]);
  });
});

describe('one merged mailbox: UIDNEXT, HIGHESTMODSEQ and strategy data', () => {
  const box = mailbox('Box', { uidValidity: 8, uidNext: 5, highestModseq: 3, messages: [msg('g4', 4)] });
  const base = store(box);

  it('keeps the very mailbox both sides share', () => {
    expect(merge3(base, base, base).mailboxes.get('Box')).toBe(box);
  });

  it('never lowers UIDNEXT or HIGHESTMODSEQ, and mints no MODSEQ when no message changed', () => {
    const ours = store({ ...box, uidNext: 12, highestModseq: 9 });
    for (const [o, t] of [[ours, base], [base, ours]] as const) {
      expect(merge3(base, o, t).mailboxes.get('Box')).toMatchObject({ uidNext: 12, highestModseq: 9, messages: box.messages });
    }
  });

  it('a changed message gets one MODSEQ above every side\'s HIGHESTMODSEQ, the base\'s included', () => {
    const high = store({ ...box, highestModseq: 20 });
    const ours = storeFlag(store({ ...box, highestModseq: 5 }), 'g4', '+', '\\Seen');
    const merged = merge3(high, ours, store({ ...box, highestModseq: 4 })).mailboxes.get('Box');
    expect(merged?.highestModseq).toBe(21);
    expect(getMessage(merged?.messages ?? EMPTY_MESSAGE_MAP, 'g4')).toMatchObject({ flags: ['\\Seen'], modseq: 21 });
  });

  it('takes ours\' strategy data, else theirs\', unless the policy merges it', () => {
    const owned = (node: string): StoreState => deliver(store(mailbox('Box', { uidValidity: 8, owner: { node, epoch: 1 } })), 'Box', msg(`from-${node}`, 0));
    const plain = store(mailbox('Box', { uidValidity: 8 }));
    expect(merge3(plain, owned('a'), plain).mailboxes.get('Box')?.strategyData).toEqual(owned('a').mailboxes.get('Box')?.strategyData);
    expect(merge3(plain, plain, owned('b')).mailboxes.get('Box')?.strategyData).toEqual(owned('b').mailboxes.get('Box')?.strategyData);
    expect(merge3(plain, owned('a'), owned('b')).mailboxes.get('Box')?.strategyData).toEqual(owned('a').mailboxes.get('Box')?.strategyData);
    expect('strategyData' in (merge3(plain, deliver(plain, 'Box', msg('x', 0)), plain).mailboxes.get('Box') as Mailbox)).toBe(false);
    const joined = mergeStores(plain, owned('a'), owned('b'), { node: 'n', oursTimeMs: 0, theirsTimeMs: 0 }, {
      settleMailbox: renumberMailbox,
      mergeStrategyData: (o, t) => ({ both: `${o?.['owner']}+${t?.['owner']}` }),
    });
    expect(joined.state.mailboxes.get('Box')?.strategyData).toEqual({ both: 'a 1+b 1' });
  });
});
