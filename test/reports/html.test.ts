// Proves the HTML report is self-contained (no URL of any kind), escapes every text from results, and has its sections in order.
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../reports/html.ts';
import { summarize } from '../../reports/summary.ts';
import { syntheticRun, syntheticSweep } from './fixtures.ts';

describe('renderHtml', () => {
  const html = renderHtml(summarize(syntheticSweep({ seeds: 8, unexpectedFailure: true })), { generatedAt: '2026-01-01T00:00:00Z' });

  it('fetches nothing: no URLs, no external scripts, styles, images or fonts', () => {
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/<(link|img|iframe|object|embed)\b/i);
    expect(html).not.toMatch(/<script[^>]*\bsrc=/i);
    expect(html).not.toMatch(/url\(|@import|@font-face/i);
    expect(html).not.toMatch(/(href|src)="(?!#)/i);
  });

  it('puts banner, strategies, efficiency, convergence, verdicts and timelines in that order', () => {
    const positions = ['class="banner', 'id="strategies"', 'id="efficiency"', 'id="convergence"', 'id="verdicts"', 'id="timelines"'].map((marker) => html.indexOf(marker));
    expect(positions.every((position) => position > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(html).toContain('data-runs="36" data-unexpected="1"');
  });

  it('links each unexpected run to its replay command', () => {
    expect(html).toMatch(/<a href="#run-\d+">run-\d+<\/a>/);
    const id = /<a href="#(run-\d+)">/.exec(html)?.[1] ?? 'missing';
    const block = html.slice(html.indexOf(`id="${id}"`));
    expect(block).toContain('npx mailsim run scenarios/partition-heal.yaml --seed 7');
  });

  it('escapes hostile scenario names, strategies, explanations and commands', () => {
    const hostile = '<script>alert(1)</script>"\'&';
    const run = syntheticRun({ scenarioName: hostile, strategy: `x${hostile}`, seed: 1, violations: { 'uid-stable': 1 } });
    const out = renderHtml(summarize([{ ...run, replayCommand: `mailsim run ${hostile}` }]));
    expect(out).not.toContain('<script>alert');
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;');
    expect(out.match(/<script>/g)).toHaveLength(1); // only the report's own copy-button script
  });

  it('renders an empty result set without failing', () => {
    const out = renderHtml(summarize([]));
    expect(out).toContain('data-runs="0"');
    expect(out).toContain('No runs.');
  });
});
