/**
 * Known findings in real systems: the runs whose scenario expects a real backend to be judged
 * invalid for a documented reason, one row per scenario and backend, with how many of its runs
 * reproduced the finding and the command that replays one. A row whose finding stopped
 * reproducing is also an unexpected run (in the failure list), so a fixed upstream bug shows.
 */
import type { RunResult } from '../../sim/resultTypes.ts';
import { findingReproduced } from '../../sim/expectation.ts';
import { compareStrings } from '../merge.ts';
import { groupBy } from './aggregate.ts';

export interface FindingRow {
  readonly scenarioName: string;
  readonly scenario: string;
  readonly strategy: string;
  readonly summary: string;
  readonly checks: readonly string[];
  readonly source: string | null;
  readonly runCount: number;
  readonly reproducedCount: number;
  /** Seeds of the runs that did not reproduce it. */
  readonly missedSeeds: readonly number[];
  readonly replayCommand: string;
}

export function findingRows(results: readonly RunResult[]): FindingRow[] {
  const withFinding = results.filter((result) => result.finding !== undefined);
  const groups = groupBy(withFinding, (result) => `${result.scenarioName}\u0000${result.strategy}`);
  const rows: FindingRow[] = [];
  for (const runs of groups.values()) {
    const first = runs[0];
    if (first?.finding === undefined) continue;
    const reproduced = runs.filter(findingReproduced);
    rows.push({
      scenarioName: first.scenarioName,
      scenario: first.scenario,
      strategy: first.strategy,
      summary: first.finding.summary,
      checks: first.finding.checks,
      source: first.finding.source ?? null,
      runCount: runs.length,
      reproducedCount: reproduced.length,
      missedSeeds: runs.filter((run) => !findingReproduced(run)).map((run) => run.seed).sort((a, b) => a - b),
      replayCommand: (reproduced[0] ?? first).replayCommand,
    });
  }
  return rows.sort((a, b) => compareStrings(a.scenarioName, b.scenarioName) || compareStrings(a.strategy, b.strategy));
}
