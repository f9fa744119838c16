// updateMessages, which the operations and the merge use to edit a mailbox's buckets: it gives
// what copying each touched bucket as a Map and editing it gives (contents, lookups, sizes and the
// order inside each bucket, which decides the order trees are written in), for small buckets
// (copied) and big ones (edited as views, views of views, views copied once their edits pile up),
// and the very map when nothing changes. A control shows the order check fails on a bucket
// rebuilt in another order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUCKET_COUNT, BUCKET_EDITS_MAX, EDITED_BUCKET_MESSAGES_MIN, EditedBucket, bucketOf, copyBucket, messageMapFrom, updateMessages, type MessageMap } from '../../core/messageMap.ts';
import { rebuildBuckets } from './bucketCopies.ts';
import { bucketDifference } from '../../core/bucketLineage.ts';
import { msg } from './stateOps.ts';

const SIZE = 600;
const start = messageMapFrom(Array.from({ length: SIZE }, (_, i) => msg(`g${i}`, i + 1)));

/** Each bucket's entries in iteration order, and the size. */
function layoutOf(map: MessageMap): { buckets: [string, number][][]; size: number } {
  return { buckets: map.buckets.map((bucket) => [...(bucket ?? new Map())].map(([guid, m]) => [guid, m.uid] as [string, number])), size: map.size };
}

const picks = fc.array(fc.nat({ max: SIZE + 40 }), { maxLength: 50 });

describe('updateMessages', () => {
  it('gives what rebuilding the touched buckets as Maps gives, order inside each bucket included', () => {
    fc.assert(
      fc.property(picks, picks, (removed, put) => {
        const removals = removed.map((i) => `g${i}`);
        const puts = put.map((i) => msg(`g${i}`, SIZE + 1 + i));
        const next = updateMessages(start, puts, removals);
        expect(layoutOf(next)).toEqual(layoutOf(rebuildBuckets(start, removals, puts)));
        // Lineage is recorded as before: a touched bucket differs from its origin only in the GUIDs given.
        for (let index = 0; index < BUCKET_COUNT; index++) {
          const [before, after] = [start.buckets[index], next.buckets[index]];
          if (before && after && before !== after) for (const guid of bucketDifference(after, before) ?? []) expect(bucketOf(guid)).toBe(index);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('edits big buckets as views that read, iterate and count as the edited Map would, over many steps', () => {
    // Every bucket big enough to be edited as a view.
    const total = BUCKET_COUNT * (EDITED_BUCKET_MESSAGES_MIN + 40);
    const big = messageMapFrom(Array.from({ length: total }, (_, i) => msg(`b${i}`, i + 1)));
    // GUIDs drawn from a few buckets, so steps pile edits onto the same views.
    const pool = Array.from({ length: total }, (_, i) => `b${i}`).filter((guid) => bucketOf(guid) < 3);
    const guid = fc.oneof(fc.constantFrom(...pool), fc.nat({ max: 30 }).map((i) => `new${i}`));
    const step = fc.record({ removed: fc.array(guid, { maxLength: 12 }), put: fc.array(fc.tuple(guid, fc.nat({ max: 9 })), { maxLength: 12 }) });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 14 }), (steps) => {
        let viaViews = big;
        let viaMaps = big;
        steps.forEach(({ removed, put }, at) => {
          const puts = put.map(([g, flag]) => msg(g, 1 + at, flag % 2 ? ['\\Seen'] : [], flag));
          viaViews = updateMessages(viaViews, puts, removed);
          viaMaps = rebuildBuckets(viaMaps, removed, puts);
        });
        for (let index = 0; index < 3; index++) {
          const [view, plain] = [viaViews.buckets[index], viaMaps.buckets[index]];
          expect([...(view ?? [])]).toEqual([...(plain ?? [])]);
          const each: [string, unknown][] = [];
          view?.forEach((m, g) => each.push([g, m]));
          expect(each).toEqual([...(plain ?? [])]);
          expect([...(view?.keys() ?? [])]).toEqual([...(plain?.keys() ?? [])]);
          expect([...(view?.values() ?? [])]).toEqual([...(plain?.values() ?? [])]);
          expect(view?.size).toBe(plain?.size);
          for (const g of [...pool.slice(0, 400), 'new1', 'new7', 'absent']) {
            expect(view?.get(g)).toEqual(plain?.get(g));
            expect(view?.has(g)).toBe(plain?.has(g));
          }
        }
        expect(viaViews.size).toBe(viaMaps.size);
      }),
      { numRuns: 60 },
    );
  });

  it('keeps an edited big bucket a view until its edits pass the limit, then a plain Map', () => {
    const total = BUCKET_COUNT * (EDITED_BUCKET_MESSAGES_MIN + 40);
    const big = messageMapFrom(Array.from({ length: total }, (_, i) => msg(`b${i}`, i + 1)));
    const inFirst = Array.from({ length: total }, (_, i) => `b${i}`).filter((guid) => bucketOf(guid) === 0);
    const flagged = (count: number): MessageMap => updateMessages(big, inFirst.slice(0, count).map((g) => msg(g, 7, ['\\Seen'])), []);
    expect(flagged(3).buckets[0]).toBeInstanceOf(EditedBucket);
    expect(flagged(BUCKET_EDITS_MAX + 1).buckets[0]).toBeInstanceOf(Map);
    expect(updateMessages(messageMapFrom([msg('s1', 1), msg('s2', 2)]), [msg('s1', 3)], []).buckets[bucketOf('s1')]).toBeInstanceOf(Map);
  });

  it('returns the very map when every removal is absent and nothing is put', () => {
    expect(updateMessages(start, [], ['absent', 'also-absent'])).toBe(start);
    expect(updateMessages(start, [], ['g1'])).not.toBe(start);
  });

  it('control: a bucket holding the same entries in another order is told apart', () => {
    const index = bucketOf('g1');
    const bucket = start.buckets[index] as ReadonlyMap<string, ReturnType<typeof msg>>;
    const reversed = new Map([...bucket].reverse());
    const shuffled: MessageMap = { buckets: start.buckets.map((b, i) => (i === index ? reversed : b)), size: start.size };
    expect(bucket.size).toBeGreaterThan(1);
    expect(layoutOf(shuffled)).not.toEqual(layoutOf(start));
    expect([...copyBucket(bucket).keys()]).toEqual([...bucket.keys()]);
  });
});
