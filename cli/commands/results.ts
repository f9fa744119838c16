/**
 * mailsim results DIR [--out FILE]: reads what the benches and sweeps wrote into DIR and writes
 * docs/results.md (cli/resultsMarkdown.ts renders it).
 *
 * DIR holds any of: `mailsim bench NAME --json` outputs (*.json with a `bench` field), a sweep's
 * or the suite's results.jsonl (or a sweep's `--json` summary, whose results file is read), a
 * Stryker mutation report (mutation.json), `mailsim explore --json` summaries (explore-*.json), and `started.json` ({ dateIso, loadAverage }) stamped
 * before the measurements began. Beside each input, `<file>.command` holds the exact command
 * that wrote it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';
import { MailsimError } from '../../core/errors.ts';
import type { JsonObject } from '../resultsCatalogue.ts';
import { renderResultsMarkdown, type ExploreFigures, type InputSource, type ResultsInputs, type ResultsStamp } from '../resultsMarkdown.ts';
import { isMutationReport, mutationScores, summarizeRuns } from '../resultsRuns.ts';
import { EXIT_AS_EXPECTED, EXIT_BAD_INPUT_OR_UNKNOWN } from './exitCodes.ts';
import { readResultFile } from './report.ts';

export interface ResultsCommandOptions {
  readonly out: string;
}

/** The file the measuring script writes first: when the measurements began, and the load then. */
export const STARTED_FILE = 'started.json';
const COMMAND_SUFFIX = '.command';
/** A file holding one `mailsim explore --json` summary. */
const EXPLORE_FILE = /^explore-.*\.json$/;
const EXPLORE_NUMBERS = ['seed', 'placements', 'placementsRun', 'schedules', 'distinctStates', 'elapsedS', 'statesPerSec', 'notAsExpected', 'unknown', 'errors'] as const;
const EXPLORE_BOUND_NUMBERS = ['depth', 'faults', 'budgetS'] as const;

interface Collected {
  benches: ResultsInputs['benches'][number][];
  explores: ResultsInputs['explores'][number][];
  runSets: ResultsInputs['runSets'][number][];
  mutation: ResultsInputs['mutation'];
  started: { dateIso?: string; loadAverage?: number[] } | null;
}

async function commandFor(file: string): Promise<string | null> {
  const path = `${file}${COMMAND_SUFFIX}`;
  return existsSync(path) ? (await readFile(path, 'utf8')).trim() : null;
}

async function parseJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch (error) {
    throw new MailsimError('E_BAD_RESULT', `${file}: invalid JSON (${(error as Error).message})`, { file });
  }
}

async function addRunSet(collected: Collected, source: InputSource, resultsFile: string): Promise<void> {
  const { results } = await readResultFile(resultsFile, false);
  if (results.length > 0) collected.runSets.push({ ...source, summary: summarizeRuns(results) });
}

/** The summary an explore-*.json holds, refused by name when it holds something else. */
function exploreFigures(file: string, object: JsonObject): ExploreFigures {
  const bounds = (object.bounds ?? null) as JsonObject | null;
  const valid = typeof object.scenario === 'string' && typeof object.complete === 'boolean' && Array.isArray(object.overrides)
    && EXPLORE_NUMBERS.every((key) => typeof object[key] === 'number')
    && bounds !== null && typeof bounds === 'object' && typeof bounds.dedup === 'boolean' && Array.isArray(bounds.branch)
    && EXPLORE_BOUND_NUMBERS.every((key) => typeof bounds[key] === 'number');
  if (!valid) throw new MailsimError('E_BAD_RESULT', `${file}: not a \`mailsim explore --json\` summary (a file named explore-*.json must hold one)`, { file });
  return object as unknown as ExploreFigures;
}

/** Files one level down too: a sweep's out folder copied in whole. */
async function inputFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await inputFiles(path)));
    else if (['.json', '.jsonl'].includes(extname(entry.name))) files.push(path);
  }
  return files;
}

async function collect(dir: string): Promise<Collected> {
  const collected: Collected = { benches: [], explores: [], runSets: [], mutation: null, started: null };
  for (const file of await inputFiles(dir)) {
    const source = { file: file.slice(dir.length + 1), command: await commandFor(file) };
    if (extname(file) === '.jsonl') {
      await addRunSet(collected, source, file);
      continue;
    }
    const value = await parseJson(file);
    const object = (value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {}) as JsonObject;
    if (source.file === STARTED_FILE) collected.started = object as Collected['started'];
    else if (EXPLORE_FILE.test(basename(file))) collected.explores.push({ ...source, summary: exploreFigures(file, object) });
    else if (typeof object.bench === 'string') collected.benches.push({ ...source, name: object.bench, figures: object });
    else if (isMutationReport(value)) collected.mutation = { ...source, scores: mutationScores(value) };
    else if (typeof object.resultsFile === 'string' && existsSync(object.resultsFile)) await addRunSet(collected, source, object.resultsFile);
    else await addRunSet(collected, source, file);
  }
  return collected;
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'no git';
  }
}

function stampOf(started: Collected['started'], loadAtStart: number[]): ResultsStamp {
  return {
    commit: gitCommit(),
    dateIso: started?.dateIso ?? new Date().toISOString(),
    cores: cpus().length,
    memoryBytes: totalmem(),
    loadAverageStart: started?.loadAverage ?? loadAtStart,
    loadAverageEnd: loadavg(),
  };
}

export async function resultsCommand(dir: string, options: ResultsCommandOptions): Promise<number> {
  const loadAtStart = loadavg();
  try {
    const info = await stat(dir).catch(() => null);
    if (info === null || !info.isDirectory()) throw new MailsimError('E_NO_RESULTS', `${dir}: no such folder`, { dir });
    const collected = await collect(dir);
    const markdown = renderResultsMarkdown({ stamp: stampOf(collected.started, loadAtStart), benches: collected.benches, explores: collected.explores, runSets: collected.runSets, mutation: collected.mutation });
    await mkdir(dirname(options.out), { recursive: true });
    await writeFile(options.out, markdown);
    process.stderr.write(`results: ${collected.benches.length} bench(es), ${collected.explores.length} explore summar${collected.explores.length === 1 ? 'y' : 'ies'}, ${collected.runSets.length} run set(s), mutation report ${collected.mutation === null ? 'absent' : 'read'}: ${options.out}\n`);
    return EXIT_AS_EXPECTED;
  } catch (error) {
    if (!(error instanceof MailsimError)) throw error;
    process.stderr.write(`mailsim results: ${error.message}\n`);
    return EXIT_BAD_INPUT_OR_UNKNOWN;
  }
}
