/** The convergence figures and charts: CDF of convergence time (all runs and per strategy) and sync rounds. */
import { assert } from '../../core/errors.ts';
import type { RunResult } from '../../sim/resultTypes.ts';
import { groupBy, quantile, sortedNumbers, sum } from './aggregate.ts';
import { sortStrategies } from './order.ts';

export const CDF_POINTS_MAX = 200;

export interface CdfPoint { readonly x: number; readonly fraction: number }

export interface ConvergenceSummary {
  readonly runCount: number;
  readonly convergedCount: number;
  readonly neverConvergedCount: number;
  /** Step points (time, fraction of ALL runs converged by then); tops out below 1 when some never converged. */
  readonly cdf: readonly CdfPoint[];
  readonly byStrategy: readonly { readonly strategy: string; readonly runCount: number; readonly neverConvergedCount: number; readonly cdf: readonly CdfPoint[] }[];
  readonly timeMsP50: number | null;
  readonly timeMsP90: number | null;
  readonly timeMsP99: number | null;
  readonly timeMsMax: number | null;
  readonly rounds: readonly { readonly rounds: number; readonly runCount: number }[];
  readonly roundsMean: number | null;
  readonly roundsMax: number | null;
}

export function convergenceSummary(results: readonly RunResult[]): ConvergenceSummary {
  const times = sortedNumbers(results.map((result) => result.metrics.convergenceTimeMs));
  const groups = groupBy(results, (result) => result.strategy);
  const roundCounts = groupBy(results, (result) => String(result.metrics.syncRounds));
  const rounds = [...roundCounts.entries()]
    .map(([value, runs]) => ({ rounds: Number(value), runCount: runs.length }))
    .sort((a, b) => a.rounds - b.rounds);
  const roundValues = results.map((result) => result.metrics.syncRounds);
  return {
    runCount: results.length,
    convergedCount: times.length,
    neverConvergedCount: results.length - times.length,
    cdf: cdfPoints(times, results.length),
    byStrategy: sortStrategies(groups.keys()).map((strategy) => {
      const runs = groups.get(strategy) ?? [];
      const strategyTimes = sortedNumbers(runs.map((run) => run.metrics.convergenceTimeMs));
      return { strategy, runCount: runs.length, neverConvergedCount: runs.length - strategyTimes.length, cdf: cdfPoints(strategyTimes, runs.length) };
    }),
    timeMsP50: quantile(times, 0.5),
    timeMsP90: quantile(times, 0.9),
    timeMsP99: quantile(times, 0.99),
    timeMsMax: times.length === 0 ? null : (times[times.length - 1] as number),
    rounds,
    roundsMean: roundValues.length === 0 ? null : sum(roundValues) / roundValues.length,
    roundsMax: roundValues.length === 0 ? null : Math.max(...roundValues),
  };
}

/**
 * Empirical CDF over `totalCount` runs from the sorted converged times: the point (t, k/total)
 * says k runs had converged within t. Thinned to CDF_POINTS_MAX points, keeping the last.
 */
export function cdfPoints(sortedTimes: readonly number[], totalCount: number): CdfPoint[] {
  if (totalCount === 0 || sortedTimes.length === 0) return [];
  const points: CdfPoint[] = [];
  for (let index = 0; index < sortedTimes.length; index += 1) {
    const x = sortedTimes[index] as number;
    const next = sortedTimes[index + 1];
    if (next !== undefined && next === x) continue; // one point per distinct time, at its highest count
    points.push({ x, fraction: (index + 1) / totalCount });
  }
  if (points.length <= CDF_POINTS_MAX) return points;
  const thinned: CdfPoint[] = [];
  for (let step = 1; step <= CDF_POINTS_MAX; step += 1) {
    // Integer product first: step * length / max is exact, so the last step lands on the last point.
    const point = points[Math.ceil((step * points.length) / CDF_POINTS_MAX) - 1];
    assert(point !== undefined, 'thinned CDF index within the points');
    thinned.push(point);
  }
  return thinned;
}
