// Proves compareStrategies expands a scenario into one override set per strategy, and that an explicit --set strategy= or a file that does not load runs once.
import { describe, expect, it } from 'vitest';
import { overrideSetsFor } from '../../cli/compareRuns.ts';

describe('compareStrategies', () => {
  it('runs partition-minority-delivers once per listed strategy, keeping the other overrides', async () => {
    expect(await overrideSetsFor('scenarios/partition-minority-delivers.yaml', ['durationMs=40000'])).toEqual([
      ['durationMs=40000', 'strategy=owner'],
      ['durationMs=40000', 'strategy=renumber'],
      ['durationMs=40000', 'strategy=reset-validity'],
    ]);
  });

  it('an explicit strategy wins, a file without the field and a file that does not load run once', async () => {
    expect(await overrideSetsFor('scenarios/partition-minority-delivers.yaml', ['strategy=owner'])).toEqual([['strategy=owner']]);
    expect(await overrideSetsFor('scenarios/move-vs-move.yaml', [])).toEqual([[]]);
    expect(await overrideSetsFor('scenarios/no-such-file.yaml', [])).toEqual([[]]);
  });
});
