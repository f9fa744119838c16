// Proves our hand-encoded git objects have git's ids (checked against known ids; objects.git.test.ts asks the git CLI) and that corrupt bytes are refused.
import { describe, it, expect } from 'vitest';
import { deflateSync } from 'node:zlib';
import { ObjectIdMismatchError } from '../../core/errors.ts';
import fc from 'fast-check';
import { MODE_FILE, MODE_TREE, blobFrom, compareEntries, decodeCommit, decodeTree, deflateObject, encodeCommit, encodeTree, inflateObject, frame } from '../../core/objects.ts';

describe('git objects', () => {
  it('blob and empty tree ids match git', () => {
    expect(blobFrom('hello\n').id).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
    expect(encodeTree([]).id).toBe('4b825dc642cb6eb9a060e54bf8d69288fbee4904');
  });

  it('trees round-trip and refuse entries out of git order', () => {
    const blob = blobFrom('x').id;
    const tree = encodeTree([{ mode: MODE_FILE, name: 'a', id: blob }, { mode: MODE_TREE, name: 'b', id: blob }]);
    expect(decodeTree(tree.id, tree.content)).toEqual([{ mode: MODE_FILE, name: 'a', id: blob }, { mode: MODE_TREE, name: 'b', id: blob }]);
    expect(() => encodeTree([{ mode: MODE_FILE, name: 'b', id: blob }, { mode: MODE_FILE, name: 'a', id: blob }])).toThrow(/order/);
    // 'cur' (tree) sorts as 'cur/', after 'cur.x'
    expect(() => encodeTree([{ mode: MODE_FILE, name: 'cur.x', id: blob }, { mode: MODE_TREE, name: 'cur', id: blob }])).not.toThrow();
  });

  it('orders entries as git does: by name, a tree as if its name ended in /', () => {
    const keyOf = (entry: { mode: string; name: string }): string => (entry.mode === MODE_TREE ? `${entry.name}/` : entry.name);
    const entry = fc.record({ mode: fc.constantFrom(MODE_FILE, MODE_TREE), name: fc.string({ unit: fc.constantFrom('a', 'b', '.', '/', '-', '0', 'é', 'Ā'), maxLength: 4 }) });
    fc.assert(fc.property(entry, entry, (a, b) => {
      const byKey = keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0;
      expect(compareEntries({ ...a, id: '' }, { ...b, id: '' })).toBe(byKey);
    }), { numRuns: 2000 });
  });

  it('writes every entry as Buffer.write would, and refuses an id that is not 40 hex digits', () => {
    const id = blobFrom('x').id;
    const entries = [{ mode: MODE_FILE, name: 'a,S=1:2,S', id }, { mode: MODE_TREE, name: 'b', id: id.toUpperCase() }] as const;
    const expected = Buffer.concat(entries.flatMap((e) => [Buffer.from(`${e.mode} ${e.name}\0`, 'latin1'), Buffer.from(e.id, 'hex')]));
    expect(Buffer.from(encodeTree(entries).content).equals(expected)).toBe(true);
    expect(() => encodeTree([{ mode: MODE_FILE, name: 'a', id: id.slice(1) }])).toThrow(/40 hex digits/);
    expect(() => encodeTree([{ mode: MODE_FILE, name: 'a', id: `${id.slice(1)}g` }])).toThrow(/40 hex digits/);
  });

  it('commits round-trip with ms time, parents and author', () => {
    const commit = encodeCommit({ tree: encodeTree([]).id, parents: ['a'.repeat(40), 'b'.repeat(40)], author: 'mailsim merge', timeMs: 1_764_326_400_123, message: 'merge' });
    const back = decodeCommit(commit.id, commit.content);
    expect(back).toEqual({ tree: encodeTree([]).id, parents: ['a'.repeat(40), 'b'.repeat(40)], author: 'mailsim merge', timeMs: 1_764_326_400_123, message: 'merge' });
    expect(new TextDecoder().decode(commit.content)).toContain('author mailsim merge <mailsim-merge@mailsim> 1764326400 +0000');
  });

  it('inflates verified bytes and refuses bytes that hash to another id', () => {
    const blob = blobFrom('body');
    expect(Buffer.from(inflateObject(blob.id, deflateObject(blob)).content).equals(Buffer.from(blob.content))).toBe(true);
    const other = deflateSync(frame('blob', new TextEncoder().encode('bodz')));
    expect(() => inflateObject(blob.id, other)).toThrow(ObjectIdMismatchError);
    expect(() => inflateObject(blob.id, new Uint8Array([1, 2, 3]))).toThrow(/not zlib/);
  });
});

describe('loose-object bytes', () => {
  it('stored zlib streams inflate with zlib and git reads them', async () => {
    const { inflateSync } = await import('node:zlib');
    const { storedZlib, adler32 } = await import('../../core/objects.ts');
    const big = new Uint8Array(140_000).map((_, i) => (i * 7) % 251);
    expect(Buffer.from(inflateSync(storedZlib(big))).equals(Buffer.from(big))).toBe(true);
    expect(adler32(new TextEncoder().encode('Wikipedia'))).toBe(0x11e60398);
    expect(inflateSync(storedZlib(new Uint8Array(0))).length).toBe(0);
  });

  it('reads stored streams without zlib, agrees with zlib on every stream, and refuses torn ones', async () => {
    const { storedZlib, unstoredZlib } = await import('../../core/objects.ts');
    const { inflateSync } = await import('node:zlib');
    const { default: fc } = await import('fast-check');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70_000 }), fc.integer({ min: 0, max: 9 }), (data, level) => {
        const stored = storedZlib(data);
        expect(unstoredZlib(stored)?.equals(Buffer.from(data))).toBe(true);
        // Whatever zlib wrote at any level: either left to zlib (null) or read exactly.
        const read = unstoredZlib(deflateSync(data, { level }));
        if (read !== null) expect(read.equals(Buffer.from(data))).toBe(true);
        // A stored stream cut short anywhere is an error, never a shorter object.
        const cut = Math.floor(stored.length / 2);
        expect(() => unstoredZlib(stored.subarray(0, cut)) ?? inflateSync(stored.subarray(0, cut))).toThrow();
        expect(() => inflateObject('0'.repeat(40), stored.subarray(0, cut))).toThrow();
      }),
      { numRuns: 60 },
    );
    // A flipped data byte fails the checksum.
    const flipped = Buffer.from(storedZlib(new TextEncoder().encode('tree 0\0')));
    flipped[8] = (flipped[8] as number) ^ 1;
    expect(() => unstoredZlib(flipped)).toThrow(/checksum/);
  });
});
