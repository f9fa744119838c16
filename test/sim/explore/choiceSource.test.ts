// Proves an Rng with a choice source draws the generator exactly as without one, takes the alternative the source names, and never branches body words.
import { describe, expect, it } from 'vitest';
import { Rng, type ChoiceSource, type DrawPoint } from '../../../sim/rng.ts';
import { messageBody } from '../../../sim/clients.ts';
import { componentOf, isBranching } from '../../../sim/explore/policy.ts';

/** A source that answers every draw with `answer` and records what it was asked. */
function source(answer: (draw: DrawPoint) => number | null): ChoiceSource & { asked: DrawPoint[] } {
  const asked: DrawPoint[] = [];
  return { asked, choose: (draw) => (asked.push(draw), answer(draw)) };
}

function mixedDraws(rng: Rng): unknown[] {
  return [rng.int(0, 9), rng.chance(0.3), rng.pick(['x', 'y', 'z']), rng.uniformMs(5, 50), rng.exponentialMs(100, 2000), rng.shuffle([1, 2, 3]), rng.next()];
}

describe('Rng with a choice source', () => {
  it('draws exactly as without one when the source always takes the seed draw', () => {
    const plain = Rng.root(9).stream('network');
    const chosen = Rng.root(9, source(() => null)).stream('network');
    expect(mixedDraws(chosen)).toEqual(mixedDraws(plain));
  });

  it('takes the named alternative and leaves later draws where the seed puts them', () => {
    const plain = Rng.root(9).stream('network');
    const chosen = Rng.root(9, source((draw) => draw.arity - 1)).stream('network');
    const [i, c, p, u, e] = mixedDraws(chosen);
    // The last alternative: the int's and the latencies' upper bounds, true, the last distinct item.
    expect([i, c, p, u, e]).toEqual([9, true, 'z', 50, 2000]);
    const plainDraws = mixedDraws(plain);
    expect(plain.next()).toBe(chosen.next());
    expect(plainDraws).toHaveLength(7);
  });

  it('offers equal items once and asks nothing about a draw with one alternative', () => {
    const asking = source(() => 0);
    const rng = Rng.root(1, asking).stream('clients');
    expect(rng.pick(['+', '+', '-'])).toBe('+');
    expect(rng.pick(['only'])).toBe('only');
    expect(rng.uniformMs(7, 7)).toBe(7);
    expect(asking.asked.map((d) => [d.kind, d.arity])).toEqual([['pick', 2]]);
  });

  it('names each stream by its path below the root, so the policy can tell components apart', () => {
    const asking = source(() => null);
    const root = Rng.root(1, asking);
    root.stream('crash/a').chance(0.5);
    root.stream('network').stream('a>b').chance(0.5);
    expect(asking.asked.map((d) => d.stream)).toEqual(['crash%2Fa', 'network/a%3Eb']);
    expect(asking.asked.map((d) => componentOf(d.stream))).toEqual(['crash', 'network']);
  });

  it('never asks about the words of a message body', () => {
    const asking = source(() => 0);
    messageBody('<m@x>', 400, Rng.root(1, asking).stream('clients'));
    expect(asking.asked).toEqual([]);
  });
});

describe('the branching policy', () => {
  it('branches on the schedule-shaping draws only', () => {
    expect(isBranching({ stream: 'workload/deliver', kind: 'pick' })).toBe(true);
    expect(isBranching({ stream: 'workload/deliver', kind: 'int' })).toBe(false);
    expect(isBranching({ stream: 'population', kind: 'pick' })).toBe(false);
    expect(isBranching({ stream: 'nemesis', kind: 'chance' })).toBe(false);
    expect(isBranching({ stream: 'power%2Fb', kind: 'int' })).toBe(true);
  });
});
