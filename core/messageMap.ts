/**
 * A persistent map from GUID to Message, sharded into a fixed number of buckets by a
 * hash of the GUID. An update copies one bucket (about n/256 entries) and the bucket
 * array, never the whole mailbox, and unchanged buckets stay reference-equal. A big bucket is
 * not copied but edited as a view over a plain Map (EditedBucket), so an update costs what it
 * changes there too. That lets
 * the fanout layout reuse the tree id of every untouched bucket and lets the merge skip
 * buckets that are identical on both sides, so both cost what changed, not the mailbox size.
 * Each copied bucket also records the bucket it came from and the GUIDs it changed
 * (core/bucketLineage.ts), so two buckets that differ are compared on those GUIDs only.
 */
import type { Message } from './message.ts';
import { recordDerived } from './bucketLineage.ts';

export const BUCKET_COUNT = 256;

export interface MessageMap {
  /** One entry per bucket; undefined for an empty bucket. Never mutated once built. */
  readonly buckets: readonly (ReadonlyMap<string, Message> | undefined)[];
  readonly size: number;
}

const EMPTY_BUCKETS: readonly (ReadonlyMap<string, Message> | undefined)[] = Object.freeze(
  new Array<ReadonlyMap<string, Message> | undefined>(BUCKET_COUNT).fill(undefined),
);

export const EMPTY_MESSAGE_MAP: MessageMap = Object.freeze({ buckets: EMPTY_BUCKETS, size: 0 });

/** FNV-1a 32-bit over the UTF-16 code units of the GUID; stable across runs and platforms. */
export function guidHash(guid: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < guid.length; i++) {
    hash ^= guid.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

export function bucketOf(guid: string): number {
  return guidHash(guid) % BUCKET_COUNT;
}

/**
 * A writable copy of a bucket, in the same order. forEach into an empty Map: about twice as fast
 * as `new Map(bucket)`, which reads every entry through the iterator protocol as a [key, value]
 * array (measured on 400-message buckets, a 100k mailbox, where a merge copies a hundred).
 */
export function copyBucket(bucket: ReadonlyMap<string, Message> | undefined): Map<string, Message> {
  const copy = new Map<string, Message>();
  bucket?.forEach((message, guid) => copy.set(guid, message));
  return copy;
}

export function getMessage(map: MessageMap, guid: string): Message | undefined {
  return map.buckets[bucketOf(guid)]?.get(guid);
}

/** Returns a new map with `message` stored under its GUID (added or replaced). */
export function setMessage(map: MessageMap, message: Message): MessageMap {
  const index = bucketOf(message.guid);
  const old = map.buckets[index];
  const bucket = copyBucket(old);
  bucket.set(message.guid, message);
  recordDerived(bucket, old, [message.guid]);
  const buckets = map.buckets.slice();
  buckets[index] = bucket;
  return { buckets, size: map.size + (old?.has(message.guid) ? 0 : 1) };
}

/** Returns a new map without `guid`; the same map if it was absent. */
export function removeMessage(map: MessageMap, guid: string): MessageMap {
  const index = bucketOf(guid);
  const old = map.buckets[index];
  if (!old?.has(guid)) return map;
  const bucket = copyBucket(old);
  bucket.delete(guid);
  recordDerived(bucket, old, [guid]);
  const buckets = map.buckets.slice();
  buckets[index] = bucket.size === 0 ? undefined : bucket;
  return { buckets, size: map.size - 1 };
}

/**
 * Buckets at least this big are edited as a view over their base (EditedBucket) instead of
 * copied: a merge at 100k messages touches a hundred buckets of about 400, and copying them
 * was most of its cost (named limit). Smaller ones are copied, which costs less than the view's
 * lookups later.
 */
export const EDITED_BUCKET_MESSAGES_MIN = 128;
/** Edits a view holds before it is copied into a plain Map, so lookups and iteration stay cheap (named limit). */
export const BUCKET_EDITS_MAX = 64;

/** What a bucket is edited through: a Map, or the editor of a view. */
interface WritableBucket {
  has(guid: string): boolean;
  delete(guid: string): boolean;
  set(guid: string, message: Message): unknown;
}

/** Applies many puts and removals (removals first), editing each touched bucket once. */
export function updateMessages(map: MessageMap, puts: readonly Message[], removals: readonly string[]): MessageMap {
  if (puts.length === 0 && removals.length === 0) return map;
  // Bucket index -> its writable form and the GUIDs changed in it (for the bucket's lineage).
  const edited = new Map<number, { bucket: WritableBucket; guids: string[] }>();
  let size = map.size;
  const writable = (index: number, guid: string): WritableBucket => {
    let edit = edited.get(index);
    if (!edit) {
      const old = map.buckets[index];
      const big = old !== undefined && (old instanceof EditedBucket || old.size >= EDITED_BUCKET_MESSAGES_MIN);
      edited.set(index, (edit = { bucket: big ? new BucketEditor(old) : copyBucket(old), guids: [] }));
    }
    edit.guids.push(guid);
    return edit.bucket;
  };
  const current = (index: number): WritableBucket | ReadonlyMap<string, Message> | undefined => edited.get(index)?.bucket ?? map.buckets[index];
  for (const guid of removals) {
    const index = bucketOf(guid);
    if (!current(index)?.has(guid)) continue;
    writable(index, guid).delete(guid);
    size--;
  }
  for (const message of puts) {
    const bucket = writable(bucketOf(message.guid), message.guid);
    if (!bucket.has(message.guid)) size++;
    bucket.set(message.guid, message);
  }
  // Only absent GUIDs removed: the map itself, so what was built from it (trees, indexes) still applies.
  if (edited.size === 0) return map;
  const buckets = map.buckets.slice();
  for (const [index, { bucket, guids }] of edited) {
    const done = bucket instanceof BucketEditor ? bucket.done() : (bucket as Map<string, Message>);
    buckets[index] = done.size === 0 ? undefined : done;
    if (done.size > 0) recordDerived(done, map.buckets[index], guids);
  }
  return { buckets, size };
}

/**
 * A bucket as a plain Map `base` with some GUIDs removed, some replaced in place and some
 * appended: exactly what copying `base` into a Map and deleting and setting those entries gives,
 * iteration order included (a replaced entry keeps its place, a removed and re-put one goes to
 * the end, as in a Map), without the copy. Built by updateMessages only, never changed after.
 */
export class EditedBucket implements ReadonlyMap<string, Message> {
  constructor(
    readonly base: ReadonlyMap<string, Message>,
    readonly removed: ReadonlySet<string>,
    readonly replaced: ReadonlyMap<string, Message>,
    readonly appended: ReadonlyMap<string, Message>,
  ) {}

  get size(): number {
    return this.base.size - this.removed.size + this.appended.size;
  }

  get(guid: string): Message | undefined {
    const added = this.appended.get(guid);
    if (added !== undefined || this.removed.has(guid)) return added;
    return this.replaced.get(guid) ?? this.base.get(guid);
  }

  has(guid: string): boolean {
    return viewHas(this, guid);
  }

  forEach(callback: (message: Message, guid: string, map: ReadonlyMap<string, Message>) => void, thisArg?: unknown): void {
    const { removed, replaced } = this;
    this.base.forEach((message, guid) => {
      if (!removed.has(guid)) callback.call(thisArg, replaced.get(guid) ?? message, guid, this);
    });
    this.appended.forEach((message, guid) => callback.call(thisArg, message, guid, this));
  }

  *entries(): MapIterator<[string, Message]> {
    for (const [guid, message] of this.base) if (!this.removed.has(guid)) yield [guid, this.replaced.get(guid) ?? message];
    yield* this.appended;
  }

  *keys(): MapIterator<string> {
    for (const guid of this.base.keys()) if (!this.removed.has(guid)) yield guid;
    yield* this.appended.keys();
  }

  *values(): MapIterator<Message> {
    for (const [guid, message] of this.base) if (!this.removed.has(guid)) yield this.replaced.get(guid) ?? message;
    yield* this.appended.values();
  }

  [Symbol.iterator](): MapIterator<[string, Message]> {
    return this.entries();
  }
}

/** Whether a view (or its editor) holds `guid`: appended, or in its base and not removed. */
function viewHas(view: { readonly base: ReadonlyMap<string, Message>; readonly removed: ReadonlySet<string>; readonly appended: ReadonlyMap<string, Message> }, guid: string): boolean {
  return view.appended.has(guid) || (!view.removed.has(guid) && view.base.has(guid));
}

/** Edits a bucket (a plain Map or a view) into a new view over the same plain Map. */
class BucketEditor implements WritableBucket {
  readonly base: ReadonlyMap<string, Message>;
  readonly removed: Set<string>;
  private readonly replaced: Map<string, Message>;
  readonly appended: Map<string, Message>;

  constructor(bucket: ReadonlyMap<string, Message>) {
    const view = bucket instanceof EditedBucket ? bucket : undefined;
    this.base = view ? view.base : bucket;
    this.removed = new Set(view?.removed);
    this.replaced = new Map(view?.replaced);
    this.appended = new Map(view?.appended);
  }

  has(guid: string): boolean {
    return viewHas(this, guid);
  }

  delete(guid: string): boolean {
    if (this.appended.delete(guid)) return true;
    if (this.removed.has(guid) || !this.base.has(guid)) return false;
    this.removed.add(guid);
    this.replaced.delete(guid);
    return true;
  }

  set(guid: string, message: Message): void {
    if (!this.appended.has(guid) && !this.removed.has(guid) && this.base.has(guid)) this.replaced.set(guid, message);
    else this.appended.set(guid, message);
  }

  /** The edited bucket: a view, or a plain Map once the edits pass BUCKET_EDITS_MAX. */
  done(): ReadonlyMap<string, Message> {
    const view = new EditedBucket(this.base, this.removed, this.replaced, this.appended);
    return this.removed.size + this.replaced.size + this.appended.size > BUCKET_EDITS_MAX ? copyBucket(view) : view;
  }
}

export function messageMapFrom(messages: Iterable<Message>): MessageMap {
  return updateMessages(EMPTY_MESSAGE_MAP, [...messages], []);
}

/** Every message, in bucket order then insertion order. Sort by UID where order matters. */
export function* allMessages(map: MessageMap): IterableIterator<Message> {
  for (const bucket of map.buckets) if (bucket) yield* bucket.values();
}

/** The GUIDs of every message, in code-unit order. */
export function sortedGuids(map: MessageMap): string[] {
  return [...allMessages(map)].map((m) => m.guid).sort();
}

/** Messages sorted by UID ascending (UID 0, the not-yet-visible ones, first), ties by GUID. */
export function messagesByUid(map: MessageMap): Message[] {
  return [...allMessages(map)].sort((a, b) => a.uid - b.uid || (a.guid < b.guid ? -1 : a.guid > b.guid ? 1 : 0));
}
