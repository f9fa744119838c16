/**
 * `mailsim bench cluster`: 5 servers with 10,000-message mailboxes, 2,000 client
 * operations, a partition every 10 s of simulated time, links of 1-30 ms. Reports client
 * operations per wall second, peak RSS, simulated time against wall time, and distinct merge
 * commits, with the CPU time and load average that say how busy the machine was. Targets
 * (cli/bench/targets.ts): >= 500 ops/s on one core, peak RSS < 600 MB. Then the WAN case: the
 * same world with 40-120 ms links, run after it in the same process (its peak RSS is the
 * process's, both cases).
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { ScheduledFault, SimConfig } from '../../sim/config.ts';
import { runWorld } from '../../backends/world.ts';
import { DEFAULT_LAYOUT } from '../../scenarios/resolve.ts';
import { BENCH_RSS_TARGET_MB, CLUSTER_MERGE_COMMITS_PER_2000_OPS_MAX, CLUSTER_OPS_PER_SEC_MIN } from './targets.ts';

export interface ClusterBenchOptions {
  readonly json: boolean;
  readonly quick?: boolean;
}

/** Link latency of the LAN case (the bench's original world) and of the WAN case. */
export const LAN_LATENCY_MS = { minMs: 1, maxMs: 30 } as const;
export const WAN_LATENCY_MS = { minMs: 40, maxMs: 120 } as const;

export function benchConfig(messages: number, ops: number, latencyMs: { readonly minMs: number; readonly maxMs: number } = LAN_LATENCY_MS): SimConfig {
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
    network: { latency: { kind: 'uniform', minMs: latencyMs.minMs, maxMs: latencyMs.maxMs }, loss: 0.01, duplication: 0.01, reorder: 0.01 },
    faults,
    nemesis: null,
    clocks: {},
    durationMs,
    convergenceBoundMs: 60_000,
    syncIntervalMs: 1_000,
    checks: ['uid-stable', 'no-lost-mail', 'convergence'],
    limits: { eventsMax: 50_000_000, timeMsMax: 100_000_000, messageSizeBytesMax: 1_000_000 },
    leases: { durationMs: 10_000, driftPpmMax: 1_000 },
    mutant: null,
  };
}

async function runCase(messages: number, ops: number, latencyMs: { readonly minMs: number; readonly maxMs: number }) {
  const startMs = performance.now();
  const startCpu = process.cpuUsage();
  let populatedMs = startMs;
  const outcome = await runWorld(benchConfig(messages, ops, latencyMs), { onPopulated: () => (populatedMs = performance.now()) });
  const wallMs = performance.now() - startMs;
  const cpu = process.cpuUsage(startCpu);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const runMs = performance.now() - populatedMs;
  // The kernel's high-water mark of this process (KiB): a sampling timer would rarely fire
  // while the simulation keeps the event loop busy, and would miss the peak.
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  const m = outcome.metrics;
  return {
    latencyMs: { min: latencyMs.minMs, max: latencyMs.maxMs },
    clientOps: m.clientOpCount,
    wallMs: Math.round(wallMs),
    opsPerSec: Math.round((m.clientOpCount / wallMs) * 1000),
    populateMs: Math.round(populatedMs - startMs),
    // The same operations over the wall time after the five populations were built.
    opsPerSecAfterPopulation: Math.round((m.clientOpCount / runMs) * 1000),
    // CPU time of the process (GC and compiler threads included): on a shared machine the
    // wall figures above fall with other load; this one moves far less.
    cpuMs: Math.round(cpuMs),
    opsPerCpuSec: Math.round((m.clientOpCount / cpuMs) * 1000),
    loadAverage: loadavg().map((load) => Math.round(load * 100) / 100),
    peakRssMB: Math.round(peakRssBytes / 1024 / 1024),
    simTimeMs: m.simTimeMs,
    simToWallRatio: Math.round((m.simTimeMs / wallMs) * 10) / 10,
    verdict: outcome.verdict,
    mergeCount: m.mergeCount,
    mergeCommitCount: m.mergeCommitCount,
    clientCommitCount: m.commitCount,
    wireBytesTotal: m.wireBytesTotal,
    wireBytesPerOp: m.wireBytesPerOp,
  };
}

export async function runClusterBench(options: ClusterBenchOptions): Promise<Record<string, unknown>> {
  const messages = options.quick ? 1_000 : 10_000;
  const ops = options.quick ? 300 : 2_000;
  const lan = await runCase(messages, ops, LAN_LATENCY_MS);
  const wan = await runCase(messages, ops, WAN_LATENCY_MS);
  const result = { servers: 5, messagesPerMailbox: messages, ...lan, targets: { opsPerSec: CLUSTER_OPS_PER_SEC_MIN, peakRssMB: BENCH_RSS_TARGET_MB, mergeCommitsPer2000Ops: CLUSTER_MERGE_COMMITS_PER_2000_OPS_MAX }, wan };
  if (!options.json) {
    for (const [name, c] of [['LAN', lan], ['WAN', wan]] as const) {
      console.log(`cluster (${name}, links ${c.latencyMs.min}-${c.latencyMs.max} ms): 5 servers x ${messages} messages, ${c.clientOps} client ops`);
      console.log(`  ${c.opsPerSec} ops/s (target >= ${CLUSTER_OPS_PER_SEC_MIN}), peak RSS ${c.peakRssMB} MB (target < ${BENCH_RSS_TARGET_MB}${name === 'WAN' ? '; both cases, one process' : ''})`);
      console.log(`  building the populations took ${c.populateMs} ms; after it, ${c.opsPerSecAfterPopulation} ops/s`);
      console.log(`  ${c.cpuMs} ms of CPU time, ${c.opsPerCpuSec} ops per CPU second; load average ${c.loadAverage.join(' ')}`);
      console.log(`  ${c.mergeCommitCount} distinct merge commits (target < ${CLUSTER_MERGE_COMMITS_PER_2000_OPS_MAX} per 2,000 ops), ${c.wireBytesPerOp} B on the wire per op`);
      console.log(`  simulated ${c.simTimeMs} ms in ${c.wallMs} ms wall (${c.simToWallRatio}x), verdict ${c.verdict}`);
    }
  }
  return result;
}
