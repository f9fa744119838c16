// Test helper: a small three-server world (partition, heal, optional power crashes) for the real negative controls.
import type { SimConfig } from '../../../sim/config.ts';
import { CHECK_NAMES } from '../../../sim/checkers/names.ts';

/** `single`: one server and no faults, so no merges (for a mutant whose broken states make merges ping-pong). */
/** `churn`: small mailboxes with many expunges and moves, so the top UID is often removed before a merge. */
export function controlWorldConfig(seed: number, mutant: string | null, opts: { powerCrashes?: boolean; single?: boolean; churn?: boolean } = {}): SimConfig {
  const partition: SimConfig['faults'] = [
    { atMs: 2000, fault: { kind: 'partition', groups: opts.powerCrashes ? [['s3'], ['s1', 's2']] : [['s1'], ['s2', 's3']] } },
    { atMs: 7000, fault: { kind: 'heal' } },
  ];
  // s3 is alone behind the partition when its power fails, so its newest commits exist nowhere
  // else. No IMAP client has s3 as its home (two clients: s1, s2), so none fails over across
  // the partition (a client that does may see a UID name two messages: the checkers call that invalid).
  const crashes: SimConfig['faults'] = [
    { atMs: 5000, fault: { kind: 'crash', node: 's3', mode: 'power' } },
    { atMs: 6000, fault: { kind: 'restart', node: 's3' } },
    { atMs: 8000, fault: { kind: 'crash', node: 's3', mode: 'power' } },
    { atMs: 9500, fault: { kind: 'restart', node: 's3' } },
  ];
  return {
    seed,
    servers: opts.single ? ['s1'] : ['s1', 's2', 's3'],
    strategy: 'renumber',
    layout: { kind: 'flat' },
    batch: null,
    mailboxes: [
      { name: 'INBOX', initialMessages: opts.churn ? 3 : 12 },
      { name: 'Archive', initialMessages: 3 },
    ],
    workload: {
      smtpClients: 2,
      imapClients: opts.powerCrashes ? 2 : 3,
      ratesPerSec: opts.churn
        ? { deliver: 4, store: 1, expunge: 3, move: 2, copy: 0, append: 0.5, select: 3 }
        : { deliver: 5, store: 5, expunge: 1, move: 1, copy: 0.5, append: 0.5, select: 3 },
      messageSizeBytes: { min: 200, max: 600 },
      keywords: ['$Work'],
      opsMax: 160,
    },
    network: { latency: { kind: 'uniform', minMs: 2, maxMs: 20 }, loss: 0, duplication: 0, reorder: 0 },
    faults: opts.single ? [] : opts.powerCrashes ? [...partition, ...crashes].sort((a, b) => a.atMs - b.atMs) : partition,
    nemesis: null,
    clocks: { s1: { offsetMs: 0, driftPpm: 0 }, s2: { offsetMs: 700, driftPpm: 20 }, s3: { offsetMs: -400, driftPpm: -10 } },
    durationMs: 12_000,
    convergenceBoundMs: 20_000,
    syncIntervalMs: 500,
    checks: [...CHECK_NAMES],
    limits: { eventsMax: 500_000, timeMsMax: 120_000, messageSizeBytesMax: 100_000 },
    leases: { durationMs: 10_000, driftPpmMax: 1_000 },
    mutant,
  };
}
