/**
 * Evidence collection shared by the checkers: every violation names the history record
 * that shows it; the result keeps the count and the first EVIDENCE_MAX record indexes.
 * Every result says how much the check judged: with nothing judged and nothing violated the
 * verdict is `not-applicable`, so no result can be `valid` over nothing.
 */
import { assert } from '../../core/errors.ts';
import type { CheckResult } from '../resultTypes.ts';

export const EVIDENCE_MAX = 10;

/** What a check judged: how many things, and what they are (a plural noun phrase: 'acknowledged moves'). */
export interface Judged {
  readonly count: number;
  readonly what: string;
}

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

  /**
   * invalid with evidence when any violation was added (whatever was judged: a violation is
   * one), else not-applicable when nothing was judged, else valid with `validExplanation`.
   */
  result(what: string, judged: Judged, validExplanation: string, costs?: Readonly<Record<string, number>>): CheckResult {
    if (this.count === 0) {
      if (judgedCountOf(judged) === 0) return notApplicableResult(judged, costs);
      return withCosts({ verdict: 'valid', count: 0, evidence: [], explanation: validExplanation, ...judgedFields(judged) }, costs);
    }
    const evidence = [...this.indexes].sort((a, b) => a - b).slice(0, EVIDENCE_MAX);
    const explanation = `${this.count} ${what}; first: ${this.firstNote ?? ''}`;
    return withCosts({ verdict: 'invalid', count: this.count, evidence, explanation, ...judgedFields(judged) }, costs);
  }
}

export function unknownResult(explanation: string, judged: Judged, costs?: Readonly<Record<string, number>>): CheckResult {
  return withCosts({ verdict: 'unknown', count: 0, evidence: [], explanation, ...judgedFields(judged) }, costs);
}

/** The result of a check that found nothing to judge. */
export function notApplicableResult(judged: Judged, costs?: Readonly<Record<string, number>>): CheckResult {
  assert(judgedCountOf(judged) === 0, 'not-applicable only when nothing was judged');
  return withCosts({ verdict: 'not-applicable', count: 0, evidence: [], explanation: `nothing to judge: no ${judged.what}`, ...judgedFields(judged) }, costs);
}

function judgedCountOf(judged: Judged): number {
  assert(Number.isSafeInteger(judged.count) && judged.count >= 0, `a judged count is a whole number, not ${judged.count}`);
  return judged.count;
}

function judgedFields(judged: Judged): Pick<CheckResult, 'judgedCount' | 'judgedWhat'> {
  return { judgedCount: judgedCountOf(judged), judgedWhat: judged.what };
}

function withCosts(result: CheckResult, costs: Readonly<Record<string, number>> | undefined): CheckResult {
  return costs === undefined || Object.keys(costs).length === 0 ? result : { ...result, costs };
}
