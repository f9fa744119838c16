// Proves that resolution is a pure function of (scenario, seed), that different seeds draw different worlds, and that explicit fields are never replaced by a draw.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseScenarioText } from '../../scenarios/loader.ts';
import { defaultSeed, resolveScenario } from '../../scenarios/resolve.ts';

const load = (text: string, overrides: readonly string[] = []) => parseScenarioText(text, 'r.yaml', overrides);

const FULL = `
name: full
servers: [a, b, c]
strategy: owner
layout: flat
batch: {opsMax: 10, windowMs: 50}
mailboxes:
  - {name: INBOX, messages: 20, owner: b}
  - {name: Sent, messages: 3}
workload:
  smtpClients: 2
  imapClients: 1
  ratesPerSec: {deliver: 1, store: 2, expunge: 0, move: 0, copy: 0, append: 0.5, select: 1}
  messageSizeBytes: {min: 100, max: 900}
  keywords: [work]
  opsMax: 77
network: {latencyMs: {mean: 10, max: 100}, loss: 0.01, duplication: 0, reorder: 0.2}
faults:
  - {at: 3000, heal: true}
  - {at: 1000, partition: [[a], [b, c]]}
  - {at: 2000, crash: a, mode: power}
nemesis: false
clocks:
  a: {offsetMs: 500, driftPpm: 3}
  b: {offsetMs: 0, driftPpm: 0}
  c: {offsetMs: -70, driftPpm: 0}
durationMs: 40000
convergenceBoundMs: 9000
syncIntervalMs: 250
checks: [uid-stable, convergence]
expect: invalid
seed: 99
limits: {eventsMax: 1000, timeMsMax: 90000, messageSizeBytesMax: 5000}
leases: {durationMs: 7000, driftPpmMax: 250}
mutant: reuse-uid
script:
  - {at: 500, node: a, deliver: {count: 3}}
  - {at: 400, node: b, store: {mailbox: INBOX, uid: 2, flags: ['\\Seen']}}
`;

describe('resolveScenario', () => {
  it('gives deep-equal configs for the same seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        expect(resolveScenario(load('name: empty\n'), seed)).toEqual(resolveScenario(load('name: empty\n'), seed));
      }),
      { numRuns: 50 },
    );
  });

  it('draws different worlds for different seeds', () => {
    const configs = Array.from({ length: 20 }, (_, seed) => JSON.stringify({ ...resolveScenario(load('name: e\n'), seed), seed: 0 }));
    expect(new Set(configs).size).toBe(20);
  });

  it('draws plausible values for everything left out', () => {
    for (let seed = 0; seed < 200; seed++) {
      const c = resolveScenario(load('name: e\n'), seed);
      expect(c.seed).toBe(seed);
      expect(c.servers.length).toBeGreaterThanOrEqual(2);
      expect(c.servers.length).toBeLessThanOrEqual(5);
      expect(c.strategy).toBe('renumber');
      expect(['flat', 'fanout']).toContain(c.layout.kind);
      if (c.batch) {
        expect(c.batch.opsMax).toBeGreaterThanOrEqual(2);
        expect(c.batch.opsMax).toBeLessThanOrEqual(50);
        expect(c.batch.windowMs).toBeGreaterThanOrEqual(10);
        expect(c.batch.windowMs).toBeLessThanOrEqual(2000);
      }
      expect(c.mailboxes.map((m) => m.name)).toEqual(['INBOX', 'Archive']);
      expect(c.mailboxes[0]!.initialMessages).toBeGreaterThanOrEqual(50);
      expect(c.mailboxes[0]!.initialMessages).toBeLessThanOrEqual(300);
      expect(c.durationMs).toBeGreaterThanOrEqual(30_000);
      expect(c.durationMs).toBeLessThanOrEqual(120_000);
      expect(c.convergenceBoundMs).toBe(30_000);
      expect(c.syncIntervalMs).toBe(1000);
      expect(c.checks).toHaveLength(14);
      expect(c.faults).toEqual([]);
      expect(c.script).toEqual([]);
      expect(c.mutant).toBeNull();
      expect(Object.keys(c.clocks)).toEqual(c.servers);
      expect(c.network.loss).toBeLessThanOrEqual(0.05);
      expect(c.workload.messageSizeBytes.min).toBeLessThanOrEqual(c.workload.messageSizeBytes.max);
      expect(c.workload.messageSizeBytes.max).toBeLessThanOrEqual(c.limits.messageSizeBytesMax);
      expect(c.limits.timeMsMax).toBeGreaterThan(c.durationMs + c.convergenceBoundMs);
      if (c.nemesis) expect(c.nemesis.kinds.length).toBeGreaterThan(0);
    }
  });

  it('draws batched mode, the layout and pauses when they are left out, and none of them for a real backend', () => {
    const configs = Array.from({ length: 100 }, (_, seed) => resolveScenario(load('name: e\n'), seed));
    expect(configs.some((c) => c.batch === null)).toBe(true);
    expect(configs.some((c) => c.batch !== null)).toBe(true);
    expect(new Set(configs.map((c) => JSON.stringify(c.layout))).size).toBeGreaterThanOrEqual(5);
    expect(configs.some((c) => c.nemesis?.kinds.includes('pause'))).toBe(true);
    expect(configs.some((c) => c.nemesis !== null && !c.nemesis.kinds.includes('pause'))).toBe(true);
    for (let seed = 0; seed < 20; seed++) {
      const real = resolveScenario(load('name: e\nreplica: dsync\nnemesis: {kinds: [partition]}\n'), seed);
      expect(real.batch).toBeNull();
      expect(real.layout).toEqual({ kind: 'fanout', width: 1, depth: 6, digitBits: 2 });
    }
  });

  it('sometimes runs without a nemesis and sometimes with one, when it is left out', () => {
    const nemeses = Array.from({ length: 100 }, (_, seed) => resolveScenario(load('name: e\n'), seed).nemesis);
    expect(nemeses.some((n) => n === null)).toBe(true);
    expect(nemeses.some((n) => n !== null)).toBe(true);
  });

  it('keeps every explicit field as written, whatever the seed', () => {
    for (const seed of [0, 1, 2, 12345, 2 ** 31]) {
      const c = resolveScenario(load(FULL), seed);
      expect(c).toEqual({
        seed,
        servers: ['a', 'b', 'c'],
        strategy: 'owner',
        layout: { kind: 'flat' },
        batch: { opsMax: 10, windowMs: 50 },
        mailboxes: [
          { name: 'INBOX', initialMessages: 20, owner: 'b' },
          { name: 'Sent', initialMessages: 3, owner: 'b' },
        ],
        workload: {
          smtpClients: 2,
          imapClients: 1,
          ratesPerSec: { deliver: 1, store: 2, expunge: 0, move: 0, copy: 0, append: 0.5, select: 1 },
          messageSizeBytes: { min: 100, max: 900 },
          keywords: ['work'],
          opsMax: 77,
        },
        network: { latency: { kind: 'exponential', meanMs: 10, maxMs: 100 }, loss: 0.01, duplication: 0, reorder: 0.2 },
        faults: [
          { atMs: 1000, fault: { kind: 'partition', groups: [['a'], ['b', 'c']] } },
          { atMs: 2000, fault: { kind: 'crash', node: 'a', mode: 'power' } },
          { atMs: 3000, fault: { kind: 'heal' } },
        ],
        nemesis: null,
        clocks: { a: { offsetMs: 500, driftPpm: 3 }, b: { offsetMs: 0, driftPpm: 0 }, c: { offsetMs: -70, driftPpm: 0 } },
        durationMs: 40000,
        convergenceBoundMs: 9000,
        syncIntervalMs: 250,
        checks: ['uid-stable', 'convergence'],
        limits: { eventsMax: 1000, timeMsMax: 90000, messageSizeBytesMax: 5000 },
        leases: { durationMs: 7000, driftPpmMax: 250 },
        mutant: 'reuse-uid',
        script: [
          { atMs: 400, node: 'b', op: { kind: 'store', mailbox: 'INBOX', uid: 2, mode: '+', flags: ['\\Seen'] } },
          { atMs: 500, node: 'a', op: { kind: 'deliver', mailbox: 'INBOX', count: 3 } },
        ],
      });
    }
  });

  it('keeps partial explicit fields and draws only the rest', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const c = resolveScenario(load('servers: 4\nworkload: {ratesPerSec: {store: 3}}\nnetwork: {loss: 0.2}\nnemesis: {kinds: [skew]}\nclocks: {n2: {offsetMs: 7}}\n'), seed);
        expect(c.servers).toEqual(['n1', 'n2', 'n3', 'n4']);
        expect(c.workload.ratesPerSec.store).toBe(3);
        expect(c.network.loss).toBe(0.2);
        expect(c.nemesis?.kinds).toEqual(['skew']);
        expect(c.clocks['n2']?.offsetMs).toBe(7);
      }),
      { numRuns: 50 },
    );
  });

  it('writing one field into the file does not change the draws of the others', () => {
    for (let seed = 0; seed < 20; seed++) {
      const loose = resolveScenario(load('name: e\n'), seed);
      const pinned = resolveScenario(load(`name: e\nstrategy: keep-uids\nnetwork: {loss: 0.3}\nclocks: {}\n`), seed);
      expect(pinned.workload).toEqual(loose.workload);
      expect(pinned.servers).toEqual(loose.servers);
      expect(pinned.network.latency).toEqual(loose.network.latency);
      expect(pinned.nemesis).toEqual(loose.nemesis);
      expect(pinned.durationMs).toBe(loose.durationMs);
    }
  });

  it('extends a drawn duration past the last scheduled fault', () => {
    for (let seed = 0; seed < 20; seed++) {
      const c = resolveScenario(load('servers: 2\nfaults:\n  - {at: 200000, heal: true}\n'), seed);
      expect(c.durationMs).toBeGreaterThanOrEqual(210_000);
    }
  });

  it('reads the fanout layout shorthands', () => {
    expect(resolveScenario(load('layout: fanout\n'), 1).layout).toEqual({ kind: 'fanout', width: 1, depth: 6, digitBits: 2 });
    expect(resolveScenario(load('layout: {kind: fanout, width: 256}\n'), 1).layout).toEqual({ kind: 'fanout', width: 2, depth: 1 });
    expect(resolveScenario(load('layout: {kind: fanout, width: 16, depth: 2}\n'), 1).layout).toEqual({ kind: 'fanout', width: 1, depth: 2 });
    expect(resolveScenario(load('layout: {kind: flat}\n'), 1).layout).toEqual({ kind: 'flat' });
    expect(resolveScenario(load('layout: {kind: fanout, width: 4, depth: 6}\n'), 1).layout).toEqual({ kind: 'fanout', width: 1, depth: 6, digitBits: 2 });
    expect(resolveScenario(load('layout: {kind: fanout, width: 2, depth: 8}\n'), 1).layout).toEqual({ kind: 'fanout', width: 1, depth: 8, digitBits: 1 });
  });

  it('applies overrides before drawing', () => {
    const c = resolveScenario(load('name: e\n', ['strategy=keep-uids', 'network.loss=0.05', 'servers=3']), 5);
    expect(c.strategy).toBe('keep-uids');
    expect(c.network.loss).toBe(0.05);
    expect(c.servers).toEqual(['n1', 'n2', 'n3']);
  });
});

describe('defaultSeed', () => {
  it('is the file seed, or 1', () => {
    expect(defaultSeed(load('seed: 42\n'))).toBe(42);
    expect(defaultSeed(load('name: x\n'))).toBe(1);
  });
});
