/**
 * The report's numbers: RunResult[] -> ReportSummary. Pure and deterministic (results are
 * merged and sorted first, so file order and shard order never change the summary).
 * The HTML, Markdown and JSON outputs all render this one structure. Each table or chart
 * computes its rows in its own file under reports/summary/; this file assembles them.
 */
import type { RunResult } from '../sim/resultTypes.ts';
import { judgedRows, type JudgedRow } from './judgedTable.ts';
import { compareStrings, mergeResults } from './merge.ts';
import { countVerdicts, idOf, isUnexpected, type VerdictCounts } from './summary/aggregate.ts';
import { checkerRow, type CheckerRow } from './summary/checkerTable.ts';
import { convergenceSummary, type ConvergenceSummary } from './summary/convergenceCharts.ts';
import { realSystemFigures, type RealSystemFigures } from './summary/realSystemFigures.ts';
import { efficiencyRows, sizeBucket, type EfficiencyRow } from './summary/efficiencyTable.ts';
import { FAILURES_LISTED_MAX, failureRow, type FailureRow } from './summary/failureList.ts';
import { findingRows, type FindingRow } from './summary/findingsTable.ts';
import { orderedCheckNames } from './summary/order.ts';
import { priceRows, type PriceRow } from './summary/priceTable.ts';
import { realClientRows, type RealClientRow } from './summary/realClientTable.ts';
import { scenarioRows, type ScenarioRow } from './summary/scenarioTable.ts';
import { strategyRows, type StrategyRow } from './summary/strategyTable.ts';
import { selectTimelines, type TimelineRun } from './summary/timelineCharts.ts';

export { quantile, weightedMean, type VerdictCounts } from './summary/aggregate.ts';
export { CDF_POINTS_MAX, cdfPoints } from './summary/convergenceCharts.ts';
export { sizeBucket, sizeRank, type EfficiencyRow } from './summary/efficiencyTable.ts';
export { type FailureRow } from './summary/failureList.ts';
export { type FindingRow } from './summary/findingsTable.ts';
export { type ScenarioRow } from './summary/scenarioTable.ts';
export { type StrategyRow } from './summary/strategyTable.ts';
export { type RealClientRow } from './summary/realClientTable.ts';
export { type TimelineRun } from './summary/timelineCharts.ts';

export interface ReportSummary {
  readonly runCount: number;
  readonly expectedCount: number;
  readonly unexpectedCount: number;
  readonly verdicts: VerdictCounts;
  readonly duplicateCount: number;
  readonly conflicts: readonly { readonly key: string; readonly historyHashes: readonly string[] }[];
  readonly mailsimVersions: readonly string[];
  readonly checkNames: readonly string[];
  readonly scenarios: readonly ScenarioRow[];
  readonly checkers: readonly CheckerRow[];
  /** Per checker: runs that judged something, runs with nothing to judge, total judged. */
  readonly judged: readonly JudgedRow[];
  readonly failures: readonly FailureRow[];
  readonly failuresOmittedCount: number;
  /** Known findings in real systems, per scenario and backend, reproduced or not. */
  readonly findings: readonly FindingRow[];
  readonly strategies: readonly StrategyRow[];
  readonly price: readonly PriceRow[];
  /** What real client programs' users lost and suffered, per strategy and programs. */
  readonly realClients: readonly RealClientRow[];
  readonly efficiency: readonly EfficiencyRow[];
  readonly efficiencyBySize: readonly EfficiencyRow[];
  /**
   * Real Dovecot dsync's and real Cyrus's bytes per flag change and per delivery: measured on
   * this report's runs of them when it has them, else dsync's hand-measured constants.
   */
  readonly realSystems: readonly RealSystemFigures[];
  readonly convergence: ConvergenceSummary;
  readonly timelines: readonly TimelineRun[];
}

/** Summarises results from any mix of runs, sweeps and shards (duplicates are merged). */
export function summarize(input: readonly RunResult[]): ReportSummary {
  const merged = mergeResults(input);
  const results = merged.results;
  const ids = new Map<RunResult, string>(results.map((result, index) => [result, `run-${index + 1}`]));
  const unexpected = results.filter(isUnexpected);
  const checkNames = orderedCheckNames(results);
  const failures = unexpected.slice(0, FAILURES_LISTED_MAX).map((result) => failureRow(result, idOf(ids, result)));
  const listed = new Set(failures.map((failure) => failure.id));
  return {
    runCount: results.length,
    expectedCount: results.length - unexpected.length,
    unexpectedCount: unexpected.length,
    verdicts: countVerdicts(results.map((result) => result.verdict)),
    duplicateCount: merged.duplicateCount,
    conflicts: merged.conflicts,
    mailsimVersions: [...new Set(results.map((result) => result.mailsimVersion))].sort(compareStrings),
    checkNames,
    scenarios: scenarioRows(results, checkNames, ids, listed),
    checkers: checkNames.map((name) => checkerRow(results, name)),
    judged: judgedRows(results),
    failures,
    failuresOmittedCount: unexpected.length - failures.length,
    findings: findingRows(results),
    strategies: strategyRows(results),
    price: priceRows(results),
    realClients: realClientRows(results),
    efficiency: efficiencyRows(results, () => 'all'),
    efficiencyBySize: efficiencyRows(results, (result) => sizeBucket(result.metrics.messagesPerMailbox)),
    realSystems: realSystemFigures(results),
    convergence: convergenceSummary(results),
    timelines: selectTimelines(results, ids),
  };
}
