// Proves the memo of resolved packs changes nothing a receiver sees: the same pack read by receivers in any order gives what an unmemoised read gives (objects or error), a receiver lacking a base or holding other bytes under its id is never handed the objects resolved against another's, and a torn or forged copy of a kept pack is refused. The control memo keyed by the checksum alone hands a receiver without the base the objects it cannot resolve.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeObject, encodeTree, type EncodedObject } from '../../../core/objects.ts';
import { BadPackError, PackBaseMissingError, readPack, writePack } from '../../../core/pack/packfile.ts';
import { PACKS_RESOLVED_KEPT, ResolvedPacks, type BaseLookup, type PackMemo } from '../../../core/pack/resolvedPacks.ts';
import { renamed, treeEntries } from './packKit.ts';

const base = encodeTree(treeEntries(60));
const target = encodeTree(renamed(treeEntries(60), 7));
const other = encodeObject('blob', Buffer.from('whole\n'.repeat(30)));
/** A thin pack: the target as a REF_DELTA on `base`, which stays outside it. */
const thin = writePack([{ object: target, base }, { object: other }]);

const holding = (...objects: EncodedObject[]): BaseLookup => (id) => objects.find((object) => object.id === id);

/** What a read gives, as comparable data: the objects' ids and bytes, or the error's code. */
async function outcome(bytes: Uint8Array, baseOf: BaseLookup, memo: PackMemo | null): Promise<unknown> {
  try {
    return (await readPack(bytes, baseOf, memo)).map((object) => `${object.type} ${object.id} ${Buffer.from(object.content).toString('hex')}`);
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

describe('resolved packs', () => {
  it('a second receiver holding the same base gets the objects resolved for the first, asked the same question', async () => {
    const memo = new ResolvedPacks();
    const asked: string[] = [];
    const lookup: BaseLookup = (id) => (asked.push(id), holding(base)(id));
    const first = await readPack(thin, lookup, memo);
    const second = await readPack(Buffer.from(thin), lookup, memo);
    expect(second).toEqual(first);
    expect(second[0]).toBe(first[0]);
    expect(asked).toEqual([base.id, base.id]);
    expect({ hits: memo.hits, misses: memo.misses }).toEqual({ hits: 1, misses: 1 });
    expect(second.map((object) => object.id)).toEqual([target.id, other.id]);
  });

  it('a receiver lacking the base is refused, after and before another resolved the pack', async () => {
    const memo = new ResolvedPacks();
    await readPack(thin, holding(base), memo);
    await expect(readPack(thin, holding(), memo)).rejects.toBeInstanceOf(PackBaseMissingError);
    await expect(readPack(thin, holding(base), memo)).resolves.toHaveLength(2);
  });

  it('a receiver holding other bytes under the base id resolves against its own (as an unmemoised read does)', async () => {
    const memo = new ResolvedPacks();
    await readPack(thin, holding(base), memo);
    const forgedBase = { ...base, content: Buffer.concat([Buffer.from(base.content), Buffer.from('x')]) };
    expect(await outcome(thin, holding(forgedBase), memo)).toEqual(await outcome(thin, holding(forgedBase), null));
    expect(await outcome(thin, holding(forgedBase), memo)).not.toEqual(await outcome(thin, holding(base), null));
  });

  it('a torn or flipped copy of a kept pack is refused by every receiver', async () => {
    const memo = new ResolvedPacks();
    await readPack(thin, holding(base), memo);
    const flipped = Buffer.from(thin);
    flipped[20] = (flipped[20] as number) ^ 1;
    for (let receiver = 0; receiver < 4; receiver++) {
      await expect(readPack(thin.subarray(0, thin.length - 1 - receiver), holding(base), memo)).rejects.toBeInstanceOf(BadPackError);
      await expect(readPack(flipped, holding(base), memo)).rejects.toBeInstanceOf(BadPackError);
    }
  });

  it('any receivers in any order see what unmemoised reads give, the memo shared and over its limit', async () => {
    const objects = [base, target, other, encodeTree(renamed(treeEntries(60), 20))];
    const packs = [thin, writePack([{ object: objects[3] as EncodedObject, base: target }]), writePack([{ object: target, base }, { object: objects[3] as EncodedObject, base: target }])];
    const receiverArb = fc.subarray(objects);
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(fc.nat(packs.length - 1), receiverArb), { minLength: 1, maxLength: PACKS_RESOLVED_KEPT + 8 }), async (reads) => {
      const memo = new ResolvedPacks();
      for (const [pack, held] of reads) {
        const bytes = packs[pack] as Uint8Array;
        expect(await outcome(bytes, holding(...held), memo)).toEqual(await outcome(bytes, holding(...held), null));
      }
    }), { numRuns: 100 });
  });

  it('control: a memo keyed by the checksum alone hands a receiver without the base objects it cannot resolve', async () => {
    const byChecksum = new Map<string, EncodedObject[]>();
    const naive: PackMemo = {
      read: async (key, baseOf, resolve) => byChecksum.get(key) ?? (byChecksum.set(key, await resolve(baseOf)).get(key) as EncodedObject[]),
    };
    await readPack(thin, holding(base), naive);
    expect(await outcome(thin, holding(), naive)).not.toEqual(await outcome(thin, holding(), null));
    expect(await outcome(thin, holding(), new ResolvedPacks())).toEqual('E_PACK_BASE_MISSING');
  });
});
