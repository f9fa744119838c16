// Proves git's copy/insert delta round-trips for any base and target, stays tiny for a big tree
// with one rename, never emits what git refuses (opcode 0, copies over 64 KiB), and that the
// decoder refuses every malformed delta with BadDeltaError.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { BadDeltaError, COPY_BYTES_MAX, INSERT_BYTES_MAX, applyDelta, encodeDelta, readDeltaHeader, readDeltaVarint, writeDeltaVarint } from '../../../core/pack/delta.ts';
import { MODE_FILE, encodeTree, type TreeEntry } from '../../../core/objects.ts';

interface Instruction {
  readonly kind: 'copy' | 'insert';
  readonly size: number;
}

/** Walks a delta's instructions (trusting it), to check what the encoder emits. */
function instructions(delta: Uint8Array): Instruction[] {
  let at = readDeltaHeader(delta).headerBytes;
  const out: Instruction[] = [];
  while (at < delta.length) {
    const op = delta[at++] as number;
    if (op & 0x80) {
      let size = 0;
      for (let index = 0; index < 4; index++) if (op & (1 << index)) at++;
      for (let index = 0; index < 3; index++) if (op & (0x10 << index)) size |= (delta[at++] as number) << (8 * index);
      out.push({ kind: 'copy', size: size === 0 ? 0x10000 : size });
    } else {
      out.push({ kind: 'insert', size: op });
      at += op;
    }
  }
  return out;
}

function roundTrips(base: Uint8Array, target: Uint8Array): Uint8Array {
  const delta = encodeDelta(base, target);
  expect(Buffer.from(applyDelta(base, delta)).equals(Buffer.from(target))).toBe(true);
  for (const instruction of instructions(delta)) {
    expect(instruction.size).toBeGreaterThan(0);
    expect(instruction.size).toBeLessThanOrEqual(instruction.kind === 'copy' ? COPY_BYTES_MAX : INSERT_BYTES_MAX);
  }
  return delta;
}

function pseudoRandom(length: number, seed: string): Uint8Array {
  const out = new Uint8Array(length);
  for (let at = 0, block = 0; at < length; at += 32, block++) out.set(createHash('sha256').update(`${seed}:${block}`).digest().subarray(0, Math.min(32, length - at)), at);
  return out;
}

const edit = fc.record({ at: fc.nat(), remove: fc.nat({ max: 64 }), insert: fc.uint8Array({ maxLength: 64 }) });

/** Applies insert/delete/replace runs (a replace is a remove plus an insert) at positions modulo the length. */
function edited(base: Uint8Array, edits: readonly { at: number; remove: number; insert: Uint8Array }[]): Uint8Array {
  let data = Buffer.from(base);
  for (const { at, remove, insert } of edits) {
    const start = data.length === 0 ? 0 : at % (data.length + 1);
    data = Buffer.concat([data.subarray(0, start), insert, data.subarray(Math.min(data.length, start + remove))]);
  }
  return data;
}

function treeEntries(count: number): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (let index = 0; index < count; index++) {
    const id = createHash('sha1').update(`message ${index}`).digest('hex');
    entries.push({ mode: MODE_FILE, name: `1764${String(index).padStart(6, '0')}.M${index}P4242.mailhost:2,S`, id });
  }
  return entries;
}

describe('encodeDelta / applyDelta', () => {
  it('round-trips random bases and targets', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 3000 }), fc.uint8Array({ maxLength: 3000 }), (base, target) => void roundTrips(base, target)), { numRuns: 300 });
  });

  it('round-trips targets made by small edits of the base, and the delta is small', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 6000 }), fc.array(edit, { maxLength: 8 }), (base, edits) => {
        const target = edited(base, edits);
        const delta = roundTrips(base, target);
        const changed = edits.reduce((sum, { insert }) => sum + insert.length + 1, 0);
        // Each edit costs its inserted bytes, a few bytes of copy and an unmatched block on either side at most.
        expect(delta.length).toBeLessThanOrEqual(16 + changed + edits.length * (3 * 16 + 20) + Math.ceil(base.length / COPY_BYTES_MAX) * 8);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips edits of repetitive bases (many equal blocks, hash buckets full)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8000 }).map((bytes) => bytes.map((byte) => byte & 1)), fc.array(edit, { maxLength: 6 }), (base, edits) => void roundTrips(base, edited(base, edits))),
      { numRuns: 200 },
    );
    const zeros = new Uint8Array(300_000);
    const target = new Uint8Array(300_000);
    for (let at = 5; at < target.length; at += 3001) target[at] = 1;
    expect(roundTrips(zeros, target).length).toBeLessThan(2000);
  });

  it('handles empty bases and empty targets', () => {
    const data = pseudoRandom(1000, 'empty');
    expect(roundTrips(new Uint8Array(0), new Uint8Array(0))).toEqual(Uint8Array.from([0, 0]));
    roundTrips(new Uint8Array(0), data);
    expect(roundTrips(data, new Uint8Array(0)).length).toBe(3);
    roundTrips(data.subarray(0, 5), data);
    roundTrips(data, data.subarray(0, 5));
  });

  it('splits copies longer than 64 KiB, in the prefix, the suffix and the middle', () => {
    const base = pseudoRandom(300_000, 'long');
    const oneEdit = Buffer.from(base);
    oneEdit[150_000] = (oneEdit[150_000] as number) ^ 0xff;
    const delta = roundTrips(base, oneEdit);
    expect(delta.length).toBeLessThan(40);
    expect(instructions(delta).filter((instruction) => instruction.kind === 'copy' && instruction.size === COPY_BYTES_MAX).length).toBe(4);
    // A rotation: prefix and suffix trimming find nothing, the block index finds two long runs.
    const rotated = Buffer.concat([base.subarray(100_003), base.subarray(0, 100_003)]);
    expect(roundTrips(base, rotated).length).toBeLessThan(60);
    expect(roundTrips(base, base).length).toBeLessThan(20);
  });

  it('makes a delta under 100 bytes for a 10,000-entry tree with one entry renamed', () => {
    const entries = treeEntries(10_000);
    const base = encodeTree(entries);
    const renamed = entries.slice();
    const entry = renamed[6_543] as TreeEntry;
    renamed[6_543] = { ...entry, name: entry.name.replace(':2,S', ':2,RS') };
    const target = encodeTree(renamed);
    expect(base.content.length).toBeGreaterThan(600_000);
    expect(roundTrips(base.content, target.content).length).toBeLessThan(100);
    // An entry moved to another place in the tree (deleted here, inserted there) stays small too.
    const moved = entries.filter((_, index) => index !== 100);
    moved.splice(8_999, 0, { ...(entries[100] as TreeEntry), name: `${(entries[8_999] as TreeEntry).name}~` });
    expect(roundTrips(base.content, encodeTree(moved).content).length).toBeLessThan(200);
  });

  it('reads and writes size varints of any size', () => {
    for (const value of [0, 1, 127, 128, 16_383, 16_384, 0xffffffff, 2 ** 40 + 5]) {
      const out: number[] = [];
      writeDeltaVarint(out, value);
      expect(readDeltaVarint(Uint8Array.from(out), 0)).toEqual({ value, next: out.length });
    }
    expect(() => readDeltaVarint(Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), 0)).toThrow(BadDeltaError);
  });
});

describe('applyDelta refuses malformed deltas', () => {
  const base = pseudoRandom(200, 'bad');
  const reasonOf = (run: () => unknown): string => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(BadDeltaError);
      return (error as BadDeltaError).data.reason;
    }
    throw new Error('expected BadDeltaError');
  };

  it('refuses every truncation of a valid delta', () => {
    const target = Buffer.concat([base.subarray(0, 100), Buffer.from('inserted bytes'), base.subarray(120)]);
    const delta = encodeDelta(base, target);
    expect(instructions(delta).map((instruction) => instruction.kind)).toEqual(['copy', 'insert', 'copy']);
    for (let length = 0; length < delta.length; length++) reasonOf(() => applyDelta(base, delta.subarray(0, length)));
  });

  it('refuses a wrong base size, copies out of bounds, opcode 0, trailing bytes and bad sizes', () => {
    // header: base 200 (0xc8 0x01), target 10
    expect(reasonOf(() => applyDelta(base.subarray(1), Uint8Array.from([0xc8, 0x01, 10, 0x90, 10])))).toBe('base size mismatch');
    expect(Buffer.from(applyDelta(base, Uint8Array.from([0xc8, 0x01, 10, 0x91, 190, 10])))).toEqual(Buffer.from(base.subarray(190)));
    expect(reasonOf(() => applyDelta(base, Uint8Array.from([0xc8, 0x01, 10, 0x91, 191, 10])))).toBe('copy out of base');
    expect(reasonOf(() => applyDelta(base, Uint8Array.from([0xc8, 0x01, 10, 0x9f, 0xff, 0xff, 0xff, 0xff, 10])))).toBe('copy out of base');
    expect(reasonOf(() => applyDelta(base, Uint8Array.from([0xc8, 0x01, 0x80, 0x80, 0x04, 0x80])))).toBe('copy out of base');
    expect(reasonOf(() => applyDelta(base, Uint8Array.from([0xc8, 0x01, 10, 0x00, 0x90, 10])))).toBe('opcode 0');
    expect(reasonOf(() => applyDelta(base, Uint8Array.from([0xc8, 0x01, 10, 0x90, 10, 0x01, 0x41])))).toBe('trailing bytes');
    expect(reasonOf(() => applyDelta(base, Uint8Array.from([0xc8, 0x01, 10, 0x90, 11])))).toBe('past target size');
    expect(reasonOf(() => applyDelta(base, Uint8Array.from([0xc8, 0x01, 10, 0x90, 9])))).toBe('target size mismatch');
    expect(reasonOf(() => applyDelta(base, Uint8Array.from([0xc8, 0x01, 2, 3, 0x41, 0x42, 0x43])))).toBe('past target size');
    expect(reasonOf(() => applyDelta(base, Uint8Array.from([0xc8, 0x01, 4, 5, 0x41])))).toBe('truncated insert');
    expect(reasonOf(() => applyDelta(base, Uint8Array.from([0xc8, 0x01, 4, 0x91])))).toBe('truncated copy');
    expect(reasonOf(() => applyDelta(base, Uint8Array.from([0xc8])))).toBe('truncated header');
    // A huge target is refused before anything is allocated: over the caller's limit, or more than the instructions can make.
    expect(reasonOf(() => applyDelta(base, Uint8Array.from([0xc8, 0x01, 0x80, 0x80, 0x80, 0x80, 0x10, 0x80]), 1 << 20))).toBe('target too large');
    expect(reasonOf(() => applyDelta(base, Uint8Array.from([0xc8, 0x01, 0x80, 0x80, 0x80, 0x40, 0x80])))).toBe('target size mismatch');
  });

  it('throws nothing but BadDeltaError for random deltas', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 40 }), (bytes, tail) => {
        const delta = Uint8Array.from([0xc8, 0x01, ...bytes, ...tail]);
        for (const candidate of [bytes, delta]) {
          try {
            applyDelta(base, candidate);
          } catch (error) {
            expect(error).toBeInstanceOf(BadDeltaError);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
