/** Counting and averaging over runs, shared by every table and chart of the summary. */
import { assert } from '../../core/errors.ts';
import type { CheckVerdict, RunResult } from '../../sim/resultTypes.ts';
import { isAsExpected } from '../../sim/expectation.ts';

export interface VerdictCounts { valid: number; invalid: number; unknown: number }

/** A run whose verdict is not the one its scenario expects, or a known finding that did not reproduce (an `unknown` is always unexpected). */
export function isUnexpected(result: RunResult): boolean {
  return !isAsExpected(result);
}

export function idOf(ids: ReadonlyMap<RunResult, string>, result: RunResult): string {
  const id = ids.get(result);
  assert(id !== undefined, 'every merged result has an id');
  return id;
}

/** Counts valid, invalid and unknown; not-applicable checks (nothing judged) are counted in the judged table. */
export function countVerdicts(verdicts: readonly CheckVerdict[]): VerdictCounts {
  const counts: VerdictCounts = { valid: 0, invalid: 0, unknown: 0 };
  for (const verdict of verdicts) if (verdict !== 'not-applicable') counts[verdict] += 1;
  return counts;
}

/** Groups by a key, keeping first-seen order of the keys. */
export function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  return groups;
}

/** Nearest-rank quantile of sorted values (q in (0, 1]); null when empty. */
export { quantile } from '../../sim/metrics.ts';

/** Mean weighted by counts (bytes per flag change weighted by flag changes...); null when nothing weighs. */
export function weightedMean(items: readonly { readonly value: number | null; readonly weight: number }[]): number | null {
  let total = 0;
  let weightTotal = 0;
  for (const item of items) {
    if (item.value === null || item.weight <= 0) continue;
    total += item.value * item.weight;
    weightTotal += item.weight;
  }
  return weightTotal === 0 ? null : total / weightTotal;
}

export function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

export function sortedNumbers(values: readonly (number | null)[]): number[] {
  return values.filter((value): value is number => value !== null).sort((a, b) => a - b);
}
