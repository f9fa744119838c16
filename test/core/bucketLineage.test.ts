// Bucket lineage: two buckets derived from one root differ only in the GUIDs recorded, the merge's
// changedGuids gives the same answer with and without lineage, and a control shows that a missed
// record would hide a difference (so the recording is what the short cut relies on).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketDifference, LINEAGE_CHANGED_MAX, recordDerived } from '../../core/bucketLineage.ts';
import { BUCKET_COUNT, bucketOf, messageMapFrom, removeMessage, setMessage, updateMessages, type MessageMap } from '../../core/messageMap.ts';
import type { Message, StoreState } from '../../core/state.ts';
import { changedGuids } from '../../core/merge/changed.ts';
import { nameMaps } from '../../core/merge/names.ts';
import { mailbox, msg } from './stateOps.ts';

const SIZE = 2_000;
const base = messageMapFrom(Array.from({ length: SIZE }, (_, i) => msg(`g${i}`, i + 1)));

type Edit = { kind: 'flag' | 'remove' | 'add'; pick: number };
const editArb: fc.Arbitrary<Edit> = fc.record({ kind: fc.constantFrom('flag' as const, 'remove' as const, 'add' as const), pick: fc.nat({ max: SIZE + 50 }) });

function applyEdits(map: MessageMap, edits: readonly Edit[], side: string): MessageMap {
  edits.forEach((edit, step) => {
    const guid = `g${edit.pick}`;
    if (edit.kind === 'remove') map = removeMessage(map, guid);
    else if (edit.kind === 'add') map = updateMessages(map, [msg(`${side}${step}`, SIZE + step + 1)], []);
    else map = setMessage(map, msg(guid, edit.pick + 1, ['\\Seen'], step + 2));
  });
  return map;
}

/** The same messages in fresh bucket Maps: no lineage, so every bucket is compared in full. */
function withoutLineage(map: MessageMap): MessageMap {
  return { buckets: map.buckets.map((bucket) => (bucket ? new Map(bucket) : undefined)), size: map.size };
}

function stateOf(messages: MessageMap): StoreState {
  return { mailboxes: new Map([['INBOX', { ...mailbox('INBOX'), messages }]]) };
}

function changedOf(ours: MessageMap, theirs: MessageMap): { ours: string[]; theirs: string[]; touched: string[] } {
  const [o, t] = [stateOf(ours), stateOf(theirs)];
  const changed = changedGuids(o, t, nameMaps(stateOf(base), o, t));
  const sorted = (keys: Iterable<string>): string[] => [...keys].sort();
  return { ours: sorted(changed.ours.keys()), theirs: sorted(changed.theirs.keys()), touched: sorted(changed.touched.get('INBOX') ?? []) };
}

describe('bucket lineage', () => {
  it('changedGuids finds the same GUIDs with lineage as by comparing every entry', () => {
    fc.assert(
      fc.property(fc.array(editArb, { maxLength: 60 }), fc.array(editArb, { maxLength: 60 }), (editsOurs, editsTheirs) => {
        const ours = applyEdits(base, editsOurs, 'o');
        const theirs = applyEdits(base, editsTheirs, 't');
        expect(changedOf(ours, theirs)).toEqual(changedOf(withoutLineage(ours), withoutLineage(theirs)));
      }),
      { numRuns: 60 },
    );
  });

  it('names only the GUIDs changed since the common root, not the whole bucket', () => {
    const ours = setMessage(base, msg('g1', 2, ['\\Seen'], 2));
    const theirs = removeMessage(setMessage(base, msg('g3', 4, ['\\Flagged'], 2)), 'g1');
    for (let index = 0; index < BUCKET_COUNT; index++) {
      const [bo, bt] = [ours.buckets[index], theirs.buckets[index]];
      if (!bo || !bt || bo === bt) continue;
      const expected = ['g1', 'g3'].filter((guid) => bucketOf(guid) === index);
      expect([...(bucketDifference(bo, bt) ?? ['full compare'])].sort()).toEqual(expected);
    }
  });

  it('gives up (full compare) on buckets of different roots, and past LINEAGE_CHANGED_MAX changes', () => {
    const one = new Map<string, Message>([['a', msg('a', 1)]]);
    const other = new Map<string, Message>([['a', msg('a', 1)]]);
    expect(bucketDifference(one, other)).toBeUndefined();
    const many = new Map(one);
    recordDerived(many, one, Array.from({ length: LINEAGE_CHANGED_MAX + 1 }, (_, i) => `x${i}`));
    expect(bucketDifference(many, one)).toBeUndefined();
  });

  it('control: a derivation left unrecorded hides a real difference, so every copy must be recorded', () => {
    const index = bucketOf('g5');
    const root = base.buckets[index] as ReadonlyMap<string, Message>;
    const recorded = new Map(root);
    recorded.set('g5', msg('g5', 6, ['\\Seen'], 2));
    // Claims only an unrelated GUID changed: the lie the recording in messageMap.ts must never tell.
    recordDerived(recorded, root, ['unrelated']);
    const theirs = new Map(root);
    recordDerived(theirs, root, []);
    const lying: MessageMap = { buckets: base.buckets.map((b, i) => (i === index ? recorded : b)), size: base.size };
    const honest: MessageMap = { buckets: base.buckets.map((b, i) => (i === index ? theirs : b)), size: base.size };
    expect(changedOf(lying, honest).ours).toEqual([]);
    expect(changedOf(withoutLineage(lying), withoutLineage(honest)).ours).toEqual(['g5']);
  });
});
