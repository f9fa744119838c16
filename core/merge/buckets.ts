/** MessageMaps whose buckets hold their entries in canonical (GUID) order. */
import { BUCKET_COUNT, bucketOf, type MessageMap } from '../messageMap.ts';
import type { Message } from '../state.ts';
import { compareStrings } from './compare.ts';

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
