/**
 * mailsim suite (behind `npm start`): the scenario library in worker threads; results to
 * <out>/results.jsonl; then the HTML and Markdown reports. The folder's suite plan
 * (scenarios/suitePlan.ts) says what the default tier runs, quick and green, and what
 * `--full` runs, the evidence the published figures come from. Exit code as for sweep.
 */
import { join, relative } from 'node:path';
import { filePlan, loadSuitePlan, type FilePlan, type SuiteTier, type SuiteTierName } from '../../scenarios/suitePlan.ts';
import { describeSweep, runSweep } from '../sweep.ts';
import { scenarioFiles } from '../sweepFiles.ts';
import { readResultFile, writeReportFiles } from './report.ts';
import { interruptOnSigint } from './sweep.ts';

/** Seeds per scenario when the folder has no plan and none are asked for. */
export const SUITE_SEEDS_DEFAULT = 2;

export interface SuiteCommandOptions {
  readonly dir: string;
  /** Seeds 1..N per scenario; default: the plan's for the tier. */
  readonly seeds?: number;
  readonly full?: boolean;
  readonly jobs?: number;
  /** Already parsed by parseTimeBudget (ms). */
  readonly timeBudget?: number;
  readonly out: string;
  readonly reports: string;
}

/** A tier of a folder's suite as a sweep plan: the files it runs, its seeds and each file's plan. */
export interface SuiteRuns {
  readonly tierName: SuiteTierName;
  readonly files: readonly string[];
  /** Files of the folder the tier leaves to the other one. */
  readonly leftCount: number;
  readonly seeds: readonly number[];
  readonly perFile: (file: string) => FilePlan & { readonly realClients?: boolean };
}

/**
 * `referenceOnly`: neither real backends nor real client programs run (the pinned history hashes
 * cover what the reference replica alone decides, the same on every machine).
 */
export async function suiteRuns(dir: string, full: boolean, seedCount?: number, referenceOnly = false): Promise<SuiteRuns> {
  const plan = await loadSuitePlan(dir);
  const tierName: SuiteTierName = full ? 'full' : 'default';
  const tier: SuiteTier | null = plan === null ? null : plan[tierName];
  const perFile = (file: string): FilePlan & { readonly realClients?: boolean } => {
    const planned = tier === null ? { skipped: false, realReplicas: true, overrides: [] } : filePlan(tier, relative(dir, file).split('\\').join('/'));
    return referenceOnly ? { ...planned, realReplicas: false, realClients: false } : planned;
  };
  const all = await scenarioFiles(dir);
  const files = all.filter((file) => !perFile(file).skipped);
  const count = seedCount ?? tier?.seeds ?? SUITE_SEEDS_DEFAULT;
  return { tierName, files, leftCount: all.length - files.length, seeds: Array.from({ length: count }, (_, index) => index + 1), perFile };
}

export async function suiteCommand(options: SuiteCommandOptions): Promise<number> {
  const { tierName, files: scenarios, leftCount: left, seeds, perFile: planOf } = await suiteRuns(options.dir, options.full === true, options.seeds);
  const onPlanned = (runs: number) =>
    process.stderr.write(`suite (${tierName}): ${scenarios.length} scenario file(s) x ${seeds.length} seed(s) = ${runs} runs${left > 0 ? `; ${left} more file(s) run with --full` : ''}\n`);
  const signal = interruptOnSigint();
  const summary = await runSweep({ files: scenarios, seeds, overrides: [], perFile: planOf, outDir: options.out, jobs: options.jobs, signal, timeBudgetMs: options.timeBudget, onPlanned });
  process.stderr.write(describeSweep(summary));
  const files = { html: join(options.reports, 'index.html'), md: join(options.reports, 'summary.md') };
  const { results } = await readResultFile(summary.resultsFile, true);
  await writeReportFiles(results, files, new Date().toISOString());
  process.stderr.write(`reports: ${files.html}, ${files.md}\n`);
  return summary.exitCode;
}
