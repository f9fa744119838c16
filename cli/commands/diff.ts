/**
 * mailsim diff FILE... [--seeds N] [--seed-start S] [--replicas git,dsync,cyrus] [--set PATH=VALUE]... [--out DIR] [--json]
 * Runs each scenario and seed once per backend and compares the backends' end states
 * message by message (cli/diff/). Exit 0 when a class explains every difference, 1 when one
 * does not (printed with its replay command), 2 on bad input or a backend not installed here.
 * The whole report is written as JSON to DIR/diff.json.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MailsimError } from '../../core/errors.ts';
import { backendInstalled, installHint } from '../../backends/installed.ts';
import { loadScenario } from '../../scenarios/loader.ts';
import { defaultSeed } from '../../scenarios/resolve.ts';
import type { ReplicaKind } from '../../sim/replicaKinds.ts';
import { DIFF_CLASSES } from '../diff/classes.ts';
import { describeSeed, describeTotals, diffExitCode, diffTotals } from '../diff/describe.ts';
import { checkDiffMarkdown, writeDiffMarkdown } from '../diff/diffMarkdown.ts';
import { machineLoad } from '../machineLoad.ts';
import { diffSeed, type SeedDiff } from '../diff/runDiff.ts';
import { codeIdentity } from '../codeIdentity.ts';
import { AtomicOutput, OutputFileError } from '../outputFile.ts';

export interface DiffCommandOptions {
  readonly seeds: number;
  readonly seedStart?: number;
  /** Already parsed by parseReplicas (./options.ts). */
  readonly replicas?: readonly ReplicaKind[];
  readonly set: readonly string[];
  readonly out: string;
  readonly json?: boolean;
  /** A document whose results section gets the counts per class (diffMarkdown.ts). */
  readonly markdown?: string;
}

/** The report's shape; the number goes up when a field changes meaning or goes away. */
export const DIFF_FORMAT = 'mailsim-diff/1';

export class DiffInputError extends MailsimError<'E_DIFF_INPUT', { reason: string }> {
  constructor(reason: string) {
    super('E_DIFF_INPUT', reason, { reason });
    this.name = 'DiffInputError';
  }
}

interface PlannedFile {
  readonly file: string;
  readonly replicas: readonly ReplicaKind[];
  readonly seeds: readonly number[];
}

async function planFile(file: string, options: DiffCommandOptions): Promise<PlannedFile> {
  const loaded = await loadScenario(file, options.set);
  const replicas = options.replicas ?? loaded.scenario.compareReplicas ?? [];
  if (replicas.length < 2) throw new DiffInputError(`${file}: name the backends to compare with --replicas (the file's compareReplicas lists ${replicas.length})`);
  const missing = replicas.find((replica) => !backendInstalled(replica));
  if (missing !== undefined) throw new DiffInputError(`${file}: cannot run replica=${missing}: ${installHint(missing)}`);
  const start = options.seedStart ?? defaultSeed(loaded);
  return { file, replicas, seeds: Array.from({ length: options.seeds }, (_, i) => start + i) };
}

/** The command as a user would type it again, for the document it writes. */
function commandLine(files: readonly string[], options: DiffCommandOptions): string {
  const parts = ['mailsim diff', ...files, '--seeds', String(options.seeds)];
  if (options.seedStart !== undefined) parts.push('--seed-start', String(options.seedStart));
  if (options.replicas !== undefined) parts.push('--replicas', options.replicas.join(','));
  for (const set of options.set) parts.push('--set', set);
  if (options.markdown !== undefined) parts.push('--markdown', options.markdown);
  return parts.join(' ');
}

export async function diffCommand(files: readonly string[], options: DiffCommandOptions): Promise<number> {
  const planned: PlannedFile[] = [];
  for (const file of files) planned.push(await planFile(file, options));
  if (options.markdown !== undefined) await checkDiffMarkdown(options.markdown, files);
  await mkdir(options.out, { recursive: true }).catch((error: unknown) => {
    throw new OutputFileError('--out', options.out, error instanceof Error ? error.message : 'cannot create the folder');
  });
  const output = await AtomicOutput.open('--out', join(options.out, 'diff.json'));
  const startMs = performance.now();
  const atStart = machineLoad();
  try {
    const seeds: SeedDiff[] = [];
    for (const plan of planned) {
      for (const seed of plan.seeds) {
        const diff = await diffSeed({ file: plan.file, seed, replicas: plan.replicas, overrides: options.set });
        seeds.push(diff);
        if (options.json !== true) process.stdout.write(describeSeed(diff));
      }
    }
    const totals = diffTotals(seeds);
    const exitCode = diffExitCode(totals);
    const report = { format: DIFF_FORMAT, files, seeds, totals, classes: DIFF_CLASSES, exitCode };
    await output.commit([`${JSON.stringify(report, null, 2)}\n`]);
    if (options.markdown !== undefined) {
      const stamp = { command: commandLine(files, options), commit: codeIdentity().commit ?? 'no git', wallMs: performance.now() - startMs, cores: atStart.cores, loadAverageStart: atStart.loadAverage, loadAverageEnd: machineLoad().loadAverage };
      await writeDiffMarkdown(options.markdown, files, seeds, stamp);
    }
    process.stdout.write(options.json === true ? `${JSON.stringify(report)}\n` : `${describeTotals(totals, seeds.length)}report: ${output.path}\n`);
    return exitCode;
  } finally {
    await output.discard();
  }
}
