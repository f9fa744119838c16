// Proves the Markdown summary stays short enough for a pull-request comment and says what matters.
import { describe, expect, it } from 'vitest';
import { MARKDOWN_CHARS_MAX, renderMarkdown } from '../../reports/markdown.ts';
import { summarize } from '../../reports/summary.ts';
import type { RunResult } from '../../sim/resultTypes.ts';
import { syntheticRun, syntheticSweep } from './fixtures.ts';

describe('renderMarkdown', () => {
  it('states the verdict banner, the strategy table and the replay command of a failure', () => {
    const text = renderMarkdown(summarize(syntheticSweep({ seeds: 8, unexpectedFailure: true })), { reportLink: 'reports/latest/index.html' });
    expect(text).toMatch(/^### mailsim: ❌ 36 runs, 35 as expected, 1 unexpected/);
    expect(text).toContain('| keep-uids (control) |');
    expect(text).toContain('npx mailsim run scenarios/partition-heal.yaml --seed 7');
    expect(text).toContain('Full report: reports/latest/index.html');
  });

  it('says pass with a check mark when nothing is unexpected', () => {
    expect(renderMarkdown(summarize(syntheticSweep({ seeds: 4 })))).toMatch(/^### mailsim: ✅/);
  });

  it(`stays under ${MARKDOWN_CHARS_MAX} characters with thousands of failing runs and hostile names`, () => {
    const runs: RunResult[] = [];
    for (let seed = 1; seed <= 3_000; seed += 1) {
      runs.push(syntheticRun({ scenarioName: `s|${'x'.repeat(seed % 50)}<b>`, strategy: `strategy-${seed % 20}`, seed,
        violations: { 'uid-stable': 1 }, withTimeline: false }));
    }
    const text = renderMarkdown(summarize(runs));
    expect(text.length).toBeLessThanOrEqual(MARKDOWN_CHARS_MAX);
    expect(text.replace(/`[^`\n]*`/g, '')).not.toContain('<b>'); // raw only inside code spans, where GitHub shows it as text
    expect(text).toContain('3,000 unexpected');
  });
});
