/**
 * The `flags-apart` layout's messages: bodies in files that never change name, and what does
 * change (UID, MODSEQ, flags and keywords) in small index files beside them, as Cyrus keeps
 * flags apart from its message files.
 *
 * A mailbox folder holds, besides `mailsim-mailbox`:
 * - `msg/<bb>/<guid>,S=<size>,T=<internaldate ms>`: the body blob, in the folder named by the
 *   GUID's MessageMap bucket (two hex digits, 256 folders). Every field of the name is fixed
 *   for the message's life, so a flag change or a renumbering never renames it.
 * - `index-<cc>`: one line `<guid> <uid> <modseq>[ <flag letters>]` per message, the letters
 *   read through the mailbox's keyword table as in a Maildir name. The 256 buckets are split
 *   into `chunks` runs of consecutive buckets; a file holds one run, is named by its first
 *   bucket (two hex digits) and lists the run's lines by bucket, then by GUID.
 *
 * A flag change thus rewrites one index file and the folder holding it, and nothing else but
 * the commit: index files sit in the mailbox folder itself (no `index/` tree to rewrite), and
 * the meta file leaves out HIGHESTMODSEQ while it equals the largest message MODSEQ, which a
 * store or a delivery keeps true (core/layout.ts). Each object in a thin pack costs its 20-byte
 * base id and a zlib frame, so one fewer object per change is about 40 bytes on the wire.
 * A delivery adds one body and rewrites one `msg/` folder and one index file.
 *
 * Index files follow bucket boundaries so that reading keys each bucket by its `msg/` folder
 * id and its own lines: an untouched bucket comes back as the very Map written or read
 * before, which lets the merge skip it.
 */
import { createHash } from 'node:crypto';
import { BUCKET_COUNT, bucketOf, EMPTY_MESSAGE_MAP, type MessageMap } from './messageMap.ts';
import type { Message } from './message.ts';
import { BoundedCache } from './boundedCache.ts';
import { BadObjectError, MODE_FILE, MODE_TREE, blobFrom, compareEntries, encodeTree, textOf, type EncodedObject, type TreeEntry } from './objects.ts';
import { flagLetters, flagsFromLetters, validateBaseName } from './names.ts';
import { assert } from './errors.ts';

export const MESSAGES_DIR = 'msg';
/** Index files are `index-<first bucket, two hex digits>`. */
export const INDEX_FILE_PREFIX = 'index-';
const INDEX_FILE = /^index-([0-9a-f]{2})$/;
/** Index files per mailbox when a layout names none: see docs/layouts.md for the measurement behind it. */
export const DEFAULT_INDEX_CHUNKS = 16;
/** Index files per mailbox a layout may ask for: a power of two from one file to one per bucket. */
export const INDEX_CHUNKS_CHOICES: readonly number[] = [1, 2, 4, 8, 16, 32, 64, 128, 256];
export const APART_BUCKET_CACHE_ENTRIES_MAX = 8192;
export const APART_CHUNK_CACHE_ENTRIES_MAX = 4096;
export const APART_MAP_CACHE_ENTRIES_MAX = 1024;

type Bucket = ReadonlyMap<string, Message>;

/** Where objects go (an ObjectSink of core/layout.ts, by structure). */
export interface ApartSink {
  has(id: string): boolean;
  put(object: EncodedObject): void;
}

/** How the layout reads: verified trees and blobs, and a body's Message-ID (checked against its size). */
export interface ApartSource {
  readTree(id: string): Promise<readonly TreeEntry[]>;
  read(id: string): Promise<EncodedObject>;
  messageIdOf(blobId: string, sizeBytes: number): Promise<string>;
}

/** One bucket as written: its `msg/` folder and its index lines. */
interface BucketEncoding {
  /** The keyword table the lines were written with. */
  readonly keywordsKey: string;
  readonly msgTreeId: string;
  /** The folder tree, when this process encoded it (a bucket read from a tree has only its id). */
  readonly msgTree?: EncodedObject;
  readonly lines: string;
  /** The largest MODSEQ among the bucket's messages. */
  readonly modseqMax: number;
}

/** One mailbox's messages as written or read: what the next write of a successor reuses. */
interface Build {
  /** Chunk count and keyword table. */
  readonly key: string;
  readonly buckets: MessageMap['buckets'];
  /** Per bucket, its `msg/` folder id ('' when empty). */
  readonly folderIds: readonly string[];
  /** Per chunk, its index file id ('' when empty). */
  readonly chunkIds: readonly string[];
  readonly msgId: string;
  /** The largest MODSEQ among the mailbox's messages (0 when empty). */
  readonly modseqMax: number;
}

/** One index file, split by bucket. */
type ParsedChunk = ReadonlyMap<number, string>;

/**
 * The layout's memo for flags-apart, held by core/layout.ts's LayoutCache (content-addressed or
 * keyed by immutable objects, so the replicas of one world may share it).
 */
export class FlagsApartCache {
  readonly encodings = new WeakMap<Bucket, BucketEncoding>();
  readonly builds = new WeakMap<MessageMap, Build>();
  /** Bucket Maps by keyword table, folder id and a digest of their lines. */
  readonly bucketsByContent = new BoundedCache<Bucket>(APART_BUCKET_CACHE_ENTRIES_MAX);
  readonly chunksById = new BoundedCache<ParsedChunk>(APART_CHUNK_CACHE_ENTRIES_MAX);
  /** Whole message maps by chunk count, keyword table, `msg/` id and index file ids. */
  readonly mapsByIds = new BoundedCache<MessageMap>(APART_MAP_CACHE_ENTRIES_MAX);
}

export function validateIndexChunks(chunks: number): void {
  if (!INDEX_CHUNKS_CHOICES.includes(chunks)) throw new Error(`assertion failed: flags-apart chunks ${chunks} must be one of ${INDEX_CHUNKS_CHOICES.join(', ')}`);
}

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');
const digest = (text: string): string => createHash('sha1').update(text).digest('hex');
const byGuid = (a: Message, b: Message): number => (a.guid < b.guid ? -1 : a.guid > b.guid ? 1 : 0);
const contentKey = (keywordsKey: string, folderId: string, lines: string): string => `${keywordsKey}\0${folderId}\0${digest(lines)}`;

export function messageFileNameApart(message: Message): string {
  return `${message.guid},S=${message.sizeBytes},T=${message.internalDateMs}`;
}

export function indexLine(message: Message, keywords: readonly string[]): string {
  const letters = flagLetters(message.flags, keywords);
  return `${message.guid} ${message.uid} ${message.modseq}${letters === '' ? '' : ` ${letters}`}\n`;
}

/** True when two versions of a bucket hold the same files (GUIDs, bodies, sizes, dates). */
function sameFiles(a: Bucket, b: Bucket): boolean {
  if (a.size !== b.size) return false;
  for (const [guid, message] of a) {
    const other = b.get(guid);
    if (!other || other.blobId !== message.blobId || other.sizeBytes !== message.sizeBytes || other.internalDateMs !== message.internalDateMs) return false;
  }
  return true;
}

function encodeFolder(bucket: Bucket): EncodedObject {
  const entries: TreeEntry[] = [];
  for (const message of bucket.values()) entries.push({ mode: MODE_FILE, name: messageFileNameApart(message), id: message.blobId });
  return encodeTree(entries.sort(compareEntries));
}

function encodeBucket(cache: FlagsApartCache, bucket: Bucket, keywords: readonly string[], keywordsKey: string, prior: Bucket | undefined): BucketEncoding {
  const known = cache.encodings.get(bucket);
  if (known && known.keywordsKey === keywordsKey) return known;
  const priorEncoding = prior ? cache.encodings.get(prior) : undefined;
  // A flag change leaves the bucket's files as they were: keep the folder's id.
  const kept = priorEncoding && sameFiles(bucket, prior as Bucket) ? priorEncoding : undefined;
  const msgTree = kept ? kept.msgTree : encodeFolder(bucket);
  const msgTreeId = kept ? kept.msgTreeId : (msgTree as EncodedObject).id;
  let lines = '';
  let modseqMax = 0;
  for (const message of [...bucket.values()].sort(byGuid)) {
    lines += indexLine(message, keywords);
    modseqMax = Math.max(modseqMax, message.modseq);
  }
  const encoding: BucketEncoding = msgTree ? { keywordsKey, msgTreeId, msgTree, lines, modseqMax } : { keywordsKey, msgTreeId, lines, modseqMax };
  cache.encodings.set(bucket, encoding);
  cache.bucketsByContent.set(contentKey(keywordsKey, msgTreeId, lines), bucket);
  return encoding;
}

/** Puts `id` into the sink unless there: from `object`, or else re-encoded by `make`. */
function ensure(sink: ApartSink, id: string, object: EncodedObject | undefined, make: () => EncodedObject): void {
  if (sink.has(id)) return;
  const made = object ?? make();
  assert(made.id === id, `re-encoded object ${made.id} is not ${id}`);
  sink.put(made);
}

/** The `msg/` folder ids, reusing each bucket untouched since `prior`. */
function writeFolders(cache: FlagsApartCache, messages: MessageMap, keywords: readonly string[], keywordsKey: string, sink: ApartSink, prior: Build | undefined): string[] {
  const ids = new Array<string>(BUCKET_COUNT).fill('');
  for (let i = 0; i < BUCKET_COUNT; i++) {
    const bucket = messages.buckets[i];
    if (!bucket) continue;
    if (prior && prior.buckets[i] === bucket && sink.has(prior.folderIds[i] as string)) {
      ids[i] = prior.folderIds[i] as string;
      continue;
    }
    const encoding = encodeBucket(cache, bucket, keywords, keywordsKey, prior?.buckets[i]);
    ensure(sink, encoding.msgTreeId, encoding.msgTree, () => encodeFolder(bucket));
    ids[i] = encoding.msgTreeId;
  }
  return ids;
}

/** The index file ids, rewriting only chunks with a bucket changed since `prior`. */
function writeChunks(cache: FlagsApartCache, messages: MessageMap, keywords: readonly string[], keywordsKey: string, chunks: number, sink: ApartSink, prior: Build | undefined): string[] {
  const span = BUCKET_COUNT / chunks;
  const ids = new Array<string>(chunks).fill('');
  for (let chunk = 0; chunk < chunks; chunk++) {
    const first = chunk * span;
    let clean = prior !== undefined;
    for (let i = first; clean && i < first + span; i++) clean = prior?.buckets[i] === messages.buckets[i];
    const keptId = prior?.chunkIds[chunk] ?? '';
    if (clean && (keptId === '' || sink.has(keptId))) {
      ids[chunk] = keptId;
      continue;
    }
    let text = '';
    for (let i = first; i < first + span; i++) {
      const bucket = messages.buckets[i];
      if (bucket) text += encodeBucket(cache, bucket, keywords, keywordsKey, prior?.buckets[i]).lines;
    }
    if (text === '') continue;
    const blob = blobFrom(text);
    if (!sink.has(blob.id)) sink.put(blob);
    ids[chunk] = blob.id;
  }
  return ids;
}

/** The `msg/` tree of the folder ids (never empty: the caller skips empty mailboxes), kept when no folder changed since `prior`. */
function writeMessagesTree(ids: readonly string[], sink: ApartSink, prior: Build | undefined): string {
  if (prior && ids.every((id, i) => id === prior.folderIds[i]) && sink.has(prior.msgId)) return prior.msgId;
  const entries: TreeEntry[] = [];
  ids.forEach((id, i) => {
    if (id !== '') entries.push({ mode: MODE_TREE, name: hex2(i), id });
  });
  const tree = encodeTree(entries);
  if (!sink.has(tree.id)) sink.put(tree);
  return tree.id;
}

const indexFileName = (chunk: number, chunks: number): string => `${INDEX_FILE_PREFIX}${hex2((chunk * BUCKET_COUNT) / chunks)}`;
const mapKey = (key: string, msgId: string, chunkIds: readonly string[]): string => `${key}\0${msgId}\0${chunkIds.join(',')}`;

/** What a mailbox folder holds besides its meta file: `msg/` and the index files. */
export interface ApartWritten {
  readonly entries: readonly TreeEntry[];
  /** The largest MODSEQ among the messages (0 when none): the meta file leaves out a HIGHESTMODSEQ equal to it. */
  readonly modseqMax: number;
}

/**
 * Writes a mailbox's `msg/` and index files (what the sink lacks); returns their tree entries
 * (none for an empty mailbox). `previous` (the same mailbox's messages before this change)
 * only speeds it up: untouched buckets and chunks are reused.
 */
export function writeApartMessages(cache: FlagsApartCache, messages: MessageMap, keywords: readonly string[], chunks: number, sink: ApartSink, previous: MessageMap | undefined): ApartWritten {
  if (messages.size === 0) return { entries: [], modseqMax: 0 };
  const keywordsKey = keywords.join(' ');
  const key = `${chunks}\0${keywordsKey}`;
  let build = cache.builds.get(messages);
  if (!build || build.key !== key || !sink.has(build.msgId) || build.chunkIds.some((id) => id !== '' && !sink.has(id))) {
    const before = previous ? cache.builds.get(previous) : undefined;
    const prior = before && before.key === key ? before : undefined;
    const folderIds = writeFolders(cache, messages, keywords, keywordsKey, sink, prior);
    const chunkIds = writeChunks(cache, messages, keywords, keywordsKey, chunks, sink, prior);
    const msgId = writeMessagesTree(folderIds, sink, prior);
    let modseqMax = 0;
    for (const bucket of messages.buckets) if (bucket) modseqMax = Math.max(modseqMax, (cache.encodings.get(bucket) as BucketEncoding).modseqMax);
    build = { key, buckets: messages.buckets, folderIds, chunkIds, msgId, modseqMax };
    cache.builds.set(messages, build);
    cache.mapsByIds.set(mapKey(key, msgId, chunkIds), messages);
  }
  const entries: TreeEntry[] = [{ mode: MODE_TREE, name: MESSAGES_DIR, id: build.msgId }];
  build.chunkIds.forEach((id, chunk) => {
    if (id !== '') entries.push({ mode: MODE_FILE, name: indexFileName(chunk, chunks), id });
  });
  return { entries, modseqMax: build.modseqMax };
}

// ---------- reading ----------

const LINE = /^(\S+) (\d+) (\d+)(?: ([A-Za-z]+))?$/;
const FILE_NAME = /^(.+),S=(\d+),T=(-?\d+)$/;
const HEX2 = /^[0-9a-f]{2}$/;

/** Splits an index file into its buckets' lines, refusing lines outside its run or out of order. */
function parseChunk(id: string, text: string, first: number, span: number): ParsedChunk {
  const parts = new Map<number, string>();
  let at = 0;
  let lastBucket = -1;
  let lastGuid = '';
  let start = 0;
  while (at < text.length) {
    const end = text.indexOf('\n', at);
    if (end < 0) throw new BadObjectError(id, 'index file does not end with a newline');
    const space = text.indexOf(' ', at);
    const guid = text.slice(at, space >= 0 && space < end ? space : end);
    const bucket = bucketOf(guid);
    if (bucket < first || bucket >= first + span) throw new BadObjectError(id, `index line for ${guid} is in the wrong file`);
    if (bucket < lastBucket || (bucket === lastBucket && guid <= lastGuid)) throw new BadObjectError(id, `index lines out of order at ${guid}`);
    if (bucket !== lastBucket) {
      if (lastBucket >= 0) parts.set(lastBucket, text.slice(start, at));
      start = at;
    }
    lastBucket = bucket;
    lastGuid = guid;
    at = end + 1;
  }
  if (lastBucket >= 0) parts.set(lastBucket, text.slice(start));
  return parts;
}

/** True for a name an index file may have (any chunk count). */
export function isIndexFileName(name: string): boolean {
  return INDEX_FILE.test(name);
}

/** Builds one bucket from its folder and its lines; every file has exactly one line and every line one file. */
async function readBucket(folderId: string, lines: string, keywords: readonly string[], source: ApartSource): Promise<{ bucket: Map<string, Message>; modseqMax: number }> {
  const files = new Map<string, { sizeBytes: number; internalDateMs: number; blobId: string }>();
  for (const entry of await source.readTree(folderId)) {
    const match = FILE_NAME.exec(entry.name);
    if (entry.mode !== MODE_FILE || !match) throw new BadObjectError(folderId, `unexpected entry ${entry.name} in ${MESSAGES_DIR}/`);
    const guid = match[1] as string;
    validateBaseName(guid);
    files.set(guid, { sizeBytes: Number(match[2]), internalDateMs: Number(match[3]), blobId: entry.id });
  }
  const bucket = new Map<string, Message>();
  let modseqMax = 0;
  for (const line of lines.split('\n')) {
    if (line === '') continue;
    const match = LINE.exec(line);
    if (!match) throw new BadObjectError(folderId, `bad index line ${JSON.stringify(line)}`);
    const guid = match[1] as string;
    const file = files.get(guid);
    if (!file) throw new BadObjectError(folderId, `index line for ${guid} has no message file`);
    const letters = match[4] ?? '';
    const flags = flagsFromLetters(letters, keywords);
    const modseq = Number(match[3]);
    if (flagLetters(flags, keywords) !== letters || modseq < 1) throw new BadObjectError(folderId, `bad index line ${JSON.stringify(line)}`);
    const messageId = await source.messageIdOf(file.blobId, file.sizeBytes);
    modseqMax = Math.max(modseqMax, modseq);
    bucket.set(guid, { guid, uid: Number(match[2]), flags, modseq, internalDateMs: file.internalDateMs, sizeBytes: file.sizeBytes, blobId: file.blobId, messageId });
  }
  if (bucket.size !== files.size) throw new BadObjectError(folderId, 'a message file has no index line');
  return { bucket, modseqMax };
}

/** The folder ids by bucket, from `msg/`. */
async function readFolders(msgId: string, source: ApartSource): Promise<string[]> {
  const ids = new Array<string>(BUCKET_COUNT).fill('');
  for (const entry of await source.readTree(msgId)) {
    if (entry.mode !== MODE_TREE || !HEX2.test(entry.name)) throw new BadObjectError(msgId, `unexpected entry ${entry.name} in ${MESSAGES_DIR}/`);
    ids[parseInt(entry.name, 16)] = entry.id;
  }
  return ids;
}

/**
 * Reads a mailbox's messages from its `msg/` tree id and its index files (no `msg/` and no
 * index files for an empty mailbox); verifies placement, order and that files and lines pair up.
 */
export async function readApartMessages(cache: FlagsApartCache, keywords: readonly string[], chunks: number, msgId: string | undefined, indexFiles: readonly TreeEntry[], source: ApartSource): Promise<{ messages: MessageMap; modseqMax: number }> {
  if (msgId === undefined && indexFiles.length === 0) return { messages: EMPTY_MESSAGE_MAP, modseqMax: 0 };
  if (msgId === undefined || indexFiles.length === 0) throw new BadObjectError(msgId ?? (indexFiles[0] as TreeEntry).id, `a mailbox has ${MESSAGES_DIR}/ or index files without the other`);
  const keywordsKey = keywords.join(' ');
  const key = `${chunks}\0${keywordsKey}`;
  const span = BUCKET_COUNT / chunks;
  const chunkIds = new Array<string>(chunks).fill('');
  const chunkOf = (entry: TreeEntry): number => {
    const match = INDEX_FILE.exec(entry.name);
    const first = match ? parseInt(match[1] as string, 16) : Number.NaN;
    if (entry.mode !== MODE_FILE || !(first % span === 0)) throw new BadObjectError(entry.id, `unexpected index file ${entry.name}`);
    return first / span;
  };
  for (const entry of indexFiles) chunkIds[chunkOf(entry)] = entry.id;
  const cached = cache.mapsByIds.get(mapKey(key, msgId, chunkIds));
  if (cached) return { messages: cached, modseqMax: (cache.builds.get(cached) as Build).modseqMax };
  const folderIds = await readFolders(msgId, source);
  const linesOf = new Array<string>(BUCKET_COUNT).fill('');
  for (const entry of indexFiles) {
    const first = chunkOf(entry) * span;
    let parts = cache.chunksById.get(entry.id);
    if (!parts) {
      const object = await source.read(entry.id);
      if (object.type !== 'blob') throw new BadObjectError(entry.id, 'index file is not a blob');
      parts = parseChunk(entry.id, textOf(object.content), first, span);
      cache.chunksById.set(entry.id, parts);
    }
    for (const [bucket, lines] of parts) linesOf[bucket] = lines;
  }
  const buckets = new Array<Bucket | undefined>(BUCKET_COUNT).fill(undefined);
  let size = 0;
  let modseqMax = 0;
  for (let i = 0; i < BUCKET_COUNT; i++) {
    const folderId = folderIds[i] as string;
    const lines = linesOf[i] as string;
    if (folderId === '' && lines === '') continue;
    if (folderId === '' || lines === '') throw new BadObjectError(msgId, `bucket ${hex2(i)} has files without lines or lines without files`);
    const content = contentKey(keywordsKey, folderId, lines);
    let bucket = cache.bucketsByContent.get(content);
    if (!bucket) {
      const read = await readBucket(folderId, lines, keywords, source);
      for (const guid of read.bucket.keys()) if (bucketOf(guid) !== i) throw new BadObjectError(folderId, `message ${guid} is in the wrong folder`);
      cache.encodings.set(read.bucket, { keywordsKey, msgTreeId: folderId, lines, modseqMax: read.modseqMax });
      cache.bucketsByContent.set(content, read.bucket);
      bucket = read.bucket;
    }
    buckets[i] = bucket;
    size += bucket.size;
    modseqMax = Math.max(modseqMax, (cache.encodings.get(bucket) as BucketEncoding).modseqMax);
  }
  const map: MessageMap = { buckets, size };
  cache.builds.set(map, { key, buckets, folderIds, chunkIds, msgId, modseqMax });
  cache.mapsByIds.set(mapKey(key, msgId, chunkIds), map);
  return { messages: map, modseqMax };
}
