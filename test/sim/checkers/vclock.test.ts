// Proves the vector clock comparison orders before/after/equal/concurrent and picks the causally last writes.
import { describe, expect, it } from 'vitest';
import type { VectorClock } from '../../../sim/historyTypes.ts';
import { causallyLast, compare, mergeClocks } from '../../../sim/checkers/vclock.ts';

describe('vclock', () => {
  it('compares clocks, a missing node counting as 0', () => {
    expect(compare({ a: 1 }, { a: 1, b: 0 })).toBe('equal');
    expect(compare({ a: 1 }, { a: 2 })).toBe('before');
    expect(compare({ a: 2, b: 1 }, { a: 2 })).toBe('after');
    expect(compare({ a: 1 }, { b: 1 })).toBe('concurrent');
    expect(compare({}, { b: 1 })).toBe('before');
  });

  it('keeps only writes no other write happened after', () => {
    const writes: { id: string; clock: VectorClock }[] = [
      { id: 'x', clock: { a: 1 } },
      { id: 'y', clock: { a: 1, b: 1 } },
      { id: 'z', clock: { c: 1 } },
    ];
    expect(causallyLast(writes, (w) => w.clock).map((w) => w.id)).toEqual(['y', 'z']);
    expect(mergeClocks({ a: 1, b: 3 }, { b: 2, c: 1 })).toEqual({ a: 1, b: 3, c: 1 });
  });
});
