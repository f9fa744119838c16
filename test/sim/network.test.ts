// Proves the Network: every send, delivery and drop is recorded; symmetric, one-way and bridged partitions cut exactly the links they name; loss, duplication and reordering happen at their configured rates over a fixed set of seeds; a payload travels as a value, so neither the sender nor one receiver can change what another receiver gets.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { NetworkConfig } from '../../sim/config.ts';
import { History } from '../../sim/history.ts';
import type { HistoryRecord } from '../../sim/historyTypes.ts';
import { type Envelope, Network } from '../../sim/network.ts';
import { Rng } from '../../sim/rng.ts';
import { Scheduler } from '../../sim/scheduler.ts';

const NODES = ['a', 'b', 'c', 'd', 'e'] as const;
/** The seeds every statistical test runs over: fixed, so a test is a deterministic check. */
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8] as const;

const quiet: NetworkConfig = { latency: { kind: 'uniform', minMs: 10, maxMs: 10 }, loss: 0, duplication: 0, reorder: 0 };

interface Received {
  readonly atMs: number;
  readonly envelope: Envelope;
}

function world(config: Partial<NetworkConfig> = {}, seed = 1) {
  const scheduler = new Scheduler({ eventsMax: 10_000_000, timeMsMax: 1_000_000_000 });
  const history = new History(() => scheduler.nowMs);
  const net = new Network(NODES, { ...quiet, ...config }, scheduler, Rng.root(seed).stream('net'), history);
  const received: Received[] = [];
  for (const node of NODES) net.onReceive(node, (envelope) => void received.push({ atMs: scheduler.nowMs, envelope }));
  const ofType = (f: string): HistoryRecord[] => history.records.filter((r) => r.process === 'net' && r.f === f);
  const dropReasons = (): string[] => ofType('drop').map((r) => (r.value as { reason: string }).reason);
  return { scheduler, history, net, received, ofType, dropReasons };
}

/** Sends one probe on every ordered pair, runs the queue, and returns the pairs that got through. */
async function reachable(w: ReturnType<typeof world>): Promise<Set<string>> {
  const start = w.received.length;
  for (const from of NODES) for (const to of NODES) if (from !== to) w.net.send(from, to, 'probe', 1, null);
  await w.scheduler.run();
  return new Set(w.received.slice(start).map((r) => `${r.envelope.from}>${r.envelope.to}`));
}

function allPairs(): string[] {
  return NODES.flatMap((from) => NODES.filter((to) => to !== from).map((to) => `${from}>${to}`));
}

/** |observed - expected| stays below `sigmas` standard deviations of a binomial(n, p). */
function withinBinomial(observed: number, n: number, p: number, sigmas: number): boolean {
  return Math.abs(observed - n * p) <= sigmas * Math.sqrt(n * p * (1 - p));
}

describe('Network basics', () => {
  it('delivers a message with its size and payload after the link latency, and records send then deliver', async () => {
    const w = world();
    w.scheduler.at(5, 'send', () => w.net.send('a', 'b', 'push', 1234, { head: 'x' }));
    await w.scheduler.run();
    expect(w.received).toHaveLength(1);
    const first = w.received[0] as Received;
    expect(first.atMs).toBe(15);
    expect(first.envelope).toMatchObject({ from: 'a', to: 'b', kind: 'push', sizeBytes: 1234, payload: { head: 'x' } });
    expect(w.history.records.map((r) => [r.timeMs, r.node, r.f, r.value])).toEqual([
      [5, 'a', 'send', { id: first.envelope.id, from: 'a', to: 'b', kind: 'push', sizeBytes: 1234 }],
      [15, 'b', 'deliver', { id: first.envelope.id, from: 'a', to: 'b', kind: 'push' }],
    ]);
  });

  it('counts wire bytes by kind, duplicates included, lost messages included', async () => {
    const w = world({ duplication: 1 });
    w.net.send('a', 'b', 'push', 100, null);
    w.net.send('a', 'c', 'head', 7, null);
    await w.scheduler.run();
    expect(w.net.wireBytesByKind()).toEqual({ head: 14, push: 200 });
    const lossy = world({ loss: 1 });
    lossy.net.send('a', 'b', 'push', 100, null);
    expect(lossy.net.wireBytesByKind()).toEqual({ push: 100 });
  });

  // Each message is sent SPACING_MS after the previous one, longer than any latency here,
  // so the link's in-order delivery never holds one back behind another.
  const SPACING_MS = 1_000;

  it('keeps latency within a uniform range, and honours a per-link override', async () => {
    const w = world({ latency: { kind: 'uniform', minMs: 5, maxMs: 50 } });
    w.net.setLinkLatency('a', 'b', { kind: 'uniform', minMs: 200, maxMs: 200 });
    for (let i = 0; i < 300; i++) {
      w.scheduler.at(i * SPACING_MS, 'send', () => {
        w.net.send('c', 'd', 'x', 1, null);
        w.net.send('a', 'b', 'x', 1, null);
      });
    }
    await w.scheduler.run();
    const delay = (r: Received): number => r.atMs % SPACING_MS;
    const cd = w.received.filter((r) => r.envelope.from === 'c').map(delay);
    expect(Math.min(...cd)).toBe(5);
    expect(Math.max(...cd)).toBe(50);
    expect(w.received.filter((r) => r.envelope.from === 'a').every((r) => delay(r) === 200)).toBe(true);
    // The override is one-directional: b -> a keeps the default.
    const sentMs = w.scheduler.nowMs;
    w.net.send('b', 'a', 'x', 1, null);
    await w.scheduler.run();
    expect((w.received.at(-1) as Received).atMs - sentMs).toBeLessThanOrEqual(50);
  });

  it('draws exponential latency with about the configured mean, capped, and at least 1 ms', async () => {
    const w = world({ latency: { kind: 'exponential', meanMs: 20, maxMs: 100 } });
    const n = 5000;
    for (let i = 0; i < n; i++) w.scheduler.at(i * SPACING_MS, 'send', () => w.net.send('a', 'b', 'x', 1, null));
    await w.scheduler.run();
    const delays = w.received.map((r) => r.atMs % SPACING_MS);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...delays)).toBe(100);
    const mean = delays.reduce((s, d) => s + d, 0) / n;
    expect(mean).toBeGreaterThan(18);
    expect(mean).toBeLessThan(22);
  });

  it('delivers in order on one link (a TCP connection), unless a message is reordered', async () => {
    const inOrder = world({ latency: { kind: 'uniform', minMs: 1, maxMs: 100 } });
    for (let i = 0; i < 200; i++) inOrder.net.send('a', 'b', 'x', 1, i);
    await inOrder.scheduler.run();
    const order = inOrder.received.map((r) => r.envelope.payload as number);
    expect(order).toEqual([...order].sort((x, y) => x - y));
    const shuffled = world({ latency: { kind: 'uniform', minMs: 1, maxMs: 100 }, reorder: 0.3 });
    for (let i = 0; i < 200; i++) shuffled.net.send('a', 'b', 'x', 1, i);
    await shuffled.scheduler.run();
    const order2 = shuffled.received.map((r) => r.envelope.payload as number);
    expect(order2).not.toEqual([...order2].sort((x, y) => x - y));
  });

  it('drops a message to a node that is down, or that has no receiver, and records why', async () => {
    const w = world();
    w.net.setLiveness((node) => node !== 'c');
    w.net.send('a', 'c', 'x', 1, null);
    await w.scheduler.run();
    expect(w.received).toHaveLength(0);
    expect(w.dropReasons()).toEqual(['down']);

    const scheduler = new Scheduler({ eventsMax: 100, timeMsMax: 1000 });
    const history = new History(() => scheduler.nowMs);
    const bare = new Network(NODES, quiet, scheduler, Rng.root(1), history);
    bare.send('a', 'b', 'x', 1, null);
    await scheduler.run();
    expect(history.records.map((r) => r.f)).toEqual(['send', 'drop']);
    expect((history.records[1]?.value as { reason: string }).reason).toBe('no-receiver');
  });

  it('refuses a send that names an unknown node', () => {
    const w = world();
    expect(() => w.net.send('a', 'zz', 'x', 1, null)).toThrow(/unknown/);
  });

  it('awaits an async receiver before the next event runs', async () => {
    const w = world();
    const order: string[] = [];
    w.net.onReceive('b', async () => {
      order.push('recv:start');
      await Promise.resolve();
      await Promise.resolve();
      order.push('recv:end');
    });
    w.net.send('a', 'b', 'x', 1, null);
    w.scheduler.at(10, 'same-time', () => void order.push('next'));
    await w.scheduler.run();
    expect(order).toEqual(['recv:start', 'recv:end', 'next']);
  });
});

describe('Network partitions', () => {
  it('a symmetric partition cuts every link between groups, both ways; unlisted nodes form one more group; heal restores all', async () => {
    const w = world();
    w.net.partition([['a', 'b'], ['c']]);
    expect(w.net.partitioned).toBe(true);
    const got = await reachable(w);
    expect([...got].sort()).toEqual(['a>b', 'b>a', 'd>e', 'e>d']);
    expect(w.dropReasons().every((r) => r === 'partition')).toBe(true);
    expect(w.dropReasons()).toHaveLength(allPairs().length - 4);
    w.net.heal();
    expect(w.net.partitioned).toBe(false);
    expect([...(await reachable(w))].sort()).toEqual(allPairs().sort());
  });

  it('a second partition adds its cuts to the first (no implicit heal); heal clears every cut at once', async () => {
    const w = world();
    w.net.partition([['a', 'b'], ['c', 'd', 'e']]);
    w.net.partition([['a', 'c'], ['b', 'd', 'e']]);
    const got = await reachable(w);
    // Only pairs on the same side of both splits still talk.
    expect([...got].sort()).toEqual(['d>e', 'e>d']);
    w.net.heal();
    expect([...(await reachable(w))].sort()).toEqual(allPairs().sort());
  });

  it('refuses a partition, one-way cut or bridge that names an unknown node or lists a node twice', () => {
    const w = world();
    expect(() => w.net.partition([['a', 'zz'], ['b']])).toThrow(/unknown node zz/);
    expect(() => w.net.partition([['a', 'b'], ['b', 'c']])).toThrow(/two groups/);
    expect(() => w.net.oneWay('a', 'zz')).toThrow(/unknown/);
    expect(() => w.net.bridge([['a'], ['b']], 'zz')).toThrow(/unknown node zz/);
  });

  it('a one-way partition is one-way: the cut direction loses everything, the other direction loses nothing', async () => {
    const w = world();
    w.net.oneWay('a', 'b');
    expect(w.net.canReach('a', 'b')).toBe(false);
    expect(w.net.canReach('b', 'a')).toBe(true);
    for (let i = 0; i < 50; i++) {
      w.net.send('a', 'b', 'x', 1, i);
      w.net.send('b', 'a', 'x', 1, i);
    }
    await w.scheduler.run();
    expect(w.received.filter((r) => r.envelope.from === 'a')).toHaveLength(0);
    expect(w.received.filter((r) => r.envelope.from === 'b')).toHaveLength(50);
    // Every other link is untouched.
    const got = await reachable(w);
    expect([...got].sort()).toEqual(allPairs().filter((p) => p !== 'a>b').sort());
  });

  it('a bridge node outside the groups talks to both sides while the sides stay cut', async () => {
    const w = world();
    w.net.bridge([['a', 'b'], ['c', 'd']], 'e');
    const got = await reachable(w);
    const expected = ['a>b', 'b>a', 'c>d', 'd>c', ...['a', 'b', 'c', 'd'].flatMap((n) => [`e>${n}`, `${n}>e`])];
    expect([...got].sort()).toEqual(expected.sort());
  });

  it('a bridge node inside one group also reaches the other group, but its group mates do not', async () => {
    const w = world();
    w.net.bridge([['a', 'b'], ['c', 'd', 'e']], 'b');
    const got = await reachable(w);
    for (const n of ['c', 'd', 'e']) {
      expect(got.has(`b>${n}`)).toBe(true);
      expect(got.has(`${n}>b`)).toBe(true);
      expect(got.has(`a>${n}`)).toBe(false);
      expect(got.has(`${n}>a`)).toBe(false);
    }
    expect(got.has('a>b') && got.has('b>a')).toBe(true);
  });

  it('drops a message already in flight when its link is cut before it arrives, and delivers one sent across a healed link', async () => {
    const w = world();
    w.net.send('a', 'b', 'x', 1, 'in-flight');
    w.scheduler.at(5, 'cut', () => w.net.oneWay('a', 'b'));
    await w.scheduler.run();
    expect(w.received).toHaveLength(0);
    expect(w.ofType('drop').map((r) => [r.timeMs, (r.value as { reason: string }).reason])).toEqual([[10, 'partition']]);

    w.net.send('a', 'b', 'x', 1, 'cut');
    w.scheduler.at(w.scheduler.nowMs + 5, 'heal', () => w.net.heal());
    await w.scheduler.run();
    // Sent while cut: dropped at send time even though the link healed before it would have arrived.
    expect(w.received).toHaveLength(0);
    w.net.send('a', 'b', 'x', 1, 'healed');
    await w.scheduler.run();
    expect(w.received.map((r) => r.envelope.payload)).toEqual(['healed']);
  });

  it('never delivers across a link that is cut at delivery time, and accounts for every copy sent (property)', async () => {
    type Op = { kind: 'send'; from: number; to: number } | { kind: 'partition'; split: number } | { kind: 'one-way'; from: number; to: number } | { kind: 'heal' } | { kind: 'wait'; ms: number };
    const node = fc.integer({ min: 0, max: NODES.length - 1 });
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 6, arbitrary: fc.record({ kind: fc.constant('send' as const), from: node, to: node }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('partition' as const), split: fc.integer({ min: 1, max: 4 }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('one-way' as const), from: node, to: node }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('heal' as const) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 30 }) }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1000 }), fc.array(op, { maxLength: 60 }), async (seed, ops) => {
        const w = world({ latency: { kind: 'uniform', minMs: 1, maxMs: 20 }, loss: 0.1, duplication: 0.2, reorder: 0.2 }, seed);
        const cutAtDelivery: string[] = [];
        for (const n of NODES) {
          w.net.onReceive(n, (env) => {
            if (!w.net.canReach(env.from, env.to)) cutAtDelivery.push(`${env.from}>${env.to}`);
          });
        }
        let timeMs = 0;
        for (const o of ops) {
          if (o.kind === 'wait') timeMs += o.ms;
          const at = timeMs;
          w.scheduler.at(at, o.kind, () => {
            if (o.kind === 'send' && o.from !== o.to) w.net.send(NODES[o.from] as string, NODES[o.to] as string, 'x', 1, null);
            if (o.kind === 'partition') w.net.partition([NODES.slice(0, o.split)]);
            if (o.kind === 'one-way' && o.from !== o.to) w.net.oneWay(NODES[o.from] as string, NODES[o.to] as string);
            if (o.kind === 'heal') w.net.heal();
          });
        }
        await w.scheduler.run();
        expect(cutAtDelivery).toEqual([]);
        const copies = w.ofType('send').length + w.ofType('duplicate').length;
        expect(w.ofType('deliver').length + w.ofType('drop').length).toBe(copies);
      }),
      { numRuns: 60 },
    );
  });
});

describe('Network loss, duplication and reordering rates over fixed seeds', () => {
  const n = 2000;

  it('loses about `loss` of the messages on each seed, and every lost one is recorded as a loss drop', async () => {
    let total = 0;
    for (const seed of SEEDS) {
      const w = world({ loss: 0.1 }, seed);
      for (let i = 0; i < n; i++) w.net.send('a', 'b', 'x', 1, i);
      await w.scheduler.run();
      const lost = w.dropReasons().filter((r) => r === 'loss').length;
      expect(withinBinomial(lost, n, 0.1, 4), `seed ${seed}: ${lost} lost of ${n}`).toBe(true);
      expect(lost + w.received.length).toBe(n);
      total += lost;
    }
    expect(withinBinomial(total, n * SEEDS.length, 0.1, 3), `all seeds: ${total} lost`).toBe(true);
  });

  it('loses nothing at loss 0 and everything at loss 1', async () => {
    for (const [loss, expected] of [[0, n], [1, 0]] as const) {
      const w = world({ loss }, 1);
      for (let i = 0; i < n; i++) w.net.send('a', 'b', 'x', 1, i);
      await w.scheduler.run();
      expect(w.received).toHaveLength(expected);
    }
  });

  it('duplicates about `duplication` of the surviving messages on each seed, delivering the same envelope twice', async () => {
    let total = 0;
    let survivors = 0;
    for (const seed of SEEDS) {
      const w = world({ loss: 0.1, duplication: 0.25 }, seed);
      for (let i = 0; i < n; i++) w.net.send('a', 'b', 'x', 1, i);
      await w.scheduler.run();
      const lost = w.dropReasons().length;
      const dups = w.ofType('duplicate').length;
      expect(withinBinomial(dups, n - lost, 0.25, 4), `seed ${seed}: ${dups} duplicates of ${n - lost}`).toBe(true);
      expect(w.received).toHaveLength(n - lost + dups);
      const perId = new Map<number, number>();
      for (const r of w.received) perId.set(r.envelope.id, (perId.get(r.envelope.id) ?? 0) + 1);
      expect([...perId.values()].filter((c) => c === 2)).toHaveLength(dups);
      expect([...perId.values()].every((c) => c === 1 || c === 2)).toBe(true);
      total += dups;
      survivors += n - lost;
    }
    expect(withinBinomial(total, survivors, 0.25, 3), `all seeds: ${total} duplicates`).toBe(true);
  });

  it('keeps send order on a fixed-latency link without reordering', async () => {
    const w = world({ reorder: 0 });
    for (let i = 0; i < 100; i++) w.net.send('a', 'b', 'x', 1, i);
    await w.scheduler.run();
    expect(w.received.map((r) => r.envelope.payload)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('holds back about `reorder` of the messages, so later sends overtake them', async () => {
    let total = 0;
    for (const seed of SEEDS) {
      const w = world({ reorder: 0.2 }, seed);
      for (let i = 0; i < n; i++) w.net.send('a', 'b', 'x', 1, i);
      await w.scheduler.run();
      // Fixed 10 ms latency: an on-time message arrives at 10 ms, a held-back one later.
      const late = w.received.filter((r) => r.atMs > 10).length;
      expect(withinBinomial(late, n, 0.2, 4), `seed ${seed}: ${late} held back`).toBe(true);
      const payloads = w.received.map((r) => r.envelope.payload as number);
      expect(payloads).not.toEqual([...payloads].sort((x, y) => x - y));
      total += late;
    }
    expect(withinBinomial(total, n * SEEDS.length, 0.2, 3)).toBe(true);
  });
});

describe('Network determinism', () => {
  it('gives the same history for the same seed and a different one for another seed', async () => {
    const run = async (seed: number): Promise<string> => {
      const w = world({ latency: { kind: 'exponential', meanMs: 15, maxMs: 80 }, loss: 0.1, duplication: 0.1, reorder: 0.1 }, seed);
      for (let i = 0; i < 200; i++) w.net.send(NODES[i % 5] as string, NODES[(i * 3 + 1) % 5] as string, 'x', i, null);
      await w.scheduler.run();
      return w.history.hash();
    };
    expect(await run(11)).toBe(await run(11));
    expect(await run(12)).not.toBe(await run(11));
  });
});

describe('one rng stream per link', () => {
  // Proves that traffic on one link never shifts the draws of another: link a>b delivers at the same times whether or not c>d carries traffic too (with one shared stream it would not).
  it('gives a link the same latency, loss and reordering draws whatever the other links carry', async () => {
    const arrivals = async (busy: boolean): Promise<number[]> => {
      const w = world({ latency: { kind: 'uniform', minMs: 1, maxMs: 200 }, loss: 0.2, reorder: 0.2 }, 3);
      for (let i = 0; i < 40; i++) {
        w.net.send('a', 'b', 'probe', 1, i);
        if (busy) w.net.send('c', 'd', 'noise', 1, i);
      }
      await w.scheduler.run();
      return w.received.filter((r) => r.envelope.from === 'a').map((r) => r.atMs);
    };
    const quietRun = await arrivals(false);
    expect(quietRun.length).toBeGreaterThan(10);
    expect(await arrivals(true)).toEqual(quietRun);
  });
});

describe('a payload travels as a value (sim/wirePayload.ts)', () => {
  const pushPayload = () => ({ heads: ['h1', 'h2'], pack: Buffer.from([1, 2, 3, 4]), meta: { clock: { a: 1 } } });

  /** A world whose receivers may do something to what they get before it is recorded. */
  function tampering(config: Partial<NetworkConfig>, tamper: (envelope: Envelope<ReturnType<typeof pushPayload>>) => void) {
    const w = world(config);
    const seen: { node: string; heads: string[]; pack: number[]; clock: number }[] = [];
    for (const node of NODES) {
      w.net.onReceive(node, (envelope) => {
        const typed = envelope as Envelope<ReturnType<typeof pushPayload>>;
        const { heads, pack, meta } = typed.payload;
        seen.push({ node, heads: [...heads], pack: [...pack], clock: meta.clock.a });
        tamper(typed);
      });
    }
    return { ...w, seen };
  }

  it('a receiver that writes into a payload object or array throws; one that writes into its bytes changes only its own copy', async () => {
    const errors: unknown[] = [];
    const w = tampering({}, (envelope) => {
      const payload = envelope.payload as { heads: string[]; meta: { clock: { a: number } }; pack: Buffer };
      for (const write of [() => payload.heads.push('evil'), () => (payload.meta.clock.a = 99), () => ((envelope as { from: string }).from = 'x')]) {
        try {
          write();
        } catch (error) {
          errors.push(error);
        }
      }
      payload.pack[0] = 255;
    });
    const sent = pushPayload();
    // One object sent to three peers, as a server pushes one memoised pack to each of them.
    for (const to of ['b', 'c', 'd']) w.net.send('a', to, 'push', 4, sent);
    await w.scheduler.run();
    expect(w.seen.map((r) => r.node)).toEqual(['b', 'c', 'd']);
    for (const record of w.seen) expect(record).toMatchObject({ heads: ['h1', 'h2'], pack: [1, 2, 3, 4], clock: 1 });
    expect(errors).toHaveLength(9);
    for (const error of errors) expect(error).toBeInstanceOf(TypeError);
    expect([...sent.pack]).toEqual([1, 2, 3, 4]);
  });

  it('a duplicated message reaches its receiver twice, each time as sent, whatever the first delivery did to its bytes', async () => {
    const w = tampering({ duplication: 1 }, (envelope) => {
      envelope.payload.pack.fill(0);
    });
    w.net.send('a', 'b', 'push', 4, pushPayload());
    await w.scheduler.run();
    expect(w.seen.map((r) => r.pack)).toEqual([[1, 2, 3, 4], [1, 2, 3, 4]]);
  });

  it('what the sender does to its objects and bytes after the send never arrives', async () => {
    const w = tampering({}, () => undefined);
    const sent = pushPayload();
    w.net.send('a', 'b', 'push', 4, sent);
    sent.heads.push('late');
    sent.pack[0] = 9;
    sent.meta.clock.a = 7;
    await w.scheduler.run();
    expect(w.seen).toEqual([{ node: 'b', heads: ['h1', 'h2'], pack: [1, 2, 3, 4], clock: 1 }]);
  });

  it('delivers bytes of the kind sent in memory of their own, and refuses what is not plain data', async () => {
    const w = world();
    const buffer = Buffer.from([5, 6]);
    const bytes = new Uint8Array([7, 8]);
    w.net.send('a', 'b', 'push', 2, { buffer, bytes });
    await w.scheduler.run();
    const got = (w.received[0] as Received).envelope.payload as { buffer: Buffer; bytes: Uint8Array };
    expect(Buffer.isBuffer(got.buffer)).toBe(true);
    expect(got.buffer.equals(buffer)).toBe(true);
    expect(got.buffer.buffer === buffer.buffer && got.buffer.byteOffset === buffer.byteOffset).toBe(false);
    expect(Buffer.isBuffer(got.bytes)).toBe(false);
    expect([...got.bytes]).toEqual([7, 8]);
    expect(Object.isFrozen(got)).toBe(true);
    for (const bad of [new Map(), new Set([1]), { f: () => 1 }, new Uint16Array(2), new Date(0)]) {
      expect(() => w.net.send('a', 'b', 'push', 1, { bad })).toThrow(/payload/);
    }
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => w.net.send('a', 'b', 'push', 1, cycle)).toThrow(/deeper than/);
  });
});
