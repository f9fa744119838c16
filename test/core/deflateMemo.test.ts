// Proves the world-shared deflate memo changes no byte: packs written with one memo across many
// calls (overlapping objects, the same object against different bases) equal packs written
// without, and loose forms equal deflateObject's. The control keys deltas by the target alone,
// which the same target against two bases tells apart.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { BoundedCache } from '../../core/boundedCache.ts';
import { DeflateMemo } from '../../core/deflateMemo.ts';
import { MODE_FILE, blobFrom, deflateObject, encodeObject, encodeTree, type EncodedObject, type TreeEntry } from '../../core/objects.ts';
import { writePackWithStats, type PackInput, type PackWriteMemo } from '../../core/pack/packfile.ts';

function tree(names: readonly string[]): EncodedObject {
  const entries: TreeEntry[] = names.map((name) => ({ mode: MODE_FILE, name, id: blobFrom(`body of ${name}`).id }));
  return encodeTree(entries.sort((a, b) => (a.name < b.name ? -1 : 1)));
}

/** Objects a few edits apart, so deltas are taken and the same object meets several bases. */
const objectsArb = fc.uniqueArray(fc.stringMatching(/^[a-z]{1,12}$/), { minLength: 2, maxLength: 40 }).chain((names) =>
  fc.array(fc.subarray(names, { minLength: 1 }), { minLength: 2, maxLength: 8 }).map((sets) => [
    ...sets.map((set) => tree(set)),
    ...names.slice(0, 4).map((name) => blobFrom(`${name}\n`.repeat(20))),
  ]),
);

/** Packs of random slices, each object against a random earlier one as base. */
const packsArb = objectsArb.chain((objects) =>
  fc.array(
    fc.array(fc.tuple(fc.nat(objects.length - 1), fc.option(fc.nat(objects.length - 1), { nil: undefined })), { minLength: 1, maxLength: 10 }).map((picks) =>
      picks.map(([object, base]): PackInput => ({ object: objects[object] as EncodedObject, ...(base === undefined ? {} : { base: objects[base] as EncodedObject }) })),
    ),
    { minLength: 1, maxLength: 6 },
  ),
);

function packsWith(packs: readonly (readonly PackInput[])[], memo: PackWriteMemo | undefined): string[] {
  return packs.map((inputs) => Buffer.from(writePackWithStats(inputs, memo).bytes).toString('hex'));
}

describe('DeflateMemo', () => {
  it('gives the bytes of packs written without it, across packs sharing one memo', () => {
    fc.assert(fc.property(packsArb, (packs) => {
      expect(packsWith(packs, new DeflateMemo())).toEqual(packsWith(packs, undefined));
    }), { numRuns: 200 });
  });

  it('gives deflateObject\'s loose bytes, also when asked again', () => {
    fc.assert(fc.property(objectsArb, (objects) => {
      const memo = new DeflateMemo();
      for (const pass of [1, 2]) {
        for (const object of objects) expect(Buffer.from(memo.loose(object)).equals(Buffer.from(deflateObject(object))), `pass ${pass}`).toBe(true);
      }
    }), { numRuns: 100 });
  });

  it('control: a memo keying deltas by their target alone writes other bytes', () => {
    const target = encodeObject('blob', Buffer.from('line\n'.repeat(40) + 'tail\n'));
    const near = encodeObject('blob', Buffer.from('line\n'.repeat(40)));
    const far = encodeObject('blob', Buffer.from('line\n'.repeat(20) + 'other\n'));
    const byTarget = (cache: BoundedCache<Uint8Array>) => ({ obtain: (key: string, compute: () => Uint8Array) => cache.obtain(key.slice(key.indexOf('>') + 1), compute) });
    const wrong: PackWriteMemo = { packEntries: byTarget(new BoundedCache(100)), deltas: byTarget(new BoundedCache(100)) };
    const packs = [[{ object: target, base: near }], [{ object: target, base: far }]];
    expect(packsWith(packs, wrong)).not.toEqual(packsWith(packs, undefined));
    expect(packsWith(packs, new DeflateMemo())).toEqual(packsWith(packs, undefined));
  });
});
