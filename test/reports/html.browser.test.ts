// Proves the HTML report loads in real headless Chromium with no console errors and no network requests, draws its SVG charts and shows the verdicts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../reports/html.ts';
import { summarize } from '../../reports/summary.ts';
import { chromiumAvailable, CHROMIUM_PATH, launchChromium } from './browser.ts';
import { syntheticSweep } from './fixtures.ts';

/** Set to a path (e.g. docs/report.png) to save a screenshot of the synthetic report. */
const SCREENSHOT_ENV = 'MAILSIM_REPORT_SCREENSHOT';
const inCi = process.env.CI === 'true';
const available = chromiumAvailable();

if (!available && !inCi) {
  console.warn(`\n*** SKIPPING the report's browser tests: no Chromium at ${CHROMIUM_PATH} (set MAILSIM_CHROMIUM). With CI=true this fails. ***\n`);
}

describe.skipIf(!available && !inCi)('HTML report in headless Chromium', () => {
  let browser: Browser;
  let dir: string;
  let reportUrl: string;

  beforeAll(async () => {
    if (!available) throw new Error(`CI=true but no Chromium at ${CHROMIUM_PATH}: the report's browser tests cannot run`);
    dir = mkdtempSync(join(tmpdir(), 'mailsim-report-'));
    const file = join(dir, 'index.html');
    writeFileSync(file, renderHtml(summarize(syntheticSweep({ seeds: 12, unexpectedFailure: true })), { generatedAt: '2026-11-28 12:00 UTC' }));
    reportUrl = pathToFileURL(file).href;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('loads with no console errors, page errors or requests beyond the file itself', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => { if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`); });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(reportUrl, { waitUntil: 'load' });
    await page.click('button.copy'); // the only script: must not throw even without clipboard permission
    expect(problems).toEqual([]);
    expect(requests).toEqual([reportUrl]);
    await page.close();
  });

  it('draws its charts as visible inline SVG', async () => {
    const page = await browser.newPage();
    await page.goto(reportUrl);
    const sizes = await page.$$eval('svg.chart', (nodes) => nodes.map((node) => {
      const box = node.getBoundingClientRect();
      return { width: box.width, height: box.height, shapes: node.querySelectorAll('rect, path').length };
    }));
    expect(sizes.length).toBeGreaterThanOrEqual(2 + 2 + 2); // efficiency x2, CDF, rounds, timelines
    for (const size of sizes) {
      expect(size.width).toBeGreaterThan(200);
      expect(size.height).toBeGreaterThan(100);
      expect(size.shapes).toBeGreaterThan(2);
    }
    expect(await page.locator('#convergence svg path[stroke-width="2.5"]').count()).toBeGreaterThanOrEqual(6);
    expect(await page.locator('#timelines svg').count()).toBeGreaterThanOrEqual(2);
    await page.close();
  });

  it('shows the verdict banner, the tables and a failure linked to its replay command', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(reportUrl);
    const banner = await page.locator('#banner').innerText();
    expect(banner).toMatch(/54\s*runs/);
    expect(banner).toMatch(/53\s*as expected/);
    expect(banner).toMatch(/1\s*unexpected/);
    expect(await page.locator('#strategies tbody tr').count()).toBe(6);
    await expect.poll(() => page.locator('#verdicts').innerText()).toContain('partition-heal');
    await page.locator('#verdicts table a[href^="#run-"]').first().click();
    const target = page.locator('.failure:target');
    expect(await target.innerText()).toContain('npx mailsim run scenarios/partition-heal.yaml --seed 7');
    expect(await target.locator('code.cmd').isVisible()).toBe(true);
    const screenshotPath = process.env[SCREENSHOT_ENV];
    if (screenshotPath !== undefined && screenshotPath !== '') {
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: screenshotPath, fullPage: true, clip: { x: 0, y: 0, width: 1200, height: 1480 } });
    }
    await page.close();
  });
});
