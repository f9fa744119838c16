/**
 * A sweep: scenario files x seeds, run in worker threads, each result appended to
 * <out>/results.jsonl the moment it arrives (so Ctrl-C loses nothing that finished).
 * Runs that could not run (a bad scenario file, a crash) go to <out>/errors.jsonl.
 * Progress: a bar on a TTY, one plain line per run otherwise (both on stderr).
 * Two ways to stop early: the signal (Ctrl-C) drops the runs in flight; the time budget
 * starts no new run but lets those in flight finish, and the summary says how many ran.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { judgedLines, judgedRows, type JudgedRow } from '../reports/judgedTable.ts';
import { probeLines, probeRows, probesMissed, type ProbeRow } from '../reports/probeTable.ts';
import type { RunResult } from '../sim/resultTypes.ts';
import { exitCodeFor, EXIT_AS_EXPECTED, EXIT_BAD_INPUT_OR_UNKNOWN, EXIT_INTERRUPTED, EXIT_NOT_AS_EXPECTED, isAsExpected } from './commands/exitCodes.ts';
import { runInWorkers, type TaskOutcome } from './sweepPool.ts';
import type { RunTask } from './sweepTask.ts';
import { describeTimeBudget, startTimeBudget } from './timeBudget.ts';
import { overrideSetsFor } from './compareRuns.ts';
import { codeIdentity } from './codeIdentity.ts';

export interface SweepPlan {
  readonly files: readonly string[];
  readonly seeds: readonly number[];
  readonly overrides: readonly string[];
  readonly outDir: string;
  readonly jobs?: number;
  /** 'auto': a bar on a TTY, else lines; 'lines'; 'none' (bench). */
  readonly progress?: 'auto' | 'lines' | 'none';
  readonly signal?: AbortSignal;
  /** Wall-clock budget: once it passes, no new run starts (runs in flight finish). */
  readonly timeBudgetMs?: number;
  /** Per file, overrides added to the sweep's and whether its real backends run (a suite tier's plan). */
  readonly perFile?: (file: string) => { readonly overrides: readonly string[]; readonly realReplicas: boolean; readonly realClients?: boolean };
  /** Told how many runs the plan makes, once files that compare strategies are expanded, before any starts. */
  readonly onPlanned?: (runCount: number) => void;
  /** Coverage probes (core/probes.ts) some run must hit; a sweep in which one was never hit exits 1. */
  readonly requiredProbes?: readonly string[];
}

export interface SweepError {
  readonly scenario: string;
  readonly seed: number;
  readonly error: string;
  readonly code: string | null;
}

export interface SweepSummary {
  /** Runs that finished with a result (not the runs that could not run: see errors). */
  readonly runs: number;
  /** Runs the plan holds (files x seeds); those the time budget left unstarted count as neither passed nor failed. */
  readonly planned: number;
  readonly asExpected: number;
  readonly notAsExpected: number;
  readonly unknown: number;
  readonly errors: readonly SweepError[];
  readonly interrupted: boolean;
  readonly timeBudgetMs: number | null;
  /** The budget passed before every planned run had started. */
  readonly stoppedByTimeBudget: boolean;
  readonly resultsFile: string;
  readonly failures: readonly { readonly scenario: string; readonly seed: number; readonly verdict: string; readonly expect: string; readonly failureFile: string | null }[];
  /** Runs of known findings in real systems that reproduced them (as expected). */
  readonly findingsReproduced: readonly { readonly scenario: string; readonly seed: number; readonly summary: string; readonly replayCommand: string }[];
  /** Per checker: runs that judged something, runs with nothing to judge, total judged. */
  readonly judged: readonly JudgedRow[];
  /** Per coverage probe: hits over all runs and the runs that hit it (reports/probeTable.ts). */
  readonly probes: readonly ProbeRow[];
  /** Required probes (SweepPlan.requiredProbes) that no run hit. */
  readonly probesMissed: readonly string[];
  readonly exitCode: number;
}

const TASK_MODULE = new URL('./sweepTask.ts', import.meta.url);

function seconds(wallMs: number): string {
  return `${(wallMs / 1000).toFixed(1)} s`;
}

export function defaultJobs(): number {
  return availableParallelism();
}

/** The one command that reproduces a run that was not as expected. */
export function replayHint(failure: { readonly scenario: string; readonly seed: number; readonly failureFile?: string | null }): string {
  return failure.failureFile === undefined || failure.failureFile === null
    ? `mailsim run ${failure.scenario} --seed ${failure.seed}`
    : `mailsim replay ${failure.failureFile}`;
}

interface Progress {
  done(line: string): void;
  /** A line about the sweep itself, not about one run. */
  note(line: string): void;
  stop(): void;
}

function startProgress(mode: 'auto' | 'lines' | 'none', total: number): Progress {
  if (mode === 'none') return { done: () => {}, note: () => {}, stop: () => {} };
  if (mode === 'auto' && process.stderr.isTTY === true) {
    const bar = new cliProgress.SingleBar(
      { stream: process.stderr, format: 'sweep [{bar}] {value}/{total} runs | {eta_formatted} left | {last}', hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { last: '' });
    let count = 0;
    return { done: (line) => bar.update(++count, { last: line }), note: (line) => bar.update({ last: line }), stop: () => bar.stop() };
  }
  let count = 0;
  return { done: (line) => process.stderr.write(`[${++count}/${total}] ${line}\n`), note: (line) => process.stderr.write(`${line}\n`), stop: () => {} };
}

export async function runSweep(plan: SweepPlan): Promise<SweepSummary> {
  mkdirSync(plan.outDir, { recursive: true });
  const resultsFile = join(plan.outDir, 'results.jsonl');
  const errorsFile = join(plan.outDir, 'errors.jsonl');
  writeFileSync(resultsFile, '');
  writeFileSync(errorsFile, '');
  const tasks: RunTask[] = [];
  const code = codeIdentity();
  for (const file of plan.files) {
    const extra = plan.perFile?.(file) ?? { overrides: [], realReplicas: true };
    for (const overrides of await overrideSetsFor(file, [...plan.overrides, ...extra.overrides], { realReplicas: extra.realReplicas, ...(extra.realClients === undefined ? {} : { realClients: extra.realClients }) })) {
      for (const seed of plan.seeds) tasks.push({ file, overrides, seed, outDir: plan.outDir, code });
    }
  }
  plan.onPlanned?.(tasks.length);
  const results: RunResult[] = [];
  const errors: SweepError[] = [];
  const progress = startProgress(plan.progress ?? 'auto', tasks.length);
  const onOutcome = (task: RunTask, outcome: TaskOutcome<RunResult>): void => {
    if (outcome.ok) {
      const result = outcome.value;
      results.push(result);
      appendFileSync(resultsFile, `${JSON.stringify(result)}\n`);
      const mark = isAsExpected(result) ? 'ok' : 'NOT AS EXPECTED';
      progress.done(`${task.file} seed ${task.seed}: ${result.verdict} (expect ${result.expect}) ${mark} in ${seconds(outcome.wallMs)}`);
    } else {
      const error = { scenario: task.file, seed: task.seed ?? 0, error: outcome.error, code: outcome.code };
      errors.push(error);
      appendFileSync(errorsFile, `${JSON.stringify(error)}\n`);
      progress.done(`${task.file} seed ${task.seed}: error: ${outcome.error}`);
    }
  };
  const budgetMs = plan.timeBudgetMs;
  const budget = budgetMs === undefined
    ? null
    : startTimeBudget(budgetMs, () => progress.note(`time budget of ${describeTimeBudget(budgetMs)} reached: no new run starts; the runs in flight finish`));
  const jobs = plan.jobs ?? defaultJobs();
  const run = await runInWorkers<RunTask, RunResult>({ taskModule: TASK_MODULE, tasks, jobs, onOutcome, signal: plan.signal, drain: budget?.signal })
    .finally(() => {
      budget?.cancel();
      progress.stop();
    });
  const failures = results
    .filter((result) => !isAsExpected(result))
    .map((result) => ({ scenario: result.scenario, seed: result.seed, verdict: result.verdict, expect: result.expect, failureFile: result.failureFile ?? null }));
  const probes = probeRows(results);
  const missed = probesMissed(probes, plan.requiredProbes ?? []);
  let exitCode = exitCodeFor(results);
  // A required probe never hit: the sweep did not reach what it was meant to test.
  if (missed.length > 0 && exitCode === EXIT_AS_EXPECTED) exitCode = EXIT_NOT_AS_EXPECTED;
  if (errors.length > 0) exitCode = EXIT_BAD_INPUT_OR_UNKNOWN;
  if (run.interrupted) exitCode = EXIT_INTERRUPTED;
  return {
    runs: results.length,
    planned: tasks.length,
    asExpected: results.filter(isAsExpected).length,
    notAsExpected: results.filter((result) => !isAsExpected(result)).length,
    unknown: results.filter((result) => result.verdict === 'unknown').length,
    errors,
    interrupted: run.interrupted,
    timeBudgetMs: budgetMs ?? null,
    stoppedByTimeBudget: budget?.signal.aborted === true && run.completed < tasks.length,
    resultsFile,
    failures,
    findingsReproduced: results
      .filter((result) => result.finding !== undefined && isAsExpected(result))
      .map((result) => ({ scenario: result.scenario, seed: result.seed, summary: result.finding?.summary ?? '', replayCommand: result.replayCommand })),
    judged: judgedRows(results),
    probes,
    probesMissed: missed,
    exitCode,
  };
}

/** The human summary printed after a sweep (stderr keeps stdout free for --json). */
export function describeSweep(summary: SweepSummary): string {
  const lines = [
    `${summary.runs} of ${summary.planned} runs finished: ${summary.asExpected} as expected, ${summary.notAsExpected} not as expected (${summary.unknown} unknown), ${summary.errors.length} could not run`,
    `results: ${summary.resultsFile}`,
  ];
  if (summary.interrupted) lines.push('interrupted: every finished run is in the results file');
  if (summary.stoppedByTimeBudget) {
    const notStarted = summary.planned - summary.runs - summary.errors.length;
    const budget = describeTimeBudget(summary.timeBudgetMs as number);
    lines.push(`stoppedByTimeBudget: true (${budget}): ${notStarted} of ${summary.planned} planned runs never started and count as neither passed nor failed`);
  }
  if (summary.findingsReproduced.length > 0) lines.push(`known findings in real systems, reproduced as expected (${summary.findingsReproduced.length}):`);
  for (const finding of summary.findingsReproduced) lines.push(`  ${finding.scenario} seed ${finding.seed}: ${finding.summary} Replay: ${finding.replayCommand}`);
  lines.push(...judgedLines(summary.judged));
  lines.push(...probeLines(summary.probes));
  if (summary.probesMissed.length > 0) lines.push(`required probes never hit (${summary.probesMissed.length}): ${summary.probesMissed.join(', ')}`);
  for (const failure of summary.failures) {
    lines.push(`  ${failure.scenario} seed ${failure.seed}: ${failure.verdict} (expect ${failure.expect}); replay: ${replayHint(failure)}`);
  }
  for (const error of summary.errors.slice(0, 10)) lines.push(`  ${error.scenario} seed ${error.seed}: ${error.error}`);
  if (summary.errors.length > 10) lines.push(`  ... and ${summary.errors.length - 10} more errors (see errors.jsonl)`);
  return `${lines.join('\n')}\n`;
}
