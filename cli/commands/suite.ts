/**
 * mailsim suite (behind `npm start`): every scenario under scenarios/ (controls included)
 * with a few seeds each, in worker threads; results to out/suite/results.jsonl; then the
 * HTML and Markdown reports to reports/latest/. Exit code as for sweep.
 */
import { join } from 'node:path';
import { describeSweep, runSweep } from '../sweep.ts';
import { scenarioFiles } from '../sweepFiles.ts';
import { readResultFile, writeReportFiles } from './report.ts';
import { interruptOnSigint } from './sweep.ts';

export interface SuiteCommandOptions {
  readonly dir: string;
  readonly seeds: number;
  readonly jobs?: number;
  /** Already parsed by parseTimeBudget (ms). */
  readonly timeBudget?: number;
  readonly out: string;
  readonly reports: string;
}

export async function suiteCommand(options: SuiteCommandOptions): Promise<number> {
  const scenarios = await scenarioFiles(options.dir);
  const seeds = Array.from({ length: options.seeds }, (_, index) => index + 1);
  const onPlanned = (runs: number) => process.stderr.write(`suite: ${scenarios.length} scenario file(s) x ${seeds.length} seed(s) = ${runs} runs\n`);
  const signal = interruptOnSigint();
  const summary = await runSweep({ files: scenarios, seeds, overrides: [], outDir: options.out, jobs: options.jobs, signal, timeBudgetMs: options.timeBudget, onPlanned });
  process.stderr.write(describeSweep(summary));
  const files = { html: join(options.reports, 'index.html'), md: join(options.reports, 'summary.md') };
  const { results } = await readResultFile(summary.resultsFile, true);
  await writeReportFiles(results, files, new Date().toISOString());
  process.stderr.write(`reports: ${files.html}, ${files.md}\n`);
  return summary.exitCode;
}
