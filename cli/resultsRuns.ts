/**
 * The figures `mailsim results` reads from sets of runs (a sweep's or the suite's
 * results.jsonl) and from a Stryker mutation report: pure functions of the parsed values.
 */
import type { RunResult } from '../sim/resultTypes.ts';
import { PROBE_NAMES } from '../core/probes.ts';
import { isAsExpected } from '../sim/expectation.ts';
import { judgedRows, type JudgedRow } from '../reports/judgedTable.ts';

/** Runs not as expected listed by name in docs/results.md; the rest are counted. */
export const UNEXPECTED_RUNS_LISTED_MAX = 20;

export interface RunSetSummary {
  readonly runs: number;
  readonly asExpected: number;
  readonly scenarioCount: number;
  readonly seedMin: number | null;
  readonly seedMax: number | null;
  /** Runs whose file expects `invalid` and that were judged so: controls caught, known findings reproduced. */
  readonly expectedInvalidCaught: number;
  readonly verdicts: Readonly<Record<string, number>>;
  readonly clientOps: number;
  readonly wireBytesPerOp: number | null;
  /** Weighted by each run's flag changes (deliveries): the suite's figure, not a mean of runs. */
  readonly wireBytesPerFlagChange: number | null;
  readonly wireBytesPerDelivery: number | null;
  readonly mergeCommitsPerClientCommit: number | null;
  readonly uidValidityResets: number;
  readonly renumberedPer1000Deliveries: number | null;
  /** Per checker: runs that judged something, total judged, valid verdicts. */
  readonly judged: readonly JudgedRow[];
  readonly notAsExpected: readonly { readonly scenario: string; readonly seed: number; readonly verdict: string; readonly replayCommand: string }[];
  /** The commits the runs were made at (from each result's code identity), sorted; [] when none says. */
  readonly commits: readonly string[];
  /** Faults of each kind the runs' timelines hold (scheduled and drawn), by kind: the disk faults among them. */
  readonly faultsByKind: Readonly<Record<string, number>>;
  /** Every coverage probe (core/probes.ts): hits and runs that hit it; null when no result counted probes. */
  readonly probes: readonly { readonly name: string; readonly hits: number; readonly runs: number }[] | null;
}

/** Each probe's hits and hitting runs, every probe listed (never hit: 0); null when no result counted probes. */
function probeRows(results: readonly RunResult[]): RunSetSummary['probes'] {
  if (!results.some((result) => result.probes !== undefined)) return null;
  return PROBE_NAMES.map((name) => {
    const counts = results.map((result) => result.probes?.[name] ?? 0);
    return { name, hits: counts.reduce((a, b) => a + b, 0), runs: counts.filter((count) => count > 0).length };
  });
}

const round2 = (value: number): number => Math.round(value * 100) / 100;
const share = (numerator: number, denominator: number, scale = 1): number | null => (denominator === 0 ? null : round2((numerator / denominator) * scale));

/** A per-operation figure weighted by the operation count of each run that has it. */
function weighted(results: readonly RunResult[], perOp: (r: RunResult) => number | null, count: (r: RunResult) => number): number | null {
  let bytes = 0;
  let ops = 0;
  for (const result of results) {
    const value = perOp(result);
    if (value === null) continue;
    bytes += value * count(result);
    ops += count(result);
  }
  return share(bytes, ops);
}

export function summarizeRuns(results: readonly RunResult[]): RunSetSummary {
  const verdicts: Record<string, number> = {};
  for (const result of results) verdicts[result.verdict] = (verdicts[result.verdict] ?? 0) + 1;
  const unexpected = results.filter((result) => !isAsExpected(result));
  const seeds = results.map((result) => result.seed);
  const sum = (pick: (r: RunResult) => number): number => results.reduce((total, result) => total + pick(result), 0);
  const clientOps = sum((r) => r.metrics.clientOpCount);
  const faultsByKind: Record<string, number> = {};
  for (const result of results) for (const fault of result.timeline?.faults ?? []) faultsByKind[fault.kind] = (faultsByKind[fault.kind] ?? 0) + 1;
  return {
    commits: [...new Set(results.flatMap((result) => (result.code?.commit ? [result.code.commit] : [])))].sort(),
    faultsByKind,
    judged: judgedRows(results),
    runs: results.length,
    asExpected: results.length - unexpected.length,
    scenarioCount: new Set(results.map((result) => result.scenario)).size,
    seedMin: seeds.length === 0 ? null : Math.min(...seeds),
    seedMax: seeds.length === 0 ? null : Math.max(...seeds),
    expectedInvalidCaught: results.filter((result) => result.expect === 'invalid' && result.verdict === 'invalid').length,
    verdicts,
    clientOps,
    wireBytesPerOp: share(sum((r) => r.metrics.wireBytesTotal), clientOps),
    wireBytesPerFlagChange: weighted(results, (r) => r.metrics.wireBytesPerFlagChange, (r) => r.metrics.flagChangeCount),
    wireBytesPerDelivery: weighted(results, (r) => r.metrics.wireBytesPerDelivery, (r) => r.metrics.deliveryCount),
    mergeCommitsPerClientCommit: share(sum((r) => r.metrics.mergeCommitCount), sum((r) => r.metrics.commitCount)),
    uidValidityResets: sum((r) => r.metrics.uidValidityResetCount),
    renumberedPer1000Deliveries: share(sum((r) => r.metrics.renumberedMessageCount), sum((r) => r.metrics.deliveryCount), 1_000),
    notAsExpected: unexpected.map((result) => ({ scenario: result.scenario, seed: result.seed, verdict: result.verdict, replayCommand: result.replayCommand })),
    probes: probeRows(results),
  };
}

/** Stryker's statuses: detected mutants are killed or timed out; survivors and uncovered ones are not. */
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

export interface MutationScore {
  /** A folder of two levels ('sim/checkers'), or 'all'. */
  readonly scope: string;
  readonly mutants: number;
  readonly detected: number;
  readonly scorePercent: number | null;
}

/** Whether a parsed JSON value is a Stryker mutation report (mutation-testing-report-schema). */
export function isMutationReport(value: unknown): value is { files: Record<string, { mutants: { status: string }[] }> } {
  if (value === null || typeof value !== 'object') return false;
  const report = value as Record<string, unknown>;
  return typeof report.schemaVersion === 'string' && report.files !== null && typeof report.files === 'object';
}

/** The mutation score over every file, then per folder of two levels, as Stryker counts it. */
/** The folder whose files each get a score of their own. */
export const MERGE_SCOPE = 'core/merge';

export function mutationScores(report: { files: Record<string, { mutants: { status: string }[] }> }): MutationScore[] {
  const tally = new Map<string, { mutants: number; detected: number }>();
  const add = (scope: string, detected: boolean): void => {
    const entry = tally.get(scope) ?? { mutants: 0, detected: 0 };
    tally.set(scope, { mutants: entry.mutants + 1, detected: entry.detected + (detected ? 1 : 0) });
  };
  for (const [path, file] of Object.entries(report.files)) {
    const scope = path.split('/').slice(0, 2).join('/');
    for (const mutant of file.mutants ?? []) {
      if (!DETECTED.has(mutant.status) && !UNDETECTED.has(mutant.status)) continue;
      add('all', DETECTED.has(mutant.status));
      add(scope, DETECTED.has(mutant.status));
      // The merge's target is per file too.
      if (scope === MERGE_SCOPE) add(path, DETECTED.has(mutant.status));
    }
  }
  return [...tally.entries()]
    .sort(([a], [b]) => (a === 'all' ? -1 : b === 'all' ? 1 : a < b ? -1 : a > b ? 1 : 0))
    .map(([scope, { mutants, detected }]) => ({ scope, mutants, detected, scorePercent: share(detected, mutants, 100) }));
}
