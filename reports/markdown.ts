/**
 * The Markdown summary: short enough for a pull-request comment whatever the number of
 * runs (at most MARKDOWN_CHARS_MAX characters). Pure: ReportSummary in, text out.
 */
import { escapeMarkdown, formatBytes, formatMs, formatNumber } from './format.ts';
import { realSystemsText } from './realSystemText.ts';
import { judgedMarkdown } from './judgedTable.ts';
import type { ReportSummary } from './summary.ts';

export const MARKDOWN_CHARS_MAX = 4_000;
export const MARKDOWN_FAILURES_MAX = 5;
export const MARKDOWN_STRATEGIES_MAX = 12;
export const MARKDOWN_LAYOUTS_MAX = 6;
/** Longer replay commands are cut (the HTML report and failure files keep them whole). */
export const MARKDOWN_COMMAND_CHARS_MAX = 240;

export interface MarkdownOptions {
  /** Where the full HTML report is (an artifact name or a path), shown at the end. */
  readonly reportLink?: string;
}

export function renderMarkdown(summary: ReportSummary, options: MarkdownOptions = {}): string {
  for (let failuresShown = MARKDOWN_FAILURES_MAX; failuresShown >= 0; failuresShown -= 1) {
    const text = compose(summary, options, failuresShown);
    if (text.length <= MARKDOWN_CHARS_MAX) return text;
  }
  const text = compose(summary, options, 0);
  return `${text.slice(0, MARKDOWN_CHARS_MAX - 20)}\n\n… (truncated)\n`;
}

function compose(summary: ReportSummary, options: MarkdownOptions, failuresShown: number): string {
  const pass = summary.unexpectedCount === 0 && summary.conflicts.length === 0;
  const v = summary.verdicts;
  const lines = [
    `### mailsim: ${pass ? '✅' : '❌'} ${formatNumber(summary.runCount)} runs, ${formatNumber(summary.expectedCount)} as expected, ${formatNumber(summary.unexpectedCount)} unexpected`,
    '',
    `Verdicts: ${formatNumber(v.valid)} valid · ${formatNumber(v.invalid)} invalid · ${formatNumber(v.unknown)} unknown`
      + (summary.conflicts.length > 0 ? ` · **${summary.conflicts.length} runs disagree across inputs (non-deterministic?)**` : ''),
    ...judgedMarkdown(summary.judged),
    '',
    ...strategyTable(summary),
    ...priceTable(summary),
    ...realClientTable(summary),
    '',
    ...efficiencyLines(summary),
    convergenceLine(summary),
    ...findingLines(summary),
    ...failureLines(summary, failuresShown),
  ];
  if (options.reportLink !== undefined) lines.push('', `Full report: ${escapeMarkdown(options.reportLink)}`);
  return `${lines.join('\n')}\n`;
}

function findingLines(summary: ReportSummary): string[] {
  if (summary.findings.length === 0) return [];
  const lines = summary.findings.map((row) => `- ${escapeMarkdown(row.scenarioName)} · ${escapeMarkdown(row.strategy)}: ${escapeMarkdown(row.summary)} `
    + `Caught by ${escapeMarkdown(row.checks.join(', '))}; reproduced on ${formatNumber(row.reproducedCount)} of ${formatNumber(row.runCount)} runs. Replay: \`${row.replayCommand}\``);
  return ['', '**Known findings in real systems** (expected; a finding that stops reproducing is unexpected):', '', ...lines];
}

function realClientTable(summary: ReportSummary): string[] {
  if (summary.realClients.length === 0) return [];
  const rows = summary.realClients.map((row) => `| ${escapeMarkdown(row.strategy)} | ${escapeMarkdown(row.programs)} | `
    + [formatNumber(row.editCount), formatNumber(row.editsLostPer1000Edits, 1), formatNumber(row.editsMisapplied), formatNumber(row.syncsRefused),
      formatNumber(row.redownloadKBPer1000Deliveries, 1), formatNumber(row.renumberedPer1000Deliveries, 1), formatNumber(row.uidValidityResetCount)].join(' | ') + ' |');
  return ['', '**What real mail clients lose** (real offline IMAP clients, per strategy):', '',
    '| strategy | client | offline edits | lost / 1k edits | misapplied | refused syncs | redownloaded KB / 1k deliveries | renumbered / 1k deliveries | UIDVALIDITY resets |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|', ...rows];
}

function priceTable(summary: ReportSummary): string[] {
  if (summary.price.length === 0) return [];
  const rows = summary.price.map((row) => `| ${escapeMarkdown(row.scenarioName)} | ${escapeMarkdown(row.strategy)} | `
    + [formatNumber(row.deferredPer1000Deliveries, 1), `${formatMs(row.visibilityDelayMsMean)} / ${formatMs(row.visibilityDelayMsP99)} / ${formatMs(row.visibilityDelayMsMax)}`,
      formatNumber(row.leaseBytesPerSecPerServer, 1), formatNumber(row.renumberedPer1000Deliveries, 1), formatNumber(row.uidValidityResetCount)].join(' | ') + ' |');
  return ['', '**The price of stable UIDs** (the same scenario under each strategy):', '',
    '| scenario | strategy | deferred / 1k deliveries | visibility delay mean / p99 / max | lease B/s per server | renumbered / 1k deliveries | UIDVALIDITY resets |',
    '|---|---|--:|--:|--:|--:|--:|', ...rows];
}

function strategyTable(summary: ReportSummary): string[] {
  if (summary.strategies.length === 0) return [];
  const rows = summary.strategies.slice(0, MARKDOWN_STRATEGIES_MAX).map((row) => `| ${escapeMarkdown(row.strategy)}${row.control ? ' (control)' : ''} | `
    + [formatNumber(row.runCount), formatNumber(row.unexpectedCount), formatNumber(row.uidStableViolationCount),
      formatNumber(row.renumberedPer1000Deliveries, 1), formatNumber(row.uidValidityResetCount), formatNumber(row.mergeCommitsPerClientCommit, 2), formatNumber(row.lostFlagCount),
      formatBytes(row.bytesPerOp), formatMs(row.convergenceTimeMsMedian)].join(' | ') + ' |');
  const more = summary.strategies.length > MARKDOWN_STRATEGIES_MAX ? [`(${summary.strategies.length - MARKDOWN_STRATEGIES_MAX} more strategies in the full report)`] : [];
  return ['| strategy | runs | unexpected | UID-stability violations | renumbered / 1k deliveries | UIDVALIDITY resets | merge commits / client commit | lost flags | bytes / op | convergence (median) |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|', ...rows, ...more];
}

function efficiencyLines(summary: ReportSummary): string[] {
  if (summary.efficiency.length === 0) return [];
  const parts = summary.efficiency.slice(0, MARKDOWN_LAYOUTS_MAX).map((row) =>
    `${escapeMarkdown(row.layout)} ${formatBytes(row.bytesPerFlagChange)} (min ${formatBytes(row.minBytesPerFlagChange)}${row.gitBytesPerFlagChange === null ? '' : `, git ${formatBytes(row.gitBytesPerFlagChange)} vs ours ${formatBytes(row.bytesPerFlagChangeOnGitRuns)} on the same runs`}) / ${formatBytes(row.bytesPerDelivery)} (min ${formatBytes(row.minBytesPerDelivery)}${row.gitBytesPerDelivery === null ? '' : `, git ${formatBytes(row.gitBytesPerDelivery)} vs ours ${formatBytes(row.bytesPerDeliveryOnGitRuns)}`})`);
  return [`**Bytes per flag change / per delivery** (${realSystemsText(summary.realSystems)}): ${parts.join('; ')}`, ''];
}


function convergenceLine(summary: ReportSummary): string {
  const c = summary.convergence;
  return `**Convergence after the last heal:** median ${formatMs(c.timeMsP50)}, p99 ${formatMs(c.timeMsP99)}, max ${formatMs(c.timeMsMax)}; `
    + `never converged: ${formatNumber(c.neverConvergedCount)}; sync rounds mean ${formatNumber(c.roundsMean, 1)}, max ${formatNumber(c.roundsMax)}`;
}

function failureLines(summary: ReportSummary, failuresShown: number): string[] {
  if (summary.unexpectedCount === 0) return [];
  const shown = summary.failures.slice(0, failuresShown);
  const lines = ['', `**Unexpected runs** (${shown.length} of ${formatNumber(summary.unexpectedCount)} shown):`];
  for (const failure of shown) {
    const checks = failure.failedChecks.map((check) => `${check.name} (${check.count})`).join(', ') || failure.verdict;
    const command = failure.replayCommand.length > MARKDOWN_COMMAND_CHARS_MAX ? `${failure.replayCommand.slice(0, MARKDOWN_COMMAND_CHARS_MAX)}…` : failure.replayCommand;
    lines.push(`- ${escapeMarkdown(failure.scenarioName)} · ${escapeMarkdown(failure.strategy)} · seed ${failure.seed}: ${escapeMarkdown(checks)}, expected ${failure.expect}`,
      `  \`${command.replace(/`/g, "'")}\``);
  }
  return lines;
}
