/** The strategy table: one row per UID strategy, in display order. */
import type { RunResult } from '../../sim/resultTypes.ts';
import { PARTITION_FAULT_KINDS } from '../../sim/faultKinds.ts';
import { quantile, groupBy, isUnexpected, sortedNumbers, sum, weightedMean } from './aggregate.ts';
import { CONTROL_STRATEGIES, sortStrategies } from './order.ts';

export interface StrategyRow {
  readonly strategy: string;
  readonly control: boolean;
  readonly runCount: number;
  readonly unexpectedCount: number;
  readonly uidStableViolationCount: number;
  /** Messages whose UID changed (each once, however many replicas renumbered it) per 1,000 deliveries, over runs that had a partition (or no timeline to tell). */
  readonly renumberedPer1000Deliveries: number | null;
  readonly uidValidityResetCount: number;
  /** Distinct merge commits per commit made for clients, over runs that report merge commits (older results do not). */
  readonly mergeCommitsPerClientCommit: number | null;
  readonly lostFlagCount: number;
  readonly visibilityDelayMsMean: number | null;
  readonly visibilityDelayMsMax: number | null;
  readonly bytesPerOp: number | null;
  readonly convergenceTimeMsMedian: number | null;
  readonly convergenceTimeMsP95: number | null;
  readonly neverConvergedCount: number;
}

export function hadPartition(result: RunResult): boolean {
  if (result.timeline === undefined) return true;
  return result.timeline.faults.some((fault) => PARTITION_FAULT_KINDS.includes(fault.kind));
}

export function strategyRows(results: readonly RunResult[]): StrategyRow[] {
  const groups = groupBy(results, (result) => result.strategy);
  return sortStrategies(groups.keys()).map((strategy) => {
    const runs = groups.get(strategy) ?? [];
    const partitioned = runs.filter(hadPartition);
    const partitionedDeliveries = sum(partitioned.map((run) => run.metrics.deliveryCount));
    const converged = sortedNumbers(runs.map((run) => run.metrics.convergenceTimeMs));
    const delaysMax = runs.map((run) => run.metrics.visibilityDelayMsMax).filter((value) => value !== null);
    return {
      strategy,
      control: CONTROL_STRATEGIES.includes(strategy),
      runCount: runs.length,
      unexpectedCount: runs.filter(isUnexpected).length,
      uidStableViolationCount: sum(runs.map((run) => run.checks['uid-stable']?.count ?? 0)),
      renumberedPer1000Deliveries: partitionedDeliveries === 0
        ? null
        : (sum(partitioned.map((run) => run.metrics.renumberedMessageCount)) * 1_000) / partitionedDeliveries,
      // Distinct resets where results report them; older results only have the per-merge count.
      uidValidityResetCount: sum(runs.map((run) => run.metrics.uidValidityResetCount ?? run.metrics.uidValidityChangeCount)),
      mergeCommitsPerClientCommit: mergesPerCommit(runs),
      lostFlagCount: sum(runs.map((run) => run.checks['no-lost-flags']?.count ?? 0)),
      visibilityDelayMsMean: weightedMean(runs.map((run) => ({ value: run.metrics.visibilityDelayMsMean, weight: run.metrics.deliveryCount }))),
      visibilityDelayMsMax: delaysMax.length === 0 ? null : Math.max(...delaysMax),
      bytesPerOp: weightedMean(runs.map((run) => ({ value: run.metrics.wireBytesPerOp, weight: run.metrics.clientOpCount }))),
      convergenceTimeMsMedian: quantile(converged, 0.5),
      convergenceTimeMsP95: quantile(converged, 0.95),
      neverConvergedCount: runs.filter((run) => run.metrics.convergenceTimeMs === null).length,
    };
  });
}

export function mergesPerCommit(runs: readonly RunResult[]): number | null {
  const counted = runs.filter((run) => typeof run.metrics.mergeCommitCount === 'number');
  const commits = sum(counted.map((run) => run.metrics.commitCount));
  return commits === 0 ? null : sum(counted.map((run) => run.metrics.mergeCommitCount)) / commits;
}
