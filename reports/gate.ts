/**
 * The CI gate: compares run results with a committed baseline, seed by seed (key: scenario
 * name + strategy + seed + overrides, see runKey). It fails on any invariant violation the
 * baseline does not list for that key (a key the baseline lacks lists none), on an
 * efficiency regression beyond the thresholds, and on a key whose runs disagree with
 * each other (non-determinism). Pure: baseline and results in, verdict and rows out.
 */
import { MailsimError } from '../core/errors.ts';
import type { RunResult } from '../sim/resultTypes.ts';
import { formatNumber, formatRatioChange } from './format.ts';
import { compareStrings, mergeResults, runKey } from './merge.ts';

export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  /** Names of the checks that said `invalid` in this run, sorted. */
  readonly violations: readonly string[];
  readonly bytesPerOp: number | null;
  readonly convergenceTimeMs: number | null;
}

export interface Baseline {
  readonly version: number;
  readonly entries: Readonly<Record<string, BaselineEntry>>;
}

export interface GateThresholds {
  /** Allowed relative growth of bytes per operation: 0.10 = 10%. */
  readonly bytesPerOpRatio: number;
  /** Allowed relative growth of convergence time: 0.20 = 20%. */
  readonly convergenceTimeRatio: number;
}

export const DEFAULT_GATE_THRESHOLDS: GateThresholds = { bytesPerOpRatio: 0.1, convergenceTimeRatio: 0.2 };
/** Largest accepted threshold (a ratio of 10 = 1,000%); larger values are almost surely a percent typed as a ratio. */
export const GATE_THRESHOLD_RATIO_MAX = 10;

export type GateChange =
  | 'new-violation'
  | 'fixed-violation'
  | 'bytes-regression'
  | 'bytes-improvement'
  | 'convergence-regression'
  | 'convergence-improvement'
  | 'never-converged'
  | 'now-converges'
  | 'nondeterministic'
  | 'new-run'
  | 'missing-run';

export interface GateRow {
  readonly key: string;
  readonly change: GateChange;
  readonly before: string;
  readonly after: string;
  /** True when this row makes the gate fail. */
  readonly failing: boolean;
}

export interface GateResult {
  readonly pass: boolean;
  /** Only what changed, failing rows first, then by key. */
  readonly rows: readonly GateRow[];
  readonly comparedCount: number;
  readonly newCount: number;
  readonly missingCount: number;
}

/** A baseline file that cannot be used. */
export class BadBaselineError extends MailsimError<'E_BAD_BASELINE', { reason: string }> {
  constructor(reason: string) {
    super('E_BAD_BASELINE', `baseline unusable: ${reason}`, { reason });
    this.name = 'BadBaselineError';
  }
}

export function baselineEntry(result: RunResult): BaselineEntry {
  const violations = Object.entries(result.checks)
    .filter(([, check]) => check.verdict === 'invalid')
    .map(([name]) => name)
    .sort(compareStrings);
  return { violations, bytesPerOp: result.metrics.wireBytesPerOp, convergenceTimeMs: result.metrics.convergenceTimeMs };
}

/** The baseline `mailsim gate --update` writes: one entry per run key, keys sorted. */
export function baselineFromResults(results: readonly RunResult[]): Baseline {
  const merged = mergeResults(results).results;
  const entries: Record<string, BaselineEntry> = {};
  const pairs = merged.map((result) => [runKey(result), baselineEntry(result)] as const).sort((a, b) => compareStrings(a[0], b[0]));
  for (const [key, entry] of pairs) entries[key] = entry;
  return { version: BASELINE_VERSION, entries };
}

function isNullableNumber(value: unknown): value is number | null {
  return value === null || (typeof value === 'number' && Number.isFinite(value));
}

/** Validates parsed baseline JSON. */
export function parseBaseline(value: unknown): Baseline {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadBaselineError('not a JSON object');
  const record = value as Record<string, unknown>;
  if (record.version !== BASELINE_VERSION) throw new BadBaselineError(`version ${JSON.stringify(record.version)} is not ${BASELINE_VERSION}`);
  const entries = record.entries;
  if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) throw new BadBaselineError('entries is not an object');
  for (const [key, entry] of Object.entries(entries as Record<string, unknown>)) {
    const e = entry as Record<string, unknown> | null;
    const ok = typeof e === 'object' && e !== null && Array.isArray(e.violations) && e.violations.every((v) => typeof v === 'string')
      && isNullableNumber(e.bytesPerOp) && isNullableNumber(e.convergenceTimeMs);
    if (!ok) throw new BadBaselineError(`entry ${JSON.stringify(key)} needs violations: string[], bytesPerOp and convergenceTimeMs: number | null`);
  }
  return { version: BASELINE_VERSION, entries: entries as Record<string, BaselineEntry> };
}

export function validateThresholds(thresholds: GateThresholds): GateThresholds {
  for (const [name, value] of Object.entries(thresholds)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > GATE_THRESHOLD_RATIO_MAX) {
      throw new BadBaselineError(`threshold ${name} must be a ratio between 0 and ${GATE_THRESHOLD_RATIO_MAX} (0.1 = 10%), got ${String(value)}`);
    }
  }
  return thresholds;
}

/** Compares results with the baseline, seed by seed. */
export function gate(baseline: Baseline, results: readonly RunResult[], thresholds: GateThresholds = DEFAULT_GATE_THRESHOLDS): GateResult {
  validateThresholds(thresholds);
  const merged = mergeResults(results);
  const rows: GateRow[] = merged.conflicts.map((conflict) => ({
    key: conflict.key, change: 'nondeterministic', before: 'one history', after: `${conflict.historyHashes.length} different history hashes`, failing: true,
  }));
  const seen = new Set<string>();
  let newCount = 0;
  for (const result of merged.results) {
    const key = runKey(result);
    seen.add(key);
    const before = baseline.entries[key];
    const after = baselineEntry(result);
    if (before === undefined) newCount += 1;
    rows.push(...compareEntry(key, before, after, thresholds));
  }
  const missing = Object.keys(baseline.entries).filter((key) => !seen.has(key)).sort(compareStrings);
  for (const key of missing) rows.push({ key, change: 'missing-run', before: 'in baseline', after: 'not run', failing: false });
  rows.sort((a, b) => Number(b.failing) - Number(a.failing) || compareStrings(a.key, b.key) || compareStrings(a.change, b.change));
  return {
    pass: rows.every((row) => !row.failing),
    rows,
    comparedCount: merged.results.length - newCount,
    newCount,
    missingCount: missing.length,
  };
}

/** The rows for one key; `before` undefined means the baseline has no such run. */
export function compareEntry(key: string, before: BaselineEntry | undefined, after: BaselineEntry, thresholds: GateThresholds): GateRow[] {
  const rows: GateRow[] = [];
  const beforeViolations = before?.violations ?? [];
  const added = after.violations.filter((name) => !beforeViolations.includes(name));
  const fixed = beforeViolations.filter((name) => !after.violations.includes(name));
  if (before === undefined) rows.push({ key, change: 'new-run', before: 'not in baseline', after: describe(after), failing: false });
  if (added.length > 0) rows.push({ key, change: 'new-violation', before: listOrNone(beforeViolations), after: listOrNone(after.violations), failing: true });
  if (fixed.length > 0) rows.push({ key, change: 'fixed-violation', before: listOrNone(beforeViolations), after: listOrNone(after.violations), failing: false });
  if (before === undefined) return rows;
  const bytes = compareMetric(before.bytesPerOp, after.bytesPerOp, thresholds.bytesPerOpRatio);
  if (bytes !== null) {
    rows.push({ key, change: bytes === 'worse' ? 'bytes-regression' : 'bytes-improvement', before: bytesText(before.bytesPerOp),
      after: `${bytesText(after.bytesPerOp)} (${formatRatioChange(before.bytesPerOp, after.bytesPerOp)})`, failing: bytes === 'worse' });
  }
  rows.push(...compareConvergence(key, before.convergenceTimeMs, after.convergenceTimeMs, thresholds.convergenceTimeRatio));
  return rows;
}

function compareConvergence(key: string, before: number | null, after: number | null, ratio: number): GateRow[] {
  if (before !== null && after === null) return [{ key, change: 'never-converged', before: msText(before), after: 'never', failing: true }];
  if (before === null && after !== null) return [{ key, change: 'now-converges', before: 'never', after: msText(after), failing: false }];
  const change = compareMetric(before, after, ratio);
  if (change === null) return [];
  return [{ key, change: change === 'worse' ? 'convergence-regression' : 'convergence-improvement', before: msText(before),
    after: `${msText(after)} (${formatRatioChange(before, after)})`, failing: change === 'worse' }];
}

/**
 * 'worse' when after exceeds before by more than the ratio, 'better' when it fell by more
 * than the ratio, null otherwise. A zero base makes any growth a regression.
 */
export function compareMetric(before: number | null, after: number | null, ratio: number): 'worse' | 'better' | null {
  if (before === null || after === null) return null;
  if (after > before * (1 + ratio) && after > before) return 'worse';
  if (after < before * (1 - ratio) && after < before) return 'better';
  return null;
}

function listOrNone(names: readonly string[]): string {
  return names.length === 0 ? 'none' : names.join(', ');
}

function bytesText(value: number | null): string {
  return value === null ? '–' : `${formatNumber(value, 1)} B/op`;
}

function msText(value: number | null): string {
  return value === null ? 'never' : `${formatNumber(value)} ms`;
}

function describe(entry: BaselineEntry): string {
  return `violations: ${listOrNone(entry.violations)}; ${bytesText(entry.bytesPerOp)}; converged: ${msText(entry.convergenceTimeMs)}`;
}

/** The plain-text table `mailsim gate` prints (fixed-width columns). */
export function formatGateTable(result: GateResult, rowsMax = 200): string {
  const header = ['', 'run', 'change', 'before', 'after'];
  const body = result.rows.slice(0, rowsMax).map((row) => [row.failing ? 'FAIL' : 'ok', row.key, row.change, row.before, row.after]);
  const widths = header.map((cell, column) => Math.max(cell.length, ...body.map((line) => (line[column] ?? '').length)));
  const render = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  const lines = body.length === 0 ? ['no changes against the baseline'] : [render(header), ...body.map(render)];
  if (result.rows.length > rowsMax) lines.push(`... ${result.rows.length - rowsMax} more rows`);
  const failing = result.rows.filter((row) => row.failing).length;
  lines.push(`gate ${result.pass ? 'PASSED' : 'FAILED'}: ${result.comparedCount} runs compared, ${result.newCount} new, `
    + `${result.missingCount} missing, ${failing} failing change${failing === 1 ? '' : 's'}`);
  return lines.join('\n');
}
