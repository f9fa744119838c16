/**
 * How much each checker judged, over many runs: in how many runs it judged something, in
 * how many it had nothing to judge (not-applicable), and the total it judged (bindings,
 * acknowledged messages, moves...). So "N valid" always comes with "over what". The sweep
 * summary, the JSON summary, the Markdown and the HTML report all show these rows. Pure.
 */
import type { CheckResult, RunResult } from '../sim/resultTypes.ts';
import { CHECK_NAMES } from '../sim/checkers/names.ts';
import { escapeHtml, escapeMarkdown, formatNumber } from './format.ts';

export interface JudgedRow {
  readonly name: string;
  /** Runs that ran this checker. */
  readonly runCount: number;
  /** Runs where it judged at least one thing. */
  readonly judgedRunCount: number;
  /** Runs where it had nothing to judge. */
  readonly notApplicableCount: number;
  /** Everything it judged, summed over the runs. */
  readonly judgedTotal: number;
  /** What it judged ('acknowledged moves'), as its first run with a count says; '' when none says. */
  readonly judgedWhat: string;
  readonly validCount: number;
  /** Valid verdicts over nothing judged: none is possible since checks say not-applicable, so any is a defect. */
  readonly validNothingJudgedCount: number;
  /** Runs whose result has no judged count (written before checks recorded one). */
  readonly unrecordedCount: number;
}

/** One row per checker seen in the results, checkers in display order (unknown names after, sorted). */
export function judgedRows(results: readonly RunResult[]): JudgedRow[] {
  const names = new Set(results.flatMap((result) => Object.keys(result.checks)));
  const rank = (name: string): number => {
    const index = (CHECK_NAMES as readonly string[]).indexOf(name);
    return index === -1 ? CHECK_NAMES.length : index;
  };
  const ordered = [...names].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return ordered.map((name) => judgedRow(name, results.flatMap((result) => (result.checks[name] === undefined ? [] : [result.checks[name]]))));
}

function judgedRow(name: string, checks: readonly CheckResult[]): JudgedRow {
  let judgedRunCount = 0;
  let judgedTotal = 0;
  let judgedWhat = '';
  let validNothingJudgedCount = 0;
  let unrecordedCount = 0;
  for (const check of checks) {
    // Result files from before judged counts lack them: the type says otherwise, the file may not.
    const judgedCount = (check as Partial<CheckResult>).judgedCount;
    if (typeof judgedCount !== 'number') {
      unrecordedCount += 1;
      continue;
    }
    if (judgedWhat === '' && typeof check.judgedWhat === 'string') judgedWhat = check.judgedWhat;
    judgedTotal += judgedCount;
    if (judgedCount > 0) judgedRunCount += 1;
    else if (check.verdict === 'valid') validNothingJudgedCount += 1;
  }
  return {
    name,
    runCount: checks.length,
    judgedRunCount,
    notApplicableCount: checks.filter((check) => check.verdict === 'not-applicable').length,
    judgedTotal,
    judgedWhat,
    validCount: checks.filter((check) => check.verdict === 'valid').length,
    validNothingJudgedCount,
    unrecordedCount,
  };
}

/** The caveats of a row, for every rendering: valid over nothing, and runs without a count. */
function caveats(row: JudgedRow): string[] {
  const out: string[] = [];
  if (row.validNothingJudgedCount > 0) out.push(`${formatNumber(row.validNothingJudgedCount)} valid over nothing judged`);
  if (row.unrecordedCount > 0) out.push(`${formatNumber(row.unrecordedCount)} runs without a judged count`);
  return out;
}

/** Plain text lines (the sweep's summary on the terminal). */
export function judgedLines(rows: readonly JudgedRow[]): string[] {
  if (rows.length === 0) return [];
  const width = Math.max(...rows.map((row) => row.name.length));
  return ['judged per checker (runs that judged something; total judged; valid verdicts):', ...rows.map((row) => {
    const notApplicable = row.notApplicableCount > 0 ? ` (${formatNumber(row.notApplicableCount)} not applicable)` : '';
    const extra = caveats(row).map((caveat) => `; ${caveat}`).join('');
    return `  ${row.name.padEnd(width)} ${formatNumber(row.judgedRunCount)} of ${formatNumber(row.runCount)} runs${notApplicable}; `
      + `${formatNumber(row.judgedTotal)} ${row.judgedWhat}; ${formatNumber(row.validCount)} valid${extra}`;
  })];
}

/** A Markdown table (the pull-request summary). */
export function judgedMarkdown(rows: readonly JudgedRow[]): string[] {
  if (rows.length === 0) return [];
  return ['', '**What each checker judged:**', '', '| checker | runs judging / runs | not applicable | valid | judged |', '|---|--:|--:|--:|---|',
    ...rows.map((row) => `| ${escapeMarkdown(row.name)} | ${formatNumber(row.judgedRunCount)} / ${formatNumber(row.runCount)} | ${formatNumber(row.notApplicableCount)} | `
      + `${formatNumber(row.validCount)} | ${escapeMarkdown([`${formatNumber(row.judgedTotal)} ${row.judgedWhat}`, ...caveats(row)].join('; '))} |`)];
}

/** The HTML table's head; the first two columns are text. */
export const JUDGED_HTML_HEAD: readonly string[] = ['checker', 'judged', 'runs', 'runs judging', 'not applicable', 'valid', 'total judged'];

/** The HTML table's rows (html.ts wraps them in its table). */
export function judgedHtmlRows(rows: readonly JudgedRow[]): string[] {
  return rows.map((row) => {
    const bad = caveats(row);
    const what = `${escapeHtml(row.judgedWhat)}${bad.length === 0 ? '' : ` <span class="bad">(${escapeHtml(bad.join('; '))})</span>`}`;
    return `<tr><td class="l">${escapeHtml(row.name)}</td><td class="l">${what}</td><td>${formatNumber(row.runCount)}</td><td>${formatNumber(row.judgedRunCount)}</td>`
      + `<td>${formatNumber(row.notApplicableCount)}</td><td>${formatNumber(row.validCount)}</td><td>${formatNumber(row.judgedTotal)}</td></tr>`;
  });
}
