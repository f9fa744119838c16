// The plain way to edit a MessageMap, kept as the reference updateMessages (core/messageMap.ts)
// is checked against: copy each touched bucket into a Map, delete and set there.
import { bucketOf, type MessageMap } from '../../core/messageMap.ts';
import type { Message } from '../../core/state.ts';
import { recordDerived } from '../../core/bucketLineage.ts';

/**
 * `start` without `removals` (GUIDs not there are ignored) and with `puts` (added or replaced).
 * Only the buckets concerned are copied; the others stay shared. The content is a function of
 * the inputs; the order inside a bucket is not part of the state (trees are written sorted).
 */
export function rebuildBuckets(start: MessageMap, removals: Iterable<string>, puts: readonly Message[]): MessageMap {
  const buckets = start.buckets.slice();
  const copied = new Map<number, { bucket: Map<string, Message>; guids: string[] }>();
  const writable = (index: number, guid: string): Map<string, Message> => {
    let copy = copied.get(index);
    if (!copy) copied.set(index, (copy = { bucket: new Map(start.buckets[index] ?? []), guids: [] }));
    copy.guids.push(guid);
    return copy.bucket;
  };
  for (const guid of removals) {
    const index = bucketOf(guid);
    if (start.buckets[index]?.has(guid)) writable(index, guid).delete(guid);
  }
  for (const m of puts) writable(bucketOf(m.guid), m.guid).set(m.guid, m);
  if (copied.size === 0) return start;
  let size = start.size;
  for (const [index, { bucket, guids }] of copied) {
    size += bucket.size - (start.buckets[index]?.size ?? 0);
    buckets[index] = bucket.size === 0 ? undefined : bucket;
    recordDerived(bucket, start.buckets[index], guids);
  }
  return { buckets, size };
}

