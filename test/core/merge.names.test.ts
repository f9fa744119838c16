// Proves the mailbox-name rules of the merge one function at a time (docs/merge-rules.md, "Mailboxes"): when a rename X to Y is recognised (each condition, and the choice among candidates), how the three name maps read renames, and three-way existence of merged names.
import { describe, expect, it } from 'vitest';
import { containsAnyOf, detectRenames, firstGuid, INBOX, mergedMailboxNames, mergedNameOf, nameMaps, sideMailbox } from '../../core/merge/names.ts';
import { EMPTY_MESSAGE_MAP, messageMapFrom } from '../../core/messageMap.ts';
import type { Mailbox, StoreState } from '../../core/state.ts';
import { mailbox, msg, store } from './stateOps.ts';

const inbox = (): Mailbox => mailbox('INBOX', { uidValidity: 7, messages: [msg('i1', 1)] });
const archive = (spec: { name?: string; uidValidity?: number; uidNext?: number; guids?: string[] } = {}): Mailbox =>
  mailbox(spec.name ?? 'Archive', { uidValidity: spec.uidValidity ?? 8, uidNext: spec.uidNext ?? 5, messages: (spec.guids ?? ['g4']).map((g, i) => msg(g, i + 1)) });
const base = store(inbox(), archive());

const renames = (b: StoreState, side: StoreState, other: StoreState = b): [string, string][] => [...detectRenames(b, side, other)];

describe('detectRenames: a rename X -> Y is recognised', () => {
  it('when X is gone, Y is new with X\'s UIDVALIDITY and UIDNEXT and holds one of X\'s messages', () => {
    expect(renames(base, store(inbox(), archive({ name: 'Old' })))).toEqual([['Archive', 'Old']]);
  });

  it('when the side re-created X with another UIDVALIDITY', () => {
    expect(renames(base, store(inbox(), archive({ uidValidity: 30 }), archive({ name: 'Old' })))).toEqual([['Archive', 'Old']]);
  });

  it('not while the side still has X with its UIDVALIDITY', () => {
    expect(renames(base, store(inbox(), archive(), archive({ name: 'Old' })))).toEqual([]);
  });

  it('never from INBOX', () => {
    const b = store(mailbox('INBOX', { uidValidity: 7 }));
    expect(renames(b, store(mailbox('Inbox2', { uidValidity: 7 })))).toEqual([]);
  });

  it('only onto Y with X\'s UIDVALIDITY', () => {
    expect(renames(base, store(inbox(), archive({ name: 'Old', uidValidity: 9 })))).toEqual([]);
  });

  it('only onto Y with at least X\'s UIDNEXT', () => {
    expect(renames(base, store(inbox(), archive({ name: 'Old', uidNext: 4 })))).toEqual([]);
    expect(renames(base, store(inbox(), archive({ name: 'Old', uidNext: 6 })))).toEqual([['Archive', 'Old']]);
  });

  it('only onto Y holding one of X\'s messages, when X held any', () => {
    expect(renames(base, store(inbox(), archive({ name: 'Old', guids: ['other'] })))).toEqual([]);
    expect(renames(base, store(inbox(), archive({ name: 'Old', guids: ['other', 'g4'] })))).toEqual([['Archive', 'Old']]);
    const empty = store(inbox(), archive({ guids: [] }));
    expect(renames(empty, store(inbox(), archive({ name: 'Old', guids: ['new'] })))).toEqual([['Archive', 'Old']]);
  });

  it('not when the other side has an unrelated Y, nor when it still has X beside a Y of X\'s UID space', () => {
    const side = store(inbox(), archive({ name: 'Old' }));
    expect(renames(base, side, store(inbox(), archive(), archive({ name: 'Old', uidValidity: 40 })))).toEqual([]);
    expect(renames(base, side, store(inbox(), archive({ name: 'Old', uidValidity: 40 })))).toEqual([]);
    expect(renames(base, side, store(inbox(), archive(), archive({ name: 'Old' })))).toEqual([]);
    // Both sides renamed X to Y alike: recognised.
    expect(renames(base, side, side)).toEqual([['Archive', 'Old']]);
  });

  it('onto the smallest new name that fits, and each new name for one base mailbox only', () => {
    expect(renames(base, store(inbox(), archive({ name: 'Zed' }), archive({ name: 'Beta' })))).toEqual([['Archive', 'Beta']]);
    // Two empty base mailboxes of one UID space (so both fit one target): the smaller name takes it.
    const twin: StoreState = store(inbox(), archive({ name: 'B', guids: [] }), archive({ name: 'A', guids: [] }));
    expect(renames(twin, store(inbox(), archive({ name: 'Z', guids: [] })))).toEqual([['A', 'Z']]);
    expect(renames(twin, store(inbox(), archive({ name: 'Z', guids: [] }), archive({ name: 'Y', guids: [] })))).toEqual([['A', 'Y'], ['B', 'Z']]);
  });

  it('only onto a name the base did not have: onto an existing name it reads as a re-creation of that name', () => {
    const b = store(inbox(), archive(), archive({ name: 'Old', uidValidity: 9, guids: [] }));
    const side = store(inbox(), archive({ name: 'Old' }));
    expect(renames(b, side, side)).toEqual([]);
  });

  it('nothing when the side added no name', () => {
    expect(renames(base, store(inbox()))).toEqual([]);
  });
});

const mapped = (map: { toMerged: ReadonlyMap<string, string> }): [string, string][] => [...map.toMerged].sort();

describe('nameMaps', () => {
  it('renamed to two names concurrently: every state reads the base mailbox under the smaller name', () => {
    const zeta = store(inbox(), archive({ name: 'Zeta' }));
    const beta = store(inbox(), archive({ name: 'Beta' }));
    for (const [ours, theirs] of [[zeta, beta], [beta, zeta]] as const) {
      const [b, o, t] = nameMaps(base, ours, theirs);
      expect(mapped(b)).toEqual([['Archive', 'Beta'], ['INBOX', 'INBOX']]);
      expect(mergedNameOf(o, ours === zeta ? 'Zeta' : 'Beta')).toBe('Beta');
      expect(mergedNameOf(t, theirs === zeta ? 'Zeta' : 'Beta')).toBe('Beta');
    }
  });

  it('renamed on one side: the other side\'s X, same UID space, is read as Y; a re-created X stays X', () => {
    const renamed = store(inbox(), archive({ name: 'Old' }));
    const [b, o, t] = nameMaps(base, renamed, base);
    expect(mapped(b)).toEqual([['Archive', 'Old'], ['INBOX', 'INBOX']]);
    expect(mapped(o)).toEqual([['INBOX', 'INBOX'], ['Old', 'Old']]);
    expect(mapped(t)).toEqual([['Archive', 'Old'], ['INBOX', 'INBOX']]);
    expect(sideMailbox(base, t, 'Old')?.name).toBe('Archive');
    expect(sideMailbox(base, t, 'Nowhere')).toBeUndefined();
    const [, , recreated] = nameMaps(base, renamed, store(inbox(), archive({ uidValidity: 30 })));
    expect(mapped(recreated)).toEqual([['Archive', 'Archive'], ['INBOX', 'INBOX']]);
    // The same rename made on theirs instead.
    const [b2, o2, t2] = nameMaps(base, base, renamed);
    expect(mapped(b2)).toEqual([['Archive', 'Old'], ['INBOX', 'INBOX']]);
    expect(mapped(o2)).toEqual([['Archive', 'Old'], ['INBOX', 'INBOX']]);
    expect(mapped(t2)).toEqual([['INBOX', 'INBOX'], ['Old', 'Old']]);
    // Names without a rename read as themselves.
    expect(mergedNameOf(t, 'Unknown')).toBe('Unknown');
  });

  it('ignores every rename when one would give two mailboxes of a side one name', () => {
    // Ours renamed Archive to Old; theirs renamed it to Zed and holds an Old of Archive's UID space
    // too small to be the rename's target. Both renames lead to Old, the smaller name, so theirs
    // would read Zed and Old both as Old.
    const ours = store(inbox(), archive({ name: 'Old' }));
    const theirs = store(inbox(), archive({ name: 'Zed' }), archive({ name: 'Old', uidNext: 4, guids: [] }));
    expect(renames(base, ours, theirs)).toEqual([['Archive', 'Old']]);
    expect(renames(base, theirs, ours)).toEqual([['Archive', 'Zed']]);
    const [b, o, t] = nameMaps(base, ours, theirs);
    expect(mapped(b)).toEqual([['Archive', 'Archive'], ['INBOX', 'INBOX']]);
    expect(mapped(o)).toEqual([['INBOX', 'INBOX'], ['Old', 'Old']]);
    expect(mapped(t)).toEqual([['INBOX', 'INBOX'], ['Old', 'Old'], ['Zed', 'Zed']]);
  });
});

describe('mergedMailboxNames', () => {
  const names = (b: StoreState, o: StoreState, t: StoreState): string[] => [...mergedMailboxNames([b, o, t], nameMaps(b, o, t))].sort();

  it('keeps a base mailbox both sides kept, and one created on either side', () => {
    expect(names(base, base, base)).toEqual(['Archive', 'INBOX']);
    const work = store(inbox(), archive(), mailbox('Work', { uidValidity: 20 }));
    expect(names(base, work, base)).toEqual(['Archive', 'INBOX', 'Work']);
    expect(names(base, base, work)).toEqual(['Archive', 'INBOX', 'Work']);
  });

  it('drops a base mailbox either side deleted, unless the other re-created it (a new incarnation)', () => {
    const deleted = store(inbox());
    expect(names(base, deleted, base)).toEqual(['INBOX']);
    expect(names(base, base, deleted)).toEqual(['INBOX']);
    const recreated = store(inbox(), archive({ uidValidity: 30 }));
    expect(names(base, deleted, recreated)).toEqual(['Archive', 'INBOX']);
    expect(names(base, recreated, deleted)).toEqual(['Archive', 'INBOX']);
    expect(names(base, recreated, base)).toEqual(['Archive', 'INBOX']);
  });

  it('never drops INBOX while a side has it, and drops it where no side has it', () => {
    const noInbox = store(archive());
    expect(names(base, noInbox, base)).toEqual(['Archive', 'INBOX']);
    expect(names(base, base, noInbox)).toEqual(['Archive', 'INBOX']);
    expect(names(base, noInbox, noInbox)).toEqual(['Archive']);
    expect(INBOX).toBe('INBOX');
  });
});

describe('message map helpers', () => {
  const map = messageMapFrom([msg('a', 1), msg('b', 2)]);

  it('firstGuid: some GUID of a non-empty map, none of an empty one', () => {
    expect(['a', 'b']).toContain(firstGuid(map));
    expect(firstGuid(messageMapFrom([msg('only', 1)]))).toBe('only');
    expect(firstGuid(EMPTY_MESSAGE_MAP)).toBeUndefined();
  });

  it('containsAnyOf: whether any needle GUID is in the haystack', () => {
    expect(containsAnyOf(map, messageMapFrom([msg('x', 1), msg('b', 9)]))).toBe(true);
    expect(containsAnyOf(map, messageMapFrom([msg('x', 1)]))).toBe(false);
    expect(containsAnyOf(map, EMPTY_MESSAGE_MAP)).toBe(false);
    expect(containsAnyOf(EMPTY_MESSAGE_MAP, map)).toBe(false);
  });
});
