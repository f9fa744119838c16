// Proves the depth-first enumeration runs every schedule of a choice tree once, freezes a schedule at a world already explored, and stops at its budget.
import { describe, expect, it } from 'vitest';
import { enumerateSchedules, nextPrefix, startEnumeration, type ScheduleVerdict } from '../../../sim/explore/enumerate.ts';
import { ChoiceTrail } from '../../../sim/explore/trail.ts';

/** A fake run: draws on the network stream (branching) with these arities, returning the values taken. */
function fakeRun(arities: readonly number[], digestOf: (taken: readonly number[]) => string = (taken) => taken.join(',')) {
  const seen: string[] = [];
  const run = (trail: ChoiceTrail): Promise<ScheduleVerdict> => {
    const taken: number[] = [];
    trail.watch(() => digestOf(taken));
    for (const arity of arities) taken.push(trail.choose({ stream: 'network/a%3Eb', kind: 'chance', arity }) ?? -1);
    seen.push(taken.join(','));
    return Promise.resolve('go-on');
  };
  return { run, seen };
}

describe('nextPrefix', () => {
  it('advances the deepest draw with an untried alternative and drops the rest', () => {
    expect(nextPrefix([{ index: 0, arity: 2 }, { index: 1, arity: 2 }])).toEqual([1]);
    expect(nextPrefix([{ index: 1, arity: 2 }, { index: 0, arity: 3 }])).toEqual([1, 1]);
    expect(nextPrefix([{ index: 1, arity: 2 }, { index: null, arity: 2 }])).toBeNull();
  });
});

describe('enumerateSchedules', () => {
  it('runs every combination of the decided draws exactly once', async () => {
    const { run, seen } = fakeRun([2, 3, 2]);
    const enumeration = startEnumeration({ depth: 3, budgetMs: 1e9, dedup: false }, () => 0);
    const outcome = await enumerateSchedules(enumeration, run);
    expect(outcome).toEqual({ schedules: 12, complete: true });
    expect(new Set(seen).size).toBe(12);
  });

  it('takes the seed draw (null) past the depth bound', async () => {
    const { run, seen } = fakeRun([2, 2, 2]);
    await enumerateSchedules(startEnumeration({ depth: 1, budgetMs: 1e9, dedup: false }, () => 0), run);
    expect(seen).toEqual(['0,-1,-1', '1,-1,-1']);
  });

  it('explores a world reached two ways once: equal digests freeze the later schedule', async () => {
    // The digest ignores what was taken: every branch point after the first is the same world.
    const { run } = fakeRun([2, 2, 2], (taken) => `after ${taken.length}`);
    const withDedup = await enumerateSchedules(startEnumeration({ depth: 3, budgetMs: 1e9, dedup: true }, () => 0), run);
    const without = await enumerateSchedules(startEnumeration({ depth: 3, budgetMs: 1e9, dedup: false }, () => 0), run);
    expect(without.schedules).toBe(8);
    expect(withDedup.schedules).toBeLessThan(8);
  });

  it('counts distinct worlds even without dedup', async () => {
    const { run } = fakeRun([2, 2]);
    const enumeration = startEnumeration({ depth: 2, budgetMs: 1e9, dedup: false }, () => 0);
    await enumerateSchedules(enumeration, run);
    // Digests of what was taken before each branch point: '', '0', '1'.
    expect(enumeration.seen.size).toBe(3);
  });

  it('stops starting schedules once the budget is spent, and says so', async () => {
    let nowMs = 0;
    const { run } = fakeRun([2, 2, 2]);
    const outcome = await enumerateSchedules(startEnumeration({ depth: 3, budgetMs: 25, dedup: false }, () => nowMs), async (trail) => {
      nowMs += 10;
      return run(trail);
    });
    expect(outcome).toEqual({ schedules: 3, complete: false });
  });

  it('stops after the schedule whose runner says stop, and says the enumeration is incomplete', async () => {
    const { run, seen } = fakeRun([2, 2]);
    const outcome = await enumerateSchedules(startEnumeration({ depth: 2, budgetMs: 1e9, dedup: false }, () => 0), async (trail) => {
      await run(trail);
      return seen.length === 2 ? 'stop' : 'go-on';
    });
    expect(outcome).toEqual({ schedules: 2, complete: false });
  });
});

describe('ChoiceTrail', () => {
  it('replays recorded choices, takes the seed draw where one no longer fits, and trims trailing seed draws', () => {
    const trail = ChoiceTrail.replaying([1, 5, null]);
    const draw = { stream: 'clients/imap-0', kind: 'pick' as const, arity: 2 };
    expect([trail.choose(draw), trail.choose(draw), trail.choose(draw), trail.choose(draw)]).toEqual([1, null, null, null]);
    expect(trail.choices()).toEqual([1]);
  });

  it('decides nothing on a draw the policy does not branch on', () => {
    const trail = new ChoiceTrail({ prefix: [], depth: 5 });
    expect(trail.choose({ stream: 'population', kind: 'int', arity: 3 })).toBeNull();
    expect(trail.choose({ stream: 'workload/deliver', kind: 'int', arity: 2 })).toBeNull();
    expect(trail.choose({ stream: 'crash%2Fa', kind: 'int', arity: 2 })).toBe(0);
    expect(trail.steps).toHaveLength(1);
  });
});

describe('ChoiceTrail with chosen components', () => {
  const network = { stream: 'network/a%3Eb', kind: 'chance' as const, arity: 2 };
  const crash = { stream: 'crash%2Fb', kind: 'chance' as const, arity: 2 };

  it('spends the depth on the chosen components only, and records the others as seed draws', () => {
    const trail = new ChoiceTrail({ prefix: [], depth: 1, components: ['crash'] });
    expect([trail.choose(network), trail.choose(network), trail.choose(crash), trail.choose(crash)]).toEqual([null, null, 0, null]);
    expect(trail.steps).toEqual([{ index: null, arity: 1 }, { index: null, arity: 1 }, { index: 0, arity: 2 }]);
  });

  it('replays such a schedule position for position with every component', () => {
    const explored = new ChoiceTrail({ prefix: [null, null, 1], depth: 1, components: ['crash'] });
    const taken = [explored.choose(network), explored.choose(network), explored.choose(crash)];
    const replay = ChoiceTrail.replaying(explored.choices());
    expect([replay.choose(network), replay.choose(network), replay.choose(crash)]).toEqual(taken);
    expect(taken).toEqual([null, null, 1]);
  });
});
