/**
 * mailsim report RESULTS... [--html FILE] [--md FILE] [--json FILE]
 * Reads run results (a run's --json output, sweep results.jsonl, directories of them, shard
 * outputs), merges them and writes the HTML, Markdown and JSON reports (reports/ renders).
 * Also holds the result-file reader that `mailsim gate` shares.
 */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { MailsimError } from '../../core/errors.ts';
import { renderHtml } from '../../reports/html.ts';
import { renderMarkdown } from '../../reports/markdown.ts';
import { parseRunResult, runResultProblem } from '../../reports/merge.ts';
import { summarize, type ReportSummary } from '../../reports/summary.ts';
import type { RunResult } from '../../sim/resultTypes.ts';
import { EXIT_AS_EXPECTED, EXIT_BAD_INPUT_OR_UNKNOWN } from './exitCodes.ts';

/** Directory depth searched for result files (shard folders inside an artifacts folder...). */
export const RESULTS_DIR_DEPTH_MAX = 6;
const RESULT_EXTENSIONS = ['.json', '.jsonl'];

export interface ReadResults {
  readonly results: RunResult[];
  /** Values found in directories that are not run results (errors.jsonl lines, failure files...), skipped. */
  readonly skippedCount: number;
  readonly fileCount: number;
}

/**
 * Reads RunResults from files and directories. A file named on the command line must hold
 * only run results (a bad value is an error naming file and line); files found inside a
 * directory may hold other things (errors.jsonl, failure files), which are skipped and counted.
 */
export async function readResults(paths: readonly string[]): Promise<ReadResults> {
  const results: RunResult[] = [];
  let skippedCount = 0;
  let fileCount = 0;
  for (const path of paths) {
    const info = await statOrThrow(path);
    const files = info.isDirectory() ? await resultFilesIn(path, 0) : [path];
    for (const file of files) {
      const read = await readResultFile(file, !info.isDirectory());
      results.push(...read.results);
      skippedCount += read.skippedCount;
      fileCount += 1;
    }
  }
  return { results, skippedCount, fileCount };
}

async function statOrThrow(path: string): Promise<Awaited<ReturnType<typeof stat>>> {
  try {
    return await stat(path);
  } catch {
    throw new MailsimError('E_NO_RESULTS', `${path}: no such file or directory`, { path });
  }
}

async function resultFilesIn(dir: string, depth: number): Promise<string[]> {
  if (depth > RESULTS_DIR_DEPTH_MAX) return [];
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await resultFilesIn(path, depth + 1)));
    else if (entry.isFile() && RESULT_EXTENSIONS.includes(extname(entry.name))) files.push(path);
  }
  return files;
}

/** Parses one .json (a result or an array of them) or .jsonl file (one result per line). */
export async function readResultFile(file: string, strict: boolean): Promise<{ results: RunResult[]; skippedCount: number }> {
  const text = await readFile(file, 'utf8');
  const values: { value: unknown; source: string }[] = [];
  let skippedCount = 0;
  const parse = (json: string, source: string): void => {
    try {
      values.push({ value: JSON.parse(json) as unknown, source });
    } catch (error) {
      if (strict) throw new MailsimError('E_BAD_RESULT', `${source}: invalid JSON (${(error as Error).message})`, { source });
      skippedCount += 1;
    }
  };
  if (extname(file) === '.jsonl') {
    text.split('\n').forEach((line, index) => { if (line.trim() !== '') parse(line, `${file}:${index + 1}`); });
  } else {
    parse(text, file);
  }
  const results: RunResult[] = [];
  for (const { value, source } of values) {
    const items = Array.isArray(value) && extname(file) === '.json' ? value : [value];
    for (const item of items) {
      if (strict) results.push(parseRunResult(item, source));
      else if (runResultProblem(item) === null) results.push(item as RunResult);
      else skippedCount += 1;
    }
  }
  return { results, skippedCount };
}

export interface ReportFiles {
  readonly html?: string;
  readonly md?: string;
  readonly json?: string;
}

/** Summarises and writes whichever reports are asked for (used by `mailsim report` and by `npm start`'s suite). */
export async function writeReportFiles(results: readonly RunResult[], files: ReportFiles, generatedAt?: string): Promise<ReportSummary> {
  const summary = summarize(results);
  const write = async (path: string, text: string): Promise<void> => {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
  };
  if (files.html !== undefined) await write(files.html, renderHtml(summary, generatedAt === undefined ? {} : { generatedAt }));
  if (files.md !== undefined) await write(files.md, renderMarkdown(summary, files.html === undefined ? {} : { reportLink: files.html }));
  if (files.json !== undefined) await write(files.json, `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

/** `mailsim report`: exit 0 when the reports were written, 2 for bad input. Prints the Markdown when no output file is named. */
export async function reportCommand(files: string[], opts: { html?: string; md?: string; json?: string }): Promise<number> {
  try {
    if (files.length === 0) throw new MailsimError('E_NO_RESULTS', 'name at least one results file or directory', {});
    const read = await readResults(files);
    if (read.results.length === 0) throw new MailsimError('E_NO_RESULTS', `no run results found in ${files.join(', ')}`, { files });
    const summary = await writeReportFiles(read.results, opts, new Date().toISOString());
    const skipped = read.skippedCount === 0 ? '' : `, ${read.skippedCount} other values skipped`;
    const duplicates = summary.duplicateCount === 0 ? '' : `, ${summary.duplicateCount} duplicates merged`;
    process.stderr.write(`report: ${read.fileCount} file(s), ${summary.runCount} runs${duplicates}${skipped}: `
      + `${summary.expectedCount} as expected, ${summary.unexpectedCount} unexpected\n`);
    for (const [label, path] of [['html', opts.html], ['markdown', opts.md], ['json', opts.json]] as const) {
      if (path !== undefined) process.stderr.write(`  ${label}: ${path}\n`);
    }
    if (opts.html === undefined && opts.md === undefined && opts.json === undefined) process.stdout.write(renderMarkdown(summary));
    return EXIT_AS_EXPECTED;
  } catch (error) {
    if (!(error instanceof MailsimError)) throw error;
    process.stderr.write(`mailsim report: ${error.message}\n`);
    return EXIT_BAD_INPUT_OR_UNKNOWN;
  }
}
