/**
 * A scenario's `compareStrategies` and `compareReplicas`: suites and sweeps run the file once
 * per strategy, and once per replica backend, listed, each as if given `--set strategy=X` or
 * `--set replica=X`, so the report can put them side by side on the same workload and faults.
 * An explicit `--set` of the field wins (one run per seed). A real backend (Dovecot, Cyrus) or a
 * real client program (realClients) that this machine lacks is skipped with one loud line on
 * stderr: its runs are not run, so never passed (CI installs them all, and their tests fail
 * there when one is missing).
 */
import { loadScenario } from '../scenarios/loader.ts';
import { isRealReplica, type ReplicaKind } from '../sim/replicaKinds.ts';
import { backendInstalled, installHint } from '../backends/installed.ts';
import { CLIENT_PACKAGES, realClientInstalled } from '../backends/realClients/clientPrograms.ts';
import type { RealClientKind } from '../sim/realClientTypes.ts';

export interface OverrideSetOptions {
  /** Whether real Dovecot can run here (injected by tests). */
  readonly dovecotInstalled?: () => boolean;
  /** Whether a real client program can run here (injected by tests). */
  readonly realClientInstalled?: (kind: RealClientKind) => boolean;
  /** Whether a real backend can run here (injected by tests); by default dovecotInstalled for dsync, else backends/installed.ts. */
  readonly backendInstalled?: (kind: ReplicaKind) => boolean;
  /** Where the loud skip line goes. */
  readonly warn?: (line: string) => void;
  /** False: the file's real backends are left to another tier (the default suite leaves slow ones to --full). */
  readonly realReplicas?: boolean;
  /** False: a file with real client programs does not run (the pinned hashes cover only what is deterministic everywhere). */
  readonly realClients?: boolean;
}

/** The override sets to run `file` with: one per compared strategy or backend, or just `overrides`. */
export async function overrideSetsFor(file: string, overrides: readonly string[], options: OverrideSetOptions = {}): Promise<readonly (readonly string[])[]> {
  // A file that does not load runs once, and its run reports why (nothing is lost here).
  const loaded = await loadScenario(file, overrides).catch(() => null);
  if (options.realReplicas === false && isRealReplica(loaded?.scenario.replica)) return [];
  if (options.realClients === false && (loaded?.scenario.realClients ?? []).length > 0) return [];
  const missingClient = (loaded?.scenario.realClients ?? []).map((c) => c.kind).find((kind) => !(options.realClientInstalled ?? realClientInstalled)(kind));
  if (missingClient !== undefined) {
    (options.warn ?? ((line) => process.stderr.write(`${line}\n`)))(`SKIPPED (not run, not passed): ${file}: ${missingClient} is not installed here (apt-get install ${CLIENT_PACKAGES[missingClient]})`);
    return [];
  }
  const strategies = overrides.some((override) => override.startsWith('strategy=')) ? undefined : loaded?.scenario.compareStrategies;
  const byStrategy = strategies === undefined || strategies.length === 0 ? [overrides] : strategies.map((strategy) => [...overrides, `strategy=${strategy}`]);
  const replicas = overrides.some((override) => override.startsWith('replica=')) ? undefined : loaded?.scenario.compareReplicas;
  if (replicas === undefined || replicas.length === 0) return byStrategy;
  const installed = (kind: ReplicaKind): boolean => {
    if (options.backendInstalled !== undefined) return options.backendInstalled(kind);
    if (options.dovecotInstalled !== undefined && kind !== 'cyrus') return options.dovecotInstalled();
    return backendInstalled(kind);
  };
  const sets: (readonly string[])[] = [];
  for (const replica of replicas) {
    if (isRealReplica(replica) && options.realReplicas === false) continue;
    if (isRealReplica(replica) && !installed(replica)) {
      (options.warn ?? ((line) => process.stderr.write(`${line}\n`)))(skipLine(file, replica));
      continue;
    }
    // A real backend has its own UID rule: it runs once, not once per compared strategy.
    if (isRealReplica(replica)) sets.push([...overrides, `replica=${replica}`]);
    // The file's own backend needs no override (its runs keep the names they always had).
    else for (const set of byStrategy) sets.push(replica === (loaded?.scenario.replica ?? 'git') ? set : [...set, `replica=${replica}`]);
  }
  return sets;
}

function skipLine(file: string, replica: ReplicaKind): string {
  return `SKIPPED (not run, not passed): ${file} under replica=${replica}: ${installHint(replica)}`;
}
