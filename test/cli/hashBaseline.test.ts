// Proves that comparing pinned history hashes names every run that changed, vanished or is new, and nothing else.
import { describe, expect, it } from 'vitest';
import { baselineOf, compareBaselines, describeDifference } from '../../cli/hashBaseline.ts';
import type { RunResult } from '../../sim/resultTypes.ts';

function run(scenarioName: string, seed: number, historyHash: string): RunResult {
  return { scenarioName, seed, historyHash, strategy: 'renumber', overrides: [] } as unknown as RunResult;
}

describe('hash baselines', () => {
  const pinned = baselineOf([run('a', 1, 'h1'), run('b', 1, 'h2'), run('c', 1, 'h3')]);
  it('finds nothing when every hash is as pinned, whatever the order of runs', () => {
    expect(compareBaselines(pinned, baselineOf([run('c', 1, 'h3'), run('a', 1, 'h1'), run('b', 1, 'h2')]))).toEqual([]);
  });
  it('names a changed, a vanished and a new run', () => {
    const now = baselineOf([run('a', 1, 'h1'), run('b', 1, 'X'), run('d', 1, 'h4')]);
    const lines = compareBaselines(pinned, now).map(describeDifference);
    expect(lines).toEqual([
      'changed: b renumber seed=1: pinned h2, now X',
      'missing: c renumber seed=1 (pinned h3) no longer runs',
      'new: d renumber seed=1 (h4) is not pinned',
    ]);
  });
});
