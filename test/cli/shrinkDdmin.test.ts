// Proves that ddmin finds a 1-minimal failing sublist, keeps order, tests each subset once, and stops at its test limit.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ddmin } from '../../cli/shrinkDdmin.ts';

describe('ddmin', () => {
  it('reduces to exactly the culprits when the failure needs all of them', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 0, max: 63 }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 3 }), async (items, culpritCount) => {
        const culprits = items.slice(0, Math.min(culpritCount, items.length));
        const fails = async (subset: readonly number[]) => culprits.every((c) => subset.includes(c));
        const result = await ddmin(items, fails);
        expect([...result.items].sort((a, b) => a - b)).toEqual([...culprits].sort((a, b) => a - b));
        expect(result.exhausted).toBe(false);
      }),
    );
  });

  it('keeps the original order', async () => {
    const result = await ddmin([9, 1, 8, 2, 7], async (subset) => subset.includes(8) && subset.includes(2));
    expect(result.items).toEqual([8, 2]);
  });

  it('returns the empty list when the failure needs nothing', async () => {
    const result = await ddmin([1, 2, 3], async () => true);
    expect(result.items).toEqual([]);
  });

  it('result is 1-minimal for a monotone "at least k items" failure', async () => {
    const result = await ddmin(Array.from({ length: 30 }, (_, i) => i), async (subset) => subset.length >= 3);
    expect(result.items).toHaveLength(3);
  });

  it('never tests the same subset twice', async () => {
    const seen = new Set<string>();
    await ddmin(Array.from({ length: 16 }, (_, i) => i), async (subset) => {
      const key = subset.join(',');
      expect(seen.has(key)).toBe(false);
      seen.add(key);
      return subset.includes(3) && subset.includes(12);
    });
  });

  it('stops at testsMax and keeps the best failing list so far', async () => {
    const items = Array.from({ length: 64 }, (_, i) => i);
    const result = await ddmin(items, async (subset) => subset.includes(5) && subset.includes(40), 3);
    expect(result.exhausted).toBe(true);
    expect(result.tests).toBe(3);
    expect(result.items).toContain(5);
    expect(result.items).toContain(40);
  });
});
