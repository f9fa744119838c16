// updateMessages, which the merge uses to rebuild a mailbox's touched buckets: it gives what
// copying each touched bucket as a Map and editing it gives (contents, sizes and the order inside
// each bucket, which decides the order trees are written in), and the very map when nothing
// changes. A control shows the order check fails on a bucket rebuilt in another order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUCKET_COUNT, bucketOf, copyBucket, messageMapFrom, updateMessages, type MessageMap } from '../../core/messageMap.ts';
import { rebuildBuckets } from '../../core/merge/buckets.ts';
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
