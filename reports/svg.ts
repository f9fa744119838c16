/**
 * Small inline-SVG chart helpers for the HTML report: a step CDF, grouped bars (linear or
 * log scale) and Jepsen-style timeline lanes. Each returns one <svg> string with a legend,
 * axis labels and <title> tooltips. Pure; every label is escaped. No two labels of a chart
 * are drawn over each other (reports/chartText.ts): long category labels wrap or turn, axis
 * labels thin out, and a bar's value label that finds no free room is left to its tooltip.
 */
import { CRASH_FAULT_KINDS, DISK_FAULT_KINDS, PARTITION_FAULT_KINDS } from '../sim/faultKinds.ts';
import type { Timeline } from '../sim/resultTypes.ts';
import { ASCENT_EM, DESCENT_EM, LABEL_GAP, LabelSpace, textBox, textWidth, thinnedIndexes, upwardTextBox, wrapLabel, type Box } from './chartText.ts';
import { escapeHtml, formatMs, formatNumber } from './format.ts';

export const CHART_FONT_SIZE = 12;
/** Bar value labels are smaller than the axis labels. */
export const VALUE_FONT_SIZE = 10;
/** Height of one line of text at CHART_FONT_SIZE, as browsers box it. */
const LINE_HEIGHT = (ASCENT_EM + DESCENT_EM) * CHART_FONT_SIZE;
/** Baseline distance of a category label's wrapped lines. */
const LINE_STEP = 14;
/** Where the y-axis title is drawn (its centre line), and the room it takes left of the tick labels. */
const Y_TITLE_X = 14;
const Y_TITLE_ROOM = 22;
const TICK_GAP = 6;
/** Room kept on each side of a category label within its group. */
const LABEL_SIDE_GAP = 4;
/** Client operations drawn per timeline; the rest are summarised in the caption. */
export const TIMELINE_OPS_DRAWN_MAX = 4_000;
/** Process sub-rows per server lane (further processes share the last row). */
export const TIMELINE_ROWS_PER_LANE_MAX = 6;

export const OUTCOME_COLORS: Readonly<Record<'ok' | 'fail' | 'info', string>> = { ok: '#2e7d32', fail: '#c62828', info: '#ef8f00' };
export const FAULT_STYLES: readonly { readonly name: string; readonly kinds: readonly string[]; readonly color: string }[] = [
  { name: 'partition', kinds: PARTITION_FAULT_KINDS, color: '#90caf9' },
  { name: 'crash', kinds: CRASH_FAULT_KINDS, color: '#b0bec5' },
  { name: 'clock skew', kinds: ['skew'], color: '#ffe082' },
  { name: 'clock jump', kinds: ['jump'], color: '#ce93d8' },
  { name: 'pause', kinds: ['pause'], color: '#a5d6a7' },
  { name: 'disk', kinds: DISK_FAULT_KINDS, color: '#bcaaa4' },
];
const OTHER_FAULT = { name: 'other fault', kinds: [] as string[], color: '#e0e0e0' };

interface Margin { top: number; right: number; bottom: number; left: number }

function r(value: number): string {
  return (Math.round(value * 10) / 10).toString();
}

/** Round tick steps (1, 2, 5 x 10^k) covering [0, max]. */
export function niceTicks(max: number, countTarget = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / countTarget;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let tick = 0; tick < max + step * 0.999; tick += step) ticks.push(Number(tick.toPrecision(12)));
  return ticks;
}

function svgOpen(width: number, height: number, label: string): string {
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(label)}" font-size="${CHART_FONT_SIZE}">`
    + `<title>${escapeHtml(label)}</title>`;
}

/** Legend items in rows that wrap at `maxWidth`; returns the markup, the height it takes and the boxes of its texts. */
function legend(items: readonly { name: string; color: string; shape?: 'line' | 'box' }[], x: number, y: number, maxWidth: number): { svg: string; height: number; boxes: Box[] } {
  let offset = 0;
  let row = 0;
  const boxes: Box[] = [];
  const parts = items.map((item) => {
    const itemWidth = 32 + textWidth(item.name, CHART_FONT_SIZE);
    if (offset > 0 && offset + itemWidth > maxWidth) { offset = 0; row += 1; }
    const top = y + row * 18;
    const swatch = item.shape === 'line'
      ? `<line x1="${r(x + offset)}" y1="${r(top - 4)}" x2="${r(x + offset + 16)}" y2="${r(top - 4)}" stroke="${item.color}" stroke-width="3"/>`
      : `<rect x="${r(x + offset)}" y="${r(top - 10)}" width="12" height="12" rx="2" fill="${item.color}"/>`;
    const text = `<text x="${r(x + offset + 20)}" y="${r(top)}" fill="#333">${escapeHtml(item.name)}</text>`;
    boxes.push(textBox(item.name, x + offset + 20, top, CHART_FONT_SIZE, 'start'));
    offset += itemWidth;
    return swatch + text;
  });
  return { svg: `<g class="legend">${parts.join('')}</g>`, height: (row + 1) * 18, boxes };
}

/** Left margin that holds the y-axis title and the widest tick label. */
function yAxisMargin(labels: readonly string[], minimum: number): number {
  return Math.max(minimum, Math.ceil(Y_TITLE_ROOM + TICK_GAP + Math.max(0, ...labels.map((label) => textWidth(label, CHART_FONT_SIZE)))));
}

/** Grid lines at every tick; labels at as many as fit one above the other. */
function yAxis(ticks: readonly { value: number; y: number; label: string }[], m: Margin, width: number, label: string, height: number, space?: LabelSpace): string {
  const spacing = ticks.length < 2 ? 0 : Math.abs((ticks[0]?.y ?? 0) - (ticks[1]?.y ?? 0));
  const labelled = new Set(thinnedIndexes(ticks.length, spacing, LINE_HEIGHT));
  const lines = ticks.map((tick, index) => {
    const line = `<line x1="${m.left}" x2="${r(width - m.right)}" y1="${r(tick.y)}" y2="${r(tick.y)}" stroke="#e6e6e6"/>`;
    if (!labelled.has(index)) return line;
    space?.reserve(textBox(tick.label, m.left - TICK_GAP, tick.y + 4, CHART_FONT_SIZE, 'end'));
    return line + `<text x="${m.left - TICK_GAP}" y="${r(tick.y + 4)}" text-anchor="end" fill="#555">${escapeHtml(tick.label)}</text>`;
  });
  const mid = m.top + (height - m.top - m.bottom) / 2;
  space?.reserve(upwardTextBox(label, Y_TITLE_X, mid, CHART_FONT_SIZE, 'middle'));
  return lines.join('') + `<text transform="translate(${Y_TITLE_X} ${r(mid)}) rotate(-90)" text-anchor="middle" fill="#333">${escapeHtml(label)}</text>`;
}

/** Labels under evenly spaced x positions, as many as fit side by side. */
function xTickLabels(ticks: readonly { x: number; label: string }[], y: number): string {
  const spacing = ticks.length < 2 ? 0 : Math.abs((ticks[1]?.x ?? 0) - (ticks[0]?.x ?? 0));
  const widest = Math.max(0, ...ticks.map((tick) => textWidth(tick.label, CHART_FONT_SIZE)));
  return thinnedIndexes(ticks.length, spacing, widest).map((index) => {
    const tick = ticks[index] as { x: number; label: string };
    return `<text x="${r(tick.x)}" y="${r(y)}" text-anchor="middle" fill="#555">${escapeHtml(tick.label)}</text>`;
  }).join('');
}

export interface CdfSeries {
  readonly name: string;
  readonly color: string;
  readonly points: readonly { readonly x: number; readonly fraction: number }[];
}

/** Step CDF lines; x is a duration in ms, y the fraction of runs (0..1). */
export function cdfChart(opts: { title: string; xLabel: string; series: readonly CdfSeries[]; width?: number; height?: number }): string {
  const width = opts.width ?? 1040;
  const key = legend(opts.series.map((series) => ({ name: series.name, color: series.color, shape: 'line' as const })), 64, 20, width - 88);
  const height = (opts.height ?? 340) + key.height;
  const m: Margin = { top: 22 + key.height, right: 32, bottom: 48, left: 64 };
  const xMaxData = Math.max(0, ...opts.series.flatMap((series) => series.points.map((point) => point.x)));
  const xTicks = niceTicks(xMaxData);
  const xMax = xTicks[xTicks.length - 1] ?? 1;
  const sx = (x: number) => m.left + (x / xMax) * (width - m.left - m.right);
  const sy = (f: number) => height - m.bottom - f * (height - m.top - m.bottom);
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((value) => ({ value, y: sy(value), label: `${value * 100}%` }));
  const xAxis = xTickLabels(xTicks.map((tick) => ({ x: sx(tick), label: formatMs(tick) })), height - m.bottom + 18);
  const paths = opts.series.map((series) => {
    let d = `M${r(sx(0))},${r(sy(0))}`;
    for (const point of series.points) d += `H${r(sx(point.x))}V${r(sy(point.fraction))}`;
    d += `H${r(sx(xMax))}`;
    const last = series.points[series.points.length - 1];
    const tip = `${series.name}: ${last === undefined ? 'no run converged' : `${formatNumber(last.fraction * 100, 1)}% converged by ${formatMs(last.x)}`}`;
    return `<path d="${d}" fill="none" stroke="${series.color}" stroke-width="2.5"><title>${escapeHtml(tip)}</title></path>`;
  });
  return svgOpen(width, height, opts.title)
    + yAxis(yTicks, m, width, 'runs converged', height)
    + `<line x1="${m.left}" x2="${r(width - m.right)}" y1="${r(sy(0))}" y2="${r(sy(0))}" stroke="#999"/>`
    + xAxis
    + `<text x="${r(m.left + (width - m.left - m.right) / 2)}" y="${height - 10}" text-anchor="middle" fill="#333">${escapeHtml(opts.xLabel)}</text>`
    + paths.join('')
    + key.svg
    + '</svg>';
}

export interface BarSeries {
  readonly name: string;
  readonly color: string;
  readonly values: readonly (number | null)[];
}

/** Grouped bars: one group per category, one bar per series; log scale for values spanning decades. */
export function barChart(opts: { title: string; yLabel: string; categories: readonly string[]; series: readonly BarSeries[];
  log?: boolean; format: (value: number) => string; width?: number; height?: number }): string {
  const width = opts.width ?? 1040;
  const values = opts.series.flatMap((series) => series.values.filter((value): value is number => value !== null && value > 0));
  const scale = opts.log === true ? logScale(values) : linearScale(values);
  const left = yAxisMargin(scale.ticks.map((value) => opts.format(value)), 56);
  const key = legend(opts.series.map((series) => ({ name: series.name, color: series.color })), left, 20, width - left - 24);
  const groupWidth = (width - left - 24) / Math.max(1, opts.categories.length);
  const labels = categoryLabels(opts.categories, groupWidth);
  const m: Margin = { top: 26 + key.height, right: 24, bottom: labels.bottom, left };
  const height = (opts.height ?? 320) + key.height + labels.bottom - 40;
  const plotHeight = height - m.top - m.bottom;
  const sy = (value: number) => height - m.bottom - scale.position(value) * plotHeight;
  const barWidth = Math.min(48, (groupWidth * 0.8) / Math.max(1, opts.series.length));
  const space = new LabelSpace({ left: 0, top: 0, right: width, bottom: height });
  for (const box of key.boxes) space.reserve(box);
  const ticks = scale.ticks.map((value) => ({ value, y: sy(value), label: opts.format(value) }));
  const axis = yAxis(ticks, m, width, opts.yLabel + (opts.log === true ? ' (log scale)' : ''), height, space);
  const bars = opts.series.flatMap((series, seriesIndex) => opts.categories.map((category, categoryIndex) => {
    const value = series.values[categoryIndex];
    if (value === null || value === undefined || value <= 0) return null;
    const x = m.left + categoryIndex * groupWidth + (groupWidth - barWidth * opts.series.length) / 2 + seriesIndex * barWidth;
    return { x, y: sy(value), label: opts.format(value), tip: `${category} · ${series.name}: ${opts.format(value)}`, color: series.color };
  })).filter((bar) => bar !== null);
  const axisY = height - m.bottom;
  const categoryText = labels.draw(m.left, axisY, space);
  // Bars are boxes too, shrunk by the gap so that a label may sit right on its own bar's top.
  for (const bar of bars) space.reserve({ left: bar.x + 1 + LABEL_GAP, right: bar.x + barWidth - 1 - LABEL_GAP, top: bar.y + LABEL_GAP, bottom: axisY });
  const rects = bars.map((bar) => `<rect x="${r(bar.x + 1)}" y="${r(bar.y)}" width="${r(barWidth - 2)}" height="${r(axisY - bar.y)}" fill="${bar.color}"><title>${escapeHtml(bar.tip)}</title></rect>`);
  // Series first: the first series (what was measured) gets its labels before the references do.
  const valueLabels = bars.map((bar) => valueLabel(bar.label, bar.x + barWidth / 2, bar.y - 4, space));
  return svgOpen(width, height, opts.title)
    + axis
    + `<line x1="${m.left}" x2="${r(width - m.right)}" y1="${r(axisY)}" y2="${r(axisY)}" stroke="#999"/>`
    + rects.join('') + valueLabels.join('') + categoryText
    + key.svg
    + '</svg>';
}

/** A bar's value above it, level or turned upwards where level does not fit; '' when neither fits (the bar's tooltip has it). */
function valueLabel(label: string, centerX: number, baseY: number, space: LabelSpace): string {
  if (space.claim(textBox(label, centerX, baseY, VALUE_FONT_SIZE, 'middle'))) {
    return `<text x="${r(centerX)}" y="${r(baseY)}" text-anchor="middle" font-size="${VALUE_FONT_SIZE}" fill="#333">${escapeHtml(label)}</text>`;
  }
  // Turned text's glyph box runs from ascent left of x to descent right of it: shift x so the box centres on the bar.
  const x = centerX + ((ASCENT_EM - DESCENT_EM) / 2) * VALUE_FONT_SIZE;
  if (space.claim(upwardTextBox(label, x, baseY, VALUE_FONT_SIZE, 'start'))) {
    return `<text transform="translate(${r(x)} ${r(baseY)}) rotate(-90)" font-size="${VALUE_FONT_SIZE}" fill="#333">${escapeHtml(label)}</text>`;
  }
  return '';
}

/**
 * Category labels under the bars: level and wrapped onto up to LABEL_LINES_MAX lines when
 * every label fits its group so; else turned to read upwards, every one when the groups are
 * a line high, every few otherwise, or level every few when that shows as many (each bar's
 * tooltip still names its category).
 */
function categoryLabels(categories: readonly string[], groupWidth: number): { bottom: number; draw: (left: number, axisY: number, space: LabelSpace) => string } {
  const wrapped = categories.map((category) => wrapLabel(category, groupWidth - 2 * LABEL_SIDE_GAP, CHART_FONT_SIZE));
  if (wrapped.every((lines) => lines !== null)) return levelLabels(wrapped.map((lines, index) => ({ index, lines: lines ?? [] })), groupWidth);
  const shown = thinnedIndexes(categories.length, groupWidth, LINE_HEIGHT);
  const longest = Math.max(0, ...shown.map((index) => textWidth(categories[index] ?? '', CHART_FONT_SIZE)));
  const level = thinnedIndexes(categories.length, groupWidth, longest);
  // Short labels (round counts...) that must thin anyway: level ones show as many.
  if (level.length >= shown.length) return levelLabels(level.map((index) => ({ index, lines: [categories[index] ?? ''] })), groupWidth);
  return {
    bottom: Math.ceil(8 + longest + 10),
    draw: (left, axisY, space) => shown.map((index) => {
      const category = categories[index] ?? '';
      const x = left + (index + 0.5) * groupWidth + ((ASCENT_EM - DESCENT_EM) / 2) * CHART_FONT_SIZE;
      space.reserve(upwardTextBox(category, x, axisY + 8, CHART_FONT_SIZE, 'end'));
      return `<text transform="translate(${r(x)} ${r(axisY + 8)}) rotate(-90)" text-anchor="end" fill="#333">${escapeHtml(category)}</text>`;
    }).join(''),
  };
}

/** Level category labels, centred under their groups, one <tspan> per wrapped line. */
function levelLabels(labels: readonly { index: number; lines: readonly string[] }[], groupWidth: number): { bottom: number; draw: (left: number, axisY: number, space: LabelSpace) => string } {
  const lineCount = Math.max(1, ...labels.map((label) => label.lines.length));
  return {
    bottom: 40 + (lineCount - 1) * LINE_STEP,
    draw: (left, axisY, space) => labels.map((label) => {
      const x = left + (label.index + 0.5) * groupWidth;
      const tspans = label.lines.map((line, lineIndex) => {
        space.reserve(textBox(line, x, axisY + 18 + lineIndex * LINE_STEP, CHART_FONT_SIZE, 'middle'));
        return `<tspan x="${r(x)}" dy="${lineIndex === 0 ? 0 : LINE_STEP}">${escapeHtml(line)}</tspan>`;
      }).join('');
      return `<text x="${r(x)}" y="${r(axisY + 18)}" text-anchor="middle" fill="#333">${tspans}</text>`;
    }).join(''),
  };
}

interface Scale { position(value: number): number; ticks: number[] }

function linearScale(values: readonly number[]): Scale {
  const ticks = niceTicks(Math.max(0, ...values));
  const max = ticks[ticks.length - 1] ?? 1;
  return { position: (value) => value / max, ticks };
}

function logScale(values: readonly number[]): Scale {
  const low = Math.floor(Math.log10(Math.max(1, Math.min(...values, 10))));
  const high = Math.max(low + 1, Math.ceil(Math.log10(Math.max(...values, 10) * 1.2)));
  const ticks: number[] = [];
  for (let power = low; power <= high; power += 1) ticks.push(10 ** power);
  return { position: (value) => (Math.log10(Math.max(value, 10 ** low)) - low) / (high - low), ticks };
}

export function faultStyle(kind: string): { name: string; color: string } {
  return FAULT_STYLES.find((style) => style.kinds.includes(kind)) ?? OTHER_FAULT;
}

/**
 * Jepsen-style timeline: one lane per server, process sub-rows inside a lane; fault
 * intervals shaded over the lanes they touch (all lanes when a fault names no node);
 * client operations as bars coloured by outcome.
 */
export function timelineChart(timeline: Timeline, opts: { title: string; width?: number }): string {
  const width = opts.width ?? 1040;
  const faultLegend = FAULT_STYLES.map((style) => ({ name: style.name, color: style.color }));
  const opLegend = (['ok', 'fail', 'info'] as const).map((outcome) => ({ name: `op ${outcome}`, color: OUTCOME_COLORS[outcome] }));
  // Lane names are bold, right-aligned before the lanes: the margin holds the longest.
  const left = Math.max(72, Math.ceil(16 + Math.max(0, ...timeline.nodes.map((node) => textWidth(node, CHART_FONT_SIZE, true)))));
  const key = legend([...opLegend, ...faultLegend], left, 20, width - left - 24);
  const m: Margin = { top: 22 + key.height, right: 32, bottom: 36, left };
  const rowHeight = 9;
  const processesByNode = new Map<string, string[]>(timeline.nodes.map((node) => [node, []]));
  const drawn = timeline.ops.slice(0, TIMELINE_OPS_DRAWN_MAX);
  for (const op of drawn) {
    const processes = processesByNode.get(op.node);
    if (processes !== undefined && !processes.includes(op.process)) processes.push(op.process);
  }
  const laneHeights = timeline.nodes.map((node) => 8 + rowHeight * Math.max(1, Math.min(TIMELINE_ROWS_PER_LANE_MAX, processesByNode.get(node)?.length ?? 0)));
  const laneTops: number[] = [];
  let top = m.top;
  for (const laneHeight of laneHeights) { laneTops.push(top); top += laneHeight + 6; }
  const height = top + m.bottom;
  const endMs = Math.max(1, timeline.endMs);
  const sx = (timeMs: number) => m.left + (Math.min(Math.max(timeMs, 0), endMs) / endMs) * (width - m.left - m.right);
  const laneOf = (node: string) => timeline.nodes.indexOf(node);
  const lanes = timeline.nodes.map((node, index) =>
    `<rect x="${m.left}" y="${r(laneTops[index] ?? 0)}" width="${r(width - m.left - m.right)}" height="${r(laneHeights[index] ?? 0)}" fill="#fafafa" stroke="#ddd"/>`
    + `<text x="${m.left - 8}" y="${r((laneTops[index] ?? 0) + (laneHeights[index] ?? 0) / 2 + 4)}" text-anchor="end" fill="#222" font-weight="600">${escapeHtml(node)}</text>`);
  const faults = timeline.faults.flatMap((fault) => {
    const style = faultStyle(fault.kind);
    const x1 = sx(fault.startMs);
    const x2 = Math.max(x1 + 2, sx(fault.endMs ?? endMs));
    const touched = fault.nodes.length === 0 ? timeline.nodes.map((_, index) => index) : fault.nodes.map(laneOf).filter((index) => index >= 0);
    const tip = `${fault.label} (${formatMs(fault.startMs)} – ${fault.endMs === null ? 'end' : formatMs(fault.endMs)})`;
    return touched.map((index) => `<rect x="${r(x1)}" y="${r(laneTops[index] ?? 0)}" width="${r(x2 - x1)}" height="${r(laneHeights[index] ?? 0)}" fill="${style.color}" fill-opacity="0.6"><title>${escapeHtml(tip)}</title></rect>`);
  });
  const ops = drawn.map((op) => {
    const index = laneOf(op.node);
    if (index < 0) return '';
    const processes = processesByNode.get(op.node) ?? [];
    const row = Math.min(TIMELINE_ROWS_PER_LANE_MAX - 1, Math.max(0, processes.indexOf(op.process)));
    const x1 = sx(op.startMs);
    const x2 = Math.max(x1 + 1.5, sx(op.endMs));
    const y = (laneTops[index] ?? 0) + 4 + row * rowHeight;
    const tip = `${op.process} ${op.f} ${op.outcome} (${formatMs(op.startMs)} – ${formatMs(op.endMs)})`;
    return `<rect x="${r(x1)}" y="${r(y)}" width="${r(x2 - x1)}" height="${rowHeight - 2}" fill="${OUTCOME_COLORS[op.outcome]}"><title>${escapeHtml(tip)}</title></rect>`;
  });
  const tickTimes = niceTicks(endMs, 8).filter((tick) => tick <= endMs);
  const ticks = tickTimes.map((tick) => `<line x1="${r(sx(tick))}" x2="${r(sx(tick))}" y1="${m.top - 4}" y2="${r(top - 6)}" stroke="#000" stroke-opacity="0.08"/>`)
    .concat(xTickLabels(tickTimes.map((tick) => ({ x: sx(tick), label: formatMs(tick) })), top + 10));
  return svgOpen(width, height, opts.title)
    + lanes.join('') + faults.join('') + ticks.join('') + ops.join('')
    + `<text x="${r(m.left + (width - m.left - m.right) / 2)}" y="${r(height - 6)}" text-anchor="middle" fill="#333">virtual time</text>`
    + key.svg
    + '</svg>';
}
