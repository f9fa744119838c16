/** The verdicts per checker table: one row per checker. */
import type { RunResult } from '../../sim/resultTypes.ts';
import { countVerdicts, sum, type VerdictCounts } from './aggregate.ts';

export interface CheckerRow {
  readonly name: string;
  readonly runCount: number;
  readonly verdicts: VerdictCounts;
  readonly violationCount: number;
  /** Runs that expected `valid` and where this checker said `invalid`. */
  readonly unexpectedInvalidCount: number;
}

export function checkerRow(results: readonly RunResult[], name: string): CheckerRow {
  const withCheck = results.filter((result) => result.checks[name] !== undefined);
  const checks = withCheck.map((result) => result.checks[name]).filter((check) => check !== undefined);
  return {
    name,
    runCount: withCheck.length,
    verdicts: countVerdicts(checks.map((check) => check.verdict)),
    violationCount: sum(checks.map((check) => check.count)),
    unexpectedInvalidCount: withCheck.filter((result) => result.expect === 'valid' && result.checks[name]?.verdict === 'invalid').length,
  };
}
