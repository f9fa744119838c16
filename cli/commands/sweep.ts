/**
 * mailsim sweep FILE|DIR --seeds N [--from S] [--set PATH=VALUE]... [--jobs J] [--shard i/N] [--time-budget D] [--out DIR] [--json] [--require-probes [a,b]]
 */
import { describeSweep, runSweep } from '../sweep.ts';
import { scenarioFiles } from '../sweepFiles.ts';
import { shardFrom, shardSeeds, shardWarning } from '../sweepShard.ts';
import { requiredProbes } from './options.ts';

export interface SweepCommandOptions {
  readonly seeds: number;
  readonly from: number;
  readonly set: readonly string[];
  readonly jobs?: number;
  readonly shard?: string;
  /** Already parsed by parseTimeBudget (ms). */
  readonly timeBudget?: number;
  readonly out: string;
  readonly json?: boolean;
  /** --require-probes: true for every probe, or the names given. */
  readonly requireProbes?: true | readonly string[];
}

/**
 * Stops the sweep on the first Ctrl-C; a later one exits at once. The listener stays for
 * the life of the process: once the sweep is over, a Ctrl-C still exits 130, never by the
 * signal's default action.
 */
export function interruptOnSigint(): AbortSignal {
  const controller = new AbortController();
  process.on('SIGINT', () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nmailsim: stopping; finished runs are kept (Ctrl-C again to quit now)\n');
    controller.abort();
  });
  return controller.signal;
}

export async function sweepCommand(path: string, options: SweepCommandOptions): Promise<number> {
  const shard = shardFrom(options.shard, process.env);
  const warning = shardWarning(shard, process.env);
  if (warning !== null) process.stderr.write(`mailsim: warning: ${warning}\n`);
  const files = await scenarioFiles(path);
  const seeds = shardSeeds(options.from, options.seeds, shard);
  const signal = interruptOnSigint();
  const shardText = shard === null ? '' : ` (shard ${shard.index}/${shard.count})`;
  const onPlanned = (runs: number) => process.stderr.write(`sweep: ${files.length} scenario file(s) x ${seeds.length} seed(s)${shardText} = ${runs} runs\n`);
  const summary = await runSweep({ files, seeds, overrides: options.set, outDir: options.out, jobs: options.jobs, signal, timeBudgetMs: options.timeBudget, onPlanned, requiredProbes: requiredProbes(options.requireProbes) });
  process.stderr.write(describeSweep(summary));
  if (options.json === true) process.stdout.write(`${JSON.stringify({ ...summary, files, seeds, shard })}\n`);
  return summary.exitCode;
}
