/**
 * mailsim run FILE [--seed N] [--set PATH=VALUE]... [--out DIR] [--history FILE] [--finals FILE] [--json]
 * Runs in the main thread. --json prints the RunResult as one object on stdout. On a
 * terminal (and without --json) a progress bar on stderr shows the run as it goes.
 * --history and --finals write the history and the final states (cli/runOutputs.ts).
 */
import { performance } from 'node:perf_hooks';
import type { RunOutcome } from '../../backends/world.ts';
import type { RunResult } from '../../sim/resultTypes.ts';
import { describeWritten, RunOutputs, writtenFiles, type RunOutputOptions, type RunOutputsWritten } from '../runOutputs.ts';
import { startRunProgress } from '../runProgress.ts';
import { replayHint } from '../sweep.ts';
import { runTask } from '../sweepTask.ts';
import { exitCodeFor, isAsExpected } from './exitCodes.ts';
import { findingReproduced } from '../../sim/expectation.ts';

export interface RunCommandOptions extends RunOutputOptions {
  readonly seed?: number;
  readonly set: readonly string[];
  readonly out: string;
  readonly json?: boolean;
}

const CHECK_NAME_WIDTH = 16;

/** The coverage probes a run hit, with their counts (docs/probes.md). */
export function probesLine(probes: Readonly<Record<string, number>>): string {
  const hit = Object.entries(probes);
  return hit.length === 0 ? 'probes hit: none' : `probes hit: ${hit.map(([name, count]) => `${name} x${count}`).join(', ')}`;
}

/** The human report of one run: a line per check, the verdict against expect, the hash. */
export function describeRun(result: RunResult): string {
  const lines = [`${result.scenario} (${result.scenarioName}) seed ${result.seed}, strategy ${result.strategy}`];
  for (const [name, check] of Object.entries(result.checks)) {
    const count = check.verdict === 'invalid' || check.verdict === 'unknown' ? ` x${check.count}` : '';
    const over = check.judgedCount > 0 ? ` over ${check.judgedCount} ${check.judgedWhat}` : '';
    const evidence = check.evidence.length > 0 ? ` (history ${check.evidence.join(', ')})` : '';
    lines.push(`  ${name.padEnd(CHECK_NAME_WIDTH)} ${check.verdict}${count}${over}: ${check.explanation}${evidence}`);
  }
  const mark = isAsExpected(result) ? 'as expected' : 'NOT AS EXPECTED';
  lines.push(`verdict: ${result.verdict} (expect ${result.expect}): ${mark}`);
  if (result.finding !== undefined) {
    const shown = findingReproduced(result) ? 'reproduced' : `NOT reproduced (needs ${result.finding.checks.join(', ')} invalid)`;
    lines.push(`known finding ${shown}: ${result.finding.summary}`);
  }
  lines.push(`history hash: ${result.historyHash}`);
  if (result.probes !== undefined) lines.push(probesLine(result.probes));
  if (!isAsExpected(result)) {
    if (result.failureFile !== undefined) lines.push(`failure saved: ${result.failureFile}`);
    lines.push(`replay: ${replayHint(result)}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function runCommand(file: string, options: RunCommandOptions): Promise<number> {
  const outputs = await RunOutputs.open(options);
  let written: RunOutputsWritten = {};
  const onOutcome = async (outcome: RunOutcome, run: RunResult): Promise<void> => {
    written = await outputs.write(outcome, run);
  };
  const progress = startRunProgress({ json: options.json === true, stream: process.stderr, wallMs: () => performance.now() });
  const task = { file, overrides: options.set, seed: options.seed ?? null, outDir: options.out };
  const ran = await runTask(task, { onProgress: progress?.onProgress, onOutcome })
    .finally(() => progress?.stop())
    .finally(() => outputs.discard());
  const result: RunResult = { ...ran, ...writtenFiles(written) };
  process.stdout.write(options.json === true ? `${JSON.stringify(result)}\n` : describeRun(result) + describeWritten(written));
  return exitCodeFor([result]);
}
