/**
 * mailsim sweep FILE|DIR --seeds N [--from S] [--set PATH=VALUE]... [--jobs J] [--shard i/N] [--out DIR] [--json]
 */
import { describeSweep, runSweep } from '../sweep.ts';
import { scenarioFiles } from '../sweepFiles.ts';
import { shardFrom, shardSeeds } from '../sweepShard.ts';

export interface SweepCommandOptions {
  readonly seeds: number;
  readonly from: number;
  readonly set: readonly string[];
  readonly jobs?: number;
  readonly shard?: string;
  readonly out: string;
  readonly json?: boolean;
}

/** Stops the sweep on the first Ctrl-C; a second one exits at once. */
export function interruptOnSigint(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nmailsim: stopping; finished runs are kept (Ctrl-C again to quit now)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onSigint) };
}

export async function sweepCommand(path: string, options: SweepCommandOptions): Promise<number> {
  const shard = shardFrom(options.shard, process.env);
  const files = await scenarioFiles(path);
  const seeds = shardSeeds(options.from, options.seeds, shard);
  const interrupt = interruptOnSigint();
  const planned = files.length * seeds.length;
  const shardText = shard === null ? '' : ` (shard ${shard.index}/${shard.count})`;
  process.stderr.write(`sweep: ${files.length} scenario file(s) x ${seeds.length} seed(s)${shardText} = ${planned} runs\n`);
  try {
    const summary = await runSweep({
      files,
      seeds,
      overrides: options.set,
      outDir: options.out,
      jobs: options.jobs,
      signal: interrupt.signal,
    });
    process.stderr.write(describeSweep(summary, planned));
    if (options.json === true) {
      process.stdout.write(`${JSON.stringify({ ...summary, planned, files, seeds, shard })}\n`);
    }
    return summary.exitCode;
  } finally {
    interrupt.dispose();
  }
}
