/** The list of unexpected runs, each with its failed checks and replay command. */
import type { RunResult, Verdict } from '../../sim/resultTypes.ts';
import { checkFailed } from '../../sim/checkers/failedChecks.ts';
import { compareStrings, runKey } from '../merge.ts';
import { checkRank } from './order.ts';

export const FAILURES_LISTED_MAX = 100;

export interface FailureRow {
  readonly id: string;
  readonly key: string;
  readonly scenarioName: string;
  readonly strategy: string;
  readonly seed: number;
  readonly overrides: readonly string[];
  readonly verdict: Verdict;
  readonly expect: 'valid' | 'invalid';
  readonly failedChecks: readonly { readonly name: string; readonly count: number; readonly explanation: string }[];
  readonly replayCommand: string;
  readonly failureFile: string | null;
  readonly hasTimeline: boolean;
}

export function failureRow(result: RunResult, id: string): FailureRow {
  const failedChecks = Object.entries(result.checks)
    .filter(([, check]) => checkFailed(check))
    .map(([name, check]) => ({ name, count: check.count, explanation: check.explanation }))
    .sort((a, b) => checkRank(a.name) - checkRank(b.name) || compareStrings(a.name, b.name));
  return {
    id,
    key: runKey(result),
    scenarioName: result.scenarioName,
    strategy: result.strategy,
    seed: result.seed,
    overrides: result.overrides,
    verdict: result.verdict,
    expect: result.expect,
    failedChecks,
    replayCommand: result.replayCommand,
    failureFile: result.failureFile ?? null,
    hasTimeline: result.timeline !== undefined,
  };
}
