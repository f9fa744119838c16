// Proves that replicas converge with bounded merges when one designated replica merges: the same commits, pushed between replicas in any order with drops and duplicates, end with every replica on one head, and no merge commit is made but by the merger (at most one per receive that brought it concurrent commits). Negative control: with every replica merging (the old pairwise rule) the bound fails.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Replica, type LayoutSpec, type ReplicaOptions } from '../../core/replica/replica.ts';
import { renumberStrategy } from '../../core/strategies/renumber.ts';
import { CrashFs } from './crashFs.ts';

const NODES = ['a', 'b', 'c', 'd'] as const;
const START_MS = 1_764_326_400_000;
/** Full rounds of every replica pushing to every other after the random deliveries: enough to settle 4 replicas. */
const SETTLE_ROUNDS_MAX = 6;

function body(tag: string): Uint8Array {
  return new TextEncoder().encode(`Message-ID: <${tag}@test>\r\nSubject: ${tag}\r\n\r\nbody ${tag}\r\n`);
}

/** The merge works on logical states, so it must converge alike whatever the layout maps them to. */
const LAYOUTS: readonly LayoutSpec[] = [{ kind: 'fanout', width: 1, depth: 2 }, { kind: 'flags-apart' }];

function options(node: string, layout: LayoutSpec): ReplicaOptions {
  let now = START_MS;
  return { node, fs: new CrashFs(), dir: '/repo', layout, strategy: renumberStrategy, clock: () => (now += 1000) };
}

type Write = { node: number; kind: 'deliver' | 'flag'; uid: number };
type Delivery = { from: number; to: number; drop: boolean; twice: boolean };

interface Outcome {
  readonly heads: readonly string[];
  readonly trees: readonly string[];
  readonly mergeCommits: number;
  readonly writeCount: number;
  readonly mergerMerges: number;
}

async function run(writes: readonly Write[], deliveries: readonly Delivery[], allMerge: boolean, layout: LayoutSpec = LAYOUTS[0] as LayoutSpec): Promise<Outcome> {
  const seed = await Replica.create(options('seed', layout), [{ name: 'INBOX', uidValidity: 7, messages: [0, 1, 2].map((i) => ({ body: body(`init${i}`), flags: [] })) }]);
  const replicas = await Promise.all(NODES.map((node) => Replica.cloneFrom(seed, options(node, layout))));
  const merges = new Set<string>();
  let mergerMerges = 0;
  let writeCount = 0;
  const push = async (from: number, to: number): Promise<void> => {
    const sender = replicas[from] as Replica;
    const receiver = replicas[to] as Replica;
    const sent = await sender.transferFor(receiver.commitIds());
    const result = await receiver.receive(sent.heads, sent.pack, { merge: allMerge || to === 0 });
    if (result.kind === 'merge') {
      merges.add(result.head);
      if (to === 0) mergerMerges++;
    }
  };
  for (const [index, write] of writes.entries()) {
    const replica = replicas[write.node % NODES.length] as Replica;
    if (write.kind === 'deliver') await replica.deliver('INBOX', body(`w${index}`));
    else await replica.store('INBOX', [1 + (write.uid % 3)], '+', [`$k${index}`]);
    writeCount++;
    const delivery = deliveries[index];
    if (delivery && !delivery.drop && delivery.from !== delivery.to) {
      await push(delivery.from % NODES.length, delivery.to % NODES.length);
      if (delivery.twice) await push(delivery.from % NODES.length, delivery.to % NODES.length);
    }
  }
  for (let round = 0; round < SETTLE_ROUNDS_MAX; round++) {
    for (let from = 0; from < NODES.length; from++) for (let to = 0; to < NODES.length; to++) if (from !== to) await push(from, to);
  }
  return { heads: replicas.map((r) => r.head), trees: replicas.map((r) => r.headTreeId()), mergeCommits: merges.size, writeCount, mergerMerges };
}

const writesArb = fc.array(fc.record({ node: fc.nat(3), kind: fc.constantFrom('deliver' as const, 'flag' as const), uid: fc.nat(2) }), { minLength: 2, maxLength: 8 });
const deliveriesArb = fc.array(fc.record({ from: fc.nat(3), to: fc.nat(3), drop: fc.boolean(), twice: fc.boolean() }), { maxLength: 8 });

/** Every replica on one head, and merges only by the merger, at most one per client write. */
function convergedWithBoundedMerges(outcome: Outcome): boolean {
  return new Set(outcome.heads).size === 1 && new Set(outcome.trees).size === 1 && outcome.mergeCommits === outcome.mergerMerges && outcome.mergeCommits <= outcome.writeCount;
}

describe('replication with a designated merger', () => {
  it.each(LAYOUTS)('converges on one head with merges only by the merger, whatever the order, drops and duplicates (%j)', async (layout) => {
    await fc.assert(
      fc.asyncProperty(writesArb, deliveriesArb, async (writes, deliveries) => {
        const outcome = await run(writes, deliveries, false, layout);
        expect(new Set(outcome.heads).size).toBe(1);
        expect(convergedWithBoundedMerges(outcome)).toBe(true);
      }),
      { numRuns: 40, seed: 20261201 },
    );
  }, 120_000);

  it('negative control: with every replica merging (the pairwise rule) the bound fails', async () => {
    const result = await fc.check(
      fc.asyncProperty(writesArb, deliveriesArb, async (writes, deliveries) => convergedWithBoundedMerges(await run(writes, deliveries, true))),
      { numRuns: 40, seed: 20261201 },
    );
    expect(result.failed).toBe(true);
  }, 120_000);
});
