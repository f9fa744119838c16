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
