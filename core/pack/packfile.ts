/**
 * git's packfile, version 2 (gitformat-pack.txt): how objects travel between replicas in one
 * verifiable unit, with changed trees sent as deltas against the version the receiver holds.
 * Written and read by hand (node:zlib, node:crypto) so the simulator stays pure and fast.
 *
 * Writing: "PACK", version, count, entries (type+size header, zlib data), SHA-1 trailer. A delta
 * against an earlier entry is an OFS_DELTA; against an object outside the pack a REF_DELTA, which
 * makes the pack thin (the receiver must hold the base).
 *
 * Reading: the pack comes from the network, so nothing is trusted. The trailer is checked before
 * anything else (a torn pack fails it), sizes are checked against named limits before anything is
 * allocated, and every failure is a BadPackError, or a PackBaseMissingError when a thin pack's base
 * is neither in the pack nor held. A bad delta surfaces as BadPackError with reason 'delta' (the
 * BadDeltaError's reason in the message), so callers of readPack handle exactly two error types.
 */
import { createHash } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { deflateChunkFor, inflateChunkFor } from '../zlibChunk.ts';
import { MailsimError } from '../errors.ts';
import { encodeObject, type EncodedObject, type ObjectType } from '../objects.ts';
import { BadDeltaError, applyDelta, encodeDelta, readDeltaHeader } from './delta.ts';
import { ResolvedPacks, type BaseLookup, type PackMemo } from './resolvedPacks.ts';

/** A pack that is malformed, corrupt, truncated or over a limit. `offset` is where in the pack, when known. */
export class BadPackError extends MailsimError<'E_BAD_PACK', { reason: string; offset?: number }> {
  constructor(reason: string, detail: string, offset?: number) {
    super('E_BAD_PACK', `bad pack: ${reason}: ${detail}${offset === undefined ? '' : ` at ${offset}`}`, offset === undefined ? { reason } : { reason, offset });
    this.name = 'BadPackError';
  }
}

/** A REF_DELTA's base is neither in the pack nor held by the receiver. */
export class PackBaseMissingError extends MailsimError<'E_PACK_BASE_MISSING', { id: string }> {
  constructor(id: string) {
    super('E_PACK_BASE_MISSING', `pack delta base ${id} is missing`, { id });
    this.name = 'PackBaseMissingError';
  }
}

export interface PackInput {
  readonly object: EncodedObject;
  /** A version the receiver holds or an earlier entry of this pack, to delta against. */
  readonly base?: EncodedObject;
}

/**
 * A delta under DELTA_SHARE_MAX of an object of at least DELTA_TARGET_BYTES_MIN is taken at once
 * (git's rule). Otherwise, when the delta is smaller than the object at all, both are deflated and
 * the smaller entry goes: git writes small objects whole, but on this wire a commit or a short tree
 * with two ids changed is cheaper as a delta, 20-byte base id included.
 */
export const DELTA_TARGET_BYTES_MIN = 50;
export const DELTA_SHARE_MAX = 0.5;
/** Largest object (or delta data) an entry header may declare: refused before inflating. */
export const PACK_OBJECT_BYTES_MAX = 64 * 1024 * 1024;
/** Most objects a pack may declare. */
export const PACK_OBJECT_COUNT_MAX = 1_000_000;
/** Most bytes the entries of one pack may inflate to, delta data and delta targets included: tiny deltas copying a big base cannot fill memory. */
export const PACK_TOTAL_BYTES_MAX = 1024 * 1024 * 1024;
/** Longest delta chain (deltas on deltas) read or written; git's pack-objects default --depth. */
export const PACK_DELTA_DEPTH_MAX = 50;

const SIGNATURE = 'PACK';
const HEADER_BYTES = 12;
const TRAILER_BYTES = 20;
const ID_BYTES = 20;
/** Bytes of an entry-size or OFS varint after which the value is past any limit (9 x 7 bits > 2^53). */
const VARINT_BYTES_MAX = 9;

const TYPE_CODE: Readonly<Record<ObjectType, number>> = { commit: 1, tree: 2, blob: 3 };
const CODE_TYPE: Readonly<Record<number, ObjectType>> = { 1: 'commit', 2: 'tree', 3: 'blob' };
const OFS_DELTA = 6;
const REF_DELTA = 7;

/** Entry header: type in bits 4-6, size's low 4 bits, then 7 bits per continuation byte. */
function entryHeader(typeCode: number, size: number): number[] {
  const out: number[] = [];
  let rest = Math.floor(size / 16);
  let byte = (typeCode << 4) | (size % 16);
  while (rest > 0) {
    out.push(byte | 0x80);
    byte = rest % 0x80;
    rest = Math.floor(rest / 0x80);
  }
  out.push(byte);
  return out;
}

/** OFS_DELTA's negative offset: big-endian 7-bit groups, each continuation adding 1 (no redundant encodings). */
function ofsOffset(distance: number): number[] {
  const out = [distance % 0x80];
  let rest = Math.floor(distance / 0x80);
  while (rest > 0) {
    rest -= 1;
    out.unshift(0x80 | (rest % 0x80));
    rest = Math.floor(rest / 0x80);
  }
  return out;
}

export interface PackWritten {
  readonly bytes: Uint8Array;
  /** Entries written as OFS_DELTA or REF_DELTA. */
  readonly deltaCount: number;
  /** Entries written as whole objects. */
  readonly wholeCount: number;
}

/**
 * zlib's deflate with the smallest window that still reaches back over the whole input
 * (2^w - 262 bytes, zlib's MAX_DIST): the same compressed data as the default 32 KiB window,
 * only the header's window field differs, and small streams are set up at three quarters of
 * the cost (most entries are short tree deltas).
 */
function deflateEntry(data: Uint8Array): Uint8Array {
  let windowBits = ENTRY_WINDOW_BITS_MIN;
  while (windowBits < ENTRY_WINDOW_BITS_MAX && (1 << windowBits) - ZLIB_MIN_LOOKAHEAD_BYTES < data.length) windowBits++;
  return deflateSync(data, { windowBits, chunkSize: deflateChunkFor(data.length) });
}

/** zlib's smallest and largest deflate windows, and the lookahead it keeps out of a window. */
const ENTRY_WINDOW_BITS_MIN = 9;
const ENTRY_WINDOW_BITS_MAX = 15;
const ZLIB_MIN_LOOKAHEAD_BYTES = 262;

/** A memo of pure results keyed by the ids that name their inputs (core/deflateMemo.ts). */
interface Memo {
  obtain(key: string, compute: () => Uint8Array): Uint8Array;
}

/** Where a writer keeps deflated entries (by object id, or base and object id) and raw deltas (by base and object id). */
export interface PackWriteMemo {
  readonly packEntries: Memo;
  readonly deltas: Memo;
}

/** Computes each time: the same bytes as any memo gives. */
const NO_MEMO: Memo = { obtain: (_key, compute) => compute() };

/**
 * Writes a pack of the inputs in order. An object given twice is written once (the first time).
 * A base is used only when it has the object's type, the delta's entry is the smaller (see
 * DELTA_SHARE_MAX), and the chain stays within PACK_DELTA_DEPTH_MAX; a base that is a later entry
 * of this pack is not used (packs are written base first). With a memo the bytes are the same;
 * each delta and deflate is computed once across packs.
 */
export function writePackWithStats(inputs: readonly PackInput[], memo?: PackWriteMemo): PackWritten {
  const entries = memo?.packEntries ?? NO_MEMO;
  const deltas = memo?.deltas ?? NO_MEMO;
  const laterIds = new Map<string, number>();
  inputs.forEach((input, index) => laterIds.set(input.object.id, index));
  const written = new Map<string, { offset: number; depth: number }>();
  const chunks: Uint8Array[] = [];
  let offset = HEADER_BYTES;
  let deltaCount = 0;
  let wholeCount = 0;
  inputs.forEach((input, index) => {
    const { object, base } = input;
    if (written.has(object.id)) return;
    const wholeHeader = entryHeader(TYPE_CODE[object.type], object.content.length);
    let entry: { header: number[]; deflated: Uint8Array; depth: number } | undefined;
    if (base && base.type === object.type && base.id !== object.id) {
      const inPack = written.get(base.id);
      const later = !inPack && (laterIds.get(base.id) ?? -1) > index;
      const depth = inPack ? inPack.depth + 1 : 1;
      if (!later && depth <= PACK_DELTA_DEPTH_MAX) {
        const pair = `${base.id}>${object.id}`;
        const delta = deltas.obtain(pair, () => encodeDelta(base.content, object.content));
        const header = inPack
          ? [...entryHeader(OFS_DELTA, delta.length), ...ofsOffset(offset - inPack.offset)]
          : [...entryHeader(REF_DELTA, delta.length), ...Buffer.from(base.id, 'hex')];
        if (delta.length < object.content.length * DELTA_SHARE_MAX && object.content.length >= DELTA_TARGET_BYTES_MIN) {
          entry = { header, deflated: entries.obtain(pair, () => deflateEntry(delta)), depth };
        } else if (delta.length < object.content.length) {
          // Not a clear win (a small object, or a few ids changed in a short tree): the smaller entry goes.
          const deltaDeflated = entries.obtain(pair, () => deflateEntry(delta));
          const wholeDeflated = entries.obtain(object.id, () => deflateEntry(object.content));
          entry = header.length + deltaDeflated.length < wholeHeader.length + wholeDeflated.length
            ? { header, deflated: deltaDeflated, depth }
            : { header: wholeHeader, deflated: wholeDeflated, depth: 0 };
        }
      }
    }
    entry ??= { header: wholeHeader, deflated: entries.obtain(object.id, () => deflateEntry(object.content)), depth: 0 };
    if (entry.depth > 0) deltaCount++;
    else wholeCount++;
    written.set(object.id, { offset, depth: entry.depth });
    chunks.push(Uint8Array.from(entry.header), entry.deflated);
    offset += entry.header.length + entry.deflated.length;
  });
  const head = Buffer.alloc(HEADER_BYTES);
  head.write(SIGNATURE, 0, 'latin1');
  head.writeUInt32BE(2, 4);
  head.writeUInt32BE(deltaCount + wholeCount, 8);
  const body = Buffer.concat([head, ...chunks]);
  const trailer = createHash('sha1').update(body).digest();
  return { bytes: Buffer.concat([body, trailer]), deltaCount, wholeCount };
}

export function writePack(inputs: readonly PackInput[]): Uint8Array {
  return writePackWithStats(inputs).bytes;
}

interface Entry {
  readonly offset: number;
  /** Whole object type, or undefined for a delta (its type is its base's). */
  readonly type: ObjectType | undefined;
  readonly data: Uint8Array;
  resolved?: EncodedObject;
}

function readUInt32BE(bytes: Uint8Array, at: number): number {
  return ((bytes[at] as number) * 0x1000000 + (((bytes[at + 1] as number) << 16) | ((bytes[at + 2] as number) << 8) | (bytes[at + 3] as number))) >>> 0;
}

function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
}

/**
 * Parses and verifies a pack and returns every object in it, deltas applied, in pack order.
 * A REF_DELTA's base is looked for among the pack's objects first (in any order, as git allows),
 * then via `baseOf` (the receiver's store, trusted). Throws BadPackError or PackBaseMissingError
 * for any input bytes; errors thrown by `baseOf` itself pass through. A pack read before (the
 * same checksum) whose bases `baseOf` answers the same way gives the objects resolved then
 * (core/pack/resolvedPacks.ts): the same objects, `baseOf` asked the same questions. `memo`
 * null resolves every time.
 */
export async function readPack(bytes: Uint8Array, baseOf: BaseLookup, memo: PackMemo | null = resolvedPacks): Promise<EncodedObject[]> {
  if (bytes.length < HEADER_BYTES + TRAILER_BYTES) throw new BadPackError('too short', `${bytes.length} bytes`);
  const end = bytes.length - TRAILER_BYTES;
  const digest = createHash('sha1').update(bytes.subarray(0, end)).digest();
  if (!digest.equals(bytes.subarray(end))) throw new BadPackError('checksum', 'trailer is not the SHA-1 of the pack', end);
  // The checksum now names these bytes: the same pack sent to several receivers resolves once.
  const resolve = (lookup: BaseLookup): Promise<EncodedObject[]> => resolvePack(bytes, end, lookup);
  return memo === null ? resolve(baseOf) : memo.read(`${digest.toString('hex')}/${bytes.length}`, baseOf, resolve);
}

/** The packs this process resolved (core/pack/resolvedPacks.ts); what it gives is what resolving gives. */
const resolvedPacks = new ResolvedPacks();

/** readPack after the checksum: parses, inflates and resolves every entry. */
async function resolvePack(bytes: Uint8Array, end: number, baseOf: BaseLookup): Promise<EncodedObject[]> {
  if (Buffer.from(bytes.buffer, bytes.byteOffset, 4).toString('latin1') !== SIGNATURE) throw new BadPackError('signature', 'not PACK', 0);
  const version = readUInt32BE(bytes, 4);
  if (version !== 2 && version !== 3) throw new BadPackError('version', `version ${version}`, 4);
  const count = readUInt32BE(bytes, 8);
  if (count > PACK_OBJECT_COUNT_MAX) throw new BadPackError('limit', `${count} objects > ${PACK_OBJECT_COUNT_MAX}`, 8);

  let totalBytes = 0;
  const claim = (bytesMore: number, offset: number): void => {
    totalBytes += bytesMore;
    if (totalBytes > PACK_TOTAL_BYTES_MAX) throw new BadPackError('limit', `objects add up to more than ${PACK_TOTAL_BYTES_MAX} bytes`, offset);
  };
  const entries: Entry[] = [];
  const indexAt = new Map<number, number>();
  const childrenAt = new Map<number, number[]>();
  const childrenOf = new Map<string, number[]>();
  let at = HEADER_BYTES;
  for (let index = 0; index < count; index++) {
    const offset = at;
    if (at >= end) throw new BadPackError('count', `${index} entries of ${count}`, at);
    let byte = bytes[at++] as number;
    const typeCode = (byte >> 4) & 7;
    let size = byte & 15;
    let scale = 16;
    for (let length = 1; byte & 0x80; length++) {
      if (at >= end || length >= VARINT_BYTES_MAX) throw new BadPackError('entry header', 'size cut off', offset);
      byte = bytes[at++] as number;
      size += (byte & 0x7f) * scale;
      scale *= 0x80;
    }
    if (size > PACK_OBJECT_BYTES_MAX) throw new BadPackError('limit', `entry of ${size} bytes > ${PACK_OBJECT_BYTES_MAX}`, offset);
    const type = CODE_TYPE[typeCode];
    claim(size, offset);
    let baseAt: number | undefined;
    let baseId: string | undefined;
    if (typeCode === OFS_DELTA) {
      if (at >= end) throw new BadPackError('entry header', 'delta offset cut off', offset);
      byte = bytes[at++] as number;
      let distance = byte & 0x7f;
      for (let length = 1; byte & 0x80; length++) {
        if (at >= end || length >= VARINT_BYTES_MAX) throw new BadPackError('entry header', 'delta offset cut off', offset);
        byte = bytes[at++] as number;
        distance = (distance + 1) * 0x80 + (byte & 0x7f);
      }
      baseAt = offset - distance;
      if (distance === 0 || !indexAt.has(baseAt)) throw new BadPackError('delta', `OFS_DELTA base ${baseAt} is not an earlier entry`, offset);
    } else if (typeCode === REF_DELTA) {
      if (at + ID_BYTES > end) throw new BadPackError('entry header', 'REF_DELTA base id cut off', offset);
      baseId = hexOf(bytes.subarray(at, at + ID_BYTES));
      at += ID_BYTES;
    } else if (type === undefined) {
      throw new BadPackError('entry header', `unsupported object type ${typeCode}`, offset);
    }

    let inflated: Buffer;
    let consumed: number;
    try {
      // maxOutputLength caps a zlib bomb; one byte more than declared tells "too long" from "exact".
      const result = inflateSync(bytes.subarray(at, end), { info: true, maxOutputLength: size + 1, chunkSize: inflateChunkFor(size) }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
      inflated = result.buffer;
      consumed = result.engine.bytesWritten;
    } catch (error) {
      const tooLarge = (error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE';
      throw new BadPackError(tooLarge ? 'size mismatch' : 'inflate', tooLarge ? `inflates past ${size} bytes` : 'not a whole zlib stream', at);
    }
    if (inflated.length !== size) throw new BadPackError('size mismatch', `inflated ${inflated.length}, header ${size}`, offset);
    if (consumed <= 0 || at + consumed > end) throw new BadPackError('inflate', 'zlib stream runs past the entries', at);
    at += consumed;

    const entryIndex = entries.length;
    indexAt.set(offset, entryIndex);
    entries.push({ offset, type, data: inflated });
    if (baseAt !== undefined) pushTo(childrenAt, baseAt, entryIndex);
    if (baseId !== undefined) pushTo(childrenOf, baseId, entryIndex);
  }
  if (at !== end) throw new BadPackError('trailing bytes', `${end - at} bytes after entry ${count}`, at);

  // Resolve outward from each known object to the deltas on it, in any order: OFS children by
  // offset, REF children by id (which may point forward in the pack, or out of it).
  const work: { object: EncodedObject; depth: number; offset?: number }[] = [];
  for (const entry of entries) {
    if (entry.type === undefined) continue;
    entry.resolved = encodeObject(entry.type, entry.data);
    work.push({ object: entry.resolved, depth: 0, offset: entry.offset });
  }
  let unresolved = entries.length - work.length;
  const asked = new Set<string>();
  for (;;) {
    for (let item = work.pop(); item; item = work.pop()) {
      const children = [...(item.offset === undefined ? [] : takeFrom(childrenAt, item.offset)), ...takeFrom(childrenOf, item.object.id)];
      for (const child of children) {
        const entry = entries[child] as Entry;
        if (entry.resolved) continue;
        const depth = item.depth + 1;
        if (depth > PACK_DELTA_DEPTH_MAX) throw new BadPackError('chain too deep', `delta depth ${depth} > ${PACK_DELTA_DEPTH_MAX}`, entry.offset);
        entry.resolved = encodeObject(item.object.type, patch(item.object.content, entry, claim));
        unresolved--;
        work.push({ object: entry.resolved, depth, offset: entry.offset });
      }
    }
    if (unresolved === 0) break;
    // Stuck: the remaining deltas hang off REF_DELTA bases outside the pack. Ask for one at a time,
    // in pack order, since a base the receiver lacks may yet be made by a delta on one it holds.
    let held: EncodedObject | undefined;
    let firstMissing: string | undefined;
    for (const id of childrenOf.keys()) {
      if (asked.has(id)) {
        firstMissing ??= id;
        continue;
      }
      asked.add(id);
      // An object of another id is not the base asked for: taken as not held.
      const answer = await baseOf(id);
      if (answer?.id === id) {
        held = answer;
        break;
      }
      firstMissing ??= id;
    }
    if (!held) throw new PackBaseMissingError(firstMissing ?? '');
    work.push({ object: held, depth: 0 });
  }
  return entries.map((entry) => entry.resolved as EncodedObject);
}

/** Applies an entry's delta, its target size checked against the limits before anything is allocated. */
function patch(base: Uint8Array, entry: Entry, claim: (bytesMore: number, offset: number) => void): Uint8Array {
  try {
    const { targetBytes } = readDeltaHeader(entry.data);
    if (targetBytes > PACK_OBJECT_BYTES_MAX) throw new BadPackError('limit', `delta target of ${targetBytes} bytes > ${PACK_OBJECT_BYTES_MAX}`, entry.offset);
    claim(targetBytes, entry.offset);
    return applyDelta(base, entry.data, PACK_OBJECT_BYTES_MAX);
  } catch (error) {
    if (error instanceof BadDeltaError) throw new BadPackError('delta', error.message, entry.offset);
    throw error;
  }
}

function pushTo<K>(map: Map<K, number[]>, key: K, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function takeFrom<K>(map: Map<K, number[]>, key: K): number[] {
  const list = map.get(key);
  if (!list) return [];
  map.delete(key);
  return list;
}
