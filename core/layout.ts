/**
 * State <-> git tree, in three layouts.
 *
 * Every layout puts INBOX at the root and every other mailbox N in the folder '.N'
 * (Maildir++). A mailbox folder holds `mailsim-mailbox` (a small file: UIDVALIDITY,
 * UIDNEXT, HIGHESTMODSEQ, keyword table, a strategy's data) and `cur/`. A message is one tree entry
 * `<guid>,S=<size>,U=<uid>,M=<modseq>,T=<internaldate ms>:2,<flag letters>` pointing at the
 * body blob, so its metadata lives next to it (mbsync keeps `,U=` in names the same way) and
 * a flag change renames one entry; the body blob never changes and is shared by copies.
 *
 * - `flat`: `cur/` holds every message (a literal Maildir; a flag change rewrites `cur/`).
 * - `fanout` (width w, depth d, digitBits b = 4): `cur/` is sharded by a 32-bit key of the
 *   GUID hash, d levels of w digits of b bits (b = 4: hex digits, 16^w entries per level;
 *   b = 2: 4^w entries per level, smaller trees per change at the price of more levels). The key starts with the MessageMap bucket index, so trees below the
 *   first level boundary at or past 2 digits belong to one bucket and are cached per bucket
 *   Map (in a LayoutCache the caller owns): an untouched bucket is never re-encoded, and a
 *   changed one is edited from its predecessor's trees (only directories holding a change are
 *   rebuilt), so a write costs what changed, not the bucket size. Reading reuses a bucket Map by
 *   its subtree ids, so unchanged buckets stay reference-equal for the merge.
 * - `flags-apart` (chunks c): no `cur/`; message files named by GUID that are never renamed
 *   (`msg/`), and UIDs, MODSEQs and flags in c index files per mailbox (`index-<cc>`), so a
 *   flag change rewrites one small file instead of renaming a message (core/flagsApart.ts).
 *   Its meta file leaves out `highestmodseq` while it equals the largest message MODSEQ.
 */
import { assert } from './errors.ts';
import { BUCKET_COUNT, bucketOf, guidHash, updateMessages, EMPTY_MESSAGE_MAP, type MessageMap } from './messageMap.ts';
import type { Mailbox, Message, StoreState } from './state.ts';
import {
  MODE_FILE, MODE_TREE, BadObjectError, blobFrom, compareEntries, decodeTree, encodeTree, textOf,
  type EncodedObject, type TreeEntry,
} from './objects.ts';
import { flagLetters, flagsFromLetters, folderDirName, mailboxFromDirName, splitInfo, validateBaseName } from './names.ts';
import { messageIdOf } from './body.ts';
import { BoundedCache } from './boundedCache.ts';
import { bucketDifference } from './bucketLineage.ts';
import { DEFAULT_INDEX_CHUNKS, FlagsApartCache, MESSAGES_DIR, isIndexFileName, readApartMessages, validateIndexChunks, writeApartMessages } from './flagsApart.ts';

export type LayoutSpec =
  | { readonly kind: 'flat' }
  | { readonly kind: 'fanout'; readonly width: number; readonly depth: number; /** Bits per digit: 4 (hex, default), 2 or 1. */ readonly digitBits?: 1 | 2 | 4 }
  | { readonly kind: 'flags-apart'; /** Index files per mailbox (a power of two, 1 to 256; DEFAULT_INDEX_CHUNKS when absent). */ readonly chunks?: number };

/** Bits of the GUID key; a fanout's width x depth x digitBits may not exceed it. */
export const FANOUT_KEY_BITS = 32;
export const MAILBOX_META_FILE = 'mailsim-mailbox';
/** Entries kept in the read caches (content-addressed, shared by every replica) before the oldest is dropped. */
export const READ_CACHE_ENTRIES_MAX = 200_000;
export const BUCKET_CACHE_ENTRIES_MAX = 8192;
/**
 * Messages a changed bucket holds before its trees are edited from the prior encoding rather
 * than regrouped from every message: below it, regrouping a few dozen messages costs less than
 * the edit's bookkeeping (measured with `mailsim bench merge`: 10k messages, ~40 a bucket).
 */
export const EDIT_BUCKET_MESSAGES_MIN = 128;
export const CUR_CACHE_ENTRIES_MAX = 1024;
export const TREE_CACHE_ENTRIES_MAX = 4096;
/** Only trees this small are remembered by content (bigger ones change with every write anyway). */
export const TREE_CACHE_ENTRY_COUNT_MAX = 32;

/** Where objects go when a state is written: `put` stores an object unless present. */
export interface ObjectSink {
  has(id: string): boolean;
  put(object: EncodedObject): void;
  /** The memo of encodings to reuse; without one, a write starts from nothing. */
  readonly layoutCache?: LayoutCache;
}

/** Where verified objects come from when a tree is read. */
export interface ObjectSource {
  read(id: string): Promise<EncodedObject>;
  /** A tree's entries, verified; a source may keep them decoded (trees are read far more than written). */
  readTree?(id: string): Promise<readonly TreeEntry[]>;
  /** The memo of decodings to reuse; without one, a read starts from nothing. */
  readonly layoutCache?: LayoutCache;
}

export function validateLayout(layout: LayoutSpec): void {
  if (layout.kind === 'flat') return;
  if (layout.kind === 'flags-apart') return validateIndexChunks(indexChunksOf(layout));
  const { width, depth } = layout;
  const bits = layout.digitBits ?? 4;
  if (!Number.isInteger(width) || !Number.isInteger(depth) || width < 1 || depth < 1 || ![1, 2, 4].includes(bits) || width * depth * bits > FANOUT_KEY_BITS) {
    throw new Error(`assertion failed: fanout width ${width} depth ${depth} digitBits ${bits} must be integers >= 1 with width*depth*digitBits <= ${FANOUT_KEY_BITS}`);
  }
}

interface Shape {
  readonly width: number;
  readonly digitBits: number;
  readonly depth: number;
  /** Levels below which a tree holds one bucket only; > depth when leaves span buckets. */
  readonly bucketLevel: number;
}

/** Index files per mailbox of a flags-apart layout; 0 for the Maildir layouts. */
function indexChunksOf(layout: LayoutSpec): number {
  return layout.kind === 'flags-apart' ? (layout.chunks ?? DEFAULT_INDEX_CHUNKS) : 0;
}

/** A flags-apart layout has no cur/, so no shape: it reads as flat's and is never used. */
function shapeOf(layout: LayoutSpec): Shape {
  const width = layout.kind !== 'fanout' ? 1 : layout.width;
  const depth = layout.kind !== 'fanout' ? 0 : layout.depth;
  const digitBits = layout.kind !== 'fanout' ? 4 : (layout.digitBits ?? 4);
  return { width, depth, digitBits, bucketLevel: Math.ceil(BUCKET_BITS / (width * digitBits)) };
}

/** The MessageMap bucket index is the key's first 8 bits. */
const BUCKET_BITS = 8;

/** The directory segments under cur/ for a GUID. */
export function fanoutSegments(guid: string, shape: Shape): string[] {
  const key = ((bucketOf(guid) << 24) | (guidHash(guid) >>> 8)) >>> 0;
  const digits = key.toString(1 << shape.digitBits).padStart(FANOUT_KEY_BITS / shape.digitBits, '0');
  const segments: string[] = [];
  for (let level = 0; level < shape.depth; level++) segments.push(digits.slice(level * shape.width, (level + 1) * shape.width));
  return segments;
}

/** The bucket index named by the first directory names (at least BUCKET_BITS worth of digits). */
function bucketOfSegments(segments: readonly string[], shape: Shape): number {
  const digits = segments.join('').slice(0, BUCKET_BITS / shape.digitBits);
  return /^[0-9a-f]+$/.test(digits) ? parseInt(digits, 1 << shape.digitBits) : Number.NaN;
}

export function messageFileName(message: Message, keywords: readonly string[]): string {
  const { guid, sizeBytes, uid, modseq, internalDateMs } = message;
  return `${guid},S=${sizeBytes},U=${uid},M=${modseq},T=${internalDateMs}:2,${flagLetters(message.flags, keywords)}`;
}

const NAME_FIELDS = /^(.+),S=(\d+),U=(\d+),M=(\d+),T=(-?\d+)$/;

export function parseMessageFileName(fileName: string, keywords: readonly string[]): Omit<Message, 'blobId' | 'messageId'> {
  const { base, letters } = splitInfo(fileName);
  const match = NAME_FIELDS.exec(base);
  if (!match) throw new BadObjectError(fileName, 'message file name lacks S/U/M/T fields');
  const guid = match[1] as string;
  validateBaseName(guid);
  return {
    guid,
    sizeBytes: Number(match[2]),
    uid: Number(match[3]),
    modseq: Number(match[4]),
    internalDateMs: Number(match[5]),
    flags: flagsFromLetters(letters, keywords),
  };
}

// ---------- mailbox meta file ----------

type MailboxMeta = Omit<Mailbox, 'messages' | 'name'>;

/** The meta fields the layout owns; every other `<key> <value>` line is a strategy's data. */
const META_FIELDS: ReadonlySet<string> = new Set(['uidvalidity', 'uidnext', 'highestmodseq', 'keyword']);
const STRATEGY_DATA_KEY = /^[a-z][a-z0-9-]*$/;

/** `impliedHighestModseq`: the value a reader takes when the line is absent (flags-apart); the line is left out when HIGHESTMODSEQ equals it. */
export function encodeMailboxMeta(mailbox: Mailbox, impliedHighestModseq?: number): string {
  const lines = [`uidvalidity ${mailbox.uidValidity}`, `uidnext ${mailbox.uidNext}`];
  if (mailbox.highestModseq !== impliedHighestModseq) lines.push(`highestmodseq ${mailbox.highestModseq}`);
  for (const keyword of mailbox.keywords) lines.push(`keyword ${keyword}`);
  for (const key of Object.keys(mailbox.strategyData ?? {}).sort()) {
    const value = (mailbox.strategyData as Readonly<Record<string, string>>)[key] as string;
    assert(STRATEGY_DATA_KEY.test(key) && !META_FIELDS.has(key) && value !== '' && !value.includes('\n'), `strategy data ${JSON.stringify(key)} = ${JSON.stringify(value)} cannot go in a meta line`);
    lines.push(`${key} ${value}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `impliedHighestModseq`: what an absent `highestmodseq` line means (flags-apart); a line equal to it is not canonical and refused. */
export function decodeMailboxMeta(id: string, text: string, impliedHighestModseq?: number): MailboxMeta {
  const numbers = new Map<string, number>();
  const keywords: string[] = [];
  const data: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const space = line.indexOf(' ');
    const field = space < 0 ? line : line.slice(0, space);
    const rest = space < 0 ? '' : line.slice(space + 1);
    if (field === 'keyword' && rest !== '') keywords.push(rest);
    else if (META_FIELDS.has(field) && /^\d+$/.test(rest)) numbers.set(field, Number(rest));
    else if (STRATEGY_DATA_KEY.test(field) && !META_FIELDS.has(field) && rest !== '' && data[field] === undefined) data[field] = rest;
    else throw new BadObjectError(id, `bad mailbox meta line ${JSON.stringify(line)}`);
  }
  const uidValidity = numbers.get('uidvalidity');
  const uidNext = numbers.get('uidnext');
  const written = numbers.get('highestmodseq');
  if (written !== undefined && written === impliedHighestModseq) throw new BadObjectError(id, 'mailbox meta names the HIGHESTMODSEQ its messages imply');
  const highestModseq = written ?? impliedHighestModseq;
  if (uidValidity === undefined || uidNext === undefined || highestModseq === undefined) throw new BadObjectError(id, 'mailbox meta lacks a field');
  return Object.keys(data).length > 0 ? { uidValidity, uidNext, highestModseq, keywords, strategyData: data } : { uidValidity, uidNext, highestModseq, keywords };
}

// ---------- caches ----------

/**
 * The layout's memo: encodings and decodings reused while their inputs stay. Content-addressed
 * (or keyed by immutable objects), so every replica of one world may share one; it is owned by
 * whoever creates it (a replica, or the world for all its replicas) and dies with it, so nothing
 * outlives a run in a sweep worker. The Message-ID of each body seen is remembered here too.
 */
export class LayoutCache {
  readonly messageIdByBlob = new BoundedCache<string>(READ_CACHE_ENTRIES_MAX);
  readonly bucketsByIds = new BoundedCache<ReadonlyMap<string, Message>>(BUCKET_CACHE_ENTRIES_MAX);
  readonly curByKey = new BoundedCache<MessageMap>(CUR_CACHE_ENTRIES_MAX);
  /** Trees under cur/ by their entries (names and ids), so an unchanged fanout node is not encoded again. */
  readonly treesByContent = new BoundedCache<EncodedObject>(TREE_CACHE_ENTRIES_MAX);
  /** A message's tree entry and fanout directory, reused while the Message object (and keyword table) stays. */
  readonly messageItems = new WeakMap<Message, { key: string; item: Item }>();
  readonly bucketEncodings = new WeakMap<ReadonlyMap<string, Message>, BucketEncoding>();
  readonly curBuilds = new WeakMap<MessageMap, CurBuild>();
  readonly flagsApart = new FlagsApartCache();
  /** EDIT_BUCKET_MESSAGES_MIN unless a test exercises the edit on small buckets. */
  constructor(readonly editBucketMessagesMin = EDIT_BUCKET_MESSAGES_MIN) {}

  /** Remembers a body's Message-ID so reading a tree need not open the body again. */
  rememberBody(blobId: string, messageId: string): void {
    this.messageIdByBlob.set(blobId, messageId);
  }
}

// ---------- writing ----------

interface Item {
  readonly segments: readonly string[];
  readonly entry: TreeEntry;
}

/** Items whose path ends at `level` become entries; the rest are grouped by their segment there. */
function splitAtLevel(items: readonly Item[], level: number): { entries: TreeEntry[]; groups: Map<string, Item[]> } {
  const entries: TreeEntry[] = [];
  const groups = new Map<string, Item[]>();
  for (const item of items) {
    const segment = item.segments[level];
    if (segment === undefined) entries.push(item.entry);
    else {
      const group = groups.get(segment);
      if (group) group.push(item);
      else groups.set(segment, [item]);
    }
  }
  return { entries, groups };
}

/** Builds the tree for items below `level` (all items share segments[0..level)); returns its id. */
function buildTree(cache: LayoutCache, items: readonly Item[], level: number, out: EncodedObject[]): string {
  const { entries, groups } = splitAtLevel(items, level);
  for (const [segment, group] of groups) entries.push({ mode: MODE_TREE, name: segment, id: buildTree(cache, group, level + 1, out) });
  entries.sort(compareEntries);
  let tree: EncodedObject | undefined;
  if (entries.length <= TREE_CACHE_ENTRY_COUNT_MAX) {
    let key = '';
    for (const entry of entries) key += `${entry.mode}${entry.name}\0${entry.id}`;
    tree = cache.treesByContent.get(key);
    if (!tree) {
      tree = encodeTree(entries);
      cache.treesByContent.set(key, tree);
    }
  } else tree = encodeTree(entries);
  out.push(tree);
  return tree.id;
}

interface BucketEncoding {
  /** Shape and keyword table the encoding was made for. */
  readonly key: string;
  /** What the bucket contributes to the trees above it. */
  readonly items: readonly Item[];
  /** Every tree inside the bucket by directory path, children before parents, to reuse; a clean directory's trees come in its predecessor's order, so a store that lacks them gets them in build order (bucketItems). */
  readonly trees: ReadonlyMap<string, EncodedObject>;
  /** The sorted entries of each of those trees, so the next version of the bucket edits them instead of regrouping every message. */
  readonly entries: ReadonlyMap<string, readonly TreeEntry[]>;
  /** The directories whose trees were copied from the predecessor's encoding, in its order; the others were built here, in build order. */
  readonly copied: ReadonlySet<string>;
}

interface BucketBuild {
  readonly trees: Map<string, EncodedObject>;
  readonly entries: Map<string, readonly TreeEntry[]>;
  readonly copied: Set<string>;
  readonly prior?: BucketEncoding;
  /** Directories holding a message that was added, removed or changed since `prior`. */
  readonly dirty?: ReadonlySet<string>;
}

/** Builds the directory `path` (at `level`) inside one bucket from its items, reusing clean directories of the prior encoding. */
function buildBucketTree(cache: LayoutCache, items: readonly Item[], level: number, path: string, build: BucketBuild): string {
  if (build.prior && build.dirty && !build.dirty.has(path)) {
    const kept = build.prior.trees.get(path);
    if (kept) {
      copySubtree(build.prior, path, build.trees, build.copied, build.entries);
      return kept.id;
    }
  }
  const { entries, groups } = splitAtLevel(items, level);
  for (const [segment, group] of groups) entries.push({ mode: MODE_TREE, name: segment, id: buildBucketTree(cache, group, level + 1, `${path}/${segment}`, build) });
  entries.sort(compareEntries);
  const tree = encodeTree(entries);
  build.trees.set(path, tree);
  build.entries.set(path, entries);
  return tree.id;
}

/** Copies the prior trees (and entries) of directory `path` and every directory below it, in the prior order, noting each in `copied`. */
function copySubtree(prior: BucketEncoding, path: string, trees: Map<string, EncodedObject>, copied: Set<string>, entries?: Map<string, readonly TreeEntry[]>): void {
  for (const sub of subtreesOf(prior).get(path) ?? []) {
    trees.set(sub, prior.trees.get(sub) as EncodedObject);
    copied.add(sub);
    entries?.set(sub, prior.entries.get(sub) as readonly TreeEntry[]);
  }
}

/** Per encoding: each directory -> it and every directory below it, in the order of its trees. */
const subtreeIndexes = new WeakMap<BucketEncoding, ReadonlyMap<string, readonly string[]>>();

/**
 * The directories of each subtree of a bucket's encoding, in the order of its trees, built once
 * per encoding: filtering every tree for each directory copied cost a bucket's directory count
 * squared. A directory's ancestors are the prefixes (cut at '/') that are directories of the
 * bucket too; the bucket-level ones have none.
 */
function subtreesOf(encoding: BucketEncoding): ReadonlyMap<string, readonly string[]> {
  let index = subtreeIndexes.get(encoding);
  if (index) return index;
  const built = new Map<string, string[]>();
  for (const sub of encoding.trees.keys()) {
    for (let dir = sub; ; ) {
      const list = built.get(dir);
      if (list) list.push(sub);
      else built.set(dir, [sub]);
      const cut = dir.lastIndexOf('/');
      if (cut < 0) break;
      dir = dir.slice(0, cut);
      if (!encoding.trees.has(dir)) break;
    }
  }
  subtreeIndexes.set(encoding, (index = built));
  return index;
}

/** Directory paths (from the bucket level down) of every message that differs between two versions of a bucket. */
function dirtyDirectories(changed: readonly string[], shape: Shape): Set<string> {
  const dirty = new Set<string>();
  for (const guid of changed) {
    const segments = fanoutSegments(guid, shape);
    for (let level = shape.bucketLevel; level <= shape.depth; level++) dirty.add(segments.slice(0, level).join('/'));
  }
  return dirty;
}

/**
 * A bucket's items grouped by their directory at the bucket level. When the levels above it
 * hold exactly the bucket's 8 bits, that directory is one for the whole bucket: no per-message
 * path is needed (a 100k mailbox has about 400 messages per bucket).
 */
function bucketNodeGroups(messages: Item[], shape: Shape): Map<string, Item[]> {
  const level = shape.bucketLevel;
  const pathOf = (item: Item): string => item.segments.slice(0, level).join('/');
  const first = messages[0];
  if (first === undefined) return new Map();
  if (level * shape.width * shape.digitBits === BUCKET_BITS) return new Map([[pathOf(first), messages]]);
  const nodes = new Map<string, Item[]>();
  for (const item of messages) {
    const path = pathOf(item);
    const group = nodes.get(path);
    if (group) group.push(item);
    else nodes.set(path, [item]);
  }
  return nodes;
}

function shapeKey(shape: Shape): string {
  return `${shape.width}x${shape.depth}b${shape.digitBits}`;
}

/** A message's tree entry and fanout directory, from the memo while the Message object and `key` stay. */
function itemOf(cache: LayoutCache, message: Message, keywords: readonly string[], key: string, shape: Shape): Item {
  const known = cache.messageItems.get(message);
  if (known && known.key === key) return known.item;
  const item = { segments: fanoutSegments(message.guid, shape), entry: { mode: MODE_FILE, name: messageFileName(message, keywords), id: message.blobId } } as const;
  cache.messageItems.set(message, { key, item });
  return item;
}

/**
 * `key` = shapeKey + NUL + keyword table: what the encoding depends on besides the bucket.
 * `priorBucket` (the bucket this one replaced): when its encoding is at hand, only the
 * directories holding a changed message are rebuilt; a big bucket's are edited from the prior
 * entries (editBucket), so the cost follows the change, a small one's regrouped from its messages.
 */
function encodeBucket(cache: LayoutCache, bucket: ReadonlyMap<string, Message>, keywords: readonly string[], key: string, shape: Shape, priorBucket?: ReadonlyMap<string, Message>): BucketEncoding {
  const cached = cache.bucketEncodings.get(bucket);
  if (cached && cached.key === key) return cached;
  const prior = priorBucket ? cache.bucketEncodings.get(priorBucket) : undefined;
  let encoding: BucketEncoding;
  if (shape.bucketLevel > shape.depth) {
    const messages: Item[] = [];
    for (const message of bucket.values()) messages.push(itemOf(cache, message, keywords, key, shape));
    encoding = { key, items: messages, trees: new Map(), entries: new Map(), copied: new Set() };
  } else if (prior && prior.key === key && priorBucket && bucket.size >= cache.editBucketMessagesMin) {
    encoding = editBucket(cache, bucket, keywords, key, shape, prior, priorBucket);
  } else {
    const messages: Item[] = [];
    for (const message of bucket.values()) messages.push(itemOf(cache, message, keywords, key, shape));
    const level = shape.bucketLevel;
    const build: BucketBuild = prior && prior.key === key && priorBucket
      ? { trees: new Map(), entries: new Map(), copied: new Set<string>(), prior, dirty: dirtyDirectories(changedInBucket(bucket, priorBucket), shape) }
      : { trees: new Map(), entries: new Map(), copied: new Set<string>() };
    const items: Item[] = [];
    for (const [path, group] of bucketNodeGroups(messages, shape)) {
      const segments = (group[0] as Item).segments.slice(0, level);
      items.push(groupItem(segments, buildBucketTree(cache, group, level, path, build)));
    }
    items.sort((a, b) => compareEntries(a.entry, b.entry));
    encoding = { key, items, trees: build.trees, entries: build.entries, copied: build.copied };
  }
  if (shape.bucketLevel <= shape.depth) cache.bucketsByIds.set(`${key}\0${encoding.items.map((item) => item.entry.id).join(',')}`, bucket);
  cache.bucketEncodings.set(bucket, encoding);
  return encoding;
}

/** The item of a directory at the bucket level (`segments` its full path). */
function groupItem(segments: readonly string[], id: string): Item {
  return { segments: segments.slice(0, -1), entry: { mode: MODE_TREE, name: segments[segments.length - 1] as string, id } };
}

// ---------- editing a bucket's trees ----------

/** The GUIDs whose Message objects differ between two versions of a bucket. */
function changedInBucket(bucket: ReadonlyMap<string, Message>, prior: ReadonlyMap<string, Message>): string[] {
  const changed: string[] = [];
  const candidates = bucketDifference(bucket, prior);
  if (candidates) {
    for (const guid of candidates) if (bucket.get(guid) !== prior.get(guid)) changed.push(guid);
    return changed;
  }
  for (const [guid, message] of bucket) if (prior.get(guid) !== message) changed.push(guid);
  for (const guid of prior.keys()) if (!bucket.has(guid)) changed.push(guid);
  return changed;
}

/** A directory path's prefix of `level` segments (segments are `width` characters, joined by '/'). */
function pathPrefix(path: string, level: number, width: number): string {
  return path.slice(0, level * (width + 1) - 1);
}

/** How many segments a directory path has. */
function levelOf(path: string, width: number): number {
  return (path.length + 1) / (width + 1);
}

/**
 * The encoding of `bucket` made from the encoding of `priorBucket`: the leaf directories
 * holding a changed message get the prior entries minus the old names plus the new ones, their
 * parents up to the bucket level get the new child ids, and every other directory keeps its
 * tree. The result equals a full build (encodeBucket without a prior), trees map order
 * included: a directory's children come in the order the bucket first holds a message in each
 * (what grouping the bucket's messages in order gives), so the store receives the same objects
 * in the same order. Only a prefix of the bucket is read to learn that order.
 */
function editBucket(cache: LayoutCache, bucket: ReadonlyMap<string, Message>, keywords: readonly string[], key: string, shape: Shape, prior: BucketEncoding, priorBucket: ReadonlyMap<string, Message>): BucketEncoding {
  const { bucketLevel: top, depth, width } = shape;
  const entries = new Map(prior.entries);
  /** Dirty directory -> names of its dirty children (an empty set for a leaf). */
  const dirty = new Map<string, Set<string>>();
  const leafEdits = new Map<string, { drop: Set<string>; add: TreeEntry[] }>();
  for (const guid of changedInBucket(bucket, priorBucket)) {
    const before = priorBucket.get(guid);
    const after = bucket.get(guid);
    const segments = itemOf(cache, (after ?? before) as Message, keywords, key, shape).segments;
    for (let level = top; level <= depth; level++) {
      const path = segments.slice(0, level).join('/');
      let children = dirty.get(path);
      if (!children) dirty.set(path, (children = new Set()));
      if (level < depth) children.add(segments[level] as string);
    }
    const leaf = segments.join('/');
    let edit = leafEdits.get(leaf);
    if (!edit) leafEdits.set(leaf, (edit = { drop: new Set(), add: [] }));
    if (before) edit.drop.add(itemOf(cache, before, keywords, key, shape).entry.name);
    if (after) edit.add.push(itemOf(cache, after, keywords, key, shape).entry);
  }
  // New trees, deepest level first, so a parent sees its children's ids.
  const built = new Map<string, EncodedObject>();
  const paths = [...dirty.keys()].sort((a, b) => b.length - a.length);
  for (const path of paths) {
    let list: TreeEntry[];
    const edit = leafEdits.get(path);
    if (edit) {
      list = (entries.get(path) ?? []).filter((entry) => !edit.drop.has(entry.name));
      for (const entry of edit.add) insertSorted(list, entry);
    } else {
      const children = dirty.get(path) as Set<string>;
      list = (entries.get(path) ?? []).filter((entry) => !children.has(entry.name));
      for (const name of children) {
        const tree = built.get(`${path}/${name}`);
        if (tree) insertSorted(list, { mode: MODE_TREE, name, id: tree.id });
      }
    }
    if (list.length === 0) {
      entries.delete(path);
      continue;
    }
    entries.set(path, list);
    built.set(path, encodeTree(list));
  }
  // The directories at the bucket level: the prior ones, those emptied gone, new ones added.
  const groups = new Set(prior.items.map((item) => [...item.segments, item.entry.name].join('/')));
  for (const path of dirty.keys()) {
    if (levelOf(path, width) !== top) continue;
    if (built.has(path)) groups.add(path);
    else groups.delete(path);
  }
  const rank = firstHeld(cache, bucket, keywords, key, shape, dirty, groups, entries);
  const byRank = (a: string, b: string): number => rank(a) - rank(b);
  const trees = new Map<string, EncodedObject>();
  const copied = new Set<string>();
  const visit = (path: string): void => {
    const children = dirty.get(path);
    if (!children) {
      copySubtree(prior, path, trees, copied);
      return;
    }
    if (levelOf(path, width) < depth) {
      const names = (entries.get(path) as readonly TreeEntry[]).map((entry) => `${path}/${entry.name}`);
      for (const child of names.sort(byRank)) visit(child);
    }
    trees.set(path, built.get(path) as EncodedObject);
  };
  const ordered = [...groups].sort(byRank);
  for (const path of ordered) visit(path);
  const items = ordered.map((path) => groupItem(path.split('/'), (trees.get(path) as EncodedObject).id));
  items.sort((a, b) => compareEntries(a.entry, b.entry));
  return { key, items, trees, entries, copied };
}

/** Puts `entry` into `list` (git order) where it belongs: the prior entries are sorted already. */
function insertSorted(list: TreeEntry[], entry: TreeEntry): void {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareEntries(list[middle] as TreeEntry, entry) < 0) low = middle + 1;
    else high = middle;
  }
  list.splice(low, 0, entry);
}

/**
 * The position in `bucket` of the first message held by the directories whose order matters:
 * the directories at the bucket level, and the children of every rebuilt directory. Reads the
 * bucket in order only until every set of siblings has at most one directory not yet seen:
 * that one comes after its siblings (Infinity).
 */
function firstHeld(
  cache: LayoutCache, bucket: ReadonlyMap<string, Message>, keywords: readonly string[], key: string, shape: Shape,
  dirty: ReadonlyMap<string, ReadonlySet<string>>, groups: ReadonlySet<string>, entries: ReadonlyMap<string, readonly TreeEntry[]>,
): (path: string) => number {
  const { bucketLevel: top, depth, width } = shape;
  const siblings: (readonly string[])[] = [[...groups]];
  for (const path of dirty.keys()) {
    const children = levelOf(path, width) < depth ? entries.get(path) : undefined;
    if (children) siblings.push(children.map((entry) => `${path}/${entry.name}`));
  }
  /** Directory -> index of its sibling set; `unseen[i]`: how many of set i must still be seen. */
  const setOf = new Map<string, number>();
  const unseen: number[] = [];
  let open = 0;
  for (const set of siblings) {
    if (set.length < 2) continue;
    for (const path of set) setOf.set(path, unseen.length);
    unseen.push(set.length - 1);
    open++;
  }
  const rank = new Map<string, number>();
  let position = 0;
  for (const message of bucket.values()) {
    if (open === 0) break;
    const leaf = itemOf(cache, message, keywords, key, shape).segments.join('/');
    for (let level = top; level <= depth; level++) {
      const path = pathPrefix(leaf, level, width);
      const set = setOf.get(path);
      if (set === undefined || rank.has(path)) continue;
      rank.set(path, position);
      const left = unseen[set] as number;
      if (left === 0) continue;
      unseen[set] = left - 1;
      if (left === 1) open--;
    }
    position++;
  }
  assert(open === 0, 'every directory of a bucket holds a message of it');
  return (path) => rank.get(path) ?? Infinity;
}

/** What writing one MessageMap produced, so the next write (of its successor) can reuse untouched directories. */
interface CurBuild {
  readonly key: string;
  readonly buckets: readonly (ReadonlyMap<string, Message> | undefined)[];
  /** Per level above the buckets, the tree id of each directory ('' when empty). */
  readonly nodes: readonly (readonly string[])[];
  readonly id: string;
}


/** The bucket's items, after making sure the store holds the trees inside it. */
function bucketItems(cache: LayoutCache, bucket: ReadonlyMap<string, Message>, keywords: readonly string[], key: string, shape: Shape, sink: ObjectSink, priorBucket?: ReadonlyMap<string, Message>): readonly Item[] {
  const encoding = encodeBucket(cache, bucket, keywords, key, shape, priorBucket);
  if (!encoding.items.some((item) => item.entry.mode === MODE_TREE && !sink.has(item.entry.id))) return encoding.items;
  // The store gets the trees it lacks in the order a build from nothing puts them, whichever
  // way this encoding was made: write order decides what a crash or a misdirected write leaves
  // behind. The trees built here are in that order already (children before parents, siblings
  // by their first message); only a copied tree can be out of place, so when the store holds
  // every copied one, what it lacks goes in as the encoding holds it, and the bucket's messages
  // are not walked again.
  const lacking: EncodedObject[] = [];
  let copiedLacking = false;
  for (const [path, tree] of encoding.trees) {
    if (sink.has(tree.id)) continue;
    lacking.push(tree);
    if (encoding.copied.has(path)) copiedLacking = true;
  }
  if (!copiedLacking) {
    for (const tree of lacking) sink.put(tree);
    return encoding.items;
  }
  for (const path of buildOrder(cache, bucket, keywords, key, shape)) {
    const tree = encoding.trees.get(path);
    assert(tree !== undefined, `a bucket's encoding holds the tree of its directory ${path}`);
    sink.put(tree);
  }
  return encoding.items;
}

/**
 * A bucket's directories in the order a build from nothing makes their trees: children before
 * parents, siblings in the order of their first message in the bucket. An encoding edited from
 * its predecessor holds the same trees, but copies clean directories in the predecessor's order.
 */
function buildOrder(cache: LayoutCache, bucket: ReadonlyMap<string, Message>, keywords: readonly string[], key: string, shape: Shape): string[] {
  const items: Item[] = [];
  for (const message of bucket.values()) items.push(itemOf(cache, message, keywords, key, shape));
  const order: string[] = [];
  const visit = (group: readonly Item[], level: number, path: string): void => {
    for (const [segment, below] of splitAtLevel(group, level).groups) visit(below, level + 1, `${path}/${segment}`);
    order.push(path);
  };
  for (const [path, group] of bucketNodeGroups(items, shape)) visit(group, shape.bucketLevel, path);
  return order;
}

/**
 * Writes the directories above the buckets when every bucket is exactly one directory
 * (width x digitBits divides 8): a directory whose buckets are all unchanged since `prior`
 * keeps its id, so a change rebuilds one directory per level.
 */
function writeUpper(cache: LayoutCache, messages: MessageMap, keywords: readonly string[], key: string, shape: Shape, sink: ObjectSink, prior: CurBuild | undefined, out: EncodedObject[]): CurBuild {
  const radix = 1 << (shape.width * shape.digitBits);
  const top = shape.bucketLevel;
  const dirty = new Uint8Array(BUCKET_COUNT);
  for (let i = 0; i < BUCKET_COUNT; i++) dirty[i] = prior && messages.buckets[i] === prior.buckets[i] ? 0 : 1;
  // Start from the prior's ids: a directory kept whole keeps every directory below it, and the
  // next write, which may change one of those, must find their ids here too.
  const nodes: string[][] = Array.from({ length: top }, (_, level) => (prior ? [...(prior.nodes[level] as string[])] : new Array<string>(radix ** level).fill('')));
  const nameOf = (digit: number) => digit.toString(1 << shape.digitBits).padStart(shape.width, '0');
  const node = (level: number, index: number): string => {
    const span = radix ** (top - level);
    const first = index * span;
    if (prior && !dirty.subarray(first, first + span).includes(1)) {
      const kept = prior.nodes[level]?.[index] ?? '';
      if (kept === '' || sink.has(kept)) return ((nodes[level] as string[])[index] = kept);
    }
    const entries: TreeEntry[] = [];
    for (let digit = 0; digit < radix; digit++) {
      let id = '';
      if (level + 1 < top) id = node(level + 1, index * radix + digit);
      else {
        const bucket = messages.buckets[first + digit];
        if (bucket) id = (bucketItems(cache, bucket, keywords, key, shape, sink, prior?.buckets[first + digit])[0] as Item).entry.id;
      }
      if (id !== '') entries.push({ mode: MODE_TREE, name: nameOf(digit), id });
    }
    let id = '';
    if (entries.length > 0) {
      const tree = encodeTree(entries);
      out.push(tree);
      id = tree.id;
    }
    return ((nodes[level] as string[])[index] = id);
  };
  const id = node(0, 0);
  return { key, buckets: messages.buckets, nodes, id };
}

/**
 * Writes cur/ (never empty: the caller skips empty mailboxes). With `previous` (the same
 * mailbox's messages before this change) untouched directories are reused.
 */
function writeCur(cache: LayoutCache, messages: MessageMap, keywords: readonly string[], shape: Shape, sink: ObjectSink, previous: MessageMap | undefined): string {
  const key = `${shapeKey(shape)}\0${keywords.join(' ')}`;
  const done = cache.curBuilds.get(messages);
  if (done && done.key === key && sink.has(done.id)) return done.id;
  const out: EncodedObject[] = [];
  let build: CurBuild;
  if (shape.depth >= shape.bucketLevel && BUCKET_BITS % (shape.width * shape.digitBits) === 0) {
    const before = previous ? cache.curBuilds.get(previous) : undefined;
    build = writeUpper(cache, messages, keywords, key, shape, sink, before && before.key === key ? before : undefined, out);
  } else {
    const items: Item[] = [];
    for (const bucket of messages.buckets) if (bucket) items.push(...bucketItems(cache, bucket, keywords, key, shape, sink));
    build = { key, buckets: messages.buckets, nodes: [], id: buildTree(cache, items, 0, out) };
  }
  for (const object of out) sink.put(object);
  cache.curBuilds.set(messages, build);
  return build.id;
}

function mailboxEntries(cache: LayoutCache, mailbox: Mailbox, shape: Shape, chunks: number, sink: ObjectSink, previous: Mailbox | undefined): TreeEntry[] {
  if (chunks > 0) {
    const written = writeApartMessages(cache.flagsApart, mailbox.messages, mailbox.keywords, chunks, sink, previous?.messages);
    const meta = blobFrom(encodeMailboxMeta(mailbox, written.modseqMax));
    sink.put(meta);
    return [{ mode: MODE_FILE, name: MAILBOX_META_FILE, id: meta.id }, ...written.entries];
  }
  const meta = blobFrom(encodeMailboxMeta(mailbox));
  sink.put(meta);
  const entries: TreeEntry[] = [{ mode: MODE_FILE, name: MAILBOX_META_FILE, id: meta.id }];
  if (mailbox.messages.size > 0) entries.push({ mode: MODE_TREE, name: 'cur', id: writeCur(cache, mailbox.messages, mailbox.keywords, shape, sink, previous?.messages) });
  return entries;
}

/**
 * Writes every object of `state` that the sink lacks; returns the root tree id. Bodies must
 * already be in the sink. `previous` (the state this one was derived from) only speeds it up.
 */
export function writeState(state: StoreState, layout: LayoutSpec, sink: ObjectSink, previous?: StoreState): string {
  const cache = sink.layoutCache ?? new LayoutCache();
  const shape = shapeOf(layout);
  const chunks = indexChunksOf(layout);
  const root: TreeEntry[] = [];
  for (const mailbox of state.mailboxes.values()) {
    const entries = mailboxEntries(cache, mailbox, shape, chunks, sink, previous?.mailboxes.get(mailbox.name));
    entries.sort(compareEntries);
    const dir = folderDirName(mailbox.name);
    if (dir === '') root.push(...entries);
    else {
      const tree = encodeTree(entries);
      sink.put(tree);
      root.push({ mode: MODE_TREE, name: dir, id: tree.id });
    }
  }
  root.sort(compareEntries);
  const tree = encodeTree(root);
  sink.put(tree);
  return tree.id;
}

// ---------- reading ----------

/** The Message-ID of a body, read once (and its size checked) then remembered. */
async function bodyMessageId(cache: LayoutCache, blobId: string, sizeBytes: number, source: ObjectSource): Promise<string> {
  let messageId = cache.messageIdByBlob.get(blobId);
  if (messageId === undefined) {
    const body = await source.read(blobId);
    if (body.type !== 'blob') throw new BadObjectError(blobId, 'message body is not a blob');
    if (body.content.length !== sizeBytes) throw new BadObjectError(blobId, 'size field does not match the body');
    messageId = messageIdOf(body.content);
    cache.rememberBody(blobId, messageId);
  }
  return messageId;
}

async function messageFromEntry(cache: LayoutCache, entry: TreeEntry, keywords: readonly string[], source: ObjectSource): Promise<Message> {
  if (entry.mode !== MODE_FILE) throw new BadObjectError(entry.id, `unexpected tree ${entry.name} among messages`);
  const fields = parseMessageFileName(entry.name, keywords);
  return { ...fields, blobId: entry.id, messageId: await bodyMessageId(cache, entry.id, fields.sizeBytes, source) };
}

async function readTreeEntries(id: string, source: ObjectSource): Promise<readonly TreeEntry[]> {
  if (source.readTree) return source.readTree(id);
  const object = await source.read(id);
  if (object.type !== 'tree') throw new BadObjectError(id, 'expected a tree');
  return decodeTree(id, object.content);
}

/** Every message below a tree, with the directory segments that led to it (from `prefix`). */
async function readMessages(cache: LayoutCache, id: string, prefix: readonly string[], keywords: readonly string[], shape: Shape, source: ObjectSource, out: Message[]): Promise<void> {
  for (const entry of await readTreeEntries(id, source)) {
    if (prefix.length < shape.depth) {
      if (entry.mode !== MODE_TREE || entry.name.length !== shape.width) throw new BadObjectError(id, `unexpected entry ${entry.name} in a fanout level`);
      await readMessages(cache, entry.id, [...prefix, entry.name], keywords, shape, source, out);
      continue;
    }
    const message = await messageFromEntry(cache, entry, keywords, source);
    if (fanoutSegments(message.guid, shape).join('/') !== prefix.join('/')) throw new BadObjectError(id, `message ${message.guid} is in the wrong fanout directory`);
    out.push(message);
  }
}

/** Nodes at the bucket level: (segments, tree id), found by walking the levels above it. */
async function bucketNodes(id: string, prefix: readonly string[], shape: Shape, source: ObjectSource, out: { segments: string[]; id: string }[]): Promise<void> {
  for (const entry of await readTreeEntries(id, source)) {
    if (entry.mode !== MODE_TREE || entry.name.length !== shape.width) throw new BadObjectError(id, `unexpected entry ${entry.name} in a fanout level`);
    const segments = [...prefix, entry.name];
    if (segments.length === shape.bucketLevel) out.push({ segments, id: entry.id });
    else await bucketNodes(entry.id, segments, shape, source, out);
  }
}

async function readCur(cache: LayoutCache, id: string, keywords: readonly string[], shape: Shape, source: ObjectSource): Promise<MessageMap> {
  const key = `${shapeKey(shape)}\0${keywords.join(' ')}\0${id}`;
  const cached = cache.curByKey.get(key);
  if (cached) return cached;
  let map: MessageMap;
  if (shape.bucketLevel > shape.depth) {
    const messages: Message[] = [];
    await readMessages(cache, id, [], keywords, shape, source, messages);
    map = updateMessages(EMPTY_MESSAGE_MAP, messages, []);
  } else {
    const nodes: { segments: string[]; id: string }[] = [];
    await bucketNodes(id, [], shape, source, nodes);
    const byBucket = new Map<number, { segments: string[]; id: string }[]>();
    for (const node of nodes) {
      const bucket = bucketOfSegments(node.segments, shape);
      if (!(bucket < BUCKET_COUNT)) throw new BadObjectError(id, 'bad fanout directory name');
      byBucket.set(bucket, [...(byBucket.get(bucket) ?? []), node]);
    }
    const buckets = new Array<ReadonlyMap<string, Message> | undefined>(BUCKET_COUNT).fill(undefined);
    let size = 0;
    for (const [index, group] of byBucket) {
      const groupKey = `${shapeKey(shape)}\0${keywords.join(' ')}\0${group.map((node) => node.id).join(',')}`;
      let bucket = cache.bucketsByIds.get(groupKey);
      if (!bucket) {
        const messages: Message[] = [];
        for (const node of group) await readMessages(cache, node.id, node.segments, keywords, shape, source, messages);
        bucket = new Map(messages.map((message) => [message.guid, message]));
        cache.bucketsByIds.set(groupKey, bucket);
      }
      buckets[index] = bucket;
      size += bucket.size;
    }
    map = { buckets, size };
  }
  cache.curByKey.set(key, map);
  return map;
}

/** A HIGHESTMODSEQ no meta line can hold: reading the keyword table before the messages imply one. */
const NO_MODSEQ = -1;

async function readMailbox(cache: LayoutCache, name: string, entries: readonly TreeEntry[], shape: Shape, chunks: number, source: ObjectSource): Promise<Mailbox> {
  let metaId: string | undefined;
  let curId: string | undefined;
  const indexFiles: TreeEntry[] = [];
  for (const entry of entries) {
    if (entry.name === MAILBOX_META_FILE && entry.mode === MODE_FILE) metaId = entry.id;
    else if (chunks === 0 && entry.name === 'cur' && entry.mode === MODE_TREE) curId = entry.id;
    else if (chunks > 0 && entry.name === MESSAGES_DIR && entry.mode === MODE_TREE) curId = entry.id;
    else if (chunks > 0 && isIndexFileName(entry.name)) indexFiles.push(entry);
    else if (!(name === 'INBOX' && entry.mode === MODE_TREE && entry.name.startsWith('.'))) throw new BadObjectError(entry.id, `unexpected entry ${entry.name} in mailbox ${name}`);
  }
  if (metaId === undefined) throw new BadObjectError(curId ?? name, `mailbox ${name} lacks ${MAILBOX_META_FILE}`);
  const metaText = textOf((await source.read(metaId)).content);
  if (chunks === 0) {
    const meta = decodeMailboxMeta(metaId, metaText);
    const messages = curId === undefined ? EMPTY_MESSAGE_MAP : await readCur(cache, curId, meta.keywords, shape, source);
    return { name, ...meta, messages };
  }
  // The keyword table comes first (the index lines' letters need it); HIGHESTMODSEQ may need the messages.
  const { keywords } = decodeMailboxMeta(metaId, metaText, NO_MODSEQ);
  const apartSource = {
    readTree: (id: string) => readTreeEntries(id, source),
    read: (id: string) => source.read(id),
    messageIdOf: (blobId: string, sizeBytes: number) => bodyMessageId(cache, blobId, sizeBytes, source),
  };
  const read = await readApartMessages(cache.flagsApart, keywords, chunks, curId, indexFiles, apartSource);
  return { name, ...decodeMailboxMeta(metaId, metaText, read.modseqMax), messages: read.messages };
}

/** Reads the state a root tree holds; verifies names, placement and sizes. */
export async function readState(rootId: string, layout: LayoutSpec, source: ObjectSource): Promise<StoreState> {
  const cache = source.layoutCache ?? new LayoutCache();
  const shape = shapeOf(layout);
  const chunks = indexChunksOf(layout);
  const root = await readTreeEntries(rootId, source);
  const mailboxes = new Map<string, Mailbox>();
  const inboxEntries = root.filter((entry) => !entry.name.startsWith('.'));
  if (inboxEntries.length > 0) mailboxes.set('INBOX', await readMailbox(cache, 'INBOX', root, shape, chunks, source));
  for (const entry of root) {
    if (!entry.name.startsWith('.')) continue;
    const name = mailboxFromDirName(entry.name);
    if (entry.mode !== MODE_TREE) throw new BadObjectError(entry.id, `folder ${entry.name} is not a tree`);
    mailboxes.set(name, await readMailbox(cache, name, await readTreeEntries(entry.id, source), shape, chunks, source));
  }
  return { mailboxes: sortedMailboxes(mailboxes) };
}

/** Mailboxes in name order, so equal states iterate alike. */
export function sortedMailboxes(mailboxes: ReadonlyMap<string, Mailbox>): ReadonlyMap<string, Mailbox> {
  return new Map([...mailboxes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
