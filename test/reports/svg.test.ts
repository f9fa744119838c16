// Proves the SVG helpers draw what they are given: round ticks, one bar per value, shaded faults on the right lanes, escaped labels.
import { describe, expect, it } from 'vitest';
import { barChart, cdfChart, faultStyle, niceTicks, timelineChart, TIMELINE_OPS_DRAWN_MAX } from '../../reports/svg.ts';
import { syntheticTimeline } from './fixtures.ts';

describe('svg helpers', () => {
  it('niceTicks covers the maximum with 1-2-5 steps', () => {
    expect(niceTicks(0)).toEqual([0, 1]);
    expect(niceTicks(9)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(2_600)).toEqual([0, 1_000, 2_000, 3_000]);
    expect(niceTicks(2_400)).toEqual([0, 500, 1_000, 1_500, 2_000, 2_500]);
  });

  it('barChart draws one rect per positive value and skips missing ones', () => {
    const svg = barChart({ title: 't', yLabel: 'y', categories: ['a', 'b'], format: String,
      series: [{ name: 's1', color: '#111', values: [1, null] }, { name: 's2', color: '#222', values: [10, 100] }] });
    expect(svg.match(/<rect [^>]*fill="#(111|222)"><title>/g)).toHaveLength(3);
    expect(svg).toContain('>s1</text>'); // legend
  });

  it('barChart turns category labels that cannot wrap into their groups, and wraps those that can', () => {
    const categories = ['fanout-16x3', 'fanout-16x3 batched', 'fanout-256x2', 'fanout-256x2 batched', 'fanout-4x6', 'fanout-4x6 batched', 'flat', 'flat batched'];
    const series = [{ name: 'measured', color: '#111', values: categories.map((_, index) => 3_000 + index * 20) }];
    const narrow = barChart({ title: 't', yLabel: 'bytes', categories, series, log: true, format: (value) => `${(value / 1_000).toFixed(1)} KB`, width: 520 });
    expect(narrow.match(/rotate\(-90\)" text-anchor="end" fill="#333">fanout-256x2 batched</g)).toHaveLength(1);
    const wide = barChart({ title: 't', yLabel: 'bytes', categories, series, log: true, format: (value) => `${(value / 1_000).toFixed(1)} KB`, width: 1040 });
    expect(wide).toContain('<tspan x="');
    expect(wide).toContain('>fanout-256x2</tspan><tspan');
    expect(wide).not.toContain('text-anchor="end" fill="#333">fanout');
  });

  it('barChart thins short category labels level rather than turning them', () => {
    const categories = Array.from({ length: 40 }, (_, index) => String(index + 1));
    const svg = barChart({ title: 't', yLabel: 'runs', categories, width: 520, format: String, series: [{ name: 's', color: '#111', values: categories.map(() => 5) }] });
    const labels = svg.match(/<tspan x="[\d.]+" dy="0">\d+<\/tspan>/g) ?? [];
    expect(labels.length).toBeGreaterThan(10);
    expect(labels.length).toBeLessThan(40);
    expect(svg).toContain('dy="0">1</tspan>');
    expect(svg).not.toContain('rotate(-90)" text-anchor="end"');
  });

  it('barChart leaves a value label that finds no room to its tooltip', () => {
    const categories = ['a', 'b', 'c', 'd', 'e', 'f'];
    const values = [3_100, 3_100, 3_120, 3_100, 3_090, 3_110];
    const svg = barChart({ title: 't', yLabel: 'bytes', categories, format: (value) => `${(value / 1_000).toFixed(1)} KB`, width: 200,
      series: [{ name: 's1', color: '#111', values }, { name: 's2', color: '#222', values }] });
    expect(svg.match(/<title>[a-f] · s[12]: 3\.1 KB<\/title>/g)).toHaveLength(12); // every value in a tooltip
    const drawn = svg.match(/font-size="10" fill="#333">3\.1 KB</g) ?? [];
    expect(drawn.length).toBeGreaterThan(0);
    expect(drawn.length).toBeLessThan(12);
  });

  it('barChart widens its left margin for long tick labels, so they clear the axis title', () => {
    const svg = barChart({ title: 't', yLabel: 'bytes', categories: ['a'], log: true, format: (value) => `${value.toLocaleString('en')} bytes`,
      series: [{ name: 's', color: '#111', values: [900_000] }] });
    const tickX = Number(/<text x="([\d.]+)" y="[\d.]+" text-anchor="end" fill="#555">1,000,000 bytes/.exec(svg)?.[1]);
    expect(tickX).toBeGreaterThan(22 + 6 + 90);
  });

  it('cdfChart draws one path per series and escapes names', () => {
    const svg = cdfChart({ title: 'c', xLabel: 'x', series: [{ name: '<a>', color: '#123', points: [{ x: 10, fraction: 0.5 }] }, { name: 'b', color: '#456', points: [] }] });
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg).toContain('&lt;a&gt;');
    expect(svg).not.toContain('<a>');
  });

  it('timelineChart shades a fault only on the lanes it names, all lanes when it names none', () => {
    const base = syntheticTimeline(1, 3, 10);
    const one = timelineChart({ ...base, faults: [{ kind: 'crash-power', nodes: ['n2'], startMs: 100, endMs: null, label: 'crash n2' }] }, { title: 't' });
    expect(one.match(new RegExp(`fill="${faultStyle('crash-power').color}" fill-opacity`, 'g'))).toHaveLength(1);
    const all = timelineChart({ ...base, faults: [{ kind: 'partition', nodes: [], startMs: 100, endMs: 200, label: 'p' }] }, { title: 't' });
    expect(all.match(new RegExp(`fill="${faultStyle('partition').color}" fill-opacity`, 'g'))).toHaveLength(3);
  });

  it('timelineChart caps the operations it draws and ignores unknown nodes', () => {
    const base = syntheticTimeline(2, 2, 0);
    const ops = Array.from({ length: TIMELINE_OPS_DRAWN_MAX + 50 }, (_, index) => ({ node: index === 0 ? 'ghost' : 'n1', process: 'c1', f: 'store', startMs: index, endMs: index + 1, outcome: 'ok' as const }));
    const svg = timelineChart({ ...base, faults: [], ops }, { title: 't' });
    expect(svg.match(/<title>c1 store ok/g)).toHaveLength(TIMELINE_OPS_DRAWN_MAX - 1);
  });
});
