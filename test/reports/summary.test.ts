// Proves the report summary's math: verdict counts, merging across shards, strategy rows, weighted efficiency, CDF and quantiles.
import { describe, expect, it } from 'vitest';
import { mergeResults, parseRunResult, runKey } from '../../reports/merge.ts';
import { cdfPoints, CDF_POINTS_MAX, quantile, sizeBucket, summarize, weightedMean } from '../../reports/summary.ts';
import { syntheticRun, syntheticSweep } from './fixtures.ts';

describe('summarize', () => {
  it('counts runs, expected and unexpected verdicts', () => {
    const summary = summarize(syntheticSweep({ seeds: 8, unexpectedFailure: true }));
    expect(summary.runCount).toBe(3 * 8 + 3 * 4);
    expect(summary.unexpectedCount).toBe(1);
    expect(summary.expectedCount).toBe(summary.runCount - 1);
    expect(summary.verdicts).toEqual({ valid: 23, invalid: 13, unknown: 0 });
    expect(summary.failures).toHaveLength(1);
    expect(summary.failures[0]?.failedChecks.map((check) => check.name)).toEqual(['no-lost-flags']);
    expect(summary.failures[0]?.replayCommand).toContain('--seed');
  });

  it('gives the same summary whatever the order of inputs, and merges shard duplicates', () => {
    const results = syntheticSweep({ seeds: 4 });
    const shardA = results.filter((_, index) => index % 2 === 0);
    const shardB = results.filter((_, index) => index % 2 === 1);
    const forward = summarize([...shardA, ...shardB]);
    const backward = summarize([...shardB, ...shardA].reverse());
    const withOverlap = summarize([...shardA, ...shardB, ...shardA.slice(0, 3)]);
    expect(JSON.stringify(backward)).toBe(JSON.stringify(forward));
    expect(withOverlap.runCount).toBe(forward.runCount);
    expect(withOverlap.duplicateCount).toBe(3);
    expect(withOverlap.conflicts).toEqual([]);
  });

  it('flags a key whose runs disagree (different history hashes)', () => {
    const one = syntheticRun({ scenarioName: 's', strategy: 'renumber', seed: 1, historyHash: 'aaa' });
    const other = syntheticRun({ scenarioName: 's', strategy: 'renumber', seed: 1, historyHash: 'bbb' });
    const merged = mergeResults([one, other]);
    expect(merged.results).toHaveLength(1);
    expect(merged.conflicts).toEqual([{ key: runKey(one), historyHashes: ['aaa', 'bbb'] }]);
  });

  it('orders strategies real ones first, then controls, and sums their violations and costs', () => {
    const summary = summarize(syntheticSweep({ seeds: 4 }));
    expect(summary.strategies.map((row) => row.strategy)).toEqual(['renumber', 'owner', 'reset-validity', 'naive-git', 'lww-wallclock', 'keep-uids']);
    const keepUids = summary.strategies.find((row) => row.strategy === 'keep-uids');
    expect(keepUids?.control).toBe(true);
    expect(keepUids?.uidStableViolationCount).toBe(2 * 6);
    const renumber = summary.strategies.find((row) => row.strategy === 'renumber');
    expect(renumber?.uidStableViolationCount).toBe(0);
    expect(renumber?.control).toBe(false);
    const naive = summary.strategies.find((row) => row.strategy === 'naive-git');
    expect(naive?.neverConvergedCount).toBe(1);
    expect(naive?.lostFlagCount).toBe(2 * 3);
  });

  it('computes renumbered UIDs per 1,000 deliveries over partitioned runs only', () => {
    const partitioned = syntheticRun({ scenarioName: 's', strategy: 'renumber', seed: 1 });
    const calm = { ...syntheticRun({ scenarioName: 's', strategy: 'renumber', seed: 2 }), timeline: { nodes: ['n1'], faults: [], ops: [], endMs: 10 } };
    const row = summarize([partitioned, calm]).strategies[0];
    expect(row?.renumberedPer1000Deliveries).toBeCloseTo((partitioned.metrics.renumberedMessageCount * 1000) / partitioned.metrics.deliveryCount, 6);
  });

  it('takes dsync\'s figures from runs on real Dovecot when the report has them, marked measured', () => {
    const base = syntheticRun({ scenarioName: 's', strategy: 'dsync (real)', seed: 1 });
    const real = { ...base, metrics: { ...base.metrics, layout: 'dsync (real)' } };
    const summary = summarize([real, syntheticRun({ scenarioName: 's', strategy: 'renumber', seed: 1, layout: 'flat' })]);
    const [dsync, ...others] = summary.realSystems;
    expect(dsync?.flagSource).toBe('measured');
    expect(dsync?.bytesPerFlagChange).toBe(Math.round(real.metrics.wireBytesPerFlagChange ?? -1));
    expect(dsync?.runCount).toBe(1);
    // Cyrus has no hand-measured figures: a report with no Cyrus run leaves it out.
    expect(others).toEqual([]);
    expect(summary.strategies.map((row) => row.strategy)).toEqual(['renumber', 'dsync (real)']);
    expect(summary.efficiency.map((row) => row.layout)).toContain('dsync (real)');
  });

  it('shows Cyrus beside dsync once the report has a run on real Cyrus', () => {
    const base = syntheticRun({ scenarioName: 's', strategy: 'cyrus (real)', seed: 1 });
    const real = { ...base, metrics: { ...base.metrics, layout: 'cyrus (real)' } };
    const systems = summarize([real]).realSystems;
    expect(systems.map((system) => [system.name, system.flagSource, system.runCount])).toEqual([['Dovecot dsync', 'hand-measured', 0], ['Cyrus replication', 'measured', 1]]);
    expect(systems[1]?.bytesPerDelivery).toBe(Math.round(real.metrics.wireBytesPerDelivery ?? -1));
  });

  it('weights bytes per flag change by flag changes, per layout', () => {
    const a = syntheticRun({ scenarioName: 's', strategy: 'renumber', seed: 1, layout: 'flat' });
    const b = syntheticRun({ scenarioName: 's', strategy: 'renumber', seed: 2, layout: 'flat' });
    const c = syntheticRun({ scenarioName: 's', strategy: 'renumber', seed: 3, layout: 'fanout', batched: true });
    const summary = summarize([a, b, c]);
    const flat = summary.efficiency.find((row) => row.layout === 'flat');
    const expected = ((a.metrics.wireBytesPerFlagChange ?? 0) * a.metrics.flagChangeCount + (b.metrics.wireBytesPerFlagChange ?? 0) * b.metrics.flagChangeCount)
      / (a.metrics.flagChangeCount + b.metrics.flagChangeCount);
    expect(flat?.bytesPerFlagChange).toBeCloseTo(expected, 6);
    expect(flat?.runCount).toBe(2);
    expect(summary.efficiency.map((row) => row.layout)).toEqual(['fanout batched', 'flat']);
    expect(summary.realSystems).toEqual([{ name: 'Dovecot dsync', bytesPerFlagChange: 49, bytesPerDelivery: 2_050, flagSource: 'hand-measured', deliverySource: 'hand-measured', runCount: 0 }]);
  });

  it('gives the flags-apart layout its own rows, one commit each and batched, as the simulator names it', async () => {
    const { layoutLabel: simLayoutLabel } = await import('../../sim/config.ts');
    const label = simLayoutLabel({ kind: 'flags-apart' });
    expect(label).toBe('flags-apart');
    const one = syntheticRun({ scenarioName: 'wire-flags-flags-apart', strategy: 'renumber', seed: 1, layout: label });
    const batched = syntheticRun({ scenarioName: 'wire-flags-flags-apart-batched', strategy: 'renumber', seed: 1, layout: label, batched: true });
    const flat = syntheticRun({ scenarioName: 'wire-flags-flat', strategy: 'renumber', seed: 1, layout: 'flat' });
    expect(summarize([one, batched, flat]).efficiency.map((row) => row.layout)).toEqual(['flags-apart', 'flags-apart batched', 'flat']);
  });

  it('puts real git beside ours over the same runs only: a run without a git reference counts for ours alone', () => {
    const measured = { ...syntheticRun({ scenarioName: 'w', strategy: 'renumber', seed: 1, layout: 'flat' }), gitReference: { bytesPerFlagChange: 400, bytesPerDelivery: null, commitCount: 10 } };
    const other = syntheticRun({ scenarioName: 's', strategy: 'renumber', seed: 2, layout: 'flat' });
    const row = summarize([measured, other]).efficiency.find((r) => r.layout === 'flat');
    expect(row?.gitBytesPerFlagChange).toBe(400);
    expect(row?.bytesPerFlagChangeOnGitRuns).toBe(measured.metrics.wireBytesPerFlagChange);
    expect(row?.gitBytesPerDelivery).toBeNull();
    expect(row?.bytesPerDeliveryOnGitRuns).toBeNull();
    const none = summarize([other]).efficiency[0];
    expect(none?.gitBytesPerFlagChange).toBeNull();
  });

  it('prices stable UIDs only for scenarios run under more than one real strategy, one row per strategy', () => {
    const owner = syntheticRun({ scenarioName: 'split', strategy: 'owner', seed: 1 });
    const renumber = syntheticRun({ scenarioName: 'split', strategy: 'renumber', seed: 1 });
    const alone = syntheticRun({ scenarioName: 'solo', strategy: 'owner', seed: 1 });
    const control = syntheticRun({ scenarioName: 'split', strategy: 'keep-uids', seed: 1 });
    const price = summarize([owner, renumber, alone, control]).price;
    expect(price.map((row) => `${row.scenarioName}/${row.strategy}`)).toEqual(['split/renumber', 'split/owner']);
    const ownerRow = price.find((row) => row.strategy === 'owner');
    expect(ownerRow?.deferredPer1000Deliveries).toBeCloseTo((owner.metrics.deferredDeliveryCount * 1000) / owner.metrics.deliveryCount, 6);
    expect(summarize([owner, alone]).price).toEqual([]);
  });

  it('builds a convergence CDF that tops out at the converged fraction', () => {
    const runs = [1, 2, 3, 4].map((seed) => syntheticRun({ scenarioName: 's', strategy: 'renumber', seed, convergenceFactor: seed === 4 ? null : 1 }));
    const c = summarize(runs).convergence;
    expect(c.neverConvergedCount).toBe(1);
    expect(c.cdf[c.cdf.length - 1]?.fraction).toBeCloseTo(0.75, 9);
    const xs = c.cdf.map((point) => point.x);
    expect([...xs].sort((x, y) => x - y)).toEqual(xs);
    expect(c.rounds.reduce((total, row) => total + row.runCount, 0)).toBe(4);
  });

  it('shows timelines for failing runs first and only a few others', () => {
    const summary = summarize(syntheticSweep({ seeds: 12, unexpectedFailure: true }));
    expect(summary.timelines[0]?.unexpected).toBe(true);
    expect(summary.timelines.length).toBeLessThanOrEqual(1 + 3);
  });
});

describe('summary helpers', () => {
  it('quantile uses the nearest rank', () => {
    expect(quantile([], 0.5)).toBeNull();
    expect(quantile([10, 20, 30, 40], 0.5)).toBe(20);
    expect(quantile([10, 20, 30, 40], 0.95)).toBe(40);
    expect(quantile([10], 0.01)).toBe(10);
  });

  it('cdfPoints keeps one point per distinct time and thins long inputs', () => {
    expect(cdfPoints([5, 5, 9], 4)).toEqual([{ x: 5, fraction: 0.5 }, { x: 9, fraction: 0.75 }]);
    const many = Array.from({ length: 5_000 }, (_, index) => index);
    const thinned = cdfPoints(many, 5_000);
    expect(thinned).toHaveLength(CDF_POINTS_MAX);
    expect(thinned[thinned.length - 1]).toEqual({ x: 4_999, fraction: 1 });
    for (const count of [201, 1_234, 4_999, 19_200]) {
      const points = cdfPoints(Array.from({ length: count }, (_, index) => index * 3), count);
      expect(points).toHaveLength(CDF_POINTS_MAX);
      expect(points.every((point) => point !== undefined)).toBe(true);
      expect(points[points.length - 1]).toEqual({ x: (count - 1) * 3, fraction: 1 });
    }
  });

  it('weightedMean ignores nulls and zero weights', () => {
    expect(weightedMean([{ value: 10, weight: 1 }, { value: 40, weight: 3 }, { value: null, weight: 5 }])).toBe(32.5);
    expect(weightedMean([{ value: 10, weight: 0 }])).toBeNull();
  });

  it('buckets mailbox sizes by powers of ten', () => {
    expect([50, 100, 999, 1_000, 10_000].map(sizeBucket)).toEqual(['< 100 msgs', '100–999 msgs', '100–999 msgs', '1k–9.9k msgs', '≥ 10k msgs']);
  });

  it('parseRunResult rejects values that are not run results', () => {
    const good = syntheticRun({ scenarioName: 's', strategy: 'renumber', seed: 1 });
    expect(parseRunResult(JSON.parse(JSON.stringify(good)), 'x')).toEqual(good);
    expect(() => parseRunResult({ ...good, verdict: 'maybe' }, 'file.jsonl:3')).toThrow(/file.jsonl:3.*verdict/);
    expect(() => parseRunResult({ error: 'boom' }, 'errors.jsonl:1')).toThrow(/not a mailsim run result/);
  });
});
