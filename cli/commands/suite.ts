/**
 * mailsim suite (behind `npm start`): the scenario library in worker threads; results to
 * <out>/results.jsonl; then the HTML and Markdown reports. The folder's suite plan
 * (scenarios/suitePlan.ts) says what the default tier runs, quick and green, and what
 * `--full` runs, the evidence the published figures come from. Exit code as for sweep.
 */
import { join, relative } from 'node:path';
import { filePlan, loadSuitePlan, type SuiteTier } from '../../scenarios/suitePlan.ts';
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

export async function suiteCommand(options: SuiteCommandOptions): Promise<number> {
  const plan = await loadSuitePlan(options.dir);
  const tierName = options.full === true ? 'full' : 'default';
  const tier: SuiteTier | null = plan === null ? null : plan[tierName];
  const planOf = (file: string) => (tier === null ? { skipped: false, realReplicas: true, overrides: [] } : filePlan(tier, relative(options.dir, file).split('\\').join('/')));
  const all = await scenarioFiles(options.dir);
  const scenarios = all.filter((file) => !planOf(file).skipped);
  const seedCount = options.seeds ?? tier?.seeds ?? SUITE_SEEDS_DEFAULT;
  const seeds = Array.from({ length: seedCount }, (_, index) => index + 1);
  const left = all.length - scenarios.length;
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
