/**
 * mailsim hashes [--write]: runs every reference-replica run of the default suite (without real
 * client programs, whose versions differ between machines) and compares
 * each history hash with the pinned file (reports/baselines/hashes.json). Exit 0 when every
 * hash is as pinned, 1 naming each run that changed, vanished or is new, 2 for bad input or a
 * run that could not run. `--write` rewrites the file instead.
 */
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { MailsimError } from '../../core/errors.ts';
import { baselineOf, compareBaselines, describeDifference, HASH_BASELINE_FORMAT, type HashBaseline } from '../hashBaseline.ts';
import { runSweep } from '../sweep.ts';
import { EXIT_AS_EXPECTED, EXIT_BAD_INPUT_OR_UNKNOWN, EXIT_NOT_AS_EXPECTED } from './exitCodes.ts';
import { readResultFile } from './report.ts';
import { suiteRuns } from './suite.ts';

export interface HashesCommandOptions {
  readonly dir: string;
  readonly file: string;
  readonly write?: boolean;
  readonly jobs?: number;
}

async function readBaseline(file: string): Promise<HashBaseline> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch (error) {
    throw new MailsimError('E_BASELINE', `${file}: cannot read the pinned hashes (${(error as Error).message}); write them with mailsim hashes --write`, { file });
  }
  const baseline = value as Partial<HashBaseline>;
  if (baseline.format !== HASH_BASELINE_FORMAT || typeof baseline.hashes !== 'object' || baseline.hashes === null) {
    throw new MailsimError('E_BASELINE', `${file}: not a hash baseline of format ${HASH_BASELINE_FORMAT}`, { file });
  }
  return baseline as HashBaseline;
}

export async function hashesCommand(options: HashesCommandOptions): Promise<number> {
  const pinned = options.write === true ? null : await readBaseline(options.file);
  const runs = await suiteRuns(options.dir, false, undefined, true);
  const outDir = await mkdtemp(join(tmpdir(), 'mailsim-hashes-'));
  try {
    const summary = await runSweep({ files: runs.files, seeds: runs.seeds, overrides: [], perFile: runs.perFile, outDir, jobs: options.jobs, progress: 'none' });
    if (summary.errors.length > 0) {
      for (const error of summary.errors) process.stderr.write(`could not run: ${error.scenario} seed ${error.seed}: ${error.error}\n`);
      return EXIT_BAD_INPUT_OR_UNKNOWN;
    }
    const now = baselineOf((await readResultFile(summary.resultsFile, true)).results);
    if (pinned === null) {
      const temp = join(dirname(options.file), `.hashes-${process.pid}.tmp`);
      await writeFile(temp, `${JSON.stringify(now, null, 2)}\n`);
      await rename(temp, options.file);
      process.stdout.write(`wrote ${Object.keys(now.hashes).length} history hashes to ${options.file}\n`);
      return EXIT_AS_EXPECTED;
    }
    const differences = compareBaselines(pinned, now);
    for (const difference of differences) process.stdout.write(`${describeDifference(difference)}\n`);
    const count = Object.keys(now.hashes).length;
    process.stdout.write(differences.length === 0 ? `all ${count} history hashes as pinned in ${options.file}\n` : `${differences.length} of ${count} runs differ from ${options.file}; if the change is meant, run mailsim hashes --write and say why in the commit\n`);
    return differences.length === 0 ? EXIT_AS_EXPECTED : EXIT_NOT_AS_EXPECTED;
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}
