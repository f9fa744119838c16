/**
 * `mailsim bench cluster`: 5 servers with 10,000-message mailboxes, 2,000 client
 * operations, a partition every 10 s of simulated time. Reports client operations per
 * wall second, peak RSS, and simulated time against wall time. Targets: >= 500 ops/s on
 * one core, < 1 GB.
 */
import { performance } from 'node:perf_hooks';
import type { ScheduledFault, SimConfig } from '../../sim/config.ts';
import { runWorld } from '../../sim/world.ts';
import { DEFAULT_LAYOUT } from '../../scenarios/resolve.ts';

export interface ClusterBenchOptions {
  readonly json: boolean;
  readonly quick?: boolean;
}

export function benchConfig(messages: number, ops: number): SimConfig {
  const servers = ['s1', 's2', 's3', 's4', 's5'];
  const faults: ScheduledFault[] = [];
  const durationMs = 120_000;
  for (let atMs = 10_000, i = 0; atMs < durationMs; atMs += 10_000, i++) {
    const cut = 1 + (i % 4);
    faults.push({ atMs, fault: { kind: 'partition', groups: [servers.slice(0, cut), servers.slice(cut)] } });
    faults.push({ atMs: atMs + 5_000, fault: { kind: 'heal' } });
  }
  return {
    seed: 1,
    servers,
    strategy: 'renumber',
    layout: DEFAULT_LAYOUT,
    batch: null,
    mailboxes: [{ name: 'INBOX', initialMessages: messages }, { name: 'Archive', initialMessages: 100 }],
    workload: {
      smtpClients: 4,
      imapClients: 8,
      ratesPerSec: { deliver: 4, store: 10, expunge: 0.5, move: 1, copy: 0.5, append: 0.5, select: 0.5 },
      messageSizeBytes: { min: 1_500, max: 2_500 },
      keywords: ['$Junk', '$Label1'],
      opsMax: ops,
    },
    network: { latency: { kind: 'uniform', minMs: 1, maxMs: 30 }, loss: 0.01, duplication: 0.01, reorder: 0.01 },
    faults,
    nemesis: null,
    clocks: {},
    durationMs,
    convergenceBoundMs: 60_000,
    syncIntervalMs: 1_000,
    checks: ['uid-stable', 'no-lost-mail', 'convergence'],
    limits: { eventsMax: 50_000_000, timeMsMax: 100_000_000, messageSizeBytesMax: 1_000_000 },
    mutant: null,
  };
}

export async function runClusterBench(options: ClusterBenchOptions): Promise<Record<string, unknown>> {
  const messages = options.quick ? 1_000 : 10_000;
  const ops = options.quick ? 300 : 2_000;
  const startMs = performance.now();
  let populatedMs = startMs;
  const outcome = await runWorld(benchConfig(messages, ops), { onPopulated: () => (populatedMs = performance.now()) });
  const wallMs = performance.now() - startMs;
  const runMs = performance.now() - populatedMs;
  // The kernel's high-water mark of this process (KiB): a sampling timer would rarely fire
  // while the simulation keeps the event loop busy, and would miss the peak.
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  const result = {
    servers: 5,
    messagesPerMailbox: messages,
    clientOps: outcome.metrics.clientOpCount,
    wallMs: Math.round(wallMs),
    opsPerSec: Math.round((outcome.metrics.clientOpCount / wallMs) * 1000),
    populateMs: Math.round(populatedMs - startMs),
    // The same operations over the wall time after the five populations were built.
    opsPerSecAfterPopulation: Math.round((outcome.metrics.clientOpCount / runMs) * 1000),
    peakRssMB: Math.round(peakRssBytes / 1024 / 1024),
    simTimeMs: outcome.metrics.simTimeMs,
    simToWallRatio: Math.round((outcome.metrics.simTimeMs / wallMs) * 10) / 10,
    verdict: outcome.verdict,
    mergeCount: outcome.metrics.mergeCount,
    wireBytesTotal: outcome.metrics.wireBytesTotal,
    targets: { opsPerSec: 500, peakRssMB: 1024 },
  };
  if (!options.json) {
    console.log(`cluster: 5 servers x ${messages} messages, ${result.clientOps} client ops`);
    console.log(`  ${result.opsPerSec} ops/s (target >= 500), peak RSS ${result.peakRssMB} MB (target < 1024)`);
    console.log(`  building the populations took ${result.populateMs} ms; after it, ${result.opsPerSecAfterPopulation} ops/s`);
    console.log(`  simulated ${result.simTimeMs} ms in ${result.wallMs} ms wall (${result.simToWallRatio}x), verdict ${result.verdict}`);
  }
  return result;
}
