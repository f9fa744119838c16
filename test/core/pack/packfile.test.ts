// Proves our packfiles round-trip (whole objects, OFS_DELTA inside the pack, REF_DELTA to a held
// base) and that any torn, corrupt or hostile pack is refused with a typed error and nothing else.
// packfile.git.test.ts checks them against git itself.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { blobFrom, encodeCommit, encodeObject, encodeTree, type EncodedObject } from '../../../core/objects.ts';
import { encodeDelta, writeDeltaVarint } from '../../../core/pack/delta.ts';
import {
  BadPackError,
  PACK_DELTA_DEPTH_MAX,
  PACK_OBJECT_BYTES_MAX,
  PackBaseMissingError,
  readPack,
  writePack,
  writePackWithStats,
  type PackInput,
} from '../../../core/pack/packfile.ts';
import { entryTypes, noBase, OFS_DELTA, REF_DELTA, renamed, treeEntries } from './packKit.ts';

/** An entry header as git writes it (type, size in 4 + 7n bits), for hand-built packs. */
function header(type: number, size: number): number[] {
  const out: number[] = [];
  let byte = (type << 4) | (size & 15);
  let rest = Math.floor(size / 16);
  while (rest > 0) {
    out.push(byte | 0x80);
    byte = rest & 0x7f;
    rest = Math.floor(rest / 128);
  }
  out.push(byte);
  return out;
}

function entry(type: number, data: Uint8Array, extra: readonly number[] = [], size = data.length): Uint8Array {
  return Buffer.concat([Uint8Array.from([...header(type, size), ...extra]), deflateSync(data)]);
}

/** A pack of raw entries with a valid trailer, so the parser's later checks are reached. */
function rawPack(entries: readonly Uint8Array[], count = entries.length, version = 2): Uint8Array {
  const head = Buffer.alloc(12);
  head.write('PACK', 0, 'latin1');
  head.writeUInt32BE(version, 4);
  head.writeUInt32BE(count, 8);
  const body = Buffer.concat([head, ...entries]);
  return Buffer.concat([body, createHash('sha1').update(body).digest()]);
}

function withTrailer(body: Uint8Array): Uint8Array {
  return Buffer.concat([body, createHash('sha1').update(body).digest()]);
}

async function reasonOf(pack: Uint8Array, baseOf: (id: string) => EncodedObject | undefined = noBase): Promise<string> {
  try {
    await readPack(pack, baseOf);
  } catch (error) {
    expect(error).toBeInstanceOf(BadPackError);
    return (error as BadPackError).data.reason;
  }
  throw new Error('expected BadPackError');
}

function expectSame(actual: readonly EncodedObject[], expected: readonly EncodedObject[]): void {
  expect(actual.map((object) => [object.id, object.type, Buffer.from(object.content).toString('hex')])).toEqual(
    expected.map((object) => [object.id, object.type, Buffer.from(object.content).toString('hex')]),
  );
}

/** Packs must throw nothing but these two for any bytes. */
async function readsOrRefuses(pack: Uint8Array, baseOf: (id: string) => EncodedObject | undefined = noBase): Promise<void> {
  try {
    await readPack(pack, baseOf);
  } catch (error) {
    if (!(error instanceof BadPackError) && !(error instanceof PackBaseMissingError)) throw error;
  }
}

const baseTree = encodeTree(treeEntries(300));
const nextTree = encodeTree(renamed(treeEntries(300), 150));
const commit = encodeCommit({ tree: nextTree.id, parents: [], author: 'mailsim test', timeMs: 1_764_000_000_123, message: 'one' });

describe('writePack / readPack round trip', () => {
  it('an empty pack is 32 bytes and reads as nothing', async () => {
    const pack = writePack([]);
    expect(pack.length).toBe(32);
    expect(Buffer.from(pack.subarray(0, 12)).toString('hex')).toBe('5041434b0000000200000000');
    expect(await readPack(pack, noBase)).toEqual([]);
  });

  it('round-trips whole objects of every type and size', async () => {
    const objects = [blobFrom(''), blobFrom('x'), encodeObject('blob', Buffer.alloc(100_000, 'ab')), baseTree, commit, encodeTree([])];
    const { bytes, deltaCount, wholeCount } = writePackWithStats(objects.map((object) => ({ object })));
    expect([deltaCount, wholeCount]).toEqual([0, objects.length]);
    expect(entryTypes(bytes)).toEqual([3, 3, 3, 2, 1, 2]);
    expectSame(await readPack(bytes, noBase), objects);
  });

  it('writes a delta on an earlier entry as OFS_DELTA and reads it back', async () => {
    const third = encodeTree(renamed(renamed(treeEntries(300), 150), 10));
    const inputs: PackInput[] = [{ object: baseTree }, { object: nextTree, base: baseTree }, { object: commit }, { object: third, base: nextTree }];
    const { bytes, deltaCount, wholeCount } = writePackWithStats(inputs);
    expect([deltaCount, wholeCount]).toEqual([2, 2]);
    expect(entryTypes(bytes)).toEqual([2, OFS_DELTA, 1, OFS_DELTA]);
    expect(bytes.length).toBeLessThan(baseTree.content.length);
    expectSame(await readPack(bytes, noBase), [baseTree, nextTree, commit, third]);
  });

  it('writes a delta on a held base as REF_DELTA (thin) and reads it with baseOf, sync or async', async () => {
    const { bytes, deltaCount } = writePackWithStats([{ object: commit }, { object: nextTree, base: baseTree }]);
    expect(deltaCount).toBe(1);
    expect(entryTypes(bytes)).toEqual([1, REF_DELTA]);
    const asked: string[] = [];
    const objects = await readPack(bytes, (id) => {
      asked.push(id);
      return id === baseTree.id ? baseTree : undefined;
    });
    expectSame(objects, [commit, nextTree]);
    expect(asked).toEqual([baseTree.id]);
    expectSame(await readPack(bytes, async (id) => (id === baseTree.id ? baseTree : undefined)), [commit, nextTree]);
  });

  it('a REF_DELTA whose base is nowhere is PackBaseMissingError', async () => {
    const bytes = writePack([{ object: nextTree, base: baseTree }]);
    const error = await readPack(bytes, noBase).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PackBaseMissingError);
    expect((error as PackBaseMissingError).data.id).toBe(baseTree.id);
    // A store answering with another object is not holding the base.
    expect(await readPack(bytes, () => commit).catch((caught: unknown) => caught)).toBeInstanceOf(PackBaseMissingError);
  });

  it('resolves a REF_DELTA to a later entry of the pack, and chains hanging off a held base', async () => {
    const delta = encodeDelta(baseTree.content, nextTree.content);
    const pack = rawPack([entry(REF_DELTA, delta, [...Buffer.from(baseTree.id, 'hex')]), entry(2, baseTree.content)]);
    expectSame(await readPack(pack, noBase), [nextTree, baseTree]);
    // held base <- REF nextTree <- REF third (listed first): the receiver is asked only for what the pack lacks.
    const third = encodeTree(renamed(renamed(treeEntries(300), 150), 20));
    const chained = rawPack([
      entry(REF_DELTA, encodeDelta(nextTree.content, third.content), [...Buffer.from(nextTree.id, 'hex')]),
      entry(REF_DELTA, delta, [...Buffer.from(baseTree.id, 'hex')]),
    ]);
    const asked: string[] = [];
    const objects = await readPack(chained, (id) => {
      asked.push(id);
      return id === baseTree.id ? baseTree : undefined;
    });
    expectSame(objects, [third, nextTree]);
    expect(asked).toEqual([nextTree.id, baseTree.id]);
    // One base held, one nowhere: the held one is used, the missing one named.
    const missing = blobFrom('never sent').id;
    const halfHeld = rawPack([entry(REF_DELTA, delta, [...Buffer.from(missing, 'hex')]), entry(REF_DELTA, delta, [...Buffer.from(baseTree.id, 'hex')])]);
    const error = await readPack(halfHeld, (id) => (id === baseTree.id ? baseTree : undefined)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PackBaseMissingError);
    expect((error as PackBaseMissingError).data.id).toBe(missing);
  });

  it('writes a small object as a delta only when its entry is the smaller, 20-byte base id included', () => {
    const small = blobFrom('a short blob under fifty bytes, edited once');
    const smallBase = blobFrom('a short blob under fifty bytes, edited twice');
    const small1 = writePackWithStats([{ object: small, base: smallBase }]);
    const whole = writePackWithStats([{ object: small }]);
    expect(small1.deltaCount === 1).toBe(small1.bytes.length < whole.bytes.length + 1);
    expect(small1.bytes.length).toBeLessThanOrEqual(whole.bytes.length);
    const tiny = blobFrom('tiny!');
    expect(writePackWithStats([{ object: tiny, base: blobFrom('tiny?') }]).deltaCount).toBe(0);
  });

  it('writes whole what a delta cannot win on: tiny objects, other types, big deltas, later bases', () => {
    const small = blobFrom('abcde');
    const smallBase = blobFrom('abcdf');
    const unrelated = encodeObject('blob', Buffer.from(createHash('sha512').update('x').digest('hex').repeat(4)));
    const cases: PackInput[][] = [
      [{ object: small, base: smallBase }],
      [{ object: encodeObject('blob', nextTree.content), base: baseTree }],
      [{ object: unrelated, base: encodeObject('blob', Buffer.alloc(unrelated.content.length, 'z')) }],
      [{ object: nextTree, base: baseTree }, { object: baseTree }],
      [{ object: baseTree, base: baseTree }],
    ];
    for (const inputs of cases) expect(writePackWithStats(inputs).deltaCount).toBe(0);
  });

  it('writes an object given twice once, and caps delta chains at the depth it reads', async () => {
    const twice = writePackWithStats([{ object: commit }, { object: baseTree }, { object: commit }]);
    expect([twice.deltaCount, twice.wholeCount]).toEqual([0, 2]);
    const versions: EncodedObject[] = [];
    let entries = treeEntries(100);
    for (let version = 0; version < PACK_DELTA_DEPTH_MAX + 10; version++) {
      versions.push(encodeTree(entries));
      entries = renamed(entries, version);
    }
    const chain = writePackWithStats(versions.map((object, index) => (index === 0 ? { object } : { object, base: versions[index - 1] as EncodedObject })));
    expect([chain.deltaCount, chain.wholeCount]).toEqual([versions.length - 2, 2]);
    expectSame(await readPack(chain.bytes, noBase), versions);
  });
});

describe('readPack refuses bad packs', () => {
  const small = writePack([{ object: blobFrom('hello pack') }, { object: baseTree }, { object: nextTree, base: baseTree }, { object: commit }]);

  it('refuses every truncation and a flipped byte, with BadPackError only', async () => {
    for (let length = 0; length < small.length; length++) {
      const reason = await reasonOf(small.subarray(0, length));
      expect(['too short', 'checksum']).toContain(reason);
    }
    const flipped = Buffer.from(small);
    const middle = Math.floor(flipped.length / 2);
    flipped[middle] = (flipped[middle] as number) ^ 0x01;
    expect(await reasonOf(flipped)).toBe('checksum');
    expect(await reasonOf(Buffer.concat([small, Buffer.from([0])]))).toBe('checksum');
  });

  it('refuses bad signatures, versions, counts and leftover bytes', async () => {
    const blob = entry(3, Buffer.from('blob data'));
    const body = Buffer.from(rawPack([blob]).subarray(0, -20));
    expect(await reasonOf(withTrailer(Buffer.concat([Buffer.from('KCAP'), body.subarray(4)])))).toBe('signature');
    expect(await reasonOf(rawPack([blob], 1, 1))).toBe('version');
    expectSame(await readPack(rawPack([blob], 1, 3), noBase), [blobFrom('blob data')]);
    expect(await reasonOf(rawPack([blob], 2))).toBe('count');
    expect(await reasonOf(rawPack([blob, blob], 1))).toBe('trailing bytes');
    expect(await reasonOf(rawPack([blob, Uint8Array.from([1, 2])], 1))).toBe('trailing bytes');
    expect(await reasonOf(rawPack([blob], 2_000_000))).toBe('limit');
  });

  it('refuses bad entry headers, sizes and zlib streams', async () => {
    const data = Buffer.from('some blob data');
    expect(await reasonOf(rawPack([entry(3, data, [], data.length + 1)]))).toBe('size mismatch');
    expect(await reasonOf(rawPack([entry(3, data, [], data.length - 1)]))).toBe('size mismatch');
    expect(await reasonOf(rawPack([entry(3, Buffer.alloc(10_000_000), [], 5)]))).toBe('size mismatch');
    expect(await reasonOf(rawPack([entry(3, data, [], PACK_OBJECT_BYTES_MAX + 1)]))).toBe('limit');
    expect(await reasonOf(rawPack([Uint8Array.from([0xb0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])]))).toBe('entry header');
    expect(await reasonOf(rawPack([Uint8Array.from([0xbf])]))).toBe('entry header');
    expect(await reasonOf(rawPack([entry(4, data)]))).toBe('entry header');
    expect(await reasonOf(rawPack([entry(0, data)]))).toBe('entry header');
    expect(await reasonOf(rawPack([entry(5, data)]))).toBe('entry header');
    expect(await reasonOf(rawPack([Uint8Array.from([...header(3, 4), 1, 2, 3, 4, 5, 6])]))).toBe('inflate');
    const cut = entry(3, Buffer.alloc(5000, 'q'));
    expect(await reasonOf(rawPack([cut.subarray(0, cut.length - 3)]))).toBe('inflate');
    expect(await reasonOf(rawPack([Uint8Array.from([...header(REF_DELTA, 4), 1, 2, 3])]))).toBe('entry header');
  });

  it('refuses OFS_DELTA bases that are not earlier entries, bad deltas and chains too deep', async () => {
    const first = entry(2, baseTree.content);
    const delta = encodeDelta(baseTree.content, nextTree.content);
    expectSame(await readPack(rawPack([first, entry(OFS_DELTA, delta, ofsBytes(first.length))]), noBase), [baseTree, nextTree]);
    expect(await reasonOf(rawPack([first, entry(OFS_DELTA, delta, ofsBytes(first.length - 1))]))).toBe('delta');
    expect(await reasonOf(rawPack([first, entry(OFS_DELTA, delta, [0])]))).toBe('delta');
    expect(await reasonOf(rawPack([first, entry(OFS_DELTA, delta, [0xff, 0x7f])]))).toBe('delta');
    expect(await reasonOf(rawPack([first, Uint8Array.from([...header(OFS_DELTA, 4), 0x80])]))).toBe('entry header');
    const wrongBase = encodeDelta(nextTree.content.subarray(2), nextTree.content);
    expect(await reasonOf(rawPack([first, entry(OFS_DELTA, wrongBase, ofsBytes(first.length))]))).toBe('delta');
    // A delta claiming a 128 MiB target from a one-byte copy.
    const hugeHeader: number[] = [];
    writeDeltaVarint(hugeHeader, baseTree.content.length);
    writeDeltaVarint(hugeHeader, 128 * 1024 * 1024);
    const huge = Uint8Array.from([...hugeHeader, 0x80]);
    expect(await reasonOf(rawPack([first, entry(OFS_DELTA, huge, ofsBytes(first.length))]))).toBe('limit');
    // A chain one longer than the limit: each version an OFS_DELTA on the one before.
    const parts: Uint8Array[] = [first];
    let previous = baseTree.content;
    for (let depth = 1; depth <= PACK_DELTA_DEPTH_MAX + 1; depth++) {
      const next = Buffer.from(previous);
      next[depth * 7] = (next[depth * 7] as number) ^ 1;
      parts.push(entry(OFS_DELTA, encodeDelta(previous, next), ofsBytes((parts.at(-1) as Uint8Array).length)));
      previous = next;
    }
    expect(await reasonOf(rawPack(parts))).toBe('chain too deep');
    expect((await readPack(rawPack(parts.slice(0, -1)), noBase)).length).toBe(PACK_DELTA_DEPTH_MAX + 1);
  });

  it('throws nothing but BadPackError or PackBaseMissingError for random bytes', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), (bytes) => readsOrRefuses(bytes)), { numRuns: 300 });
    // Past the checksum: a valid header and trailer around random entries.
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 5 }), fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 2, max: 3 }), async (count, entries, version) => {
        const head = Buffer.alloc(12);
        head.write('PACK', 0, 'latin1');
        head.writeUInt32BE(version, 4);
        head.writeUInt32BE(count, 8);
        await readsOrRefuses(withTrailer(Buffer.concat([head, entries])));
      }),
      { numRuns: 500 },
    );
    // A valid pack with bytes changed, the trailer recomputed: reaches zlib, sizes and deltas.
    const body = small.subarray(0, -20);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ at: fc.nat({ max: body.length - 1 }), value: fc.nat({ max: 255 }) }), { minLength: 1, maxLength: 4 }), async (changes) => {
        const changed = Buffer.from(body);
        for (const { at, value } of changes) changed[at] = value;
        await readsOrRefuses(withTrailer(changed), (id) => (id === baseTree.id ? baseTree : undefined));
      }),
      { numRuns: 500 },
    );
  });
});

function ofsBytes(distance: number): number[] {
  const out = [distance & 0x7f];
  let rest = distance >> 7;
  while (rest > 0) {
    rest -= 1;
    out.unshift(0x80 | (rest & 0x7f));
    rest >>= 7;
  }
  return out;
}

describe('entry compression', () => {
  it('is as long as zlib with its default window, for any input (the smaller window only changes the header)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 0, maxLength: 3000 }), { minLength: 1, maxLength: 5 }), (contents) => {
        const objects = contents.map((content, index) => encodeObject('blob', Buffer.concat([Buffer.from(`${index}`), content])));
        const unique = [...new Map(objects.map((object) => [object.id, object])).values()];
        const headerBytes = (size: number) => { let bytes = 1; for (let rest = size >> 4; rest > 0; rest >>= 7) bytes++; return bytes; };
        const expected = 12 + 20 + unique.reduce((sum, object) => sum + headerBytes(object.content.length) + deflateSync(object.content).length, 0);
        expect(writePack(unique.map((object) => ({ object }))).length).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });
});
