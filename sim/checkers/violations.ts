/**
 * Evidence collection shared by the checkers: every violation names the history record
 * that shows it; the result keeps the count and the first EVIDENCE_MAX record indexes.
 */
import type { CheckResult } from '../resultTypes.ts';

export const EVIDENCE_MAX = 10;

export class Violations {
  private readonly indexes = new Set<number>();
  private firstNote: string | null = null;
  private firstNoteIndex = Number.POSITIVE_INFINITY;
  count = 0;

  /** Records one violation shown by `recordIndexes` (several records may show one violation). */
  add(recordIndexes: readonly number[], note: string): void {
    this.count++;
    for (const index of recordIndexes) if (index >= 0) this.indexes.add(index);
    // The explanation describes the earliest violation, so it matches evidence[0].
    const first = recordIndexes.length === 0 ? Number.POSITIVE_INFINITY : Math.min(...recordIndexes);
    if (this.firstNote === null || first < this.firstNoteIndex) {
      this.firstNote = note;
      this.firstNoteIndex = first;
    }
  }

  /** invalid with evidence when any violation was added, else valid with `validExplanation`. */
  result(what: string, validExplanation: string, costs?: Readonly<Record<string, number>>): CheckResult {
    if (this.count === 0) return withCosts({ verdict: 'valid', count: 0, evidence: [], explanation: validExplanation }, costs);
    const evidence = [...this.indexes].sort((a, b) => a - b).slice(0, EVIDENCE_MAX);
    const explanation = `${this.count} ${what}; first: ${this.firstNote ?? ''}`;
    return withCosts({ verdict: 'invalid', count: this.count, evidence, explanation }, costs);
  }
}

export function unknownResult(explanation: string, costs?: Readonly<Record<string, number>>): CheckResult {
  return withCosts({ verdict: 'unknown', count: 0, evidence: [], explanation }, costs);
}

function withCosts(result: CheckResult, costs: Readonly<Record<string, number>> | undefined): CheckResult {
  return costs === undefined || Object.keys(costs).length === 0 ? result : { ...result, costs };
}
