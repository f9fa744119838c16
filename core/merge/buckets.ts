/** Building MessageMaps for a merge: copy only the buckets concerned; canonical order inside. */
import { BUCKET_COUNT, bucketOf, type MessageMap } from '../messageMap.ts';
import type { Message } from '../state.ts';
import { recordDerived } from '../bucketLineage.ts';
import { compareStrings } from './compare.ts';

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

/** A MessageMap whose buckets hold their entries in GUID order (canonical structure). */
export function messageMapSorted(messages: readonly Message[]): MessageMap {
  const groups = new Map<number, Message[]>();
  for (const m of messages) {
    const index = bucketOf(m.guid);
    const list = groups.get(index);
    if (list) list.push(m);
    else groups.set(index, [m]);
  }
  const buckets = new Array<ReadonlyMap<string, Message> | undefined>(BUCKET_COUNT).fill(undefined);
  for (const [index, list] of groups) buckets[index] = sortedBucket(list);
  return { buckets, size: messages.length };
}

export function sortedBucket(entries: Message[]): ReadonlyMap<string, Message> {
  entries.sort((x, y) => compareStrings(x.guid, y.guid));
  return new Map(entries.map((m) => [m.guid, m]));
}
