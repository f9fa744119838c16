/**
 * UID lookups for the IMAP operations: per bucket uid -> messages, and per MessageMap uid ->
 * bucket, derived from immutable values and carried from one map to the next. The memo is an
 * object its owner passes in (a replica, or a world for all its replicas), so nothing outlives
 * a run; an operation given none builds what it needs and forgets it.
 */
import { allMessages, bucketOf, updateMessages, type MessageMap } from './messageMap.ts';
import type { Message } from './message.ts';

export class UidIndex {
  /** Per bucket: uid -> its messages (one, except while a merge has not yet renumbered a clash). */
  readonly uidIndexes = new WeakMap<ReadonlyMap<string, Message>, Map<number, Message[]>>();
  /** Per map: uid -> bucket index + 1 (see SHARED_UID). */
  readonly uidBuckets = new WeakMap<MessageMap, Uint16Array>();
}


function uidIndexOf(cache: UidIndex, bucket: ReadonlyMap<string, Message>): Map<number, Message[]> {
  let index = cache.uidIndexes.get(bucket);
  if (!index) {
    index = new Map();
    for (const message of bucket.values()) {
      if (message.uid <= 0) continue;
      const same = index.get(message.uid);
      if (same) same.push(message);
      else index.set(message.uid, [message]);
    }
    cache.uidIndexes.set(bucket, index);
  }
  return index;
}

/** Lookups of at most this many UIDs in a map without a whole-map index go bucket by bucket (named limit). */
export const UID_LOOKUP_BY_BUCKET_MAX = 8;
/** UIDs above this are looked up by scanning buckets instead of through a typed-array index. */
export const UID_INDEX_MAX = 1 << 22;

/** uid -> bucket index + 1 (0: none; SHARED_UID: several messages share the UID, scan every bucket). */
const SHARED_UID = 0xffff;

function setUidBucket(index: Uint16Array, uid: number, bucket: number): void {
  const slot = index[uid] ?? 0;
  index[uid] = slot === 0 || slot === bucket + 1 ? bucket + 1 : SHARED_UID;
}

/** The uid -> bucket index of a map, built once (O(n)) and then carried along by `updateIndexed`; null past UID_INDEX_MAX. */
function uidBucketsOf(cache: UidIndex, messages: MessageMap): Uint16Array | null {
  let index = cache.uidBuckets.get(messages);
  if (!index) {
    let maxUid = 0;
    for (const message of allMessages(messages)) maxUid = Math.max(maxUid, message.uid);
    if (maxUid > UID_INDEX_MAX) return null;
    index = new Uint16Array(maxUid + 1);
    messages.buckets.forEach((bucket, b) => {
      if (bucket) for (const message of bucket.values()) if (message.uid > 0) setUidBucket(index as Uint16Array, message.uid, b);
    });
    cache.uidBuckets.set(messages, index);
  }
  return index;
}

/** updateMessages that also derives the new map's uid index from the old one (a typed-array copy). */
export function updateIndexed(cache: UidIndex, messages: MessageMap, puts: readonly Message[], removals: readonly Message[]): MessageMap {
  const next = updateMessages(messages, puts, removals.map((m) => m.guid));
  const old = cache.uidBuckets.get(messages);
  if (!old) return next;
  let maxUid = old.length - 1;
  for (const message of puts) maxUid = Math.max(maxUid, message.uid);
  if (maxUid > UID_INDEX_MAX) return next;
  const index = new Uint16Array(maxUid + 1);
  index.set(old);
  for (const message of removals) if (message.uid > 0 && index[message.uid] !== SHARED_UID) index[message.uid] = 0;
  for (const message of puts) if (message.uid > 0) setUidBucket(index, message.uid, bucketOf(message.guid));
  cache.uidBuckets.set(next, index);
  return next;
}

/** The visible messages with the given UIDs, in ascending UID order; absent UIDs are ignored (as IMAP does). */
export function messagesWithUids(cache: UidIndex, messages: MessageMap, uids: readonly number[]): Message[] {
  const wanted = new Set(uids.filter((uid) => Number.isInteger(uid) && uid > 0));
  const found: Message[] = [];
  if (wanted.size === 0) return found;
  // UIDs looked up in every bucket's own index (shared by every map holding that bucket):
  // a few UIDs in a map with no whole-map index yet (one just read or merged), so one lookup
  // does not index the whole mailbox; UIDs the whole-map index marks as shared; any UID when
  // the map has none (UIDs past UID_INDEX_MAX). The rest go straight to their one bucket.
  const index = !cache.uidBuckets.has(messages) && wanted.size <= UID_LOOKUP_BY_BUCKET_MAX ? null : uidBucketsOf(cache, messages);
  const everyBucket: number[] = [];
  if (index === null) everyBucket.push(...wanted);
  else for (const uid of wanted) {
    const slot = index[uid] ?? 0;
    if (slot === SHARED_UID) everyBucket.push(uid);
    else if (slot !== 0) found.push(...(uidIndexOf(cache, messages.buckets[slot - 1] as ReadonlyMap<string, Message>).get(uid) ?? []));
  }
  if (everyBucket.length > 0) {
    for (const bucket of messages.buckets) {
      if (!bucket) continue;
      const byUid = uidIndexOf(cache, bucket);
      for (const uid of everyBucket) found.push(...(byUid.get(uid) ?? []));
    }
  }
  return found.sort((a, b) => a.uid - b.uid || (a.guid < b.guid ? -1 : 1));
}
