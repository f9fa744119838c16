// Proves that a crash at every write point of deliver, store, move and merge, as a process crash or a power loss, loses no acknowledged change, and that every recovered repository passes `git fsck --strict`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Volume, createFsFromVolume } from 'memfs';
import { describe, expect, it } from 'vitest';
import { exportReplica } from '../../core/export.ts';
import { replicaFsFrom, type PromisesFsLike } from '../../core/fsTypes.ts';
import { allMessages } from '../../core/messageMap.ts';
import { Replica, type ReplicaOptions } from '../../core/replica/replica.ts';
import type { StoreState } from '../../core/state.ts';
import { strategyByName } from '../../core/strategies/registry.ts';
import { messageBody } from '../../sim/clients.ts';
import { CrashError, FaultyFs } from '../../sim/faultyFs.ts';
import { Rng } from '../../sim/rng.ts';

type OpName = 'deliver' | 'store' | 'move' | 'merge';
type Mode = 'process' | 'power';
/** Write points tried per operation; every operation here finishes within this many. */
const WRITE_POINTS_MAX = 60;

function options(node: string, fs: FaultyFs | ReturnType<typeof replicaFsFrom>): ReplicaOptions {
  let tickMs = 1_793_491_200_000;
  return { node, fs, dir: '/repo', layout: { kind: 'fanout', width: 2, depth: 1 }, strategy: strategyByName('renumber'), clock: () => (tickMs += 1_000) };
}

function volume(node: string): FaultyFs {
  return new FaultyFs(node, createFsFromVolume(new Volume()).promises as unknown as PromisesFsLike);
}

function body(id: string): Uint8Array {
  return messageBody(`<${id}@crash.test>`, 400, Rng.root(1));
}

function find(state: StoreState, guid: string): { mailbox: string; flags: readonly string[] } | null {
  for (const [name, mailbox] of state.mailboxes) for (const m of allMessages(mailbox.messages)) if (m.guid === guid) return { mailbox: name, flags: m.flags };
  return null;
}

interface Expectation {
  readonly guid: string;
  readonly mailbox: string;
  readonly flag?: string;
}

/** Builds a replica with acknowledged history, runs `op` with a crash armed at write point `k`. */
async function crashAt(op: OpName, k: number, mode: Mode): Promise<{ crashed: boolean; replica: Replica; acked: Expectation[] }> {
  const fs = volume('a');
  const initial = [{ name: 'INBOX', uidValidity: 7, messages: [{ body: body('p1'), flags: [] }, { body: body('p2'), flags: ['\\Seen'] }] }, { name: 'Archive', uidValidity: 8, messages: [] }];
  let replica = await Replica.create(options('a', fs), initial);
  const peer = await Replica.cloneFrom(replica, options('b', replicaFsFrom(createFsFromVolume(new Volume()).promises as unknown as PromisesFsLike)));
  const forkHead = replica.head;
  const pre = await replica.deliver('INBOX', body('pre'));
  await replica.store('INBOX', [pre.uid], '+', ['\\Flagged']);
  const acked: Expectation[] = [{ guid: pre.guid, mailbox: 'INBOX', flag: '\\Flagged' }];
  const inboxGuid = (uid: number): string => [...allMessages(replica.state.mailboxes.get('INBOX')?.messages ?? { buckets: [], size: 0 })].find((m) => m.uid === uid)?.guid ?? '';
  let pending: () => Promise<Expectation[]>;
  if (op === 'deliver') pending = async () => [{ guid: (await replica.deliver('INBOX', body('x'))).guid, mailbox: 'INBOX' }];
  else if (op === 'store') pending = async () => (await replica.store('INBOX', [1], '+', ['\\Answered']), [{ guid: inboxGuid(1), mailbox: 'INBOX', flag: '\\Answered' }]);
  else if (op === 'move') pending = async () => { const guid = inboxGuid(2); await replica.move('INBOX', [2], 'Archive'); return [{ guid, mailbox: 'Archive' }]; };
  else {
    const theirs = await peer.deliver('INBOX', body('peer'));
    await peer.store('INBOX', [1], '+', ['\\Draft']);
    const sent = await peer.transferFor(forkHead);
    pending = async () => (await replica.receive(sent.head, sent.pack), [{ guid: theirs.guid, mailbox: 'INBOX' }, { guid: inboxGuid(1), mailbox: 'INBOX', flag: '\\Draft' }]);
  }
  fs.armCrash(k);
  let crashed = false;
  try {
    acked.push(...(await pending()));
  } catch (error) {
    if (!(error instanceof CrashError)) throw error;
    crashed = true;
  }
  fs.disarm();
  // A power loss strikes after the crash, or right after the acknowledgement.
  if (mode === 'power') await fs.losePower(Rng.root(k).stream('power'));
  fs.crashNow();
  fs.restart();
  replica = await Replica.open(options('a', fs));
  return { crashed, replica, acked };
}

function fsck(replica: Replica): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'mailsim-crash-'));
  return exportReplica(replica, replicaFsFrom(fsp as unknown as PromisesFsLike), dir)
    .then(() => execFileSync('git', ['-C', join(dir, 'repo.git'), 'fsck', '--strict'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }))
    .finally(() => rmSync(dir, { recursive: true, force: true }));
}

describe('crashes at every write point', () => {
  for (const op of ['deliver', 'store', 'move', 'merge'] as const) {
    for (const mode of ['process', 'power'] as const) {
      it(`${op}, ${mode} crash: acknowledged changes survive and git fsck passes`, async () => {
        let points = 0;
        for (let k = 0; k < WRITE_POINTS_MAX; k++) {
          const { crashed, replica, acked } = await crashAt(op, k, mode);
          for (const expectation of acked) {
            const found = find(replica.state, expectation.guid);
            expect(found?.mailbox, `${op} k=${k}: ${expectation.guid}`).toBe(expectation.mailbox);
            if (expectation.flag) expect(found?.flags).toContain(expectation.flag);
          }
          await fsck(replica);
          points++;
          if (!crashed) break;
        }
        // The loop must have reached a point past the operation's last write.
        expect(points).toBeGreaterThan(2);
        expect(points).toBeLessThan(WRITE_POINTS_MAX);
      });
    }
  }

  it('negative control: with durability lagging one sync behind (acknowledging before the ref update is durable), a power loss loses an acknowledged delivery', async () => {
    let lost = 0;
    for (let seed = 0; seed < 20; seed++) {
      const fs = volume('a');
      await Replica.create(options('a', fs), [{ name: 'INBOX', uidValidity: 7, messages: [] }]);
      fs.setDurabilityLag(true);
      const replica = await Replica.open(options('a', fs));
      const acked = await replica.deliver('INBOX', body('lost'));
      await fs.losePower(Rng.root(seed).stream('power'));
      fs.crashNow();
      fs.restart();
      const reopened = await Replica.open(options('a', fs));
      if (find(reopened.state, acked.guid) === null) lost++;
      await fsck(reopened);
    }
    expect(lost).toBeGreaterThan(0);
  });
});
