// Proves state -> tree -> state is the identity in flat and fanout layouts, that a flag change rewrites only small trees in fanout, and that reading reuses unchanged bucket Maps.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { LayoutCache, decodeMailboxMeta, encodeMailboxMeta, readState, writeState, parseMessageFileName, messageFileName, type LayoutSpec, type ObjectSink, type ObjectSource } from '../../core/layout.ts';
import type { EncodedObject } from '../../core/objects.ts';
import { blobFrom } from '../../core/objects.ts';
import { MissingObjectError } from '../../core/objectStore.ts';
import { HostileNameError } from '../../core/errors.ts';
import * as ops from '../../core/ops.ts';
import { EMPTY_MESSAGE_MAP, bucketOf } from '../../core/messageMap.ts';
import { apply, bodyOf, context, initialState, opArb, snapshot } from './opsModel.ts';

class MemoryStore implements ObjectSink, ObjectSource {
  /** The memo a replica's store owns; without it each write and read would start from nothing. */
  readonly layoutCache = new LayoutCache();
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

describe('mailbox meta: a strategy\'s data', () => {
  // Proves the layout carries a strategy's per-mailbox data without knowing it: `<key> <value>` lines round-trip, and a line the layout owns with a bad value, or a repeated key, is refused.
  const base = { name: 'INBOX', uidValidity: 7, uidNext: 4, highestModseq: 9, keywords: ['$Junk'], messages: EMPTY_MESSAGE_MAP };
  it('round-trips strategy data in key order, and leaves it out when there is none', () => {
    const text = encodeMailboxMeta({ ...base, strategyData: { owner: 'n2 3', 'x-lease': '1200' } });
    expect(text).toBe('uidvalidity 7\nuidnext 4\nhighestmodseq 9\nkeyword $Junk\nowner n2 3\nx-lease 1200\n');
    expect(decodeMailboxMeta('m', text)).toEqual({ uidValidity: 7, uidNext: 4, highestModseq: 9, keywords: ['$Junk'], strategyData: { owner: 'n2 3', 'x-lease': '1200' } });
    expect(decodeMailboxMeta('m', encodeMailboxMeta(base))).toEqual({ uidValidity: 7, uidNext: 4, highestModseq: 9, keywords: ['$Junk'] });
  });
  it('refuses a layout field with a bad value, a repeated key, or a key no strategy may use', () => {
    expect(() => decodeMailboxMeta('m', 'uidvalidity 7\nuidnext x\nhighestmodseq 9\n')).toThrow(/bad mailbox meta line/);
    expect(() => decodeMailboxMeta('m', 'uidvalidity 7\nuidnext 4\nhighestmodseq 9\nowner a 1\nowner b 2\n')).toThrow(/bad mailbox meta line/);
    expect(() => encodeMailboxMeta({ ...base, strategyData: { uidnext: '5' } })).toThrow(/cannot go in a meta line/);
  });
});
