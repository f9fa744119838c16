// Proves the per-checker judged table: runs that judged something, runs with nothing to judge, the total judged, and that a valid verdict over nothing (or a result without a count) is called out in every rendering.
import { describe, expect, it } from 'vitest';
import { describeSweep, type SweepSummary } from '../../cli/sweep.ts';
import { renderHtml } from '../../reports/html.ts';
import { judgedHtmlRows, judgedLines, judgedMarkdown, judgedRows } from '../../reports/judgedTable.ts';
import { renderMarkdown } from '../../reports/markdown.ts';
import { summarize } from '../../reports/summary.ts';
import type { CheckResult, RunResult } from '../../sim/resultTypes.ts';
import { syntheticRun } from './fixtures.ts';

/** Seeds 1-4: move-atomic judges nothing on even seeds (see fixtures). */
function runs(): RunResult[] {
  return [1, 2, 3, 4].map((seed) => syntheticRun({ scenarioName: 's', strategy: 'renumber', seed }));
}

function withCheck(run: RunResult, name: string, check: Partial<CheckResult> & Pick<CheckResult, 'verdict'>): RunResult {
  return { ...run, checks: { ...run.checks, [name]: { count: 0, evidence: [], explanation: '', ...check } as CheckResult } };
}

describe('judged table', () => {
  it('counts per checker the runs that judged something, those with nothing to judge, and the total judged', () => {
    const results = runs();
    const rows = judgedRows(results);
    expect(rows.map((row) => row.name).slice(0, 2)).toEqual(['uid-stable', 'uid-order']);
    const move = rows.find((row) => row.name === 'move-atomic');
    const judged = results.map((run) => run.checks['move-atomic']?.judgedCount ?? 0);
    expect(move).toEqual({
      name: 'move-atomic', runCount: 4, judgedRunCount: 2, notApplicableCount: 2, judgedTotal: judged.reduce((a, b) => a + b, 0),
      judgedWhat: 'move-atomic items', validCount: 2, validNothingJudgedCount: 0, unrecordedCount: 0,
    });
    expect(judged.filter((count) => count > 0)).toHaveLength(2);
    const uidStable = rows.find((row) => row.name === 'uid-stable');
    expect(uidStable).toMatchObject({ runCount: 4, judgedRunCount: 4, notApplicableCount: 0, validCount: 4 });
  });

  it('calls out a valid verdict over nothing judged, and results written without a count', () => {
    const [first, second, ...rest] = runs() as [RunResult, RunResult, ...RunResult[]];
    const emptyValid = withCheck(first, 'move-atomic', { verdict: 'valid', judgedCount: 0, judgedWhat: 'moves' });
    const older = withCheck(second, 'move-atomic', { verdict: 'valid' });
    const row = judgedRows([emptyValid, older, ...rest]).find((r) => r.name === 'move-atomic');
    expect(row).toMatchObject({ runCount: 4, validNothingJudgedCount: 1, unrecordedCount: 1 });
    const rows = row === undefined ? [] : [row];
    expect(judgedLines(rows).join('\n')).toContain('1 valid over nothing judged; 1 runs without a judged count');
    expect(judgedMarkdown(rows).join('\n')).toContain('1 valid over nothing judged');
    expect(judgedHtmlRows(rows).join('')).toContain('<span class="bad">(1 valid over nothing judged; 1 runs without a judged count)</span>');
  });

  it('is in the JSON summary, the Markdown and the HTML report', () => {
    const results = runs();
    const summary = summarize(results);
    expect(summary.judged).toEqual(judgedRows(results));
    const markdown = renderMarkdown(summary);
    expect(markdown).toContain('**What each checker judged:**');
    expect(markdown).toMatch(/\| move-atomic \| 2 \/ 4 \| 2 \| 2 \| \d+ move-atomic items \|/);
    const html = renderHtml(summary);
    expect(html).toContain('<h3>What each checker judged</h3>');
    expect(html).toContain('<td class="l">move-atomic</td><td class="l">move-atomic items</td><td>4</td><td>2</td><td>2</td><td>2</td>');
  });

  it('is in the sweep summary on the terminal', () => {
    const summary: SweepSummary = {
      runs: 4, planned: 4, asExpected: 4, notAsExpected: 0, unknown: 0, errors: [], interrupted: false, timeBudgetMs: null,
      stoppedByTimeBudget: false, resultsFile: 'out/results.jsonl', failures: [], findingsReproduced: [],
      judged: judgedRows(runs()), probes: [], probesMissed: [], exitCode: 0,
    };
    const text = describeSweep(summary);
    expect(text).toContain('judged per checker (runs that judged something; total judged; valid verdicts):');
    expect(text).toMatch(/ {2}move-atomic +2 of 4 runs \(2 not applicable\); \d+ move-atomic items; 2 valid\n/);
    expect(text).toMatch(/ {2}uid-stable +4 of 4 runs; \d+ uid-stable items; 4 valid\n/);
  });
});
