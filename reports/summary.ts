/**
 * The report's numbers: RunResult[] -> ReportSummary. Pure and deterministic (results are
 * merged and sorted first, so file order and shard order never change the summary).
 * The HTML, Markdown and JSON outputs all render this one structure.
 */
import { assert } from '../core/errors.ts';
import { STRATEGY_NAMES, STRATEGY_REGISTRY } from '../core/strategies/registry.ts';
import type { CheckVerdict, RunResult, Timeline, Verdict } from '../sim/resultTypes.ts';
import { CHECK_NAMES } from '../sim/checkers/names.ts';
import { checkFailed } from '../sim/checkers/failedChecks.ts';
import { PARTITION_FAULT_KINDS } from '../sim/faultKinds.ts';
import { leaseBytesOf, replicationBytesOf } from '../sim/wireKinds.ts';
import { quantile } from '../sim/metrics.ts';
import { strategyLabel } from '../sim/replicaKinds.ts';
import { judgedRows, type JudgedRow } from './judgedTable.ts';
import { compareStrings, mergeResults, runKey } from './merge.ts';

/** From the one list of strategies (core/strategies/registry.ts), in its order. */
/** What the strategy column calls runs on real Dovecot (sim/replicaKinds.ts strategyLabel). */
export const DSYNC_REAL = strategyLabel('dsync', '');
export const DSYNC_PLAIN_REAL = strategyLabel('dsync-plain', '');
/** Stateless dsync is a real-world negative control: it is known to lose flag writes. */
export const CONTROL_STRATEGIES: readonly string[] = [...STRATEGY_REGISTRY.filter((s) => s.control === true).map((s) => s.name), DSYNC_PLAIN_REAL];
export const STRATEGY_ORDER: readonly string[] = [...STRATEGY_NAMES.slice(0, 1), DSYNC_REAL, ...STRATEGY_NAMES.slice(1), DSYNC_PLAIN_REAL];
/** Display order of the checkers; unknown names follow in code-unit order. */
export const CHECK_ORDER: readonly string[] = CHECK_NAMES;
/**
 * Dovecot dsync, measured once by hand (FACTS.md): stateful sync of 1,000 messages of about
 * 2 KB. The report shows them only where no run on real Dovecot measured its own, marked as such.
 */
export const DSYNC_BYTES_PER_FLAG_CHANGE = 49;
export const DSYNC_BYTES_PER_DELIVERY = 2_050;
export const FAILURES_LISTED_MAX = 100;
export const SCENARIO_FAILURE_LINKS_MAX = 5;
export const TIMELINES_FAILING_MAX = 8;
export const TIMELINES_OTHER_MAX = 3;
export const CDF_POINTS_MAX = 200;

export interface VerdictCounts { valid: number; invalid: number; unknown: number }

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

export interface CheckerRow {
  readonly name: string;
  readonly runCount: number;
  readonly verdicts: VerdictCounts;
  readonly violationCount: number;
  /** Runs that expected `valid` and where this checker said `invalid`. */
  readonly unexpectedInvalidCount: number;
}

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

export interface StrategyRow {
  readonly strategy: string;
  readonly control: boolean;
  readonly runCount: number;
  readonly unexpectedCount: number;
  readonly uidStableViolationCount: number;
  /** Messages whose UID changed (each once, however many replicas renumbered it) per 1,000 deliveries, over runs that had a partition (or no timeline to tell). */
  readonly renumberedPer1000Deliveries: number | null;
  readonly uidValidityResetCount: number;
  /** Distinct merge commits per commit made for clients, over runs that report merge commits (older results do not). */
  readonly mergeCommitsPerClientCommit: number | null;
  readonly lostFlagCount: number;
  readonly visibilityDelayMsMean: number | null;
  readonly visibilityDelayMsMax: number | null;
  readonly bytesPerOp: number | null;
  readonly convergenceTimeMsMedian: number | null;
  readonly convergenceTimeMsP95: number | null;
  readonly neverConvergedCount: number;
}

/** What stable UIDs cost, per scenario that ran under more than one real strategy: one row per (scenario, strategy). */
export interface PriceRow {
  readonly scenarioName: string;
  readonly strategy: string;
  readonly runCount: number;
  readonly deliveryCount: number;
  /** Deliveries stored with no UID yet (invisible until an owner with a lease assigns one), per 1,000 deliveries. */
  readonly deferredPer1000Deliveries: number | null;
  readonly visibilityDelayMsMean: number | null;
  /** The highest per-run p99 of the runs. */
  readonly visibilityDelayMsP99: number | null;
  readonly visibilityDelayMsMax: number | null;
  /** Owner-lease messages, bytes per second per server (mean over runs). */
  readonly leaseBytesPerSecPerServer: number | null;
  /** Lease bytes over replication bytes (pushes and acks), over the runs. */
  readonly leaseShareOfReplication: number | null;
  readonly renumberedPer1000Deliveries: number | null;
  readonly uidValidityResetCount: number;
}

export interface EfficiencyRow {
  /** Layout as reported ('flat', 'fanout'...), with ' batched' appended for batched runs. */
  readonly layout: string;
  /** Messages per mailbox bucket, or 'all'. */
  readonly sizeBucket: string;
  readonly runCount: number;
  readonly flagChangeCount: number;
  readonly deliveryCount: number;
  readonly bytesPerFlagChange: number | null;
  readonly minBytesPerFlagChange: number | null;
  readonly bytesPerDelivery: number | null;
  readonly minBytesPerDelivery: number | null;
  readonly bytesPerOp: number | null;
  /** Real git's thin pack for the same commits (runs of scenarios with gitReference), per operation; null when none measured. */
  readonly gitBytesPerFlagChange: number | null;
  readonly gitBytesPerDelivery: number | null;
  /** Ours over the same runs as the git figures (the row's other runs measured no git reference). */
  readonly bytesPerFlagChangeOnGitRuns: number | null;
  readonly bytesPerDeliveryOnGitRuns: number | null;
}

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

export interface TimelineRun {
  readonly id: string;
  readonly key: string;
  readonly scenarioName: string;
  readonly strategy: string;
  readonly seed: number;
  readonly verdict: Verdict;
  readonly expect: 'valid' | 'invalid';
  readonly unexpected: boolean;
  readonly replayCommand: string;
  readonly timeline: Timeline;
}

export interface DsyncFigures {
  readonly bytesPerFlagChange: number;
  readonly bytesPerDelivery: number;
  /** Each figure's source: this report's runs on real Dovecot, or the constant measured by hand. */
  readonly flagSource: 'measured' | 'hand-measured';
  readonly deliverySource: 'measured' | 'hand-measured';
  /** Runs of `dsync (real)` in the report. */
  readonly runCount: number;
}

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
  readonly strategies: readonly StrategyRow[];
  readonly price: readonly PriceRow[];
  readonly efficiency: readonly EfficiencyRow[];
  readonly efficiencyBySize: readonly EfficiencyRow[];
  /**
   * Dovecot dsync's bytes per flag change and per delivery: measured on this report's runs of
   * real Dovecot (`replica: dsync`) when it has them, else the hand-measured constants.
   */
  readonly dsync: DsyncFigures;
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
    strategies: strategyRows(results),
    price: priceRows(results),
    efficiency: efficiencyRows(results, () => 'all'),
    efficiencyBySize: efficiencyRows(results, (result) => sizeBucket(result.metrics.messagesPerMailbox)),
    dsync: dsyncFigures(results),
    convergence: convergenceSummary(results),
    timelines: selectTimelines(results, ids),
  };
}

/** Real dsync's bytes from this report's stateful runs on Dovecot; each falls back to the hand-measured constant where no run had such operations. */
function dsyncFigures(results: readonly RunResult[]): DsyncFigures {
  const runs = results.filter((result) => result.strategy === DSYNC_REAL);
  const flag = weightedMean(runs.map((run) => ({ value: run.metrics.wireBytesPerFlagChange, weight: run.metrics.flagChangeCount })));
  const delivery = weightedMean(runs.map((run) => ({ value: run.metrics.wireBytesPerDelivery, weight: run.metrics.deliveryCount })));
  return {
    bytesPerFlagChange: flag === null ? DSYNC_BYTES_PER_FLAG_CHANGE : Math.round(flag),
    bytesPerDelivery: delivery === null ? DSYNC_BYTES_PER_DELIVERY : Math.round(delivery),
    flagSource: flag === null ? 'hand-measured' : 'measured',
    deliverySource: delivery === null ? 'hand-measured' : 'measured',
    runCount: runs.length,
  };
}

/** A run whose verdict is not the one its scenario expects (an `unknown` is always unexpected). */
export function isUnexpected(result: RunResult): boolean {
  return result.verdict !== result.expect;
}

function idOf(ids: ReadonlyMap<RunResult, string>, result: RunResult): string {
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

function orderedCheckNames(results: readonly RunResult[]): string[] {
  const names = new Set(results.flatMap((result) => Object.keys(result.checks)));
  const known = CHECK_ORDER.filter((name) => names.has(name));
  const others = [...names].filter((name) => !CHECK_ORDER.includes(name)).sort(compareStrings);
  return [...known, ...others];
}

/** Groups by a key, keeping first-seen order of the keys. */
function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  return groups;
}

function scenarioRows(results: readonly RunResult[], checkNames: readonly string[], ids: ReadonlyMap<RunResult, string>,
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

function checkerRow(results: readonly RunResult[], name: string): CheckerRow {
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

function failureRow(result: RunResult, id: string): FailureRow {
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

function checkRank(name: string): number {
  const index = CHECK_ORDER.indexOf(name);
  return index === -1 ? CHECK_ORDER.length : index;
}

function strategyRank(name: string): number {
  const index = STRATEGY_ORDER.indexOf(name);
  return index === -1 ? STRATEGY_ORDER.length : index;
}

export function sortStrategies(names: Iterable<string>): string[] {
  return [...names].sort((a, b) => strategyRank(a) - strategyRank(b) || compareStrings(a, b));
}

function hadPartition(result: RunResult): boolean {
  if (result.timeline === undefined) return true;
  return result.timeline.faults.some((fault) => PARTITION_FAULT_KINDS.includes(fault.kind));
}

function strategyRows(results: readonly RunResult[]): StrategyRow[] {
  const groups = groupBy(results, (result) => result.strategy);
  return sortStrategies(groups.keys()).map((strategy) => {
    const runs = groups.get(strategy) ?? [];
    const partitioned = runs.filter(hadPartition);
    const partitionedDeliveries = sum(partitioned.map((run) => run.metrics.deliveryCount));
    const converged = sortedNumbers(runs.map((run) => run.metrics.convergenceTimeMs));
    const delaysMax = runs.map((run) => run.metrics.visibilityDelayMsMax).filter((value) => value !== null);
    return {
      strategy,
      control: CONTROL_STRATEGIES.includes(strategy),
      runCount: runs.length,
      unexpectedCount: runs.filter(isUnexpected).length,
      uidStableViolationCount: sum(runs.map((run) => run.checks['uid-stable']?.count ?? 0)),
      renumberedPer1000Deliveries: partitionedDeliveries === 0
        ? null
        : (sum(partitioned.map((run) => run.metrics.renumberedMessageCount)) * 1_000) / partitionedDeliveries,
      // Distinct resets where results report them; older results only have the per-merge count.
      uidValidityResetCount: sum(runs.map((run) => run.metrics.uidValidityResetCount ?? run.metrics.uidValidityChangeCount)),
      mergeCommitsPerClientCommit: mergesPerCommit(runs),
      lostFlagCount: sum(runs.map((run) => run.checks['no-lost-flags']?.count ?? 0)),
      visibilityDelayMsMean: weightedMean(runs.map((run) => ({ value: run.metrics.visibilityDelayMsMean, weight: run.metrics.deliveryCount }))),
      visibilityDelayMsMax: delaysMax.length === 0 ? null : Math.max(...delaysMax),
      bytesPerOp: weightedMean(runs.map((run) => ({ value: run.metrics.wireBytesPerOp, weight: run.metrics.clientOpCount }))),
      convergenceTimeMsMedian: quantile(converged, 0.5),
      convergenceTimeMsP95: quantile(converged, 0.95),
      neverConvergedCount: runs.filter((run) => run.metrics.convergenceTimeMs === null).length,
    };
  });
}

function priceRows(results: readonly RunResult[]): PriceRow[] {
  const real = results.filter((result) => !CONTROL_STRATEGIES.includes(result.strategy));
  const byScenario = groupBy(real, (result) => result.scenarioName);
  const rows: PriceRow[] = [];
  for (const scenarioName of [...byScenario.keys()].sort(compareStrings)) {
    const runs = byScenario.get(scenarioName) ?? [];
    const byStrategy = groupBy(runs, (result) => result.strategy);
    if (byStrategy.size < 2) continue;
    for (const strategy of sortStrategies(byStrategy.keys())) {
      const group = byStrategy.get(strategy) ?? [];
      const deliveries = sum(group.map((run) => run.metrics.deliveryCount));
      const per1000 = (count: number) => (deliveries === 0 ? null : (count * 1_000) / deliveries);
      const p99s = group.map((run) => run.metrics.visibilityDelayMsP99 ?? null).filter((value): value is number => value !== null);
      const maxes = group.map((run) => run.metrics.visibilityDelayMsMax).filter((value): value is number => value !== null);
      const lease = group.map((run) => run.metrics.leaseBytesPerSecPerServer).filter((value): value is number => typeof value === 'number');
      const replication = sum(group.map((run) => replicationBytesOf(run.metrics.wireBytesByKind)));
      const leaseBytes = sum(group.map((run) => leaseBytesOf(run.metrics.wireBytesByKind)));
      rows.push({
        scenarioName,
        strategy,
        runCount: group.length,
        deliveryCount: deliveries,
        deferredPer1000Deliveries: per1000(sum(group.map((run) => run.metrics.deferredDeliveryCount))),
        visibilityDelayMsMean: weightedMean(group.map((run) => ({ value: run.metrics.visibilityDelayMsMean, weight: run.metrics.deferredDeliveryCount }))),
        visibilityDelayMsP99: p99s.length === 0 ? null : Math.max(...p99s),
        visibilityDelayMsMax: maxes.length === 0 ? null : Math.max(...maxes),
        leaseBytesPerSecPerServer: lease.length === 0 ? null : sum(lease) / lease.length,
        leaseShareOfReplication: replication === 0 ? null : leaseBytes / replication,
        renumberedPer1000Deliveries: per1000(sum(group.map((run) => run.metrics.renumberedMessageCount))),
        uidValidityResetCount: sum(group.map((run) => run.metrics.uidValidityResetCount ?? run.metrics.uidValidityChangeCount)),
      });
    }
  }
  return rows;
}

function mergesPerCommit(runs: readonly RunResult[]): number | null {
  const counted = runs.filter((run) => typeof run.metrics.mergeCommitCount === 'number');
  const commits = sum(counted.map((run) => run.metrics.commitCount));
  return commits === 0 ? null : sum(counted.map((run) => run.metrics.mergeCommitCount)) / commits;
}

export function layoutLabel(result: RunResult): string {
  return result.metrics.batched ? `${result.metrics.layout} batched` : result.metrics.layout;
}

/** Mailbox size buckets by powers of ten, so swarm-drawn sizes still group. */
export function sizeBucket(messagesPerMailbox: number): string {
  if (messagesPerMailbox < 100) return '< 100 msgs';
  if (messagesPerMailbox < 1_000) return '100–999 msgs';
  if (messagesPerMailbox < 10_000) return '1k–9.9k msgs';
  return '≥ 10k msgs';
}

/** Display order of the size buckets ('all' first). */
export const SIZE_BUCKETS: readonly string[] = ['all', '< 100 msgs', '100–999 msgs', '1k–9.9k msgs', '≥ 10k msgs'];

export function sizeRank(bucket: string): number {
  return SIZE_BUCKETS.indexOf(bucket);
}

function efficiencyRows(results: readonly RunResult[], bucketOf: (result: RunResult) => string): EfficiencyRow[] {
  const groups = groupBy(results, (result) => `${layoutLabel(result)}\u0000${bucketOf(result)}`);
  const rows = [...groups.values()].map((runs): EfficiencyRow => {
    const first = runs[0] as RunResult;
    const byFlags = (pick: (run: RunResult) => number | null) =>
      weightedMean(runs.map((run) => ({ value: pick(run), weight: run.metrics.flagChangeCount })));
    const byDeliveries = (pick: (run: RunResult) => number | null) =>
      weightedMean(runs.map((run) => ({ value: pick(run), weight: run.metrics.deliveryCount })));
    return {
      layout: layoutLabel(first),
      sizeBucket: bucketOf(first),
      runCount: runs.length,
      flagChangeCount: sum(runs.map((run) => run.metrics.flagChangeCount)),
      deliveryCount: sum(runs.map((run) => run.metrics.deliveryCount)),
      bytesPerFlagChange: byFlags((run) => run.metrics.wireBytesPerFlagChange),
      minBytesPerFlagChange: byFlags((run) => run.metrics.minBytesPerFlagChange),
      bytesPerDelivery: byDeliveries((run) => run.metrics.wireBytesPerDelivery),
      minBytesPerDelivery: byDeliveries((run) => run.metrics.minBytesPerDelivery),
      bytesPerOp: weightedMean(runs.map((run) => ({ value: run.metrics.wireBytesPerOp, weight: run.metrics.clientOpCount }))),
      gitBytesPerFlagChange: byFlags((run) => run.gitReference?.bytesPerFlagChange ?? null),
      gitBytesPerDelivery: byDeliveries((run) => run.gitReference?.bytesPerDelivery ?? null),
      bytesPerFlagChangeOnGitRuns: byFlags((run) => (run.gitReference?.bytesPerFlagChange == null ? null : run.metrics.wireBytesPerFlagChange)),
      bytesPerDeliveryOnGitRuns: byDeliveries((run) => (run.gitReference?.bytesPerDelivery == null ? null : run.metrics.wireBytesPerDelivery)),
    };
  });
  return rows.sort((a, b) => compareStrings(a.layout, b.layout) || sizeRank(a.sizeBucket) - sizeRank(b.sizeBucket));
}

function convergenceSummary(results: readonly RunResult[]): ConvergenceSummary {
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

/** Nearest-rank quantile of sorted values (q in (0, 1]); null when empty. */
export { quantile } from '../sim/metrics.ts';

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

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

function sortedNumbers(values: readonly (number | null)[]): number[] {
  return values.filter((value): value is number => value !== null).sort((a, b) => a - b);
}

/** Failing runs first (unexpected verdicts), then a few others from different scenarios. */
function selectTimelines(results: readonly RunResult[], ids: ReadonlyMap<RunResult, string>): TimelineRun[] {
  const withTimeline = results.filter((result) => result.timeline !== undefined);
  const failing = withTimeline.filter(isUnexpected).slice(0, TIMELINES_FAILING_MAX);
  const others: RunResult[] = [];
  const seenScenarios = new Set<string>();
  for (const result of withTimeline) {
    if (others.length >= TIMELINES_OTHER_MAX) break;
    if (isUnexpected(result) || seenScenarios.has(result.scenarioName)) continue;
    seenScenarios.add(result.scenarioName);
    others.push(result);
  }
  return [...failing, ...others].map((result) => ({
    id: idOf(ids, result),
    key: runKey(result),
    scenarioName: result.scenarioName,
    strategy: result.strategy,
    seed: result.seed,
    verdict: result.verdict,
    expect: result.expect,
    unexpected: isUnexpected(result),
    replayCommand: result.replayCommand,
    timeline: result.timeline as Timeline,
  }));
}
