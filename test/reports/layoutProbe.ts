// Measures a rendered report in the browser: which text labels of one SVG chart overlap, which
// labels stick out of their chart, and which tables run past the viewport outside a scroll container.
import type { Page } from 'playwright-core';

export interface LayoutProblems {
  /** Pairs of labels of one chart whose drawn boxes overlap. */
  readonly overlaps: readonly { readonly chart: string; readonly a: string; readonly b: string }[];
  /** Labels drawn (partly) outside their chart's box, where the SVG clips them. */
  readonly clipped: readonly { readonly chart: string; readonly text: string }[];
  /** Tables whose right edge is past the viewport with no horizontally scrolling ancestor. */
  readonly tablesOffPage: readonly { readonly head: string; readonly rightPx: number }[];
  /** Tables wider than the viewport that scroll inside their container (what a wide table should do). */
  readonly tablesScrolledCount: number;
  /** Width of the page's own content (wider than the viewport = the page scrolls sideways). */
  readonly pageWidthPx: number;
  readonly viewportWidthPx: number;
  readonly chartCount: number;
  readonly labelCount: number;
}

/** Overlap smaller than this (in CSS px, on the axis where two boxes overlap least) is touching, not overlapping. */
export const OVERLAP_TOLERANCE_PX = 1;

/*
 * Runs in the page as plain JavaScript (a string, so no compiler helper leaks into the page).
 * Each label's box is its getBBox() mapped through getScreenCTM(): a parallelogram in screen
 * pixels that follows rotation. Two boxes overlap when no axis separates them (separating-axis
 * test on the edge normals) by less than the tolerance.
 */
const PROBE = `(tolerance) => {
  const corners = (el) => {
    const b = el.getBBox();
    const m = el.getScreenCTM();
    return [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height], [b.x, b.y + b.height]]
      .map(([x, y]) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f]);
  };
  const axes = (poly) => poly.map((p, i) => { const q = poly[(i + 1) % poly.length]; return [q[1] - p[1], p[0] - q[0]]; })
    .map(([x, y]) => { const n = Math.hypot(x, y) || 1; return [x / n, y / n]; });
  const project = (poly, axis) => { const v = poly.map((p) => p[0] * axis[0] + p[1] * axis[1]); return [Math.min(...v), Math.max(...v)]; };
  const overlap = (p, q) => [...axes(p), ...axes(q)].every((axis) => {
    const [a0, a1] = project(p, axis); const [b0, b1] = project(q, axis);
    return Math.min(a1, b1) - Math.max(a0, b0) > tolerance;
  });
  const overlaps = []; const clipped = []; let labelCount = 0;
  const charts = [...document.querySelectorAll('svg.chart')];
  for (const svg of charts) {
    const chart = svg.getAttribute('aria-label') || '';
    const frame = svg.getBoundingClientRect();
    const labels = [...svg.querySelectorAll('text')].map((el) => ({ text: el.textContent || '', poly: corners(el) }))
      .filter((label) => label.text.trim() !== '');
    labelCount += labels.length;
    for (const label of labels) {
      const xs = label.poly.map((p) => p[0]); const ys = label.poly.map((p) => p[1]);
      if (Math.min(...xs) < frame.left - tolerance || Math.max(...xs) > frame.right + tolerance
        || Math.min(...ys) < frame.top - tolerance || Math.max(...ys) > frame.bottom + tolerance) clipped.push({ chart, text: label.text });
    }
    for (let i = 0; i < labels.length; i += 1) {
      for (let j = i + 1; j < labels.length; j += 1) {
        if (overlap(labels[i].poly, labels[j].poly)) overlaps.push({ chart, a: labels[i].text, b: labels[j].text });
      }
    }
  }
  const scrolls = (el) => { for (let node = el.parentElement; node; node = node.parentElement) {
    const style = getComputedStyle(node).overflowX;
    if ((style === 'auto' || style === 'scroll' || style === 'hidden') && node.getBoundingClientRect().right <= innerWidth + tolerance) return true;
  } return false; };
  const wide = [...document.querySelectorAll('table')].filter((table) => table.getBoundingClientRect().right > innerWidth + tolerance);
  const tablesOffPage = wide.filter((table) => !scrolls(table))
    .map((table) => ({ head: (table.querySelector('th') || table).textContent || '', rightPx: Math.round(table.getBoundingClientRect().right) }));
  return { overlaps, clipped, tablesOffPage, tablesScrolledCount: wide.length - tablesOffPage.length, pageWidthPx: document.documentElement.scrollWidth, viewportWidthPx: innerWidth, chartCount: charts.length, labelCount };
}`;

/** Loads `url` at `widthPx` wide and measures it. */
export async function measureLayout(page: Page, url: string, widthPx: number): Promise<LayoutProblems> {
  await page.setViewportSize({ width: widthPx, height: 900 });
  await page.goto(url, { waitUntil: 'load' });
  return page.evaluate(`(${PROBE})(${OVERLAP_TOLERANCE_PX})`) as Promise<LayoutProblems>;
}
