// Proves the sweep's probe table: hits summed per probe with the runs that hit them, the probes never hit listed, and the required probes no run hit found (and none found when every one was hit).
import { describe, expect, it } from 'vitest';
import { PROBE_NAMES } from '../../core/probes.ts';
import { PROBE_RUNS_SHOWN_MAX, probeLines, probeRows, probesMissed } from '../../reports/probeTable.ts';
import type { RunResult } from '../../sim/resultTypes.ts';
import { syntheticRun } from './fixtures.ts';

function run(seed: number, probes: Record<string, number> | undefined): RunResult {
  const base = syntheticRun({ scenarioName: 'swarm-5', strategy: 'renumber', seed });
  return probes === undefined ? base : { ...base, probes };
}

describe('probe table', () => {
  const results = [
    run(1, { 'move-vs-move': 2, 'renumber-moved': 1 }),
    run(2, { 'move-vs-move': 1 }),
    run(3, {}),
    run(4, undefined),
  ];

  it('has a row per catalogue probe, with the hits summed and the runs that hit it', () => {
    const rows = probeRows(results);
    expect(rows.map((row) => row.name)).toEqual(PROBE_NAMES);
    expect(rows.find((row) => row.name === 'move-vs-move')).toEqual({
      name: 'move-vs-move', layer: 'core', hitCount: 3,
      runs: [{ scenario: 'swarm-5', seed: 1, count: 2 }, { scenario: 'swarm-5', seed: 2, count: 1 }],
    });
    expect(rows.find((row) => row.name === 'owner-takeover')).toMatchObject({ hitCount: 0, runs: [] });
  });

  it('keeps a name the catalogue does not know, after the catalogue', () => {
    const rows = probeRows([run(1, { 'gone-probe': 1 })]);
    expect(rows.at(-1)).toMatchObject({ name: 'gone-probe', layer: 'unknown', hitCount: 1 });
  });

  it('finds the required probes no run hit (the control), and none when all were hit', () => {
    const rows = probeRows(results);
    expect(probesMissed(rows, ['move-vs-move', 'owner-takeover', 'crash-batch-open'])).toEqual(['owner-takeover', 'crash-batch-open']);
    expect(probesMissed(rows, ['move-vs-move', 'renumber-moved'])).toEqual([]);
    expect(probesMissed(rows, [])).toEqual([]);
  });

  it('prints the hit probes with their runs, and lists those never hit', () => {
    const many = Array.from({ length: PROBE_RUNS_SHOWN_MAX + 2 }, (_, i) => run(i + 1, { 'move-vs-move': 1 }));
    const lines = probeLines(probeRows([...many, run(99, { 'renumber-moved': 1 })]));
    expect(lines[0]).toBe(`coverage probes: 2 of ${PROBE_NAMES.length} hit`);
    expect(lines.find((line) => line.includes('move-vs-move'))).toMatch(/move-vs-move +7 hits in 7 runs: swarm-5 seed 1, .*swarm-5 seed 5, and 2 more$/);
    expect(lines.find((line) => line.includes('renumber-moved'))).toMatch(/renumber-moved +1 hit in 1 run: swarm-5 seed 99$/);
    expect(lines.at(-1)).toMatch(/^ {2}never hit: merge-three-heads, .*owner-takeover$/);
    expect(lines.at(-1)).not.toContain('move-vs-move');
  });
});
