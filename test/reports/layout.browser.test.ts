// Proves the HTML report is legible in headless Chromium at 1280 and 800 px: no two labels of one chart overlap, no label is clipped by its chart, and a table wider than the page scrolls inside its own container.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatBytes, formatNumber } from '../../reports/format.ts';
import { renderHtml } from '../../reports/html.ts';
import { summarize } from '../../reports/summary.ts';
import { barChart, cdfChart, timelineChart } from '../../reports/svg.ts';
import { chromiumAvailable, CHROMIUM_PATH, launchChromium } from './browser.ts';
import { realisticSuite, syntheticSweep, syntheticTimeline } from './fixtures.ts';
import { measureLayout } from './layoutProbe.ts';

const WIDTHS_PX = [1280, 800];
const inCi = process.env.CI === 'true';
const available = chromiumAvailable();

/** Two labels drawn over each other, a label cut by the chart's edge, a wide table loose on the page and one in a scroll box. */
const CROWDED_PAGE = `<!doctype html><html><body style="margin:0">
<svg class="chart" aria-label="crowded" viewBox="0 0 300 100" width="300" height="100" font-size="12">
<text x="20" y="40">dsync (real)</text><text x="40" y="42">dsync-plain (real)</text>
<text x="200" y="80" transform="rotate(-90 200 80)">apart</text><text x="280" y="60">clipped label</text></svg>
<table><tr><th style="min-width:2000px">loose</th></tr></table>
<div style="overflow-x:auto"><table><tr><th style="min-width:2000px">scrolled</th></tr></table></div>
</body></html>`;

/** The chart helpers at their most crowded: long labels in a narrow chart, many categories, close values, long lane names. */
function crowdedChartsPage(): string {
  const layouts = ['fanout-16x3', 'fanout-16x3 batched', 'fanout-256x2', 'fanout-256x2 batched', 'fanout-4x6', 'fanout-4x6 batched', 'flat', 'flat batched'];
  const strategies = ['renumber', 'dsync (real)', 'owner', 'reset-validity', 'naive-git', 'lww-wallclock', 'keep-uids', 'dsync-plain (real)'];
  const close = (count: number, base: number) => Array.from({ length: count }, (_, index) => base + (index % 3) * 17);
  const charts = [
    barChart({ title: 'narrow, long layouts', yLabel: 'bytes', categories: layouts, log: true, width: 420, height: 260, format: formatBytes,
      series: ['measured', 'minimum', 'dsync', 'git'].map((name, index) => ({ name, color: '#555', values: close(layouts.length, 3_080 + index * 9) })) }),
    barChart({ title: 'strategies as categories', yLabel: 'bytes per op', categories: strategies, width: 520, format: formatBytes,
      series: [{ name: 'bytes per op', color: '#555', values: close(strategies.length, 3_100) }] }),
    barChart({ title: 'forty rounds', yLabel: 'runs', categories: Array.from({ length: 40 }, (_, index) => String(index + 1)), width: 520, format: (value) => formatNumber(value),
      series: [{ name: 'runs by number of sync rounds', color: '#555', values: close(40, 1_000) }] }),
    cdfChart({ title: 'eight strategies', xLabel: 'time', width: 520, series: strategies.map((name) => ({ name: `${name} (40)`, color: '#555', points: [{ x: 123_456, fraction: 1 }] })) }),
    timelineChart({ ...syntheticTimeline(3, 3, 30), nodes: ['dovecot-site-a', 'dovecot-site-b', 'n3'], endMs: 3_456_789 }, { title: 'long lane names', width: 520 }),
  ];
  return `<!doctype html><html><body>${charts.join('')}</body></html>`;
}

describe.skipIf(!available && !inCi)('HTML report layout in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  let dir: string;
  const urls: Record<string, string> = {};

  beforeAll(async () => {
    if (!available) throw new Error(`CI=true but no Chromium at ${CHROMIUM_PATH}: the report's browser tests cannot run`);
    dir = mkdtempSync(join(tmpdir(), 'mailsim-layout-'));
    const pages: Record<string, string> = {
      realistic: renderHtml(summarize(realisticSuite()), { generatedAt: '2026-11-28 12:00 UTC' }),
      sweep: renderHtml(summarize(syntheticSweep({ seeds: 12, unexpectedFailure: true })), { generatedAt: '2026-11-28 12:00 UTC' }),
      crowded: CROWDED_PAGE,
      crowdedCharts: crowdedChartsPage(),
    };
    for (const [name, html] of Object.entries(pages)) {
      const file = join(dir, `${name}.html`);
      writeFileSync(file, html);
      urls[name] = pathToFileURL(file).href;
    }
    browser = await launchChromium();
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('finds overlapping and clipped labels and a table loose past the page (negative control)', async () => {
    const found = await measureLayout(page, urls.crowded ?? '', 800);
    expect(found.overlaps).toEqual([{ chart: 'crowded', a: 'dsync (real)', b: 'dsync-plain (real)' }]);
    expect(found.clipped).toEqual([{ chart: 'crowded', text: 'clipped label' }]);
    expect(found.tablesOffPage).toEqual([expect.objectContaining({ head: 'loose' })]);
    expect(found.tablesScrolledCount).toBe(1);
    expect(found.pageWidthPx).toBeGreaterThan(found.viewportWidthPx);
  });

  for (const widthPx of WIDTHS_PX) {
    it(`chart helpers at their most crowded, at ${widthPx} px: no overlapping or clipped labels`, async () => {
      const found = await measureLayout(page, urls.crowdedCharts ?? '', widthPx);
      expect(found.chartCount).toBe(5);
      expect(found.overlaps).toEqual([]);
      expect(found.clipped).toEqual([]);
    });
  }

  for (const report of ['realistic', 'sweep']) {
    for (const widthPx of WIDTHS_PX) {
      it(`${report} report at ${widthPx} px: no overlapping or clipped labels, no table off the page`, async () => {
        const found = await measureLayout(page, urls[report] ?? '', widthPx);
        expect(found.chartCount).toBeGreaterThanOrEqual(6);
        expect(found.labelCount).toBeGreaterThan(100);
        expect(found.overlaps).toEqual([]);
        expect(found.clipped).toEqual([]);
        expect(found.tablesOffPage).toEqual([]);
        if (report === 'realistic' && widthPx < 1000) expect(found.tablesScrolledCount).toBeGreaterThan(0); // the wide tables are there, scrolling
        expect(found.pageWidthPx).toBeLessThanOrEqual(found.viewportWidthPx);
      });
    }
  }
});
