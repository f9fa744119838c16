/**
 * mailsim bench sweep: the same sweep with one worker thread and with two, timed on the
 * wall clock, and the speed-up ratio between them (target: at least 1.7x on 2 cores).
 * Both sweeps run the same scenario and seeds, and must give the same history hashes.
 * A reference measured in the same run (pure CPU work on one thread, then two) shows what
 * speed-up the machine allows at the moment: on a busy machine neither gets 2x.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { loadAverageNow } from '../machineLoad.ts';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { runSweep } from '../sweep.ts';
import type { RunResult } from '../../sim/resultTypes.ts';
import { SWEEP_SPEEDUP_TARGET } from './targets.ts';

const SEEDS_QUICK = 8;
const SEEDS_FULL = 16;

/** A small, fully specified scenario: a partition and a heal over three servers. */
const BENCH_SCENARIO = `name: bench-sweep
servers: [n1, n2, n3]
strategy: renumber
layout: flat
mailboxes:
  - { name: INBOX, messages: 100 }
  - { name: Archive, messages: 0 }
workload:
  smtpClients: 2
  imapClients: 2
  opsMax: 400
nemesis: false
faults:
  - { at: 5000, partition: [[n1], [n2, n3]] }
  - { at: 15000, heal: true }
durationMs: 30000
`;

function hashes(resultsFile: string): string[] {
  return readFileSync(resultsFile, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as RunResult)
    .sort((a, b) => a.seed - b.seed)
    .map((result) => result.historyHash);
}

interface Timing {
  readonly wallMs: number;
  /** CPU time of the whole process (every worker thread) during the sweep. */
  readonly cpuMs: number;
  readonly hashes: string[];
}

async function timeSweep(file: string, seedCount: number, jobs: number, outDir: string): Promise<Timing> {
  const seeds = Array.from({ length: seedCount }, (_, index) => index + 1);
  const startMs = performance.now();
  const startCpu = process.cpuUsage();
  const summary = await runSweep({ files: [file], seeds, overrides: [], outDir, jobs, progress: 'none' });
  const cpu = process.cpuUsage(startCpu);
  const wallMs = performance.now() - startMs;
  if (summary.errors.length > 0) throw new Error(`bench sweep: a run failed: ${summary.errors[0]?.error}`);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, hashes: hashes(summary.resultsFile) };
}

/** CPU time over wall time: how many cores the sweep actually got (2 at best with two jobs). */
function coresUsed(timing: Timing): number {
  return Math.round((timing.cpuMs / timing.wallMs) * 100) / 100;
}

/** Iterations of the reference spin loop per unit of work (about a second on one core). */
const SPIN_ITERATIONS = 300_000_000;
const SPIN_UNITS = 4;
const SPIN_SOURCE = `const { parentPort, workerData } = require('node:worker_threads');
let x = 0;
for (let unit = 0; unit < workerData.units; unit++) for (let i = 0; i < ${SPIN_ITERATIONS}; i++) x = (x + i) % 1000003;
parentPort.postMessage(x);`;

/** Wall time for SPIN_UNITS of pure CPU work spread over `threads` worker threads. */
async function spinMs(threads: number): Promise<number> {
  const startMs = performance.now();
  await Promise.all(
    Array.from({ length: threads }, () => new Promise<void>((resolve, reject) => {
      const worker = new Worker(SPIN_SOURCE, { eval: true, workerData: { units: SPIN_UNITS / threads } });
      worker.once('message', () => void worker.terminate().then(() => resolve()));
      worker.once('error', reject);
    })),
  );
  return performance.now() - startMs;
}

export async function runSweepBench(options: { json: boolean; quick?: boolean }): Promise<Record<string, unknown>> {
  const seedCount = options.quick === true ? SEEDS_QUICK : SEEDS_FULL;
  const dir = await mkdtemp(join(tmpdir(), 'mailsim-bench-sweep-'));
  try {
    const file = join(dir, 'bench-sweep.yaml');
    await writeFile(file, BENCH_SCENARIO);
    const one = await timeSweep(file, seedCount, 1, join(dir, 'jobs1'));
    const two = await timeSweep(file, seedCount, 2, join(dir, 'jobs2'));
    const speedup = one.wallMs / two.wallMs;
    // The reference: the same pure CPU work on one thread and on two, measured now on this machine.
    const machineSpeedup = (await spinMs(1)) / (await spinMs(2));
    const figures = {
      runs: seedCount,
      cores: availableParallelism(),
      jobs1WallMs: Math.round(one.wallMs),
      jobs2WallMs: Math.round(two.wallMs),
      jobs1CoresUsed: coresUsed(one),
      jobs2CoresUsed: coresUsed(two),
      speedup: Math.round(speedup * 100) / 100,
      speedupTarget: SWEEP_SPEEDUP_TARGET,
      meetsTarget: speedup >= SWEEP_SPEEDUP_TARGET,
      machineSpeedup: Math.round(machineSpeedup * 100) / 100,
      /** The sweep's speed-up as a share of what two threads of pure CPU work got on this machine now. */
      efficiency: Math.round((speedup / machineSpeedup) * 100) / 100,
      identicalHashes: JSON.stringify(one.hashes) === JSON.stringify(two.hashes),
      /** Other work on the machine caps the speed-up: with a load average above the core count the ratio means little. */
      loadAverage: loadAverageNow(),
    };
    if (!options.json) {
      process.stdout.write(
        [
          `bench sweep: ${seedCount} runs of a 3-server partition scenario, ${figures.cores} cores`,
          `  --jobs 1  ${figures.jobs1WallMs} ms (cores used ${figures.jobs1CoresUsed})`,
          `  --jobs 2  ${figures.jobs2WallMs} ms (cores used ${figures.jobs2CoresUsed})`,
          `  speed-up  ${figures.speedup}x (target >= ${SWEEP_SPEEDUP_TARGET}x: ${figures.meetsTarget ? 'met' : 'NOT met'})`,
          `  reference: pure CPU work on 2 threads vs 1 gets ${figures.machineSpeedup}x on this machine now; the sweep reaches ${Math.round(figures.efficiency * 100)}% of that`,
          `  same history hashes with 1 and 2 jobs: ${figures.identicalHashes ? 'yes' : 'NO'}`,
          `  load average ${figures.loadAverage.join(' ')} (a ratio measured on a busy machine understates the speed-up)`,
        ].join('\n') + '\n',
      );
    }
    return figures;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
