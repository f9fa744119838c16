// Proves the Replica: one durable commit per operation, no trace from refused or crashed operations (recovery at any fs call, process or power crash), exact object transfer, and deterministic fast-forward/merge on receive.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Replica, partialResultOf, type LayoutSpec, type ReceiveResult, type ReplicaOptions, MERGE_AUTHOR } from '../../core/replica/replica.ts';
import type { UidStrategy } from '../../core/strategy.ts';
import type { Mailbox, Message, StoreState } from '../../core/state.ts';
import { ImapNoError, HostileNameError } from '../../core/errors.ts';
import { MissingObjectError } from '../../core/objectStore.ts';
import { allMessages, messageMapFrom, messagesByUid } from '../../core/messageMap.ts';
import { decodeCommit } from '../../core/objects.ts';
import { BadPackError, PackBaseMissingError, readPack, writePack } from '../../core/pack/packfile.ts';
import { CrashFs, CrashError } from './crashFs.ts';
import { snapshot } from './opsModel.ts';

const START_MS = 1_764_326_400_000;

/** Test double: a symmetric union merge (expunges on either side win, per GUID the higher modseq wins). */
const unionStrategy: UidStrategy = {
  name: 'test-union',
  mayResetValidity: false,
  assignsUids: () => true,
  merge(base, ours, theirs) {
    const names = [...new Set([...ours.mailboxes.keys(), ...theirs.mailboxes.keys()])].sort();
    const mailboxes = new Map<string, Mailbox>();
    for (const name of names) {
      const o = ours.mailboxes.get(name);
      const t = theirs.mailboxes.get(name);
      const b = base.mailboxes.get(name);
      const side = (o ?? t) as Mailbox;
      const baseGuids = new Set(b ? [...allMessages(b.messages)].map((m) => m.guid) : []);
      const pick = new Map<string, Message>();
      const all = [...(o ? allMessages(o.messages) : []), ...(t ? allMessages(t.messages) : [])];
      const present = (box: Mailbox | undefined, guid: string) => (box ? [...allMessages(box.messages)].some((m) => m.guid === guid) : false);
      for (const m of all) {
        if (baseGuids.has(m.guid) && (!present(o, m.guid) || !present(t, m.guid))) continue;
        const old = pick.get(m.guid);
        if (!old || m.modseq > old.modseq || (m.modseq === old.modseq && JSON.stringify(m) > JSON.stringify(old))) pick.set(m.guid, m);
      }
      const keywords = [...new Set([...(o?.keywords ?? []), ...(t?.keywords ?? [])])];
      mailboxes.set(name, {
        ...side,
        keywords: o && t && o.keywords.length >= t.keywords.length ? o.keywords.concat(t.keywords.filter((k) => !o.keywords.includes(k))) : keywords,
        uidNext: Math.max(o?.uidNext ?? 1, t?.uidNext ?? 1),
        highestModseq: Math.max(o?.highestModseq ?? 1, t?.highestModseq ?? 1),
        messages: messageMapFrom(pick.values()),
      });
    }
    return { state: { mailboxes }, renumbered: 0, uidValidityChanges: [] };
  },
};

function body(i: number): Uint8Array {
  return new TextEncoder().encode(`Message-ID: <r${i}@test>\r\nSubject: ${i}\r\n\r\nbody ${i}\r\n`);
}

function options(node: string, fs = new CrashFs(), layout: LayoutSpec = { kind: 'fanout', width: 1, depth: 2 }): ReplicaOptions & { fs: CrashFs } {
  let now = START_MS;
  return { node, fs, dir: '/repo', layout, strategy: unionStrategy, clock: () => (now += 1000) };
}

async function seeded(node = 'a', layout?: LayoutSpec): Promise<Replica> {
  return Replica.create(options(node, new CrashFs(), layout), [
    { name: 'INBOX', uidValidity: 7, messages: [0, 1, 2, 3].map((i) => ({ body: body(i), flags: i % 2 ? ['\\Seen'] : [] })) },
    { name: 'Archive', uidValidity: 8, messages: [] },
  ]);
}

/** A fresh replica holding exactly the history up to `known` of `source`: sent everything, it keeps only what `known` needs. */
async function peerAt(source: Replica, known: string): Promise<Replica> {
  const peer = await Replica.cloneFrom(await seeded('a'), options('p'));
  const all = await source.transferFor(peer.head);
  await peer.receive(known, all.pack);
  expect(peer.head).toBe(known);
  return peer;
}

async function commitOf(replica: Replica, id: string) {
  const object = await replica.readObject(id);
  return decodeCommit(id, object.content);
}

describe('operations', () => {
  it('each state-changing operation is exactly one commit by the node at its clock; no-ops make none', async () => {
    const replica = await seeded();
    const heads = [replica.head];
    await replica.deliver('INBOX', body(10));
    heads.push(replica.head);
    await replica.store('INBOX', [1], '+', ['\\Flagged']);
    heads.push(replica.head);
    await replica.store('INBOX', [1], '+', ['\\Flagged']);
    expect(replica.head).toBe(heads.at(-1));
    await replica.move('INBOX', [2], 'Archive');
    heads.push(replica.head);
    for (let i = 1; i < heads.length; i++) {
      const commit = await commitOf(replica, heads[i] as string);
      expect(commit.parents).toEqual([heads[i - 1]]);
      expect(commit.author).toBe('a');
      // the clock ticks once per operation, the no-op store included
      expect(commit.timeMs).toBe(START_MS + 1000 * [0, 1, 2, 4][i]!);
    }
    expect(replica.commitCount).toBe(3);
  });

  it('a refused operation leaves no trace: same head, same state, no file written', async () => {
    const replica = await seeded();
    const fs = (replica as unknown as { opts: { fs: CrashFs } }).opts.fs;
    const files = fs.files.size;
    const { head, state } = replica;
    await expect(replica.deliver('Nope', body(1))).rejects.toThrow(ImapNoError);
    await expect(replica.createMailbox('a/../b')).rejects.toThrow(HostileNameError);
    await expect(replica.store('INBOX', [1], '+', ['\\Bogus'])).rejects.toThrow(ImapNoError);
    expect(replica.head).toBe(head);
    expect(replica.state).toBe(state);
    expect(fs.files.size).toBe(files);
  });

  it('batch mode commits many operations as one commit', async () => {
    const replica = await seeded();
    const head = replica.head;
    replica.beginBatch();
    await replica.deliver('INBOX', body(20));
    await replica.store('INBOX', [1, 2], '+', ['$Junk']);
    await replica.expunge('INBOX', [3]);
    expect(replica.head).toBe(head);
    await replica.flush();
    const commit = await commitOf(replica, replica.head);
    expect(commit.parents).toEqual([head]);
    expect(replica.commitCount).toBe(1);
    expect(messagesByUid(replica.state.mailboxes.get('INBOX')!.messages).map((m) => m.uid)).toEqual([1, 2, 4, 5]);
  });
});

describe('crash recovery', () => {
  it('reopens after a crash at any fs call of an operation: stale locks gone, head old or new, acknowledged commits kept', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 40 }), fc.boolean(), fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 2 }), async (crashAt, power, seed, opIndex) => {
        // A twin without faults makes the same commit (same node, clock and input), so it names the new head.
        const operation = async (replica: Replica) => {
          if (opIndex === 0) await replica.deliver('INBOX', body(6));
          else if (opIndex === 1) await replica.store('INBOX', [1, 3], '+', ['\\Seen', '$Junk']);
          else await replica.createMailbox('Archive');
        };
        const run = async (crash: number) => {
          const opts = options('a');
          const replica = await Replica.create(opts, [{ name: 'INBOX', uidValidity: 7, messages: [0, 1].map((i) => ({ body: body(i), flags: [] })) }]);
          await replica.deliver('INBOX', body(5));
          const before = { head: replica.head, state: snapshot(replica.state) };
          opts.fs.callsLeft = crash >= 0 ? crash : Infinity;
          let acked = false;
          try {
            if (crash >= 0) await operation(replica);
            acked = true;
          } catch (error) {
            if (!(error instanceof CrashError)) throw error;
          }
          return { opts, replica, before, after: { head: replica.head, state: snapshot(replica.state) }, acked };
        };
        const twin = await run(Infinity);
        const { opts, before, acked } = await run(crashAt);
        let draws = seed;
        if (power) opts.fs.powerLoss((n) => ((draws = (draws * 1103515245 + 12345) % 2147483648), draws % n));
        opts.fs.callsLeft = Infinity;
        const reopened = await Replica.open({ ...opts, clock: () => START_MS + 99_000 });
        if (acked) expect(reopened.head).toBe(twin.after.head);
        else expect([before.head, twin.after.head]).toContain(reopened.head);
        expect(snapshot(reopened.state)).toEqual(reopened.head === before.head ? before.state : twin.after.state);
        expect([...opts.fs.files.keys()].filter((path) => path.endsWith('.lock'))).toEqual([]);
        const sent = await reopened.transferFor(null);
        expect((await readPack(sent.pack, () => undefined)).length).toBe(sent.objectCount);
        // The client retries; a peer that has only the old head must get every object it lacks.
        if (reopened.head === before.head) await operation(reopened);
        const peer = (await run(-1)).replica;
        const update = await reopened.transferFor(before.head);
        expect((await peer.receive(update.head, update.pack)).kind).toBe(update.head === before.head ? 'up-to-date' : 'fast-forward');
        expect(peer.headTreeId()).toBe(reopened.headTreeId());
        const next = await reopened.deliver('INBOX', body(7));
        expect(next.uid).toBeGreaterThan(Math.max(0, ...messagesByUid(reopened.state.mailboxes.get('INBOX')!.messages).filter((m) => m.guid !== next.guid).map((m) => m.uid)));
      }),
      { numRuns: 120 },
    );
  });

  it('the crash fs does lose unsynced writes (negative control)', async () => {
    const fs = new CrashFs();
    await fs.mkdir('/d');
    await fs.sync();
    await fs.writeFile('/d/x', 'data');
    fs.powerLoss(() => 0);
    await expect(fs.readFile('/d/x')).rejects.toThrow(/ENOENT/);
  });
});

describe('replication', () => {
  it('fast-forward sends exactly the objects the peer lacks, and the peer ends with the same tree', async () => {
    const a = await seeded('a', { kind: 'flat' });
    const b = await Replica.cloneFrom(a, options('b', new CrashFs(), { kind: 'flat' }));
    const known = b.head;
    await a.deliver('INBOX', body(30));
    await a.store('INBOX', [1], '+', ['\\Answered']);
    const sent = await a.transferFor(known);
    const bIds = new Set(b.objectIds());
    const objects = await readPack(sent.pack, (id) => (bIds.has(id) ? b.readObject(id) : undefined));
    for (const object of objects) expect(bIds.has(object.id)).toBe(false);
    expect(objects.length).toBe(new Set(a.objectIds()).size - bIds.size);
    // Thin: the changed trees go as deltas against the versions b holds.
    expect(sent.deltaCount).toBeGreaterThan(0);
    const result = await b.receive(sent.head, sent.pack);
    expect(result.kind).toBe('fast-forward');
    expect(b.head).toBe(a.head);
    expect(snapshot(b.state)).toEqual(snapshot(a.state));
    expect((await b.receive(a.head, null)).kind).toBe('up-to-date');
    expect((await b.receive(known, null)).kind).toBe('ahead');
  });

  it('two replicas merging the same heads make the identical merge commit', async () => {
    const a = await seeded('a');
    const b = await Replica.cloneFrom(a, options('b'));
    const base = a.head;
    await a.store('INBOX', [1], '+', ['\\Flagged']);
    await a.deliver('INBOX', body(40));
    await b.store('INBOX', [2], '-', ['\\Seen']);
    await b.move('INBOX', [3], 'Archive');
    const toB = await a.transferFor(base);
    const toA = await b.transferFor(base);
    const rb = await b.receive(toB.head, toB.pack);
    const ra = await a.receive(toA.head, toA.pack);
    expect(ra.kind).toBe('merge');
    expect(rb.kind).toBe('merge');
    expect(a.head).toBe(b.head);
    const merge = await commitOf(a, a.head);
    expect(merge.author).toBe(MERGE_AUTHOR);
    expect(merge.parents).toEqual([...merge.parents].sort());
    expect(merge.timeMs).toBe(Math.max((await commitOf(a, merge.parents[0]!)).timeMs, (await commitOf(a, merge.parents[1]!)).timeMs));
    expect(a.mergeCount).toBe(1);
    const again = await a.transferFor(b.head);
    expect(again.objectCount).toBe(0);
    // A third replica still at the base gets everything from b, whose history holds commits it received from a.
    const c = await Replica.cloneFrom(await seeded('a'), options('c'));
    expect(c.head).toBe(base);
    const toC = await b.transferFor(base);
    const cIds = new Set(c.objectIds());
    // What a commit wrote is defined by content (its tree against its parents'), so the body
    // blob of a moved message goes again under its new path; nothing else may repeat.
    const dup = (await readPack(toC.pack, (id) => c.readObject(id))).filter((o) => cIds.has(o.id));
    expect(dup.length).toBeLessThanOrEqual(1);
    expect((await c.receive(toC.head, toC.pack)).kind).toBe('fast-forward');
    expect(c.headTreeId()).toBe(a.headTreeId());
    expect(snapshot(c.state)).toEqual(snapshot(a.state));
  });

  it('over a long history with merges, a peer at any known commit gets exactly what it lacks', async () => {
    const a = await seeded('a');
    const b = await Replica.cloneFrom(a, options('b'));
    const root = a.head;
    const heads: string[] = [root];
    for (let round = 0; round < 12; round++) {
      await a.store('INBOX', [1 + (round % 4)], round % 2 ? '-' : '+', [`$K${round % 3}`]);
      await b.deliver('INBOX', body(100 + round));
      if (round % 3 === 2) {
        const toA = await b.transferFor(root);
        await a.receive(toA.head, toA.pack);
        const toB = await a.transferFor(b.head);
        await b.receive(toB.head, toB.pack);
      }
      heads.push(a.head);
    }
    for (const known of [root, heads[4] as string, heads[9] as string]) {
      const peer = known === root ? await Replica.cloneFrom(await seeded('a'), options('c')) : await peerAt(a, known);
      const sent = await a.transferFor(known);
      const peerIds = new Set(peer.objectIds());
      expect((await readPack(sent.pack, (id) => peer.readObject(id))).filter((o) => peerIds.has(o.id))).toEqual([]);
      await peer.receive(sent.head, sent.pack);
      expect(peer.headTreeId()).toBe(a.headTreeId());
    }
  });

  it('refuses torn, truncated, forged or incomplete packs and leaves no trace', async () => {
    const a = await seeded('a', { kind: 'flat' });
    const b = await Replica.cloneFrom(a, options('b', new CrashFs(), { kind: 'flat' }));
    const known = b.head;
    await a.deliver('INBOX', body(50));
    const sent = await a.transferFor(known);
    const { head, state } = b;
    const objectCount = b.objectIds().length;
    const objects = await readPack(sent.pack, (id) => b.readObject(id));
    const flipped = Uint8Array.from(sent.pack);
    flipped[Math.floor(flipped.length / 2)]! ^= 0x40;
    await expect(b.receive(sent.head, flipped)).rejects.toThrow(BadPackError);
    await expect(b.receive(sent.head, sent.pack.subarray(0, sent.pack.length - 7))).rejects.toThrow(BadPackError);
    await expect(b.receive(sent.head, sent.pack.subarray(0, 40))).rejects.toThrow(BadPackError);
    // Well-formed packs that lack the commit, or the new body: refused by the commit walk.
    await expect(b.receive(sent.head, writePack(objects.filter((o) => o.id !== sent.head).map((object) => ({ object }))))).rejects.toThrow(MissingObjectError);
    const newBody = objects.filter((o) => o.type === 'blob').sort((x, y) => y.content.length - x.content.length)[0]!;
    await expect(b.receive(sent.head, writePack(objects.filter((o) => o !== newBody).map((object) => ({ object }))))).rejects.toThrow(MissingObjectError);
    // A thin pack whose delta names a base this replica lacks.
    const stranger = await Replica.create(options('s', new CrashFs(), { kind: 'flat' }), [{ name: 'INBOX', uidValidity: 9, messages: [] }]);
    expect(sent.deltaCount).toBeGreaterThan(0);
    await expect(stranger.receive(sent.head, sent.pack)).rejects.toThrow(PackBaseMissingError);
    expect(b.head).toBe(head);
    expect(b.state).toBe(state);
    expect(b.hasCommit(sent.head)).toBe(false);
    expect(b.objectIds().length).toBe(objectCount);
    expect((await b.receive(sent.head, sent.pack)).kind).toBe('fast-forward');
  });

  it('a receive that fails after a merge moved the head keeps what the head holds: the replica goes on committing and merges the rest again', async () => {
    // a receives two concurrent heads (b's, and c's that b holds) in one push: two merges. A
    // failure at any fs call of it leaves a replica whose graph holds its head's history.
    const setup = async (callsLeft: number) => {
      const optsA = options('a');
      const a = await Replica.create(optsA, [{ name: 'INBOX', uidValidity: 7, messages: [0, 1].map((i) => ({ body: body(i), flags: [] })) }]);
      const b = await Replica.cloneFrom(a, options('b'));
      const c = await Replica.cloneFrom(a, options('c'));
      const base = a.head;
      await a.deliver('INBOX', body(70));
      await b.deliver('INBOX', body(71));
      await c.store('INBOX', [1], '+', ['\\Flagged']);
      const toB = await c.transferFor(base);
      expect((await b.receive(toB.head, toB.pack, { merge: false })).kind).toBe('held');
      const push = await b.transferFor(base);
      expect(push.heads.length).toBe(2);
      optsA.fs.callsLeft = callsLeft;
      const callsBefore = optsA.fs.calls;
      let failed = false;
      let partial: ReceiveResult | undefined;
      try {
        await a.receive(push.heads, push.pack);
      } catch (error) {
        if (!(error instanceof CrashError)) throw error;
        failed = true;
        partial = partialResultOf(error);
      }
      optsA.fs.callsLeft = Infinity;
      return { a, push, failed, partial, calls: optsA.fs.calls - callsBefore };
    };
    const whole = await setup(Infinity);
    expect(whole.a.mergeCount).toBe(2);
    let partly = 0;
    for (let crashAt = 0; crashAt < whole.calls; crashAt++) {
      const { a, push, failed, partial } = await setup(crashAt);
      expect(failed).toBe(true);
      if (a.mergeCount === 1) {
        partly++;
        // What the first merge did stands, and the error says so.
        expect(partial).toMatchObject({ kind: 'merge', head: a.head });
      } else expect(partial).toBeUndefined();
      await a.deliver('INBOX', body(72));
      expect((await a.transferFor(null)).objectCount).toBeGreaterThan(0);
      // The push again (the sender was told it failed), then the merge wait merges a kept held tip.
      await a.receive(push.heads, push.pack);
      await a.mergeHeld();
      expect(a.held()).toBe(false);
      for (const head of push.heads) expect(a.inHead(head)).toBe(true);
    }
    // The case that matters: the first merge committed, the second failed.
    expect(partly).toBeGreaterThan(0);
  });

  it('reopens a merged repository from disk with the same head and state', async () => {
    const a = await seeded('a', { kind: 'flat' });
    const optsB = options('b', new CrashFs(), { kind: 'flat' });
    const b = await Replica.cloneFrom(a, optsB);
    const base = a.head;
    await a.deliver('INBOX', body(60));
    await b.deliver('INBOX', body(61));
    const toB = await a.transferFor(base);
    await b.receive(toB.head, toB.pack);
    const reopened = await Replica.open(optsB);
    expect(reopened.head).toBe(b.head);
    expect(snapshot(reopened.state)).toEqual(snapshot(b.state));
    const fresh = await reopened.deliver('INBOX', body(62));
    expect(fresh.guid).not.toBe(messagesByUid(b.state.mailboxes.get('INBOX')!.messages).at(-1)!.guid);
  });

  it('settle commits the strategy follow-up once and nothing when there is none', async () => {
    const settling: UidStrategy = {
      ...unionStrategy,
      assignsUids: () => false,
      settle(state: StoreState) {
        const inbox = state.mailboxes.get('INBOX')!;
        const pending = messagesByUid(inbox.messages).filter((m) => m.uid === 0);
        if (pending.length === 0) return null;
        let uidNext = inbox.uidNext;
        const messages = messageMapFrom([...allMessages(inbox.messages)].map((m) => (m.uid === 0 ? { ...m, uid: uidNext++ } : m)));
        return { mailboxes: new Map(state.mailboxes).set('INBOX', { ...inbox, uidNext, messages }) };
      },
    };
    const replica = await Replica.create({ ...options('a'), strategy: settling }, [{ name: 'INBOX', uidValidity: 1, messages: [] }]);
    const delivered = await replica.deliver('INBOX', body(70));
    expect(delivered.uid).toBe(0);
    expect(await replica.settle({ node: 'a', leaseFor: () => 1 })).toBe(true);
    expect(messagesByUid(replica.state.mailboxes.get('INBOX')!.messages).map((m) => m.uid)).toEqual([1]);
    expect(await replica.settle({ node: 'a', leaseFor: () => 1 })).toBe(false);
  });
});
