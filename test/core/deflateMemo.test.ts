// Proves the world-shared deflate memo changes no byte: packs written with one memo across many
// calls (overlapping objects, the same object against different bases) equal packs written
// without, and loose forms equal deflateObject's. The control keys deltas by the target alone,
// which the same target against two bases tells apart. Its verified objects spare a read the
// inflate only for the very array kept under the id asked: rot, a torn write or another object's
// array on one volume is still refused there, and the control keyed by the array alone serves it.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { BoundedCache } from '../../core/boundedCache.ts';
import { DeflateMemo, VERIFIED_CONTENT_BYTES_KEPT, VERIFIED_OBJECT_BYTES_MAX } from '../../core/deflateMemo.ts';
import { MODE_FILE, blobFrom, deflateObject, encodeObject, encodeTree, type EncodedObject, type TreeEntry } from '../../core/objects.ts';
import { CorruptObjectError, ObjectStore } from '../../core/objectStore.ts';
import { LayoutCache } from '../../core/layout.ts';
import { writePackWithStats, type PackInput, type PackWriteMemo } from '../../core/pack/packfile.ts';
import { FaultyFs } from '../../sim/faultyFs.ts';
import { newVolumeFs } from '../../sim/volume.ts';

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

/** Two stores of one world on their own faulty volumes; `a` wrote the objects, `b` took copies of its files (as a clone does). */
async function twoStores(memo: DeflateMemo, objects: readonly EncodedObject[]): Promise<{ a: ObjectStore; b: ObjectStore; bFs: FaultyFs }> {
  const layout = new LayoutCache();
  const a = new ObjectStore(new FaultyFs('a', newVolumeFs()), '/repo', layout, memo);
  const bFs = new FaultyFs('b', newVolumeFs());
  const b = new ObjectStore(bFs, '/repo', layout, memo);
  for (const store of [a, b]) await store.initRepository();
  for (const object of objects) a.put(object);
  await a.writeStaged();
  for (const object of objects) await b.writeFileOf(object.id, await a.readDeflated(object.id));
  await bFs.sync();
  return { a, b, bFs };
}

const victim = blobFrom('the body a fault strikes\n'.repeat(20));
const bystander = blobFrom('another body\n'.repeat(20));

describe('DeflateMemo verified objects', () => {
  it('a store reads what another of its world wrote as the object kept, not inflated again', async () => {
    const { b } = await twoStores(new DeflateMemo(), [victim, bystander]);
    expect(await b.read(victim.id)).toBe(victim);
  });

  it('stores of one world reading the same tree share its decoded entries; a rotten copy is still refused', async () => {
    const shared = tree(['a', 'b', 'c']);
    const { a, b } = await twoStores(new DeflateMemo(), [shared]);
    expect(await b.readTree(shared.id)).toBe(await a.readTree(shared.id));
    const { b: other, bFs: otherFs } = await twoStores(new DeflateMemo(), [shared]);
    await otherFs.rot(other.objectPath(shared.id), 3);
    await expect(other.readTree(shared.id)).rejects.toBeInstanceOf(CorruptObjectError);
  });

  it('rot or a torn write on one volume is refused there; the other volume still serves the object', async () => {
    for (const strike of ['rot', 'tear'] as const) {
      const { a, b, bFs } = await twoStores(new DeflateMemo(), [victim, bystander]);
      const path = b.objectPath(victim.id);
      if (strike === 'rot') await bFs.rot(path, 12);
      else await bFs.writeFile(path, (await bFs.readFile(path)).subarray(0, 20));
      await expect(b.read(victim.id), strike).rejects.toBeInstanceOf(CorruptObjectError);
      expect(b.has(victim.id)).toBe(false);
      expect(await a.read(victim.id)).toBe(victim);
    }
  });

  it('another object\'s array at an object\'s path (a misdirected write) is refused; control: keyed by the array alone, it is served', async () => {
    const misdirected = async (memo: DeflateMemo): Promise<ObjectStore> => {
      const { b, bFs } = await twoStores(memo, [victim, bystander]);
      await bFs.writeFile(b.objectPath(victim.id), await bFs.readFile(b.objectPath(bystander.id)));
      return b;
    };
    await expect((await misdirected(new DeflateMemo())).read(victim.id)).rejects.toBeInstanceOf(CorruptObjectError);
    const control = new DeflateMemo();
    const byArray = new Map<Uint8Array, EncodedObject>();
    const remember = control.verified.remember.bind(control.verified);
    control.verified.remember = (loose, object) => (byArray.set(loose, object), remember(loose, object));
    control.verified.get = (_id, loose) => byArray.get(loose);
    expect(await (await misdirected(control)).read(victim.id)).toBe(bystander);
  });

  it('keeps at most VERIFIED_CONTENT_BYTES_KEPT of content, the newest, and no object over VERIFIED_OBJECT_BYTES_MAX', () => {
    const memo = new DeflateMemo();
    const kept: { loose: Uint8Array; object: EncodedObject }[] = [];
    for (let index = 0; index * VERIFIED_OBJECT_BYTES_MAX <= VERIFIED_CONTENT_BYTES_KEPT; index++) {
      const object = encodeObject('blob', Buffer.alloc(VERIFIED_OBJECT_BYTES_MAX, index));
      const loose = new Uint8Array(1);
      memo.verified.remember(loose, object);
      kept.push({ loose, object });
    }
    const present = kept.filter(({ loose, object }) => memo.verified.get(object.id, loose) === object);
    expect(present.length * VERIFIED_OBJECT_BYTES_MAX).toBeLessThanOrEqual(VERIFIED_CONTENT_BYTES_KEPT);
    expect(present.at(-1)).toBe(kept.at(-1));
    expect(memo.verified.get(kept[0]?.object.id as string, kept[0]?.loose as Uint8Array)).toBeUndefined();
    const big = encodeObject('blob', Buffer.alloc(VERIFIED_OBJECT_BYTES_MAX + 1));
    const bigLoose = new Uint8Array(1);
    memo.verified.remember(bigLoose, big);
    expect(memo.verified.get(big.id, bigLoose)).toBeUndefined();
  });
});
