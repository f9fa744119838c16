/**
 * git's delta encoding (gitformat-pack.txt, "Deltified representation"): a target object
 * described as copies of byte ranges of a base plus inserted literal bytes. Packs use it so
 * that a tree with a few changed entries travels as tens of bytes instead of its full size.
 *
 * The encoder is tuned for that case (large trees, few edits): it trims the common prefix and
 * suffix first, which makes a single edit optimal and nearly free, then matches the rest against
 * an index of the base's 16-byte blocks. It is not optimal, but it is linear-ish and always
 * correct. The decoder trusts nothing: every size, bound and opcode is checked, because deltas
 * arrive from the network.
 */
import { MailsimError } from '../errors.ts';

/** A delta that does not decode against its base: truncated, out of bounds, or of the wrong size. */
export class BadDeltaError extends MailsimError<'E_BAD_DELTA', { reason: string }> {
  constructor(reason: string, detail?: string) {
    super('E_BAD_DELTA', `bad delta: ${reason}${detail === undefined ? '' : ` (${detail})`}`, { reason });
    this.name = 'BadDeltaError';
  }
}

/** Size of the base blocks the encoder indexes, and so the shortest match it finds by lookup. */
export const DELTA_BLOCK_BYTES = 16;
/** Shortest run worth a copy in the middle: shorter runs cost about as much as inserting them. */
export const DELTA_COPY_BYTES_MIN = 16;
/** Longest copy the encoder writes in one instruction (git's size-0 encoding). */
export const COPY_BYTES_MAX = 0x10000;
/** Longest copy the decoder accepts: three size bytes, as git's patch_delta. */
export const COPY_BYTES_DECODE_MAX = 0xffffff;
/** Longest insert instruction (7-bit opcode; 0 is reserved). */
export const INSERT_BYTES_MAX = 127;
/** Base blocks kept per hash bucket: bounds the work per target position on repetitive input. */
export const DELTA_BUCKET_ENTRIES_MAX = 64;
/** A match this long is good enough: stop trying other candidates of the bucket. */
export const DELTA_MATCH_GOOD_BYTES = 4096;
/** Largest target the decoder allocates unless the caller asks for less (a hostile header cannot claim more). */
export const DELTA_TARGET_BYTES_MAX = 1024 * 1024 * 1024;
/** Size varints longer than this are refused: 7 bytes hold 49 bits, beyond any real object. */
export const DELTA_VARINT_BYTES_MAX = 7;

/** Growable output buffer: deltas are usually tiny, occasionally as large as their target. */
class ByteWriter {
  private bytes: Uint8Array;
  length = 0;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(Math.max(16, capacity));
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.length + extra, this.bytes.length * 2));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  byte(value: number): void {
    this.reserve(1);
    this.bytes[this.length++] = value;
  }

  append(data: Uint8Array): void {
    this.reserve(data.length);
    this.bytes.set(data, this.length);
    this.length += data.length;
  }

  /** Reserves a byte to fill in later (a copy opcode, known once its operands are written). */
  placeholder(): number {
    this.byte(0);
    return this.length - 1;
  }

  patch(at: number, value: number): void {
    this.bytes[at] = value;
  }

  result(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

/** Appends a delta-header size: 7 bits per byte, least significant first, MSB = more follows. */
export function writeDeltaVarint(out: number[], value: number): void {
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
}

/** Reads a delta-header size at `at`; returns the value and the offset after it. */
export function readDeltaVarint(delta: Uint8Array, at: number): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (let index = 0; index < DELTA_VARINT_BYTES_MAX; index++) {
    if (at + index >= delta.length) throw new BadDeltaError('truncated header');
    const byte = delta[at + index] as number;
    value += (byte & 0x7f) * scale;
    scale *= 0x80;
    if ((byte & 0x80) === 0) return { value, next: at + index + 1 };
  }
  throw new BadDeltaError('size too long');
}

/** The two sizes a delta starts with, and where its instructions begin. */
export function readDeltaHeader(delta: Uint8Array): { baseBytes: number; targetBytes: number; headerBytes: number } {
  const base = readDeltaVarint(delta, 0);
  const target = readDeltaVarint(delta, base.next);
  return { baseBytes: base.value, targetBytes: target.value, headerBytes: target.next };
}

function emitCopy(out: ByteWriter, offset: number, length: number): void {
  let at = offset;
  let rest = length;
  while (rest > 0) {
    const size = Math.min(rest, COPY_BYTES_MAX);
    const opAt = out.placeholder();
    let op = 0x80;
    // Offsets below 2^32: a base larger than 4 GiB is not a git object we make.
    for (let index = 0; index < 4; index++) {
      const byte = (at >>> (8 * index)) & 0xff;
      if (byte !== 0) {
        op |= 1 << index;
        out.byte(byte);
      }
    }
    // A size of 0x10000 is written as no size bytes at all (size 0 means 0x10000).
    if (size !== COPY_BYTES_MAX) {
      for (let index = 0; index < 3; index++) {
        const byte = (size >>> (8 * index)) & 0xff;
        if (byte !== 0) {
          op |= 0x10 << index;
          out.byte(byte);
        }
      }
    }
    out.patch(opAt, op);
    at += size;
    rest -= size;
  }
}

function emitInsert(out: ByteWriter, target: Uint8Array, start: number, end: number): void {
  for (let at = start; at < end; at += INSERT_BYTES_MAX) {
    const stop = Math.min(end, at + INSERT_BYTES_MAX);
    out.byte(stop - at);
    out.append(target.subarray(at, stop));
  }
}

// Polynomial rolling hash over DELTA_BLOCK_BYTES bytes, mod 2^32 (Math.imul keeps it exact).
const HASH_MULTIPLIER = 0x01000193;
const HASH_OUTGOING = ((): number => {
  let power = 1;
  for (let index = 1; index < DELTA_BLOCK_BYTES; index++) power = Math.imul(power, HASH_MULTIPLIER);
  return power;
})();

function blockHash(data: Uint8Array, at: number): number {
  let hash = 0;
  for (let index = 0; index < DELTA_BLOCK_BYTES; index++) hash = (Math.imul(hash, HASH_MULTIPLIER) + (data[at + index] as number)) | 0;
  return hash;
}

function rollHash(hash: number, outgoing: number, incoming: number): number {
  return (Math.imul((hash - Math.imul(outgoing, HASH_OUTGOING)) | 0, HASH_MULTIPLIER) + incoming) | 0;
}

/** The polynomial hash's low bits are weak; a multiplicative mix spreads them before taking the top bits. */
function bucketOf(hash: number, shift: number): number {
  return Math.imul(hash, 0x9e3779b1) >>> shift;
}

/**
 * Encodes target[tStart, tEnd) against the base block index of base[bStart, bEnd). Copies may
 * reach anywhere in the base when extended; they never reach below `tStart` or past `tEnd`.
 */
function encodeMiddle(out: ByteWriter, base: Uint8Array, bStart: number, bEnd: number, target: Uint8Array, tStart: number, tEnd: number): void {
  const blocks = Math.floor((bEnd - bStart) / DELTA_BLOCK_BYTES);
  if (blocks === 0 || tEnd - tStart < DELTA_BLOCK_BYTES) {
    emitInsert(out, target, tStart, tEnd);
    return;
  }
  let bits = 4;
  while (1 << bits < blocks * 2 && bits < 30) bits++;
  const shift = 32 - bits;
  const heads = new Int32Array(1 << bits).fill(-1);
  const counts = new Uint8Array(1 << bits);
  const next = new Int32Array(blocks);
  const hashes = new Int32Array(blocks);
  for (let block = 0; block < blocks; block++) {
    const hash = blockHash(base, bStart + block * DELTA_BLOCK_BYTES);
    const bucket = bucketOf(hash, shift);
    if ((counts[bucket] as number) >= DELTA_BUCKET_ENTRIES_MAX) continue;
    counts[bucket] = (counts[bucket] as number) + 1;
    hashes[block] = hash;
    next[block] = heads[bucket] as number;
    heads[bucket] = block;
  }

  let pending = tStart;
  let at = tStart;
  let hash = blockHash(target, at);
  while (at + DELTA_BLOCK_BYTES <= tEnd) {
    let bestLength = 0;
    let bestOffset = 0;
    for (let block = heads[bucketOf(hash, shift)] as number; block >= 0; block = next[block] as number) {
      if (hashes[block] !== hash) continue;
      const offset = bStart + block * DELTA_BLOCK_BYTES;
      const limit = Math.min(tEnd - at, base.length - offset);
      let length = 0;
      while (length < limit && base[offset + length] === target[at + length]) length++;
      if (length > bestLength) {
        bestLength = length;
        bestOffset = offset;
        if (length >= DELTA_MATCH_GOOD_BYTES) break;
      }
    }
    if (bestLength >= DELTA_COPY_BYTES_MIN) {
      // Extend backwards into the pending literal run: the match usually starts before the block boundary.
      let back = 0;
      while (at - back > pending && bestOffset - back > 0 && base[bestOffset - back - 1] === target[at - back - 1]) back++;
      emitInsert(out, target, pending, at - back);
      emitCopy(out, bestOffset - back, bestLength + back);
      at += bestLength;
      pending = at;
      if (at + DELTA_BLOCK_BYTES <= tEnd) hash = blockHash(target, at);
    } else {
      if (at + DELTA_BLOCK_BYTES < tEnd) hash = rollHash(hash, target[at] as number, target[at + DELTA_BLOCK_BYTES] as number);
      at++;
    }
  }
  emitInsert(out, target, pending, tEnd);
}

/** The delta that turns `base` into `target`, in git's format. */
export function encodeDelta(base: Uint8Array, target: Uint8Array): Uint8Array {
  const header: number[] = [];
  writeDeltaVarint(header, base.length);
  writeDeltaVarint(header, target.length);
  const out = new ByteWriter(header.length + 64);
  out.append(Uint8Array.from(header));

  const shorter = Math.min(base.length, target.length);
  let prefix = 0;
  while (prefix < shorter && base[prefix] === target[prefix]) prefix++;
  let suffix = 0;
  while (suffix < shorter - prefix && base[base.length - 1 - suffix] === target[target.length - 1 - suffix]) suffix++;
  // Runs too short to pay for a copy are left to the middle, which inserts them or extends a match over them.
  if (prefix < DELTA_COPY_BYTES_MIN) prefix = 0;
  if (suffix < DELTA_COPY_BYTES_MIN) suffix = 0;

  emitCopy(out, 0, prefix);
  encodeMiddle(out, base, prefix, base.length - suffix, target, prefix, target.length - suffix);
  emitCopy(out, base.length - suffix, suffix);
  return out.result();
}

/**
 * Applies a delta to its base. Refuses (BadDeltaError) a header whose base size is not the base's,
 * a target larger than `targetBytesMax`, opcode 0, copies outside the base, instructions cut off,
 * output past the declared target size, bytes after the target is complete, and a short result.
 */
export function applyDelta(base: Uint8Array, delta: Uint8Array, targetBytesMax: number = DELTA_TARGET_BYTES_MAX): Uint8Array {
  const { baseBytes, targetBytes, headerBytes } = readDeltaHeader(delta);
  if (baseBytes !== base.length) throw new BadDeltaError('base size mismatch', `header ${baseBytes}, base ${base.length}`);
  if (targetBytes > targetBytesMax) throw new BadDeltaError('target too large', `${targetBytes} > ${targetBytesMax}`);
  // Each instruction byte yields at most COPY_BYTES_DECODE_MAX bytes: a larger claim is a lie, refused before allocating.
  if (targetBytes > (delta.length - headerBytes) * COPY_BYTES_DECODE_MAX) throw new BadDeltaError('target size mismatch', 'more than the instructions can make');
  const out = new Uint8Array(targetBytes);
  let length = 0;
  let at = headerBytes;
  while (at < delta.length) {
    if (length === targetBytes) throw new BadDeltaError('trailing bytes', `${delta.length - at} after the target is complete`);
    const op = delta[at++] as number;
    if (op & 0x80) {
      let offset = 0;
      let size = 0;
      for (let index = 0; index < 4; index++) {
        if ((op & (1 << index)) === 0) continue;
        if (at >= delta.length) throw new BadDeltaError('truncated copy');
        offset += (delta[at++] as number) * 2 ** (8 * index);
      }
      for (let index = 0; index < 3; index++) {
        if ((op & (0x10 << index)) === 0) continue;
        if (at >= delta.length) throw new BadDeltaError('truncated copy');
        size += (delta[at++] as number) * 2 ** (8 * index);
      }
      if (size === 0) size = COPY_BYTES_MAX;
      if (offset + size > base.length) throw new BadDeltaError('copy out of base', `${offset}+${size} > ${base.length}`);
      if (length + size > targetBytes) throw new BadDeltaError('past target size');
      out.set(base.subarray(offset, offset + size), length);
      length += size;
    } else if (op !== 0) {
      if (at + op > delta.length) throw new BadDeltaError('truncated insert');
      if (length + op > targetBytes) throw new BadDeltaError('past target size');
      out.set(delta.subarray(at, at + op), length);
      at += op;
      length += op;
    } else {
      throw new BadDeltaError('opcode 0', `at ${at - 1}`);
    }
  }
  if (length !== targetBytes) throw new BadDeltaError('target size mismatch', `made ${length} of ${targetBytes}`);
  return out;
}
