// Proves that a merge's result is a function of the logical states alone: the same steps on three replicas (writes, and pushes that merge, so criss-cross histories too), merged by one of them, give the same mailboxes (UIDVALIDITY, UIDNEXT, MODSEQs, messages with UIDs and flags) under every layout, whatever bucket fanout or index files map them to trees. Negative control: the order in which held heads are merged reaches the merged UIDs, so an order by commit id (which follows the layout's tree ids, as it did) makes the check fail; the control shows the two orders give different states.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Replica, type LayoutSpec, type ReplicaOptions } from '../../core/replica/replica.ts';
import { renumberStrategy } from '../../core/strategies/renumber.ts';
import { messagesByUid } from '../../core/messageMap.ts';
import type { StoreState } from '../../core/state.ts';
import { CrashFs } from './crashFs.ts';

const START_MS = 1_764_326_400_000;

/** 4 and 4,096 directories per level, 256 in one level, flat cur/, and flags in index files. */
const LAYOUTS: readonly LayoutSpec[] = [
  { kind: 'fanout', width: 1, depth: 6, digitBits: 2 },
  { kind: 'fanout', width: 3, depth: 1 },
  { kind: 'fanout', width: 2, depth: 1 },
  { kind: 'flat' },
  { kind: 'flags-apart' },
];

function body(tag: string): Uint8Array {
  return new TextEncoder().encode(`Message-ID: <${tag}@test>\r\nSubject: ${tag}\r\n\r\nbody ${tag}\r\n`);
}

function options(node: string, layout: LayoutSpec): ReplicaOptions {
  let now = START_MS;
  return { node, fs: new CrashFs(), dir: '/repo', layout, strategy: renumberStrategy, clock: () => (now += 1000) };
}

/** A client write on one replica, or a push between two (which merges there when `merge`: criss-cross histories). */
type Step = { node: number; kind: 'deliver' | 'flag' | 'expunge' | 'move' | 'push'; uid: number; to: number; merge: boolean };

/** A state as plain data in canonical order: what a client could observe, nothing of the layout. */
function logical(state: StoreState): unknown {
  return [...state.mailboxes.values()].map((m) => ({
    name: m.name, uidValidity: m.uidValidity, uidNext: m.uidNext, highestModseq: m.highestModseq, keywords: m.keywords,
    messages: messagesByUid(m.messages).map((x) => ({ guid: x.guid, uid: x.uid, modseq: x.modseq, flags: x.flags, blobId: x.blobId })),
  }));
}

async function push(from: Replica, to: Replica, merge: boolean): Promise<void> {
  const sent = await from.transferFor(to.commitIds());
  await to.receive(sent.heads, sent.pack, { merge });
}

/** Steps on three clones of one seed, then replica 0 takes the others' commits (held) and merges them. */
async function mergedAt(layout: LayoutSpec, steps: readonly Step[]): Promise<unknown> {
  const seed = await Replica.create(options('seed', layout), [
    { name: 'INBOX', uidValidity: 7, messages: [0, 1, 2, 3].map((i) => ({ body: body(`init${i}`), flags: [] })) },
    { name: 'Archive', uidValidity: 9, messages: [] },
  ]);
  const replicas = await Promise.all(['a', 'b', 'c'].map((node) => Replica.cloneFrom(seed, options(node, layout))));
  for (const [index, step] of steps.entries()) {
    const replica = replicas[step.node] as Replica;
    const uid = 1 + (step.uid % 4);
    if (step.kind === 'deliver') await replica.deliver('INBOX', body(`w${index}`));
    else if (step.kind === 'flag') await replica.store('INBOX', [uid], '+', [`$k${index % 3}`]);
    else if (step.kind === 'expunge') await replica.expunge('INBOX', [uid]);
    else if (step.kind === 'move') await replica.move('INBOX', [uid], 'Archive');
    else if (step.to !== step.node) await push(replica, replicas[step.to] as Replica, step.merge);
  }
  const merger = replicas[0] as Replica;
  for (const peer of replicas.slice(1)) await push(peer, merger, false);
  await merger.mergeHeld();
  return logical(merger.state);
}

const KINDS = ['deliver', 'flag', 'expunge', 'move', 'push', 'push'] as const;
const stepsArb = fc.array(fc.record({ node: fc.nat(2), kind: fc.constantFrom(...KINDS), uid: fc.nat(3), to: fc.nat(2), merge: fc.boolean() }), { minLength: 2, maxLength: 14 });

describe('merge results under different layouts', () => {
  it('are the same logical state for the same writes', async () => {
    await fc.assert(
      fc.asyncProperty(stepsArb, async (steps) => {
        const results = await Promise.all(LAYOUTS.map((layout) => mergedAt(layout, steps)));
        for (const result of results.slice(1)) expect(result).toEqual(results[0]);
      }),
      { numRuns: 60, seed: 20261207 },
    );
  }, 120_000);

  it('differ when the held heads are merged in another order (negative control)', async () => {
    const layout = LAYOUTS[0] as LayoutSpec;
    const inOrder = async (order: readonly number[]): Promise<unknown> => {
      const seed = await Replica.create(options('seed', layout), [{ name: 'INBOX', uidValidity: 7, messages: [{ body: body('init'), flags: [] }] }]);
      const replicas = await Promise.all(['a', 'b', 'c'].map((node) => Replica.cloneFrom(seed, options(node, layout))));
      for (const [index, replica] of replicas.entries()) await replica.deliver('INBOX', body(`w${index}`));
      for (const peer of order) await push(replicas[peer] as Replica, replicas[0] as Replica, true);
      return logical((replicas[0] as Replica).state);
    };
    expect(await inOrder([1, 2])).not.toEqual(await inOrder([2, 1]));
  });
});
