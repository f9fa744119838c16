// Proves the simulated cluster converges after symmetric, one-way and bridge partitions with both sides writing, that lww-wallclock loses a flag write under clock skew while renumber keeps it, and that a run is a pure function of its config.
import { describe, expect, it } from 'vitest';
import { checkFailed } from '../../sim/checkers/failedChecks.ts';
import type { SimConfig } from '../../sim/config.ts';
import type { CheckResult } from '../../sim/resultTypes.ts';
import { runWorld } from '../../backends/world.ts';
import { smallWorld } from './fixtures/smallWorld.ts';

/** Checks that failed: invalid or unknown (a check with nothing to judge says not-applicable and fails nothing). */
function failing(checks: Readonly<Record<string, CheckResult>>): string[] {
  return Object.entries(checks).filter(([, c]) => checkFailed(c)).map(([name, c]) => `${name}: ${c.explanation}`);
}

describe('cluster convergence', () => {
  it('both sides deliver during a symmetric partition, then converge after the heal', async () => {
    const outcome = await runWorld(smallWorld({ seed: 11 }));
    expect(failing(outcome.checks)).toEqual([]);
    const trees = new Set(outcome.finals.map((f) => f.treeId));
    expect(trees.size).toBe(1);
    expect(outcome.metrics.mergeCount).toBeGreaterThan(0);
    // Deliveries were acknowledged on both sides of the partition.
    const acked = outcome.history.filter((r) => r.f === 'deliver' && r.type === 'ok' && r.timeMs >= 3_000 && r.timeMs < 8_000);
    expect(new Set(acked.map((r) => r.node === 'a' ? 'a' : 'bc')).size).toBe(2);
  });

  it('a one-way partition converges after the heal', async () => {
    const outcome = await runWorld(smallWorld({ seed: 12, faults: [
      { atMs: 2_000, fault: { kind: 'one-way', from: 'a', to: 'b' } },
      { atMs: 8_000, fault: { kind: 'heal' } },
    ] }));
    expect(failing(outcome.checks)).toEqual([]);
    expect(outcome.history.some((r) => r.f === 'drop' && (r.value as { reason: string }).reason === 'partition' && (r.value as { from: string }).from === 'a')).toBe(true);
  });

  it('a bridge partition converges after the heal', async () => {
    const outcome = await runWorld(smallWorld({ seed: 13, faults: [
      { atMs: 2_000, fault: { kind: 'bridge', groups: [['a'], ['c']], bridge: 'b' } },
      { atMs: 8_000, fault: { kind: 'heal' } },
    ] }));
    expect(failing(outcome.checks)).toEqual([]);
  });
});

/** Two servers partitioned; b writes \Flagged, then a (whose clock is 10 minutes behind) writes \Seen on the same message. */
function skewedFlagRace(strategy: string): SimConfig {
  const base = smallWorld();
  return smallWorld({
    strategy,
    servers: ['a', 'b'],
    workload: { ...base.workload, smtpClients: 0, imapClients: 0, ratesPerSec: { deliver: 0, store: 0, expunge: 0, move: 0, copy: 0, append: 0, select: 0 } },
    clocks: { a: { offsetMs: -600_000, driftPpm: 0 }, b: { offsetMs: 0, driftPpm: 0 } },
    faults: [
      { atMs: 500, fault: { kind: 'partition', groups: [['a'], ['b']] } },
      { atMs: 4_000, fault: { kind: 'heal' } },
    ],
    script: [
      { atMs: 1_000, node: 'b', op: { kind: 'store', mailbox: 'INBOX', uid: 2, mode: '+', flags: ['\\Flagged'] } },
      { atMs: 2_000, node: 'a', op: { kind: 'store', mailbox: 'INBOX', uid: 2, mode: '+', flags: ['\\Seen'] } },
    ],
    durationMs: 6_000,
  });
}

describe('clock skew', () => {
  it('lww-wallclock loses a concurrent flag write under skew; no-lost-flags catches it', async () => {
    const outcome = await runWorld(skewedFlagRace('lww-wallclock'));
    expect(outcome.checks['no-lost-flags']?.verdict).toBe('invalid');
    expect(outcome.checks['convergence']?.verdict).toBe('valid');
  });

  it('renumber keeps both flag writes under the same skew', async () => {
    const outcome = await runWorld(skewedFlagRace('renumber'));
    expect(failing(outcome.checks)).toEqual([]);
    for (const final of outcome.finals) {
      const inbox = final.state.mailboxes.get('INBOX');
      const message = [...(inbox?.messages.buckets ?? [])].flatMap((b) => [...(b?.values() ?? [])]).find((m) => m.uid === 2);
      expect(message?.flags).toEqual(expect.arrayContaining(['\\Flagged', '\\Seen']));
    }
  });

  it('skew and jumps reach Maildir names and INTERNALDATE', async () => {
    const base = smallWorld();
    const outcome = await runWorld(smallWorld({
      servers: ['a', 'b'],
      workload: { ...base.workload, smtpClients: 0, imapClients: 0, ratesPerSec: { deliver: 0, store: 0, expunge: 0, move: 0, copy: 0, append: 0, select: 0 } },
      clocks: { a: { offsetMs: 3_600_000, driftPpm: 0 }, b: { offsetMs: 0, driftPpm: 0 } },
      faults: [{ atMs: 1_500, fault: { kind: 'jump', node: 'b', deltaMs: -86_400_000 } }],
      script: [
        { atMs: 1_000, node: 'a', op: { kind: 'deliver', mailbox: 'INBOX', count: 1 } },
        { atMs: 2_000, node: 'b', op: { kind: 'deliver', mailbox: 'INBOX', count: 1 } },
      ],
      faultsAsRun: undefined,
      durationMs: 4_000,
    } as Partial<SimConfig>));
    const acks = outcome.history.filter((r) => r.f === 'deliver' && r.type === 'ok').map((r) => r.value as { guid: string });
    expect(acks).toHaveLength(2);
    const epochSeconds = 1_793_491_200;
    // a's clock runs an hour ahead: its base name starts one hour past the epoch.
    expect(Number(acks[0]?.guid.split('.')[0])).toBe(epochSeconds + 3_600 + 1);
    // b jumped back a day before its delivery.
    expect(Number(acks[1]?.guid.split('.')[0])).toBe(epochSeconds - 86_400 + 2);
    const inbox = outcome.finals[0]?.state.mailboxes.get('INBOX');
    const dates = [...(inbox?.messages.buckets ?? [])].flatMap((b) => [...(b?.values() ?? [])]).filter((m) => m.guid === acks[1]?.guid).map((m) => m.internalDateMs);
    expect(dates).toEqual([(epochSeconds - 86_400 + 2) * 1000]);
  });
});

describe('determinism', () => {
  it('the same config gives the same history hash; another seed gives another', async () => {
    const config = smallWorld({ seed: 21, durationMs: 6_000 });
    const first = await runWorld(config);
    const second = await runWorld(config);
    const other = await runWorld({ ...config, seed: 22 });
    expect(second.historyHash).toBe(first.historyHash);
    expect(other.historyHash).not.toBe(first.historyHash);
  });

  it('replaying the faults as run with the nemesis off gives the identical history', async () => {
    const config = smallWorld({ seed: 5, faults: [], nemesis: { intervalMs: 2_000, kinds: ['partition', 'one-way', 'crash-process', 'crash-power', 'skew'], faultDurationMsMax: 3_000, skewMsMax: 60_000 } });
    const first = await runWorld(config);
    expect(first.faultsAsRun.length).toBeGreaterThan(0);
    const replay = await runWorld({ ...config, nemesis: null, faults: first.faultsAsRun });
    expect(replay.historyHash).toBe(first.historyHash);
  });
});

describe('every layout through replication', () => {
  // Fanouts with many levels above the buckets reuse directories from write to write, and
  // once dropped directories that way: a peer reading the tree lost the messages in them,
  // delivered ones included. Every layout must lose no acknowledged mail through a
  // partition and a heal, and each replica's head tree must read back as what it serves.
  const layouts: SimConfig['layout'][] = [
    { kind: 'flat' },
    { kind: 'fanout', width: 2, depth: 1 },
    { kind: 'fanout', width: 1, depth: 3 },
    { kind: 'fanout', width: 1, depth: 6, digitBits: 2 },
    { kind: 'fanout', width: 1, depth: 8, digitBits: 1 },
    { kind: 'flags-apart' },
    { kind: 'flags-apart', chunks: 1 },
  ];
  it.each(layouts)('each head tree reads back as the served state (%j)', async (layout) => {
    const { readState } = await import('../../core/layout.ts');
    const { snapshot } = await import('../core/opsModel.ts');
    const outcome = await runWorld(smallWorld({ layout, workload: { ...smallWorld().workload, opsMax: 120 } }));
    expect(outcome.checks['no-lost-mail']?.verdict).toBe('valid');
    const { gitReplicaOf } = await import('../../backends/git/gitBackend.ts');
    for (const server of outcome.servers.values()) {
      const replica = gitReplicaOf(server)!;
      const stored = await readState(replica.headTreeId(), layout, { read: (id) => replica.readObject(id) });
      expect(snapshot(stored)).toEqual(snapshot(replica.state));
    }
  });
});
