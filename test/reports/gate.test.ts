// Proves the gate fails on new violations, efficiency regressions and non-determinism, and passes on identical or better results.
import { describe, expect, it } from 'vitest';
import { baselineFromResults, compareMetric, formatGateTable, gate, parseBaseline } from '../../reports/gate.ts';
import type { RunResult } from '../../sim/resultTypes.ts';
import { syntheticRun } from './fixtures.ts';

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

function renumberRuns(extra: Partial<Parameters<typeof syntheticRun>[0]> = {}): RunResult[] {
  return SEEDS.map((seed) => syntheticRun({ scenarioName: 'partition-heal', strategy: 'renumber', seed, ...extra }));
}

/** The same scenario rerun with --set strategy=keep-uids: UIDs clash after a partition. */
function keepUidsRuns(): RunResult[] {
  return SEEDS.map((seed) => syntheticRun({ scenarioName: 'partition-heal', strategy: 'keep-uids', seed, overrides: ['strategy=keep-uids'],
    violations: seed % 3 === 0 ? {} : { 'uid-stable': 3, 'no-duplicates': 1 } }));
}

describe('gate', () => {
  it('passes when results are compared with a baseline made from themselves', () => {
    const runs = renumberRuns();
    const result = gate(baselineFromResults(runs), runs);
    expect(result.pass).toBe(true);
    expect(result.rows).toEqual([]);
    expect(result.comparedCount).toBe(SEEDS.length);
  });

  it('passes keep-uids results against a keep-uids baseline (their known violations are listed)', () => {
    const runs = keepUidsRuns();
    expect(gate(baselineFromResults(runs), runs).pass).toBe(true);
  });

  it('fails keep-uids results against a renumber baseline, naming the new violations', () => {
    const result = gate(baselineFromResults(renumberRuns()), keepUidsRuns());
    expect(result.pass).toBe(false);
    const failing = result.rows.filter((row) => row.failing);
    expect(failing.length).toBeGreaterThan(0);
    expect(failing.every((row) => row.change === 'new-violation')).toBe(true);
    expect(failing[0]?.after).toContain('uid-stable');
    expect(result.missingCount).toBe(SEEDS.length);
    expect(formatGateTable(result)).toMatch(/gate FAILED/);
  });

  it('fails a new violation on a known key, and reports a fixed one without failing', () => {
    const baseline = baselineFromResults(renumberRuns());
    const broken = renumberRuns().map((run) => (run.seed === 3 ? syntheticRun({ scenarioName: 'partition-heal', strategy: 'renumber', seed: 3, violations: { 'no-lost-flags': 1 } }) : run));
    const failed = gate(baseline, broken);
    expect(failed.pass).toBe(false);
    expect(failed.rows).toEqual([expect.objectContaining({ key: 'partition-heal renumber seed=3', change: 'new-violation', failing: true })]);
    const fixed = gate(baselineFromResults(broken), renumberRuns());
    expect(fixed.pass).toBe(true);
    expect(fixed.rows.map((row) => row.change)).toEqual(['fixed-violation']);
  });

  it('fails bytes per op beyond 10% and passes within it', () => {
    const baseline = baselineFromResults(renumberRuns());
    expect(gate(baseline, renumberRuns({ bytesFactor: 1.05 })).pass).toBe(true);
    const worse = gate(baseline, renumberRuns({ bytesFactor: 1.15 }));
    expect(worse.pass).toBe(false);
    expect(worse.rows.every((row) => row.change === 'bytes-regression')).toBe(true);
    const better = gate(baseline, renumberRuns({ bytesFactor: 0.5 }));
    expect(better.pass).toBe(true);
    expect(better.rows.every((row) => row.change === 'bytes-improvement')).toBe(true);
  });

  it('fails convergence time beyond 20% (configurable) and a run that no longer converges', () => {
    const baseline = baselineFromResults(renumberRuns());
    expect(gate(baseline, renumberRuns({ convergenceFactor: 1.15 })).pass).toBe(true);
    expect(gate(baseline, renumberRuns({ convergenceFactor: 1.3 })).pass).toBe(false);
    expect(gate(baseline, renumberRuns({ convergenceFactor: 1.3 }), { bytesPerOpRatio: 0.1, convergenceTimeRatio: 0.5 }).pass).toBe(true);
    const never = gate(baseline, renumberRuns({ convergenceFactor: null }));
    expect(never.pass).toBe(false);
    expect(never.rows[0]?.change).toBe('never-converged');
  });

  it('fails when one key arrives with two different histories', () => {
    const runs = renumberRuns();
    const twin = { ...(runs[0] as RunResult), historyHash: 'different' };
    const result = gate(baselineFromResults(runs), [...runs, twin]);
    expect(result.pass).toBe(false);
    expect(result.rows[0]?.change).toBe('nondeterministic');
  });

  it('treats a new run without violations as informative, with violations as failing', () => {
    const baseline = baselineFromResults(renumberRuns());
    const clean = syntheticRun({ scenarioName: 'other', strategy: 'renumber', seed: 1 });
    const dirty = syntheticRun({ scenarioName: 'other', strategy: 'renumber', seed: 2, violations: { 'uid-order': 1 } });
    expect(gate(baseline, [...renumberRuns(), clean]).pass).toBe(true);
    expect(gate(baseline, [...renumberRuns(), dirty]).pass).toBe(false);
  });

  it('rejects malformed baselines and thresholds', () => {
    expect(() => parseBaseline({ version: 2, entries: {} })).toThrow(/version/);
    expect(() => parseBaseline({ version: 1, entries: { k: { violations: 'x', bytesPerOp: 1, convergenceTimeMs: 1 } } })).toThrow(/entry "k"/);
    const runs = renumberRuns();
    expect(parseBaseline(JSON.parse(JSON.stringify(baselineFromResults(runs))))).toEqual(baselineFromResults(runs));
    expect(() => gate(baselineFromResults(runs), runs, { bytesPerOpRatio: 10.5, convergenceTimeRatio: 0.2 })).toThrow(/ratio/);
  });

  it('compareMetric handles zero and missing bases', () => {
    expect(compareMetric(0, 1, 0.1)).toBe('worse');
    expect(compareMetric(0, 0, 0.1)).toBeNull();
    expect(compareMetric(null, 5, 0.1)).toBeNull();
    expect(compareMetric(100, 110, 0.1)).toBeNull();
    expect(compareMetric(100, 110.5, 0.1)).toBe('worse');
  });
});
