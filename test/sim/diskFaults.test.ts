// Proves each disk fault happens and the reference replica handles it: rot and misdirected writes are found by the id check on read (never served, never sent) and repaired from a peer's full pack; EIO and ENOSPC fail the operation without a trace, and a transient EIO at open leaves the file for the next open. The trust-reads control shows the id check is what catches a misdirected write.
import { Volume, createFsFromVolume } from 'memfs';
import { describe, expect, it } from 'vitest';
import type { PromisesFsLike } from '../../core/fsTypes.ts';
import { allMessages } from '../../core/messageMap.ts';
import { blobFrom } from '../../core/objects.ts';
import { CorruptObjectError, Replica, type ReplicaOptions } from '../../core/replica/replica.ts';
import { strategyByName } from '../../core/strategies/registry.ts';
import { messageBody } from '../../sim/clients.ts';
import { applyDiskFault } from '../../sim/diskFaults.ts';
import { DiskError, FaultyFs } from '../../sim/faultyFs.ts';
import { Rng } from '../../sim/rng.ts';
import { newVolumeFs } from '../../sim/volume.ts';

function options(node: string, fs: FaultyFs, trustReads = false): ReplicaOptions {
  let tickMs = 1_793_491_200_000;
  return { node, fs, dir: '/repo', layout: { kind: 'fanout', width: 2, depth: 1 }, strategy: strategyByName('renumber'), clock: () => (tickMs += 1_000), ...(trustReads ? { trustReads } : {}) };
}

function body(id: string): Uint8Array {
  return messageBody(`<${id}@disk.test>`, 400, Rng.root(1));
}

/** A replica `a` on a faulty volume with two delivered messages, and its peer `b` holding the same. */
async function pair(trustReads = false): Promise<{ fs: FaultyFs; a: Replica; b: Replica; guids: string[] }> {
  const fs = new FaultyFs('a', newVolumeFs());
  const seed = await Replica.create(options('seed', new FaultyFs('seed', newVolumeFs())), [{ name: 'INBOX', uidValidity: 7, messages: [{ body: body('p1'), flags: [] }] }]);
  const a = await Replica.cloneFrom(seed, options('a', fs, trustReads));
  const b = await Replica.cloneFrom(seed, options('b', new FaultyFs('b', newVolumeFs())));
  const guids = [(await a.deliver('INBOX', body('m1'))).guid, (await a.deliver('INBOX', body('m2'))).guid];
  const transfer = await a.transferFor(b.head);
  await b.receive(transfer.heads, transfer.pack);
  return { fs, a, b, guids };
}

function guidsOf(replica: Replica): string[] {
  return [...allMessages(replica.state.mailboxes.get('INBOX')?.messages ?? { buckets: [], size: 0 })].map((m) => m.guid).sort();
}

/** The object file of `id` on a replica's volume. */
function objectFile(id: string): string {
  return `/repo/objects/${id.slice(0, 2)}/${id.slice(2)}`;
}

describe('bit rot', () => {
  it('a rotten object is never read as good: the read fails, and a push that needs it is not built', async () => {
    const { fs, a } = await pair();
    const initialBlob = a.objectIds().find((id) => fs.syncedObjectFiles().includes(objectFile(id)) && id !== a.head) as string;
    await fs.rot(objectFile(initialBlob), 10);
    await expect(a.readObject(initialBlob)).rejects.toBeInstanceOf(CorruptObjectError);
    expect(a.objectIds()).not.toContain(initialBlob);
  });

  it('the rot strikes a synced object file (drawn from the disk stream), and the replica repairs from a peer at open', async () => {
    const { fs, a, b, guids } = await pair();
    const report = await applyDiskFault(fs, { kind: 'rot', node: 'a' }, Rng.root(3));
    expect(report?.path).toMatch(/^\/repo\/objects\//);
    fs.crashNow();
    fs.restart();
    // Whatever it struck, the head's state reads back whole or the open refuses: never a wrong state.
    const opened = await Replica.open(options('a', fs)).catch((error: unknown) => error);
    if (opened instanceof Replica) expect(guidsOf(opened)).toEqual(guidsOf(a));
    else {
      const full = await b.transferFor(null);
      const repaired = await Replica.open(options('a', fs), { pack: full.pack });
      expect(repaired.head).toBe(a.head);
      expect(guidsOf(repaired)).toEqual(guidsOf(a));
    }
    expect(guidsOf(a)).toEqual(expect.arrayContaining(guids));
  });
});

describe('misdirected writes', () => {
  for (const how of ['other-path', 'other-bytes'] as const) {
    it(`${how}: the acknowledged write is found damaged at open and repaired from the peer that holds it`, async () => {
      const { fs, a, b } = await pair();
      fs.misdirectNext(how, (paths) => paths[0]);
      const { guid } = await a.deliver('INBOX', body('m3'));
      const transfer = await a.transferFor(b.head);
      await b.receive(transfer.heads, transfer.pack);
      fs.crashNow();
      fs.restart();
      await expect(Replica.open(options('a', fs))).rejects.toMatchObject({ code: expect.stringMatching(/^E_(MISSING_OBJECT|BAD_OBJECT|OBJECT_ID)$/) });
      const repaired = await Replica.open(options('a', fs), { pack: (await b.transferFor(null)).pack });
      expect(repaired.head).toBe(a.head);
      expect(guidsOf(repaired)).toContain(guid);
    });
  }

  it('control: the id check is what catches it; a replica that trusts what it reads takes another object for the one named', async () => {
    const misdirected = async (trustReads: boolean): Promise<{ a: Replica; b: Replica; id: string }> => {
      const { fs, a, b } = await pair(trustReads);
      // The initial message's body: written at clone, so no cache of recent writes holds it.
      const victim = objectFile(blobFrom(body('p1')).id);
      const other = fs.syncedObjectFiles().find((path) => path !== victim) as string;
      // Another whole object's bytes at the victim's path: zlib is happy, only the id check is not.
      fs.misdirectNext('other-bytes', () => other);
      await fs.writeFile(victim, new Uint8Array([1]));
      return { a, b, id: victim.slice('/repo/objects/'.length).replace('/', '') };
    };
    const checking = await misdirected(false);
    await expect(checking.a.readObject(checking.id)).rejects.toBeInstanceOf(CorruptObjectError);
    const trusting = await misdirected(true);
    const read = await trusting.a.readObject(trusting.id);
    const truth = await trusting.b.readObject(trusting.id);
    expect(read.id).toBe(truth.id);
    expect(Buffer.from(read.content).equals(Buffer.from(truth.content))).toBe(false);
  });
});

describe('EIO and ENOSPC', () => {
  it('EIO on write: the operation fails, nothing of it stays, and the next one succeeds', async () => {
    const { fs, a } = await pair();
    const before = { head: a.head, guids: guidsOf(a) };
    await applyDiskFault(fs, { kind: 'eio', node: 'a', op: 'write' }, Rng.root(1));
    await expect(a.deliver('INBOX', body('lost'))).rejects.toSatisfy((error: unknown) => error instanceof DiskError && error.code === 'EIO');
    expect({ head: a.head, guids: guidsOf(a) }).toEqual(before);
    const { guid } = await a.deliver('INBOX', body('kept'));
    fs.crashNow();
    fs.restart();
    const reopened = await Replica.open(options('a', fs));
    expect(guidsOf(reopened)).toEqual([...before.guids, guid].sort());
  });

  it('ENOSPC: every write fails while the disk is full; the replica refuses operations and takes them again once freed', async () => {
    const { fs, a } = await pair();
    const before = guidsOf(a);
    await applyDiskFault(fs, { kind: 'disk-full', node: 'a' }, Rng.root(1));
    const uid = [...allMessages(a.state.mailboxes.get('INBOX')?.messages ?? { buckets: [], size: 0 })][0]?.uid as number;
    await expect(a.store('INBOX', [uid], '+', ['\\Flagged'])).rejects.toMatchObject({ code: 'ENOSPC' });
    await expect(a.deliver('INBOX', body('full'))).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(guidsOf(a)).toEqual(before);
    await applyDiskFault(fs, { kind: 'disk-free', node: 'a' }, Rng.root(1));
    await a.deliver('INBOX', body('room'));
    expect(guidsOf(a)).toHaveLength(before.length + 1);
  });

  it('EIO on read at open: the unreadable file is kept, the open fails, and the next open succeeds', async () => {
    const { fs, a } = await pair();
    fs.crashNow();
    fs.restart();
    await applyDiskFault(fs, { kind: 'eio', node: 'a', op: 'read' }, Rng.root(1));
    const first = await Replica.open(options('a', fs)).catch((error: unknown) => error);
    // The first file read failed: the object counts as lacking, so the head's history is incomplete.
    expect(first).toMatchObject({ code: 'E_MISSING_OBJECT' });
    const second = await Replica.open(options('a', fs));
    expect(second.head).toBe(a.head);
    expect(guidsOf(second)).toEqual(guidsOf(a));
  });
});

describe('the volume', () => {
  it('a failed write changes nothing on the volume', async () => {
    const fs = new FaultyFs('v', createFsFromVolume(new Volume()).promises as unknown as PromisesFsLike);
    await fs.mkdir('/d');
    fs.setFull(true);
    await expect(fs.writeFile('/d/x', 'data')).rejects.toMatchObject({ code: 'ENOSPC' });
    fs.setFull(false);
    await expect(fs.readFile('/d/x')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
