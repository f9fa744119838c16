/**
 * git's object model, encoded by hand: blobs, trees and commits, their sha1 ids, and the
 * zlib-deflated loose-object form. Encoding ourselves with node:zlib is about ten times
 * faster than isomorphic-git's own compression (docs/facts.md, isomorphic-git).
 */
import { createHash } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { deflateChunkFor } from './zlibChunk.ts';
import { ObjectIdMismatchError, MailsimError, assert } from './errors.ts';

export type ObjectType = 'blob' | 'tree' | 'commit';

export const MODE_FILE = '100644';
export const MODE_TREE = '40000';

export interface TreeEntry {
  readonly mode: typeof MODE_FILE | typeof MODE_TREE;
  readonly name: string;
  readonly id: string;
}

export interface CommitData {
  readonly tree: string;
  readonly parents: readonly string[];
  readonly author: string;
  /** The commit date in ms; git stores seconds, the exact ms ride in a message trailer. */
  readonly timeMs: number;
  readonly message: string;
}

/** An object whose bytes are not a well-formed git object of the expected kind. */
export class BadObjectError extends MailsimError<'E_BAD_OBJECT', { id: string; reason: string }> {
  constructor(id: string, reason: string) {
    super('E_BAD_OBJECT', `bad object ${id}: ${reason}`, { id, reason });
    this.name = 'BadObjectError';
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The full object (`<type> <size>\0<content>`) that git hashes and deflates. */
export function frame(type: ObjectType, content: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`${type} ${content.length}\0`, 'latin1'), content]);
}

export function objectId(framed: Uint8Array): string {
  return createHash('sha1').update(framed).digest('hex');
}

/** The id of `<type> <size>\0<content>` without building the framed copy. */
function idOf(type: ObjectType, content: Uint8Array): string {
  return createHash('sha1').update(`${type} ${content.length}\0`, 'latin1').update(content).digest('hex');
}

export interface EncodedObject {
  readonly id: string;
  readonly type: ObjectType;
  readonly content: Uint8Array;
}

export function encodeObject(type: ObjectType, content: Uint8Array): EncodedObject {
  return { id: idOf(type, content), type, content };
}

/** Objects smaller than this (framed) are stored, not compressed: deflate cannot win on them. */
export const STORE_BELOW_BYTES = 128;
/** Trees whose bytes are mostly sha1 ids (fanout levels) are stored too: ids do not compress. */
export const STORE_TREE_ID_SHARE_MIN = 0.6;

/**
 * The loose-object bytes: a zlib stream of the framed object. Most objects are deflated
 * with a window no larger than themselves (the same format git inflates, set up at half the
 * cost); tiny objects and id-dense trees go in stored blocks, which cost no compressor at
 * all and at most a few bytes more.
 */
export function deflateObject(object: EncodedObject): Uint8Array {
  const framed = frame(object.type, object.content);
  const idShare = object.type === 'tree' ? (20 * countTreeEntries(object.content)) / object.content.length : 0;
  if (framed.length < STORE_BELOW_BYTES || idShare >= STORE_TREE_ID_SHARE_MIN) return storedZlib(framed);
  const windowBits = framed.length <= 512 ? 9 : framed.length <= 2048 ? 11 : framed.length <= 8192 ? 13 : 15;
  return deflateSync(framed, { windowBits, memLevel: windowBits < 15 ? 5 : 8, chunkSize: deflateChunkFor(framed.length) });
}

function countTreeEntries(content: Uint8Array): number {
  let count = 0;
  for (let at = 0; at < content.length; ) {
    const nul = content.indexOf(0, at);
    if (nul < 0) break;
    count++;
    at = nul + 21;
  }
  return count;
}

/** Largest stored deflate block (RFC 1951 §3.2.4). */
const STORED_BLOCK_BYTES_MAX = 65_535;

/** A zlib stream (RFC 1950) of stored deflate blocks: header 78 01, blocks, Adler-32. */
export function storedZlib(data: Uint8Array): Buffer {
  const blocks = Math.max(1, Math.ceil(data.length / STORED_BLOCK_BYTES_MAX));
  const out = Buffer.allocUnsafe(2 + blocks * 5 + data.length + 4);
  out[0] = 0x78;
  out[1] = 0x01;
  let at = 2;
  for (let block = 0; block < blocks; block++) {
    const start = block * STORED_BLOCK_BYTES_MAX;
    const length = Math.min(STORED_BLOCK_BYTES_MAX, data.length - start);
    out[at] = block === blocks - 1 ? 1 : 0;
    out.writeUInt16LE(length, at + 1);
    out.writeUInt16LE(length ^ 0xffff, at + 3);
    out.set(data.subarray(start, start + length), at + 5);
    at += 5 + length;
  }
  out.writeUInt32BE(adler32(data), at);
  return out;
}

/** Output buffer for inflating `length` bytes: room for the usual 4x, not zlib's fixed 16 KiB (named limits). */
export const INFLATE_CHUNK_BYTES_MIN = 1024;
export const INFLATE_CHUNK_BYTES_MAX = 64 * 1024;
function inflateChunkBytes(length: number): number {
  return Math.min(INFLATE_CHUNK_BYTES_MAX, Math.max(INFLATE_CHUNK_BYTES_MIN, 2 ** Math.ceil(Math.log2(length * 4))));
}

/**
 * The data of a zlib stream made only of stored blocks (what storedZlib writes for tiny
 * objects and id-dense trees), read without a decompressor; null for any other stream,
 * which the caller inflates. A stream that breaks off, or whose lengths or checksum
 * disagree, throws: a torn file is never taken for a whole one.
 */
export function unstoredZlib(stream: Uint8Array): Buffer | null {
  if (stream.length < 2 + 5 + 4 || stream[0] !== 0x78 || ((stream[0] << 8) | (stream[1] as number)) % 31 !== 0 || ((stream[1] as number) & 0x20) !== 0) return null;
  const view = Buffer.from(stream.buffer, stream.byteOffset, stream.length);
  const parts: Buffer[] = [];
  let at = 2;
  for (;;) {
    if (at + 5 > view.length) throw new Error('stored zlib stream breaks off');
    const header = view[at] as number;
    // Anything but BFINAL set (a compressed block type, or padding bits) needs the decompressor.
    if ((header & 0xfe) !== 0) return null;
    const length = view.readUInt16LE(at + 1);
    if ((length ^ 0xffff) !== view.readUInt16LE(at + 3) || at + 5 + length > view.length) throw new Error('bad stored block');
    parts.push(view.subarray(at + 5, at + 5 + length));
    at += 5 + length;
    if ((header & 1) === 1) break;
  }
  const data = parts.length === 1 ? Buffer.from(parts[0] as Buffer) : Buffer.concat(parts);
  if (at + 4 !== view.length || view.readUInt32BE(at) !== adler32(data)) throw new Error('bad stored zlib checksum');
  return data;
}

export function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  // 5552 is the longest run before b can overflow 2^32 (zlib's NMAX).
  for (let start = 0; start < data.length; start += 5552) {
    const end = Math.min(data.length, start + 5552);
    for (let i = start; i < end; i++) {
      a += data[i] as number;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** Inflates loose-object bytes, checks they hash to `id`, and splits header from content. */
/** `verify` false trusts the bytes read to be the object named (the trust-reads mutant); zlib's own checksum still holds. */
export function inflateObject(id: string, deflated: Uint8Array, verify = true): EncodedObject {
  let framed: Buffer;
  try {
    framed = unstoredZlib(deflated) ?? inflateSync(deflated, { chunkSize: inflateChunkBytes(deflated.length) });
  } catch {
    throw new BadObjectError(id, 'not zlib data');
  }
  const actual = objectId(framed);
  if (verify && actual !== id) throw new ObjectIdMismatchError(id, actual);
  const nul = framed.indexOf(0);
  const header = nul < 0 ? '' : framed.subarray(0, nul).toString('latin1');
  const match = /^(blob|tree|commit) (\d+)$/.exec(header);
  if (!match || Number(match[2]) !== framed.length - nul - 1) throw new BadObjectError(id, 'bad header');
  return { id, type: match[1] as ObjectType, content: framed.subarray(nul + 1) };
}

/** The code unit of `entry`'s sort key at `at`: its name, then '/' for a tree; -1 past the end. */
function sortKeyAt(entry: TreeEntry, at: number): number {
  const { name } = entry;
  if (at < name.length) return name.charCodeAt(at);
  return at === name.length && entry.mode === MODE_TREE ? SLASH : -1;
}

const SLASH = 0x2f;

/**
 * git sorts tree entries by name bytes, a tree's name compared as if it ended in '/'. Code unit
 * by code unit, as `<` on those keys would, without building them: this runs in every sort.
 */
export function compareEntries(a: TreeEntry, b: TreeEntry): number {
  const an = a.name;
  const bn = b.name;
  const common = Math.min(an.length, bn.length);
  for (let at = 0; at < common; at++) {
    const diff = an.charCodeAt(at) - bn.charCodeAt(at);
    if (diff !== 0) return diff < 0 ? -1 : 1;
  }
  for (let at = common; ; at++) {
    const ca = sortKeyAt(a, at);
    const cb = sortKeyAt(b, at);
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (ca < 0) return 0;
  }
}

/** Encodes entries that are already in git order (callers sort; asserted cheaply). */
export function encodeTree(entries: readonly TreeEntry[]): EncodedObject {
  let size = 0;
  let previous: TreeEntry | undefined;
  for (const entry of entries) {
    if (previous && compareEntries(previous, entry) >= 0) throw new Error(`assertion failed: tree entries out of order at ${entry.name}`);
    size += entry.mode.length + entry.name.length + 22;
    previous = entry;
  }
  const content = Buffer.allocUnsafe(size);
  let at = 0;
  // Byte by byte: two Buffer.write calls per entry cost more than the bytes (a leaf holds dozens).
  for (const entry of entries) {
    at = writeLatin1(content, at, entry.mode);
    content[at++] = 0x20;
    at = writeLatin1(content, at, entry.name);
    content[at++] = 0;
    at = writeHexId(content, at, entry.id);
  }
  return encodeObject('tree', content);
}

/** Writes `text` as latin1 (each code unit's low byte, as Buffer.write does); returns the end. */
function writeLatin1(out: Uint8Array, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) out[at++] = text.charCodeAt(i) & 0xff;
  return at;
}

/** Value of each hex digit by code unit (-1: not one), either case as Buffer.write takes them. */
const HEX_VALUE = Int8Array.from({ length: 128 }, (_, code) => {
  const value = parseInt(String.fromCharCode(code), 16);
  return Number.isNaN(value) ? -1 : value;
});

/** Writes a 40-digit hex id as its 20 bytes; returns the end. */
function writeHexId(out: Uint8Array, at: number, id: string): number {
  let bad = id.length !== 40;
  for (let i = 0; i < 40; i += 2) {
    const high = HEX_VALUE[id.charCodeAt(i)] ?? -1;
    const low = HEX_VALUE[id.charCodeAt(i + 1)] ?? -1;
    bad ||= high < 0 || low < 0;
    out[at++] = (high << 4) | low;
  }
  // The message is built only on failure: this runs for every entry written.
  if (bad) assert(false, `tree entry id ${JSON.stringify(id)} is 40 hex digits`);
  return at;
}

export function decodeTree(id: string, content: Uint8Array): TreeEntry[] {
  const buffer = Buffer.from(content.buffer, content.byteOffset, content.length);
  const entries: TreeEntry[] = [];
  let at = 0;
  while (at < buffer.length) {
    const space = buffer.indexOf(0x20, at);
    const nul = buffer.indexOf(0, space);
    if (space < 0 || nul < 0 || nul + 21 > buffer.length) throw new BadObjectError(id, 'truncated tree');
    const mode = buffer.subarray(at, space).toString('latin1');
    if (mode !== MODE_FILE && mode !== MODE_TREE) throw new BadObjectError(id, `unsupported mode ${mode}`);
    const name = buffer.subarray(space + 1, nul).toString('latin1');
    entries.push({ mode, name, id: buffer.subarray(nul + 1, nul + 21).toString('hex') });
    at = nul + 21;
  }
  return entries;
}

const TIME_TRAILER = 'Mailsim-Time-Ms: ';

function identity(author: string, timeMs: number): string {
  return `${author} <${author.replace(/ /g, '-')}@mailsim> ${Math.floor(timeMs / 1000)} +0000`;
}

export function encodeCommit(commit: CommitData): EncodedObject {
  const lines = [`tree ${commit.tree}`, ...commit.parents.map((parent) => `parent ${parent}`)];
  lines.push(`author ${identity(commit.author, commit.timeMs)}`, `committer ${identity(commit.author, commit.timeMs)}`);
  const text = `${lines.join('\n')}\n\n${commit.message}\n\n${TIME_TRAILER}${commit.timeMs}\n`;
  return encodeObject('commit', encoder.encode(text));
}

export function decodeCommit(id: string, content: Uint8Array): CommitData {
  const text = decoder.decode(content);
  const split = text.indexOf('\n\n');
  if (split < 0) throw new BadObjectError(id, 'commit without message');
  const header = text.slice(0, split).split('\n');
  const body = text.slice(split + 2);
  let tree = '';
  let author = '';
  const parents: string[] = [];
  for (const line of header) {
    if (line.startsWith('tree ')) tree = line.slice(5);
    else if (line.startsWith('parent ')) parents.push(line.slice(7));
    else if (line.startsWith('author ')) author = line.slice(7, line.indexOf(' <'));
  }
  const trailerAt = body.lastIndexOf(`\n\n${TIME_TRAILER}`);
  if (!/^[0-9a-f]{40}$/.test(tree) || trailerAt < 0) throw new BadObjectError(id, 'not a mailsim commit');
  const timeMs = Number(body.slice(trailerAt + 2 + TIME_TRAILER.length).trim());
  return { tree, parents, author, timeMs, message: body.slice(0, trailerAt) };
}

export function blobFrom(data: Uint8Array | string): EncodedObject {
  return encodeObject('blob', typeof data === 'string' ? encoder.encode(data) : data);
}

export function textOf(content: Uint8Array): string {
  return decoder.decode(content);
}
