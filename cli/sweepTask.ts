/**
 * One run as the CLI does it, in a worker thread or in the main thread: load the scenario
 * (cached per file and overrides), run it with the seed, and when the verdict is not the
 * expected one save a self-contained failure file. Returns the RunResult (with
 * failureFile set when one was written).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { basename, extname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';
import { loadScenario, type LoadedScenario } from '../scenarios/loader.ts';
import { defaultSeed } from '../scenarios/resolve.ts';
import { runScenario, type RunScenarioOptions } from '../scenarios/run.ts';
import type { RunOutcome } from '../backends/world.ts';
import { failureFileFor } from '../scenarios/failure.ts';
import type { RunResult } from '../sim/resultTypes.ts';
import { isAsExpected } from '../sim/expectation.ts';
import type { ReplicaServer } from '../sim/replicaServer.ts';
import { gitReplicaOf } from '../backends/git/gitBackend.ts';
import { measureGitReference } from './gitReference.ts';
import { codeIdentity, type CodeIdentity } from './codeIdentity.ts';

/** Real git's thin packs for the first server's commits, beside the run's own wire figures. */
async function withGitReference(result: RunResult, servers: ReadonlyMap<string, ReplicaServer>): Promise<RunResult> {
  const first = [...servers.values()][0];
  const replica = first === undefined ? null : gitReplicaOf(first);
  const reference = replica === null ? null : await measureGitReference(replica);
  return reference === null ? result : { ...result, gitReference: reference };
}

export interface RunTask {
  readonly file: string;
  readonly overrides: readonly string[];
  /** null: the scenario's default seed. */
  readonly seed: number | null;
  /** Where a failure file goes (failures/ under it). */
  readonly outDir: string;
  /** The code's identity, computed once by the sweep's main thread (else here). */
  readonly code?: CodeIdentity;
}

const FAILURE_DIGEST_CHARS = 8;

const loadedCache = new Map<string, Promise<LoadedScenario>>();

function loadCached(file: string, overrides: readonly string[]): Promise<LoadedScenario> {
  const key = JSON.stringify([file, overrides]);
  let loaded = loadedCache.get(key);
  if (loaded === undefined) {
    loaded = loadScenario(file, overrides);
    loadedCache.set(key, loaded);
    loaded.catch(() => loadedCache.delete(key));
  }
  return loaded;
}

/**
 * CPU time for the cpuMsPerOp metric. Node 20 has no per-thread CPU clock, and the process
 * clock counts every worker, so a worker uses its wall time: a run is CPU bound and has
 * its thread to itself.
 */
export function cpuMs(): number {
  if (!isMainThread) return performance.now();
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/**
 * out/failures/<file base>-seed-<seed>-<digest>.json. The digest (of the scenario's full
 * path and the overrides) keeps two scenarios with one base name apart (x.yaml and
 * controls/x.yaml in one sweep); a rerun of the same failure overwrites its file.
 */
export function failurePath(outDir: string, scenarioFile: string, overrides: readonly string[], seed: number): string {
  const base = basename(scenarioFile, extname(scenarioFile)).replace(/[^A-Za-z0-9._-]/g, '_');
  const digest = createHash('sha256').update(JSON.stringify([resolve(scenarioFile), overrides])).digest('hex').slice(0, FAILURE_DIGEST_CHARS);
  return join(outDir, 'failures', `${base}-seed-${seed}-${digest}.json`);
}

/** What `mailsim run` adds in the main thread: functions cannot cross to a worker. */
export interface RunTaskHooks {
  /** The progress bar's feed. */
  readonly onProgress?: RunScenarioOptions['onProgress'];
  /** Called with the finished run, before a failure file is written (`--history`, `--finals`). */
  readonly onOutcome?: (outcome: RunOutcome, result: RunResult) => Promise<void>;
}

export async function runTask(task: RunTask, hooks: RunTaskHooks = {}): Promise<RunResult> {
  const loaded = await loadCached(task.file, task.overrides);
  const seed = task.seed ?? defaultSeed(loaded);
  const run = await runScenario(loaded, seed, { cpuMs, onProgress: hooks.onProgress });
  const { outcome } = run;
  const measured = loaded.scenario.gitReference === true ? await withGitReference(run.result, outcome.servers) : run.result;
  const result: RunResult = { ...measured, code: task.code ?? codeIdentity() };
  await hooks.onOutcome?.(outcome, result);
  if (isAsExpected(result)) return result;
  const path = failurePath(task.outDir, task.file, task.overrides, seed);
  await mkdir(join(task.outDir, 'failures'), { recursive: true });
  await writeFile(path, `${JSON.stringify(failureFileFor(loaded, seed, result, outcome), null, 2)}\n`);
  return { ...result, failureFile: path };
}
