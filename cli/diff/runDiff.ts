/**
 * Runs one scenario and seed once per backend (as `--set replica=X`) and compares every
 * backend's run with the first one's (the reference): the differences, each with its class
 * (./classes.ts), and the replay command of each run. The runs are the ones `mailsim run`
 * makes; this module only runs and gathers, the comparison is ./compare.ts.
 */
import { performance } from 'node:perf_hooks';
import { loadScenario } from '../../scenarios/loader.ts';
import { resolveScenario } from '../../scenarios/resolve.ts';
import { replayCommandFor, runScenario } from '../../scenarios/run.ts';
import type { ReplicaKind } from '../../sim/replicaKinds.ts';
import type { Verdict } from '../../sim/resultTypes.ts';
import { classify, type ClassifiedDifference } from './classes.ts';
import { compareViews } from './compare.ts';
import { runViewOf, type RunView } from './runView.ts';

export interface BackendRun {
  readonly replica: ReplicaKind;
  readonly verdict: Verdict;
  /** The checks that found this run invalid. */
  readonly failedChecks: readonly string[];
  readonly replayCommand: string;
  readonly wallMs: number;
  /** Where this run's clients first asked something the reference's did not (index among client invokes); null: the same workload. */
  readonly workloadPartsAt: number | null;
}

export interface PairDiff {
  readonly reference: ReplicaKind;
  readonly other: ReplicaKind;
  readonly differences: readonly ClassifiedDifference[];
}

export interface SeedDiff {
  readonly file: string;
  readonly seed: number;
  readonly runs: readonly BackendRun[];
  readonly pairs: readonly PairDiff[];
}

export interface SeedDiffRequest {
  readonly file: string;
  readonly seed: number;
  readonly replicas: readonly ReplicaKind[];
  readonly overrides: readonly string[];
}

export async function diffSeed(request: SeedDiffRequest): Promise<SeedDiff> {
  const views: RunView[] = [];
  const runs: BackendRun[] = [];
  for (const replica of request.replicas) {
    const loaded = await loadScenario(request.file, [...request.overrides, `replica=${replica}`]);
    const population = { mailboxes: resolveScenario(loaded, request.seed).mailboxes };
    const startMs = performance.now();
    const { result, outcome } = await runScenario(loaded, request.seed);
    const wallMs = performance.now() - startMs;
    const view = runViewOf({ replica, history: outcome.history, finals: outcome.finals, checks: outcome.checks, population });
    const reference = views[0];
    views.push(view);
    runs.push({ replica, verdict: result.verdict, failedChecks: Object.entries(outcome.checks).filter(([, check]) => check.verdict === 'invalid').map(([name]) => name), replayCommand: replayCommandFor(loaded, request.seed), wallMs, workloadPartsAt: reference === undefined ? null : partsAt(reference.invokes, view.invokes) });
  }
  const [reference, ...others] = views;
  if (reference === undefined) return { file: request.file, seed: request.seed, runs, pairs: [] };
  const pairs = others.map((other) => ({ reference: reference.replica, other: other.replica, differences: classify(compareViews(reference, other), reference, other) }));
  return { file: request.file, seed: request.seed, runs, pairs };
}

/** The first position where two lists of client invokes differ; null when they are the same. */
export function partsAt(a: readonly string[], b: readonly string[]): number | null {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return i;
  return null;
}
