// Proves the small comparisons the merge files share: string order by UTF-16 code units, the smaller of two names, and list equality.
import { describe, expect, it } from 'vitest';
import { compareStrings, minString, sameList } from '../../core/merge/compare.ts';

describe('compareStrings', () => {
  it('orders by UTF-16 code units, 0 only for equal strings', () => {
    expect(compareStrings('a', 'b')).toBe(-1);
    expect(compareStrings('b', 'a')).toBe(1);
    expect(compareStrings('a', 'a')).toBe(0);
    expect(compareStrings('Z', 'a')).toBe(-1);
    expect(compareStrings('a', 'ab')).toBe(-1);
    expect(['b', 'B', 'a', 'A'].sort(compareStrings)).toEqual(['A', 'B', 'a', 'b']);
  });
});

describe('minString', () => {
  it('is the smaller name whichever comes first', () => {
    expect(minString('Beta', 'Zeta')).toBe('Beta');
    expect(minString('Zeta', 'Beta')).toBe('Beta');
    expect(minString('Same', 'Same')).toBe('Same');
  });
});

describe('sameList', () => {
  it('is true for one list, or equal items in equal order', () => {
    const list = ['a', 'b'];
    expect(sameList(list, list)).toBe(true);
    expect(sameList(['a', 'b'], ['a', 'b'])).toBe(true);
    expect(sameList([], [])).toBe(true);
  });

  it('is false for other lengths, items or orders', () => {
    expect(sameList(['a'], ['a', 'b'])).toBe(false);
    expect(sameList(['a', 'b'], ['a'])).toBe(false);
    expect(sameList(['a', 'b'], ['a', 'c'])).toBe(false);
    expect(sameList(['x', 'b'], ['y', 'b'])).toBe(false);
    expect(sameList(['a', 'b'], ['b', 'a'])).toBe(false);
  });
});
