/**
 * Which checks failed a run: the ones that said `invalid`, or `unknown` (could not tell).
 * `valid` and `not-applicable` (judged nothing) did not. Failure files, replay and the
 * reports list failing checks with this one rule.
 */
import type { CheckResult } from '../resultTypes.ts';

export function checkFailed(check: Pick<CheckResult, 'verdict'>): boolean {
  return check.verdict === 'invalid' || check.verdict === 'unknown';
}

/** The names of the failing checks, in the order of `checks`. */
export function failedCheckNames(checks: Readonly<Record<string, Pick<CheckResult, 'verdict'>>>): string[] {
  return Object.entries(checks)
    .filter(([, check]) => checkFailed(check))
    .map(([name]) => name);
}
