// Proves state -> tree -> state is the identity in flat and fanout layouts, that a flag change rewrites only small trees in fanout, and that reading reuses unchanged bucket Maps.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { EDIT_BUCKET_MESSAGES_MIN, LayoutCache, decodeMailboxMeta, encodeMailboxMeta, readState, writeState, parseMessageFileName, messageFileName, type LayoutSpec, type ObjectSink, type ObjectSource } from '../../core/layout.ts';
import type { EncodedObject, TreeEntry } from '../../core/objects.ts';
import { blobFrom, decodeTree, encodeTree, textOf } from '../../core/objects.ts';
import { indexLine } from '../../core/flagsApart.ts';
import type { StoreState } from '../../core/state.ts';
import { MissingObjectError } from '../../core/objectStore.ts';
import { HostileNameError } from '../../core/errors.ts';
import * as ops from '../../core/ops.ts';
import { EMPTY_MESSAGE_MAP, bucketOf } from '../../core/messageMap.ts';
import { merge3 } from '../../core/merge/mergeStores.ts';
import { apply, bodyOf, context, initialState, opArb, snapshot } from './opsModel.ts';

class MemoryStore implements ObjectSink, ObjectSource {
  /** The memo a replica's store owns (or, given, shares); without it each write and read would start from nothing. */
  constructor(readonly layoutCache = new LayoutCache()) {}
  readonly objects = new Map<string, EncodedObject>();
  added: string[] = [];
  has(id: string): boolean {
    return this.objects.has(id);
  }
  put(object: EncodedObject): void {
    if (this.objects.has(object.id)) return;
    this.objects.set(object.id, object);
    this.added.push(object.id);
  }
  async read(id: string): Promise<EncodedObject> {
    const object = this.objects.get(id);
    if (!object) throw new MissingObjectError(id);
    return object;
  }
}

const LAYOUTS: LayoutSpec[] = [
  { kind: 'flat' },
  { kind: 'fanout', width: 1, depth: 1 },
  { kind: 'fanout', width: 1, depth: 3 },
  { kind: 'fanout', width: 2, depth: 1 },
  { kind: 'fanout', width: 3, depth: 2 },
  { kind: 'fanout', width: 1, depth: 6, digitBits: 2 },
  { kind: 'fanout', width: 3, depth: 4, digitBits: 1 },
  { kind: 'flags-apart' },
  { kind: 'flags-apart', chunks: 1 },
  { kind: 'flags-apart', chunks: 256 },
];

function withBodies(store: MemoryStore): void {
  for (let i = 0; i <= 5; i++) store.put(blobFrom(bodyOf(i)));
}

describe('layout', () => {
  it.each(LAYOUTS)('state -> tree -> state is the identity after random ops (%j)', async (layout) => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 30 }), async (sequence) => {
        let state = initialState();
        const counter = { n: 0 };
        sequence.forEach((op, i) => {
          state = apply(state, op, context(1000 * (i + 1), counter, i % 3 !== 0)).state;
        });
        const store = new MemoryStore();
        withBodies(store);
        const root = writeState(state, layout, store);
        const back = await readState(root, layout, store);
        expect(snapshot(back)).toEqual(snapshot(state));
        expect(writeState(back, layout, store)).toBe(root);
      }),
      { numRuns: 60 },
    );
  });

  it.each(LAYOUTS)('each state written from its predecessor reads back as itself (%j)', async (layout) => {
    // The incremental path: unchanged directories are reused from the previous write. A
    // directory kept whole must still hand its subdirectories on, or a later write that
    // changes one of them drops the others. Sixty-four messages spread over every top
    // directory; each step flags, unflags or expunges one of them.
    const counter = { n: 0 };
    const body = bodyOf(1);
    const b = { blobId: blobFrom(body).id, sizeBytes: body.length, messageId: '<b1@test>' };
    let start = initialState();
    for (let i = 0; i < 64; i++) start = ops.appendMessage(start, 'INBOX', b, [], context(1000 + i, counter)).state;
    const step = fc.record({ uid: fc.integer({ min: 1, max: 64 }), kind: fc.constantFrom('+', '-', 'expunge') });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        const store = new MemoryStore();
        store.put(blobFrom(body));
        let state = start;
        writeState(state, layout, store);
        for (const { uid, kind } of steps) {
          const next = kind === 'expunge' ? ops.expungeMessages(state, 'INBOX', [uid]).state : ops.storeFlags(state, 'INBOX', [uid], kind, ['\\Seen']).state;
          const root = writeState(next, layout, store, state);
          expect(snapshot(await readState(root, layout, store))).toEqual(snapshot(next));
          state = next;
        }
      }),
      { numRuns: 100 },
    );
  });

  const editCases = LAYOUTS.filter((layout) => layout.kind === 'fanout').flatMap((layout) => [0, EDIT_BUCKET_MESSAGES_MIN].map((editMin) => ({ layout, editMin })));
  it.each(editCases)('a write from the predecessor puts the objects a write from nothing puts, in the same order ($layout, buckets edited from $editMin messages)', async ({ layout, editMin }) => {
    // A changed bucket's trees are edited from the prior encoding (only directories holding a
    // change are rebuilt); the store must still receive exactly what a full build gives, in the
    // same order: write order decides what a crash or a misdirected write leaves behind.
    // Merges move re-put messages to the end of their bucket, so the order of directories changes too.
    // A store that lacks the bucket's trees (a replica sharing the memo) receives all of them.
    const counter = { n: 0 };
    const body = bodyOf(1);
    const b = { blobId: blobFrom(body).id, sizeBytes: body.length, messageId: '<b1@test>' };
    let start = ops.createMailbox(initialState(), 'Archive', context(999, counter)).state;
    for (let i = 0; i < 600; i++) start = ops.appendMessage(start, 'INBOX', b, [], context(1000 + i, counter)).state;
    const change = fc.record({ uid: fc.integer({ min: 1, max: 630 }), kind: fc.constantFrom('+', '-', 'expunge', 'append', 'move') });
    const step = fc.record({ ours: fc.array(change, { minLength: 1, maxLength: 6 }), theirs: fc.array(change, { maxLength: 6 }) });
    const applyChange = (state: StoreState, { uid, kind }: { uid: number; kind: string }, timeMs: number): StoreState => {
      if (kind === 'expunge') return ops.expungeMessages(state, 'INBOX', [uid]).state;
      if (kind === 'append') return ops.appendMessage(state, 'INBOX', b, [], context(timeMs, counter)).state;
      if (kind === 'move') return ops.moveMessages(state, 'INBOX', [uid], 'Archive', context(timeMs, counter)).state;
      return ops.storeFlags(state, 'INBOX', [uid], kind as '+' | '-', ['\\Seen']).state;
    };
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 5 }), async (steps) => {
        const store = new MemoryStore(new LayoutCache(editMin));
        store.put(blobFrom(body));
        let state = start;
        writeState(state, layout, store);
        let timeMs = 100_000;
        for (const { ours: oursChanges, theirs: theirsChanges } of steps) {
          const ours = oursChanges.reduce((s, c) => applyChange(s, c, timeMs++), state);
          const theirs = theirsChanges.reduce((s, c) => applyChange(s, c, timeMs++), state);
          writeState(ours, layout, store, state);
          const next = theirsChanges.length === 0 ? ours : merge3(state, ours, theirs);
          const fresh = new MemoryStore();
          for (const object of store.objects.values()) fresh.put(object);
          fresh.added = [];
          store.added = [];
          const root = writeState(next, layout, store, ours);
          expect(writeState(next, layout, fresh)).toBe(root);
          expect(store.added).toEqual(fresh.added);
          const sharing = new MemoryStore(store.layoutCache);
          const empty = new MemoryStore();
          expect(writeState(next, layout, sharing, ours)).toBe(root);
          writeState(next, layout, empty);
          expect(sharing.added).toEqual(empty.added);
          state = next;
        }
      }),
      { numRuns: 15 },
    );
  });

  it.each([
    { layout: { kind: 'fanout', width: 1, depth: 3 } as LayoutSpec, objects: 6 },
    { layout: { kind: 'fanout', width: 1, depth: 6, digitBits: 2 } as LayoutSpec, objects: 9 },
  ])('a fanout flag change writes a few small trees and reading keeps untouched buckets reference-equal ($layout)', async ({ layout, objects }) => {
    let state = initialState();
    const counter = { n: 0 };
    const body = bodyOf(1);
    const b = { blobId: blobFrom(body).id, sizeBytes: body.length, messageId: '<b1@test>' };
    for (let i = 0; i < 2000; i++) state = ops.appendMessage(state, 'INBOX', b, [], context(1000 + i, counter)).state;
    const store = new MemoryStore();
    store.put(blobFrom(body));
    const before = await readState(writeState(state, layout, store), layout, store);
    store.added = [];
    const changed = ops.storeFlags(before, 'INBOX', [777], '+', ['\\Seen']).state;
    const after = await readState(writeState(changed, layout, store), layout, store);
    // root tree, mailbox meta, cur + one tree per fanout level
    expect(store.added.length).toBe(objects);
    const guid = [...after.mailboxes.get('INBOX')!.messages.buckets.flatMap((bucket) => [...(bucket?.values() ?? [])])].find((m) => m.uid === 777)!.guid;
    const oldBuckets = before.mailboxes.get('INBOX')!.messages.buckets;
    const newBuckets = after.mailboxes.get('INBOX')!.messages.buckets;
    newBuckets.forEach((bucket, index) => {
      if (index === bucketOf(guid)) expect(bucket).not.toBe(oldBuckets[index]);
      else expect(bucket).toBe(oldBuckets[index]);
    });
  });

  it('flat writes a literal Maildir name with metadata next to the message', () => {
    const name = messageFileName({ guid: '1.M0Q1.n1', uid: 3, flags: ['$Junk', '\\Seen'], modseq: 9, internalDateMs: 1500, sizeBytes: 42, blobId: '', messageId: '' }, ['$Junk']);
    expect(name).toBe('1.M0Q1.n1,S=42,U=3,M=9,T=1500:2,Sa');
    expect(parseMessageFileName(name, ['$Junk'])).toEqual({ guid: '1.M0Q1.n1', uid: 3, flags: ['$Junk', '\\Seen'], modseq: 9, internalDateMs: 1500, sizeBytes: 42 });
  });

  it('refuses a tree holding a hostile folder or message name', async () => {
    const store = new MemoryStore();
    withBodies(store);
    const root = writeState(initialState(), { kind: 'flat' }, store);
    const rootObject = await store.read(root);
    const { decodeTree, encodeTree, MODE_TREE } = await import('../../core/objects.ts');
    const entries = decodeTree(root, rootObject.content);
    const evil = encodeTree([...entries, { mode: MODE_TREE as typeof MODE_TREE, name: '..', id: root }].sort((x, y) => (x.name < y.name ? -1 : 1)));
    store.put(evil);
    await expect(readState(evil.id, { kind: 'flat' }, store)).rejects.toThrow(HostileNameError);
    expect(() => parseMessageFileName('.evil,S=1,U=1,M=1,T=1:2,', [])).toThrow(HostileNameError);
  });
});

describe('flags-apart', () => {
  // Proves a flag change renames no message file and rewrites one index file, that reading keeps untouched buckets reference-equal, and that a tree whose files and index lines disagree is refused.
  const layout: LayoutSpec = { kind: 'flags-apart' };
  async function populated(count: number): Promise<{ store: MemoryStore; state: StoreState; root: string }> {
    let state = initialState();
    const counter = { n: 0 };
    const body = bodyOf(1);
    const b = { blobId: blobFrom(body).id, sizeBytes: body.length, messageId: '<b1@test>' };
    for (let i = 0; i < count; i++) state = ops.appendMessage(state, 'INBOX', b, i % 2 === 0 ? ['$Junk'] : [], context(1000 + i, counter)).state;
    const store = new MemoryStore();
    store.put(blobFrom(body));
    const root = writeState(state, layout, store);
    return { store, state: await readState(root, layout, store), root };
  }
  const entryOf = async (store: MemoryStore, tree: string, name: string): Promise<TreeEntry> => decodeTree(tree, (await store.read(tree)).content).find((entry) => entry.name === name)!;

  it('a flag change keeps every message file and rewrites one index file; reading keeps untouched buckets reference-equal', async () => {
    const { store, state: before, root } = await populated(2000);
    store.added = [];
    const changed = ops.storeFlags(before, 'INBOX', [777], '+', ['\\Seen']).state;
    const next = writeState(changed, layout, store, before);
    const after = await readState(next, layout, store);
    // The root tree (INBOX's folder) and one index file: msg/ and the meta file are untouched.
    expect(store.added.length).toBe(2);
    expect((await entryOf(store, next, 'msg')).id).toBe((await entryOf(store, root, 'msg')).id);
    expect((await entryOf(store, next, 'mailsim-mailbox')).id).toBe((await entryOf(store, root, 'mailsim-mailbox')).id);
    const guid = [...after.mailboxes.get('INBOX')!.messages.buckets.flatMap((bucket) => [...(bucket?.values() ?? [])])].find((m) => m.uid === 777)!.guid;
    const oldBuckets = before.mailboxes.get('INBOX')!.messages.buckets;
    after.mailboxes.get('INBOX')!.messages.buckets.forEach((bucket, index) => {
      if (index === bucketOf(guid)) expect(bucket).not.toBe(oldBuckets[index]);
      else expect(bucket).toBe(oldBuckets[index]);
    });
    // Read from scratch (another cache), the same tree gives the same state.
    const fresh = Object.assign(new MemoryStore(), { objects: store.objects });
    expect(snapshot(await readState(next, layout, fresh))).toEqual(snapshot(changed));
  });

  it('writes index lines as <guid> <uid> <modseq> [letters] and message files as <guid>,S=,T=', async () => {
    const { store, root } = await populated(3);
    const lines = decodeTree(root, (await store.read(root)).content).filter((entry) => entry.name.startsWith('index-')).map((entry) => entry.id);
    const text = (await Promise.all(lines.map(async (id) => textOf((await store.read(id)).content)))).join('');
    expect(text.split('\n').filter((line) => line !== '').sort()).toEqual(expect.arrayContaining([expect.stringMatching(/^\S+ 1 \d+ a$/), expect.stringMatching(/^\S+ 2 \d+$/)]));
    expect(indexLine({ guid: 'g', uid: 3, flags: ['$Junk', '\\Seen'], modseq: 9, internalDateMs: 1, sizeBytes: 2, blobId: '', messageId: '' }, ['$Junk'])).toBe('g 3 9 Sa\n');
  });

  /** Replaces the one index file of a small mailbox with `edit(text)` and returns the new root. */
  async function withIndexEdited(store: MemoryStore, root: string, edit: (text: string) => string): Promise<string> {
    const file = await entryOf(store, root, 'index-00');
    const blob = blobFrom(edit(textOf((await store.read(file.id)).content)));
    store.put(blob);
    const rootEntries = decodeTree(root, (await store.read(root)).content).map((entry) => (entry.name === file.name ? { ...entry, id: blob.id } : entry));
    const newRoot = encodeTree(rootEntries);
    store.put(newRoot);
    return newRoot.id;
  }

  it.each([
    { what: 'a message file without its line', edit: (text: string) => text.split('\n').slice(1).join('\n'), error: /has no index line|without lines/ },
    { what: 'a line without its message file', edit: (text: string) => `${text}1.M0Q0.ghost 9 9\n`, error: /no message file|wrong file|out of order|without files/ },
    { what: 'letters that are not canonical', edit: (text: string) => text.replace(/^(\S+ \d+ \d+)( a)?$/m, '$1 SS'), error: /bad index line/ },
    { what: 'lines out of order', edit: (text: string) => { const lines = text.split('\n').filter((l) => l !== ''); return `${[lines[1], lines[0], ...lines.slice(2)].join('\n')}\n`; }, error: /out of order|wrong file/ },
    { what: 'no final newline', edit: (text: string) => text.slice(0, -1), error: /newline/ },
  ])('refuses an index with $what', async ({ edit, error }) => {
    // One index file holding every bucket, so each edit lands in the file of the lines it breaks.
    const single: LayoutSpec = { kind: 'flags-apart', chunks: 1 };
    let state = initialState();
    const counter = { n: 0 };
    for (let i = 0; i < 6; i++) state = ops.appendMessage(state, 'INBOX', { blobId: blobFrom(bodyOf(1)).id, sizeBytes: bodyOf(1).length, messageId: '<b1@test>' }, [], context(1000 + i, counter)).state;
    const store = new MemoryStore();
    withBodies(store);
    const root = writeState(state, single, store);
    await expect(readState(root, single, store)).resolves.toBeDefined();
    const bad = await withIndexEdited(store, root, edit);
    const fresh = Object.assign(new MemoryStore(), { objects: store.objects });
    await expect(readState(bad, single, fresh)).rejects.toThrow(error);
  });
});

describe('mailbox meta: a strategy\'s data', () => {
  // Proves the layout carries a strategy's per-mailbox data without knowing it: `<key> <value>` lines round-trip, and a line the layout owns with a bad value, or a repeated key, is refused.
  const base = { name: 'INBOX', uidValidity: 7, uidNext: 4, highestModseq: 9, keywords: ['$Junk'], messages: EMPTY_MESSAGE_MAP };
  it('round-trips strategy data in key order, and leaves it out when there is none', () => {
    const text = encodeMailboxMeta({ ...base, strategyData: { owner: 'n2 3', 'x-lease': '1200' } });
    expect(text).toBe('uidvalidity 7\nuidnext 4\nhighestmodseq 9\nkeyword $Junk\nowner n2 3\nx-lease 1200\n');
    expect(decodeMailboxMeta('m', text)).toEqual({ uidValidity: 7, uidNext: 4, highestModseq: 9, keywords: ['$Junk'], strategyData: { owner: 'n2 3', 'x-lease': '1200' } });
    expect(decodeMailboxMeta('m', encodeMailboxMeta(base))).toEqual({ uidValidity: 7, uidNext: 4, highestModseq: 9, keywords: ['$Junk'] });
  });
  it('leaves out a HIGHESTMODSEQ its messages imply (flags-apart), and refuses one written anyway', () => {
    const text = encodeMailboxMeta(base, 9);
    expect(text).toBe('uidvalidity 7\nuidnext 4\nkeyword $Junk\n');
    expect(decodeMailboxMeta('m', text, 9).highestModseq).toBe(9);
    expect(encodeMailboxMeta(base, 8)).toContain('highestmodseq 9\n');
    expect(() => decodeMailboxMeta('m', encodeMailboxMeta(base), 9)).toThrow(/imply/);
    expect(() => decodeMailboxMeta('m', text)).toThrow(/lacks a field/);
  });
  it('refuses a layout field with a bad value, a repeated key, or a key no strategy may use', () => {
    expect(() => decodeMailboxMeta('m', 'uidvalidity 7\nuidnext x\nhighestmodseq 9\n')).toThrow(/bad mailbox meta line/);
    expect(() => decodeMailboxMeta('m', 'uidvalidity 7\nuidnext 4\nhighestmodseq 9\nowner a 1\nowner b 2\n')).toThrow(/bad mailbox meta line/);
    expect(() => encodeMailboxMeta({ ...base, strategyData: { uidnext: '5' } })).toThrow(/cannot go in a meta line/);
  });
});
