/**
 * mailsim export FILE --seed N --node NAME --to DIR: runs the scenario, then writes the
 * named server's final replica as a real git repository (node:fs) that git can read.
 */
import { mkdir, readdir } from 'node:fs/promises';
import * as fsp from 'node:fs/promises';
import { exportReplica } from '../../core/export.ts';
import { replicaFsFrom, type PromisesFsLike } from '../../core/fsTypes.ts';
import { loadScenario } from '../../scenarios/loader.ts';
import { runScenario } from '../../scenarios/run.ts';
import { CliInputError } from '../sweepFiles.ts';

export interface ExportCommandOptions {
  readonly seed: number;
  readonly node: string;
  readonly to: string;
  readonly set: readonly string[];
}

async function ensureEmptyDir(dir: string): Promise<void> {
  const entries = await readdir(dir).catch((error: { code?: string }) => {
    if (error.code === 'ENOENT') return [];
    throw new CliInputError(`${dir}: cannot read the target folder (${error.code ?? String(error)})`);
  });
  if (entries.length > 0) throw new CliInputError(`${dir}: the target folder is not empty`);
  await mkdir(dir, { recursive: true });
}

export async function exportCommand(file: string, options: ExportCommandOptions): Promise<number> {
  const loaded = await loadScenario(file, options.set);
  await ensureEmptyDir(options.to);
  const { result, outcome } = await runScenario(loaded, options.seed);
  const replica = outcome.replicas.get(options.node);
  if (replica === undefined) {
    throw new CliInputError(`no server named ${JSON.stringify(options.node)} in this run; servers are ${[...outcome.replicas.keys()].join(', ')}`);
  }
  const fs = replicaFsFrom(fsp as unknown as PromisesFsLike);
  await exportReplica(replica, fs, options.to);
  process.stdout.write(`exported ${options.node} (head ${replica.head}) of ${file} seed ${options.seed} to ${options.to}; run verdict ${result.verdict}\n`);
  process.stdout.write(`inspect: git -C ${options.to} log --stat\n`);
  return 0;
}
