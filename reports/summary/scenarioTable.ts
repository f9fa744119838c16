/** The verdicts per scenario table (and the scenario x checker matrix): one row per (scenario, strategy, overrides). */
import type { RunResult } from '../../sim/resultTypes.ts';
import { countVerdicts, groupBy, idOf, isUnexpected, type VerdictCounts } from './aggregate.ts';

export const SCENARIO_FAILURE_LINKS_MAX = 5;

export interface ScenarioRow {
  readonly scenarioName: string;
  readonly scenario: string;
  readonly strategy: string;
  readonly overrides: readonly string[];
  readonly expect: 'valid' | 'invalid' | 'mixed';
  readonly runCount: number;
  readonly verdicts: VerdictCounts;
  readonly unexpectedCount: number;
  readonly checks: Readonly<Record<string, VerdictCounts>>;
  /** FailureRow ids of the first unexpected runs of this row. */
  readonly failureIds: readonly string[];
}

export function scenarioRows(results: readonly RunResult[], checkNames: readonly string[], ids: ReadonlyMap<RunResult, string>,
  listed: ReadonlySet<string>): ScenarioRow[] {
  const groups = groupBy(results, (r) => `${r.scenarioName}\u0000${r.strategy}\u0000${r.overrides.join(' ')}`);
  return [...groups.values()].map((runs) => {
    const first = runs[0] as RunResult;
    const expects = new Set(runs.map((run) => run.expect));
    const checks: Record<string, VerdictCounts> = {};
    for (const name of checkNames) {
      checks[name] = countVerdicts(runs.flatMap((run) => (run.checks[name] === undefined ? [] : [run.checks[name].verdict])));
    }
    const failureIds = runs.filter(isUnexpected).map((run) => idOf(ids, run)).filter((id) => listed.has(id));
    return {
      scenarioName: first.scenarioName,
      scenario: first.scenario,
      strategy: first.strategy,
      overrides: first.overrides,
      expect: expects.size === 1 ? first.expect : 'mixed',
      runCount: runs.length,
      verdicts: countVerdicts(runs.map((run) => run.verdict)),
      unexpectedCount: runs.filter(isUnexpected).length,
      checks,
      failureIds: failureIds.slice(0, SCENARIO_FAILURE_LINKS_MAX),
    };
  });
}
