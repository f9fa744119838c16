/**
 * mailsim suite (behind `npm start`): every scenario under scenarios/ (controls included)
 * with a few seeds each, in worker threads; results to out/suite/results.jsonl; then the
 * HTML and Markdown reports to reports/latest/. Exit code as for sweep.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderHtml } from '../../reports/html.ts';
import { renderMarkdown } from '../../reports/markdown.ts';
import { mergeResults } from '../../reports/merge.ts';
import { summarize } from '../../reports/summary.ts';
import type { RunResult } from '../../sim/resultTypes.ts';
import { describeSweep, runSweep } from '../sweep.ts';
import { scenarioFiles } from '../sweepFiles.ts';
import { interruptOnSigint } from './sweep.ts';
import { readFileSync } from 'node:fs';

export interface SuiteCommandOptions {
  readonly dir: string;
  readonly seeds: number;
  readonly jobs?: number;
  readonly out: string;
  readonly reports: string;
}

function readResults(resultsFile: string): RunResult[] {
  return readFileSync(resultsFile, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as RunResult);
}

/** Writes index.html and summary.md for `results` into `dir`. */
export async function writeReports(results: readonly RunResult[], dir: string): Promise<{ html: string; markdown: string }> {
  const summary = summarize(mergeResults(results).results);
  await mkdir(dir, { recursive: true });
  const html = join(dir, 'index.html');
  const markdown = join(dir, 'summary.md');
  await writeFile(html, renderHtml(summary, { title: 'mailsim suite', generatedAt: new Date().toISOString() }));
  await writeFile(markdown, renderMarkdown(summary, { reportLink: html }));
  return { html, markdown };
}

export async function suiteCommand(options: SuiteCommandOptions): Promise<number> {
  const files = await scenarioFiles(options.dir);
  const seeds = Array.from({ length: options.seeds }, (_, index) => index + 1);
  const planned = files.length * seeds.length;
  process.stderr.write(`suite: ${files.length} scenario file(s) x ${seeds.length} seed(s) = ${planned} runs\n`);
  const interrupt = interruptOnSigint();
  try {
    const summary = await runSweep({ files, seeds, overrides: [], outDir: options.out, jobs: options.jobs, signal: interrupt.signal });
    process.stderr.write(describeSweep(summary, planned));
    const written = await writeReports(readResults(summary.resultsFile), options.reports);
    process.stderr.write(`reports: ${written.html}, ${written.markdown}\n`);
    return summary.exitCode;
  } finally {
    interrupt.dispose();
  }
}
