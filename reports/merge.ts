/**
 * Merging run results from runs, sweeps and sweep shards: a stable key per run, shape
 * validation of parsed JSON, and de-duplication (the same run may arrive twice when shard
 * outputs overlap). Pure: the CLI reads the files and hands the parsed values here.
 */
import { MailsimError } from '../core/errors.ts';
import type { RunResult } from '../sim/resultTypes.ts';

/** The identity of a run across sweeps and baselines: scenario name, strategy, seed and overrides. */
export function runKey(result: Pick<RunResult, 'scenarioName' | 'strategy' | 'seed' | 'overrides'>): string {
  const overrides = result.overrides.length === 0 ? '' : ` [${result.overrides.join(' ')}]`;
  return `${result.scenarioName} ${result.strategy} seed=${result.seed}${overrides}`;
}

/** A value that is not a RunResult (wrong file handed to `mailsim report` or `gate`). */
export class BadResultError extends MailsimError<'E_BAD_RESULT', { source: string; reason: string }> {
  constructor(source: string, reason: string) {
    super('E_BAD_RESULT', `${source}: not a mailsim run result (${reason})`, { source, reason });
    this.name = 'BadResultError';
  }
}

const VERDICTS: readonly string[] = ['valid', 'invalid', 'unknown'];
const METRIC_NUMBERS = ['wireBytesTotal', 'clientOpCount', 'deliveryCount', 'flagChangeCount', 'renumberedUidCount',
  'renumberedMessageCount', 'uidValidityChangeCount', 'syncRounds', 'messagesPerMailbox'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Why `value` is not a RunResult, or null when it has the fields the reports read. */
export function runResultProblem(value: unknown): string | null {
  if (!isRecord(value)) return 'not an object';
  for (const field of ['scenario', 'scenarioName', 'strategy', 'replayCommand', 'historyHash'] as const) {
    if (typeof value[field] !== 'string') return `field ${field} is not a string`;
  }
  if (typeof value.seed !== 'number' || !Number.isFinite(value.seed)) return 'field seed is not a number';
  if (typeof value.verdict !== 'string' || !VERDICTS.includes(value.verdict)) return 'field verdict is not valid|invalid|unknown';
  if (value.expect !== 'valid' && value.expect !== 'invalid') return 'field expect is not valid|invalid';
  if (!Array.isArray(value.overrides) || !value.overrides.every((o) => typeof o === 'string')) return 'field overrides is not a string list';
  if (!isRecord(value.checks)) return 'field checks is not an object';
  for (const [name, check] of Object.entries(value.checks)) {
    if (!isRecord(check) || typeof check.verdict !== 'string' || typeof check.count !== 'number') return `check ${name} has no verdict/count`;
    // Older results have no judged count; a present one must be a number.
    if (check.judgedCount !== undefined && typeof check.judgedCount !== 'number') return `check ${name} has a judgedCount that is not a number`;
  }
  const metrics = value.metrics;
  if (!isRecord(metrics)) return 'field metrics is not an object';
  for (const field of METRIC_NUMBERS) {
    if (typeof metrics[field] !== 'number') return `metrics.${field} is not a number`;
  }
  if (typeof metrics.layout !== 'string') return 'metrics.layout is not a string';
  if (value.timeline !== undefined) {
    const timeline = value.timeline;
    if (!isRecord(timeline) || !Array.isArray(timeline.nodes) || !Array.isArray(timeline.faults) || !Array.isArray(timeline.ops)) {
      return 'timeline lacks nodes/faults/ops';
    }
  }
  return null;
}

/** Validates one parsed JSON value as a RunResult; throws BadResultError naming `source`. */
export function parseRunResult(value: unknown, source: string): RunResult {
  const problem = runResultProblem(value);
  if (problem !== null) throw new BadResultError(source, problem);
  return value as RunResult;
}

export interface MergedResults {
  /** One result per key, sorted by key (so reports do not depend on file order). */
  readonly results: readonly RunResult[];
  /** Results dropped because a result with the same key came earlier (conflicting ones are also listed in `conflicts`). */
  readonly duplicateCount: number;
  /** Keys that arrived with different history hashes: the run was not deterministic, or the code changed between shards. */
  readonly conflicts: readonly { readonly key: string; readonly historyHashes: readonly string[] }[];
}

/** De-duplicates results by run key; the first of each key is kept. */
export function mergeResults(results: readonly RunResult[]): MergedResults {
  const byKey = new Map<string, RunResult>();
  const hashesByKey = new Map<string, Set<string>>();
  let duplicateCount = 0;
  for (const result of results) {
    const key = runKey(result);
    const hashes = hashesByKey.get(key) ?? new Set<string>();
    hashes.add(result.historyHash);
    hashesByKey.set(key, hashes);
    if (byKey.has(key)) duplicateCount += 1;
    else byKey.set(key, result);
  }
  const kept = [...byKey.values()].sort(compareRuns);
  const keys = kept.map(runKey);
  const conflicts = keys
    .filter((key) => (hashesByKey.get(key)?.size ?? 0) > 1)
    .map((key) => ({ key, historyHashes: [...(hashesByKey.get(key) ?? [])].sort(compareStrings) }));
  return { results: kept, duplicateCount, conflicts };
}

/** Orders runs by scenario, strategy, overrides, then seed as a number (seed 2 before seed 10). */
export function compareRuns(a: RunResult, b: RunResult): number {
  return compareStrings(a.scenarioName, b.scenarioName)
    || compareStrings(a.strategy, b.strategy)
    || compareStrings(a.overrides.join(' '), b.overrides.join(' '))
    || a.seed - b.seed;
}

/** Code-unit order, never locale order; equal strings give 0. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
