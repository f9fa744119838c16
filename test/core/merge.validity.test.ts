// Proves the UIDVALIDITY rules of the merge one function at a time (docs/merge-rules.md, "UIDVALIDITY"): which value survives, fresh values (above all, spread by the merge's contents, the same for swapped sides, distinct within a merge), frame records of lost UID spaces in virtual bases, and the separation of two mailboxes that share one UID space.
import { describe, expect, it } from 'vitest';
import {
  FRAME_RECORD_PREFIX,
  FRESH_UIDVALIDITY_SPREAD,
  UIDVALIDITY_MAX,
  framesOf,
  keepFrameRecords,
  mergedUidValidity,
  separateSharedValidities,
  validityMint,
  withoutFrameRecords,
} from '../../core/merge/validity.ts';
import { mergeStores, mergeVirtualBase } from '../../core/merge/mergeStores.ts';
import { renumberMailbox } from '../../core/merge/uids.ts';
import { messagesByUid } from '../../core/messageMap.ts';
import type { Mailbox, StoreState } from '../../core/state.ts';
import type { MergeOutcome } from '../../core/strategy.ts';
import { mailbox, msg, store } from './stateOps.ts';

const FRESH = 999;

/** mergedUidValidity's answer for one (base, ours, theirs) triple of UIDVALIDITYs; undefined: no mailbox. */
function merged(base: number | undefined, ours: number | undefined, theirs: number | undefined): { uidValidity: number; replaced: boolean } {
  const of = (v: number | undefined): Mailbox | undefined => (v === undefined ? undefined : mailbox('Box', { uidValidity: v }));
  return mergedUidValidity(of(base), of(ours), of(theirs), FRESH);
}

describe('mergedUidValidity', () => {
  it('keeps the value both sides agree on, or the one side that has the mailbox', () => {
    expect(merged(8, 8, 8)).toEqual({ uidValidity: 8, replaced: false });
    expect(merged(8, 20, 20)).toEqual({ uidValidity: 20, replaced: false });
    expect(merged(8, 20, undefined)).toEqual({ uidValidity: 20, replaced: false });
    expect(merged(8, undefined, 30)).toEqual({ uidValidity: 30, replaced: false });
    expect(merged(undefined, undefined, 30)).toEqual({ uidValidity: 30, replaced: false });
  });

  it('falls back to the base value, then to 1, when neither side has the mailbox', () => {
    expect(merged(8, undefined, undefined)).toEqual({ uidValidity: 8, replaced: false });
    expect(merged(undefined, undefined, undefined)).toEqual({ uidValidity: 1, replaced: false });
  });

  it('created on both sides concurrently: the larger, whichever side holds it', () => {
    expect(merged(undefined, 20, 30)).toEqual({ uidValidity: 30, replaced: false });
    expect(merged(undefined, 30, 20)).toEqual({ uidValidity: 30, replaced: false });
  });

  it('replaced on one side by a larger value: the larger', () => {
    expect(merged(8, 8, 30)).toEqual({ uidValidity: 30, replaced: false });
    expect(merged(8, 30, 8)).toEqual({ uidValidity: 30, replaced: false });
  });

  it('replaced on one side by a smaller value, or on both sides: a fresh value, every UID reassigned', () => {
    expect(merged(8, 8, 5)).toEqual({ uidValidity: FRESH, replaced: true });
    expect(merged(8, 5, 8)).toEqual({ uidValidity: FRESH, replaced: true });
    expect(merged(8, 20, 30)).toEqual({ uidValidity: FRESH, replaced: true });
    expect(merged(8, 30, 20)).toEqual({ uidValidity: FRESH, replaced: true });
  });
});

describe('validityMint', () => {
  const base = store(mailbox('INBOX', { uidValidity: 7, messages: [msg('g1', 1)] }), mailbox('Archive', { uidValidity: 10 }));
  const ours = store(mailbox('INBOX', { uidValidity: 7, messages: [msg('g1', 1), msg('o1', 2)] }), mailbox('Archive', { uidValidity: 50 }));
  const theirs = store(mailbox('INBOX', { uidValidity: 7, messages: [msg('g1', 1), msg('t1', 2)] }), mailbox('Work', { uidValidity: 30 }));

  it('mints above every UIDVALIDITY of the three states, within the spread', () => {
    for (const [b, o, t] of [[base, ours, theirs], [ours, base, theirs], [theirs, base, ours], [base, theirs, ours]] as const) {
      const mint = validityMint(b, o, t, []);
      for (const name of ['INBOX', 'Archive', 'Work', 'x', 'y', 'z']) {
        const value = mint(name);
        expect(value).toBeGreaterThan(50);
        expect(value).toBeLessThanOrEqual(50 + FRESH_UIDVALIDITY_SPREAD);
      }
    }
  });

  it('mints the same numbers for the same merge with the sides swapped', () => {
    const one = validityMint(base, ours, theirs, ['o1', 't1']);
    const other = validityMint(base, theirs, ours, ['o1', 't1']);
    expect(['Archive', 'Work'].map(one)).toEqual(['Archive', 'Work'].map(other));
  });

  it('mints different numbers for different names, bases, side contents and changed GUIDs', () => {
    const value = validityMint(base, ours, theirs, ['o1'])('Archive');
    expect(validityMint(base, ours, theirs, ['o1'])('Work')).not.toBe(value);
    expect(validityMint(ours, ours, theirs, ['o1'])('Archive')).not.toBe(value);
    expect(validityMint(base, base, theirs, ['o1'])('Archive')).not.toBe(value);
    expect(validityMint(base, ours, theirs, ['t1'])('Archive')).not.toBe(value);
    // One more message on a side (same names, UIDVALIDITYs, UIDNEXT and HIGHESTMODSEQ) moves it too.
    const grown = store(mailbox('INBOX', { uidValidity: 7, uidNext: 3, highestModseq: 1, messages: [msg('g1', 1), msg('o1', 2), msg('o2', 2)] }), mailbox('Archive', { uidValidity: 50 }));
    const same = store(mailbox('INBOX', { uidValidity: 7, uidNext: 3, highestModseq: 1, messages: [msg('g1', 1), msg('o1', 2)] }), mailbox('Archive', { uidValidity: 50 }));
    expect(validityMint(base, grown, theirs, [])('Archive')).not.toBe(validityMint(base, same, theirs, [])('Archive'));
  });

  it('reads every field of each side\'s mailbox summary', () => {
    const at = (spec: { uidNext?: number; highestModseq?: number; name?: string }): number =>
      validityMint(base, store(mailbox(spec.name ?? 'Box', { uidValidity: 60, uidNext: spec.uidNext ?? 5, highestModseq: spec.highestModseq ?? 5 })), theirs, [])('Box');
    const plain = at({});
    expect(at({ uidNext: 6 })).not.toBe(plain);
    expect(at({ highestModseq: 6 })).not.toBe(plain);
    expect(at({ name: 'Other' })).not.toBe(plain);
  });

  it('never mints one number twice in a merge: the same name again gets the next free value', () => {
    const mint = validityMint(base, ours, theirs, []);
    const first = mint('Archive');
    expect(mint('Archive')).toBe(first + 1);
    expect(mint('Archive')).toBe(first + 2);
  });

  it('is a fixed function of the three states (merges on two nodes mint the same number)', () => {
    // The value feeds every history hash that has a fresh UIDVALIDITY in it.
    expect(validityMint(base, ours, theirs, ['o1', 't1'])('Archive')).toBe(MINTED_ARCHIVE);
  });

  it('refuses to go past the 32-bit UIDVALIDITY space', () => {
    const full = store(mailbox('INBOX', { uidValidity: UIDVALIDITY_MAX }));
    expect(() => validityMint(full, full, full, [])('INBOX')).toThrow('assertion failed: UIDVALIDITY space exhausted');
    const roomy = store(mailbox('INBOX', { uidValidity: UIDVALIDITY_MAX - FRESH_UIDVALIDITY_SPREAD - 1 }));
    expect(validityMint(roomy, roomy, roomy, [])('INBOX')).toBeLessThanOrEqual(UIDVALIDITY_MAX);
  });

  it('may mint UIDVALIDITY_MAX itself: the largest offset is the spread, counted from one above the top', () => {
    // For these states the name 'n883684' hashes to the largest offset (found by search).
    const top = store(mailbox('INBOX', { uidValidity: UIDVALIDITY_MAX - FRESH_UIDVALIDITY_SPREAD }));
    expect(validityMint(top, top, top, [])('n883684')).toBe(UIDVALIDITY_MAX);
  });
});

/** validityMint(base, ours, theirs, ['o1', 't1'])('Archive') for the states above. */
const MINTED_ARCHIVE = 25_137;

describe('framesOf', () => {
  it('maps each UIDVALIDITY to its mailbox, the smallest name where several share one', () => {
    const state = store(mailbox('B', { uidValidity: 5 }), mailbox('C', { uidValidity: 6 }), mailbox('A', { uidValidity: 5 }));
    expect([...framesOf(state)].map(([validity, m]) => [validity, m.name])).toEqual([
      [5, 'A'],
      [6, 'C'],
    ]);
  });
});

describe('frame records', () => {
  const withRecords = (): Map<string, Mailbox> => {
    const mailboxes = new Map([['INBOX', mailbox('INBOX', { uidValidity: 7 })]]);
    const first = new Map([
      [7, mailbox('INBOX', { uidValidity: 7 })],
      [9, mailbox('Lost', { uidValidity: 9, uidNext: 4, highestModseq: 3 })],
    ]);
    const second = new Map([
      [9, mailbox('Lost', { uidValidity: 9, uidNext: 6, highestModseq: 2, messages: [msg('g', 5, ['$Kw'])] })],
      [8, mailbox('Gone', { uidValidity: 8, uidNext: 2, highestModseq: 1 })],
    ]);
    keepFrameRecords(mailboxes, [first, second]);
    return mailboxes;
  };

  it('keeps each UID space no merged mailbox holds, message-less, with the largest UIDNEXT any input had, in UIDVALIDITY order', () => {
    const mailboxes = withRecords();
    expect([...mailboxes.keys()]).toEqual(['INBOX', `${FRAME_RECORD_PREFIX}8`, `${FRAME_RECORD_PREFIX}9`]);
    const record = mailboxes.get(`${FRAME_RECORD_PREFIX}9`) as Mailbox;
    expect(record).toMatchObject({ name: `${FRAME_RECORD_PREFIX}9`, uidValidity: 9, uidNext: 6, highestModseq: 2, keywords: [] });
    expect(record.messages.size).toBe(0);
    expect(mailboxes.get('INBOX')?.name).toBe('INBOX');
  });

  it('keeps the larger UIDNEXT whichever input comes first, and the first input\'s record on a tie', () => {
    const pick = (inputs: Mailbox[]): Mailbox => {
      const mailboxes = new Map<string, Mailbox>();
      keepFrameRecords(mailboxes, inputs.map((m) => new Map([[m.uidValidity, m]])));
      return mailboxes.get(`${FRAME_RECORD_PREFIX}9`) as Mailbox;
    };
    const small = mailbox('Lost', { uidValidity: 9, uidNext: 4, highestModseq: 3 });
    const large = mailbox('Lost', { uidValidity: 9, uidNext: 6, highestModseq: 2 });
    const tie = mailbox('Lost', { uidValidity: 9, uidNext: 4, highestModseq: 8 });
    expect(pick([small, large]).uidNext).toBe(6);
    expect(pick([large, small]).uidNext).toBe(6);
    expect(pick([small, tie]).highestModseq).toBe(3);
    expect(pick([tie, small]).highestModseq).toBe(8);
  });

  it('are names no IMAP mailbox can have', () => {
    expect(FRAME_RECORD_PREFIX.startsWith('\u0000')).toBe(true);
  });

  it('never leave a state that has them, and a state without them is returned as is', () => {
    const withThem: StoreState = { mailboxes: withRecords() };
    expect([...withoutFrameRecords(withThem).mailboxes.keys()]).toEqual(['INBOX']);
    const plain = store(mailbox('INBOX', { uidValidity: 7 }), mailbox(`x${FRAME_RECORD_PREFIX}`, { uidValidity: 8 }));
    expect(withoutFrameRecords(plain)).toBe(plain);
  });
});

describe('separateSharedValidities', () => {
  // Inserted out of name order: the smallest name keeps the UID space whatever the map's order.
  const shared = (): Map<string, Mailbox> =>
    new Map([
      ['B', mailbox('B', {
        uidValidity: 5, uidNext: 9, highestModseq: 4,
        messages: [{ ...msg('late', 7), internalDateMs: 3_000 }, { ...msg('zz', 3), internalDateMs: 2_000 }, { ...msg('aa', 8), internalDateMs: 2_000 }, { ...msg('pending', 0), internalDateMs: 1_000 }],
      })],
      ['A', mailbox('A', { uidValidity: 5, messages: [msg('a1', 1)] })],
      ['C', mailbox('C', { uidValidity: 6, messages: [msg('c1', 1)] })],
    ]);

  it('leaves the smallest name its UIDVALIDITY and gives every other one a fresh one with UIDs 1..n in (INTERNALDATE, GUID) order', () => {
    const mailboxes = shared();
    const before = new Map(mailboxes);
    const asked: string[] = [];
    const changes: { mailbox: string; before: number; after: number }[] = [];
    const renumbered = separateSharedValidities(mailboxes, (name) => (asked.push(name), 100), changes);
    expect(asked).toEqual(['B\u0000separate']);
    expect(changes).toEqual([{ mailbox: 'B', before: 5, after: 100 }]);
    expect(renumbered).toBe(3);
    expect(mailboxes.get('A')).toBe(before.get('A'));
    expect(mailboxes.get('C')).toBe(before.get('C'));
    const b = mailboxes.get('B') as Mailbox;
    expect(b).toMatchObject({ name: 'B', uidValidity: 100, uidNext: 4, highestModseq: 5 });
    expect(messagesByUid(b.messages).map((m) => [m.guid, m.uid, m.modseq])).toEqual([
      ['pending', 0, 5],
      ['aa', 1, 5],
      ['zz', 2, 5],
      ['late', 3, 5],
    ]);
  });

  it('changes nothing where no two mailboxes share a UIDVALIDITY', () => {
    const mailboxes = new Map([['A', mailbox('A', { uidValidity: 5 })], ['B', mailbox('B', { uidValidity: 6 })]]);
    const before = new Map(mailboxes);
    const changes: { mailbox: string; before: number; after: number }[] = [];
    expect(separateSharedValidities(mailboxes, () => 100, changes)).toBe(0);
    expect(changes).toEqual([]);
    expect(mailboxes).toEqual(before);
  });
});

describe('UIDVALIDITY across a whole merge (worked examples of docs/merge-rules.md)', () => {
  const inbox = mailbox('INBOX', { uidValidity: 7, messages: [msg('i1', 1)] });
  const box = mailbox('Box', { uidValidity: 8, uidNext: 5, highestModseq: 3, messages: [msg('g4', 4)] });
  const base = store(inbox, box);
  const dated = (guid: string, uid: number, internalDateMs: number): ReturnType<typeof msg> => ({ ...msg(guid, uid), internalDateMs });
  const ours20 = store(inbox, mailbox('Box', { uidValidity: 20, uidNext: 3, highestModseq: 2, messages: [dated('o1', 1, 5), dated('o2', 2, 2)] }));
  const theirs30 = store(inbox, mailbox('Box', { uidValidity: 30, uidNext: 2, highestModseq: 6, messages: [dated('t1', 1, 3)] }));
  const mergeOf = (b: StoreState, o: StoreState, t: StoreState): MergeOutcome => mergeStores(b, o, t, { node: 'n', oursTimeMs: 0, theirsTimeMs: 0 }, { settleMailbox: renumberMailbox });
  const uids = (state: StoreState, name: string): [string, number, number][] => messagesByUid((state.mailboxes.get(name) as Mailbox).messages).map((m) => [m.guid, m.uid, m.modseq]);
  const fresh = (value: number | undefined, above: number): void => {
    expect(value).toBeGreaterThan(above);
    expect(value).toBeLessThanOrEqual(above + FRESH_UIDVALIDITY_SPREAD);
  };

  it('replaced on both sides: a fresh value, every UID reassigned in (INTERNALDATE, GUID) order, both sides\' values reported', () => {
    const outcome = mergeOf(base, ours20, theirs30);
    const merged = outcome.state.mailboxes.get('Box') as Mailbox;
    fresh(merged.uidValidity, 30);
    expect(merged).toMatchObject({ uidNext: 4, highestModseq: 7 });
    expect(uids(outcome.state, 'Box')).toEqual([['o2', 1, 7], ['t1', 2, 7], ['o1', 3, 7]]);
    expect(outcome.renumbered).toBe(3);
    expect(outcome.uidValidityChanges).toEqual([
      { mailbox: 'Box', before: 20, after: merged.uidValidity },
      { mailbox: 'Box', before: 30, after: merged.uidValidity },
    ]);
    expect(outcome.state.mailboxes.get('INBOX')).toBe(inbox);
  });

  it('replaced on one side by a smaller value: a fresh value; the old incarnation\'s messages go with it', () => {
    const outcome = mergeOf(base, base, store(inbox, mailbox('Box', { uidValidity: 5, messages: [msg('t1', 1)] })));
    const merged = outcome.state.mailboxes.get('Box') as Mailbox;
    fresh(merged.uidValidity, 8);
    expect(uids(outcome.state, 'Box')).toEqual([['t1', 1, 4]]);
    expect(outcome.renumbered).toBe(0);
    expect(outcome.uidValidityChanges.map((c) => [c.before, c.after])).toEqual([[8, merged.uidValidity], [5, merged.uidValidity]]);
  });

  it('replaced on one side by a larger value: the larger, its UIDs kept, the other side\'s change reported once', () => {
    const outcome = mergeOf(base, base, theirs30);
    expect(outcome.state.mailboxes.get('Box')).toMatchObject({ uidValidity: 30, uidNext: 2, highestModseq: 7 });
    expect(uids(outcome.state, 'Box')).toEqual([['t1', 1, 7]]);
    expect(outcome.uidValidityChanges).toEqual([{ mailbox: 'Box', before: 8, after: 30 }]);
  });

  it('one side no longer has the base\'s UID space (INBOX gone there) while the other uses it: a fresh value', () => {
    const ours = store(mailbox('INBOX', { uidValidity: 7, uidNext: 4, messages: [msg('i1', 1), msg('i2', 3)] }), box);
    const outcome = mergeOf(base, ours, store(box));
    const merged = outcome.state.mailboxes.get('INBOX') as Mailbox;
    fresh(merged.uidValidity, 8);
    // i1 was in INBOX at the base, so the side without INBOX expunged it; i2 arrived since.
    expect(uids(outcome.state, 'INBOX')).toEqual([['i2', 1, 2]]);
    expect(merged.uidNext).toBe(2);
    expect(outcome.renumbered).toBe(1);
    expect(outcome.uidValidityChanges).toEqual([{ mailbox: 'INBOX', before: 7, after: merged.uidValidity }]);
    expect(outcome.state.mailboxes.get('Box')).toBe(box);
  });

  it('in a virtual base never a fresh value: the larger one, UIDs by the renumber rule, lost UID spaces kept as frame records', () => {
    const virtual = mergeVirtualBase(base, ours20, theirs30);
    expect(virtual.mailboxes.get('Box')).toMatchObject({ uidValidity: 30, uidNext: 4 });
    expect(uids(virtual, 'Box')).toEqual([['t1', 1, 7], ['o1', 2, 7], ['o2', 3, 7]]);
    expect([...virtual.mailboxes.values()].filter((m) => m.name.startsWith(FRAME_RECORD_PREFIX)).map((m) => [m.uidValidity, m.uidNext])).toEqual([[8, 5], [20, 3]]);
    expect([...mergeOf(base, ours20, theirs30).state.mailboxes.keys()].some((name) => name.startsWith(FRAME_RECORD_PREFIX))).toBe(false);
  });

  it('two mailboxes created concurrently with one UIDVALIDITY under two names: the smaller name keeps it, the other gets a fresh one and UIDs 1..n', () => {
    const ours = store(inbox, box, mailbox('A', { uidValidity: 50, messages: [msg('a1', 1)] }));
    const theirs = store(inbox, box, mailbox('B', { uidValidity: 50, uidNext: 9, messages: [dated('b2', 7, 4), dated('b1', 8, 2)] }));
    const outcome = mergeOf(base, ours, theirs);
    const b = outcome.state.mailboxes.get('B') as Mailbox;
    fresh(b.uidValidity, 50);
    // One UID space: A's UID 1 was handed out in theirs' space 50 (UIDNEXT 9) to nothing of A's, so it moves up.
    expect(outcome.state.mailboxes.get('A')).toMatchObject({ uidValidity: 50, uidNext: 10 });
    expect(uids(outcome.state, 'A')).toEqual([['a1', 9, 2]]);
    expect(b.uidNext).toBe(3);
    expect(uids(outcome.state, 'B')).toEqual([['b1', 1, 3], ['b2', 2, 3]]);
    expect(outcome.renumbered).toBe(3);
    expect(outcome.uidValidityChanges).toEqual([{ mailbox: 'B', before: 50, after: b.uidValidity }]);
  });
});
