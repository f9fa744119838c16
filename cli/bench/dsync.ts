/**
 * mailsim bench dsync: real Dovecot on the library's own workload. Runs one scenario
 * (concurrent-flags: random flag changes and deliveries on two servers across a partition)
 * several times under `replica: dsync` and reports how often the verdict and the history hash
 * repeat (a real process is not bit-for-bit deterministic; docs/replica-backends.md says what
 * the hash covers), with the bytes per flag change and per delivery each run measured, beside
 * one run of the reference replica on the same file and seed.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { dovecotInstalled } from '../../backends/dovecot/dovecotHome.ts';
import { loadScenario } from '../../scenarios/loader.ts';
import { runScenario } from '../../scenarios/run.ts';
import type { RunResult } from '../../sim/resultTypes.ts';

const BENCH_FILE = 'scenarios/concurrent-flags.yaml';
const RUNS_FULL = 10;
const RUNS_QUICK = 3;

function spread(values: readonly (number | null)[]): { mean: number | null; min: number | null; max: number | null } {
  const known = values.filter((value): value is number => value !== null);
  if (known.length === 0) return { mean: null, min: null, max: null };
  return { mean: Math.round(known.reduce((a, b) => a + b, 0) / known.length), min: Math.min(...known), max: Math.max(...known) };
}

function counts(values: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const value of values) out[value] = (out[value] ?? 0) + 1;
  return out;
}

export async function runDsyncBench(options: { json: boolean; quick?: boolean }): Promise<Record<string, unknown>> {
  if (!dovecotInstalled()) {
    if (!options.json) process.stdout.write('bench dsync: SKIPPED, Dovecot is not installed (apt-get install dovecot-core dovecot-imapd)\n');
    return { skipped: 'Dovecot is not installed' };
  }
  const runCount = options.quick === true ? RUNS_QUICK : RUNS_FULL;
  const loaded = await loadScenario(BENCH_FILE, ['replica=dsync']);
  const seed = loaded.scenario.seed ?? 1;
  const results: RunResult[] = [];
  const wallMs: number[] = [];
  for (let i = 0; i < runCount; i++) {
    const startMs = performance.now();
    results.push((await runScenario(loaded, seed)).result);
    wallMs.push(Math.round(performance.now() - startMs));
    if (!options.json) process.stderr.write(`bench dsync: run ${i + 1}/${runCount}: ${results.at(-1)?.verdict} in ${wallMs.at(-1)} ms\n`);
  }
  const reference = (await runScenario(await loadScenario(BENCH_FILE, []), seed)).result;
  const hashCounts = counts(results.map((result) => result.historyHash));
  const figures = {
    scenario: BENCH_FILE,
    seed,
    runs: runCount,
    verdicts: counts(results.map((result) => result.verdict)),
    checkVerdicts: counts(results.map((result) => Object.entries(result.checks).map(([name, check]) => `${name}=${check.verdict}`).join(' '))),
    distinctHistoryHashes: Object.keys(hashCounts).length,
    mostCommonHashRuns: Math.max(...Object.values(hashCounts)),
    bytesPerFlagChange: spread(results.map((result) => result.metrics.wireBytesPerFlagChange)),
    bytesPerDelivery: spread(results.map((result) => result.metrics.wireBytesPerDelivery)),
    wallMsPerRun: spread(wallMs),
    reference: { strategy: reference.strategy, verdict: reference.verdict, bytesPerFlagChange: reference.metrics.wireBytesPerFlagChange, bytesPerDelivery: reference.metrics.wireBytesPerDelivery },
    loadAverage: loadavg()[0] ?? 0,
  };
  if (!options.json) {
    const b = (v: { mean: number | null; min: number | null; max: number | null }) => `${v.mean ?? '-'} B (${v.min ?? '-'}-${v.max ?? '-'})`;
    process.stdout.write(
      `bench dsync: ${BENCH_FILE} seed ${seed} on real Dovecot, ${runCount} runs (load ${figures.loadAverage.toFixed(1)})\n`
        + `  verdicts: ${JSON.stringify(figures.verdicts)}; the same history hash in ${figures.mostCommonHashRuns} of ${runCount} runs (${figures.distinctHistoryHashes} distinct)\n`
        + `  dsync (real): ${b(figures.bytesPerFlagChange)} per flag change, ${b(figures.bytesPerDelivery)} per delivery; ${figures.wallMsPerRun.mean} ms per run\n`
        + `  reference replica (${reference.strategy}), same file and seed: ${reference.metrics.wireBytesPerFlagChange ?? '-'} B per flag change, ${reference.metrics.wireBytesPerDelivery ?? '-'} B per delivery, ${reference.verdict}\n`,
    );
  }
  return figures;
}
