// Proves that --shard i/N and auto/N split a sweep's seeds so N shards cover every seed exactly once, and that bad specs are refused.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseShard, shardFrom, shardSeeds, shardWarning, ShardError } from '../../cli/sweepShard.ts';

describe('shardSeeds', () => {
  it('covers every seed exactly once across all shards', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 20 }), (from, seedCount, count) => {
        const seen = new Map<number, number>();
        for (let index = 0; index < count; index++) {
          for (const seed of shardSeeds(from, seedCount, { index, count })) seen.set(seed, (seen.get(seed) ?? 0) + 1);
        }
        expect(seen.size).toBe(seedCount);
        for (let seed = from; seed < from + seedCount; seed++) expect(seen.get(seed)).toBe(1);
      }),
    );
  });

  it('gives every seed when there is no shard', () => {
    expect(shardSeeds(5, 4, null)).toEqual([5, 6, 7, 8]);
  });

  it('assigns seed number k to shard k mod N', () => {
    expect(shardSeeds(10, 7, { index: 1, count: 3 })).toEqual([11, 14]);
    expect(shardSeeds(10, 2, { index: 2, count: 3 })).toEqual([]);
  });
});

describe('parseShard', () => {
  it('reads i/N', () => {
    expect(parseShard('2/5', {})).toEqual({ index: 2, count: 5 });
  });

  it('reads auto/N from JOB_COMPLETION_INDEX', () => {
    expect(parseShard('auto/4', { JOB_COMPLETION_INDEX: '3' })).toEqual({ index: 3, count: 4 });
  });

  it('falls back to MAILSIM_SHARD only without --shard', () => {
    expect(shardFrom(undefined, { MAILSIM_SHARD: 'auto/2', JOB_COMPLETION_INDEX: '1' })).toEqual({ index: 1, count: 2 });
    expect(shardFrom('0/3', { MAILSIM_SHARD: '1/2' })).toEqual({ index: 0, count: 3 });
    expect(shardFrom(undefined, {})).toBeNull();
  });

  it.each([['3/3'], ['1/0'], ['a/2'], ['-1/2'], ['1'], ['1/2/3'], ['auto/2']])('refuses %s', (spec) => {
    expect(() => parseShard(spec, {})).toThrow(ShardError);
  });

  it('refuses an auto index out of range', () => {
    expect(() => parseShard('auto/2', { JOB_COMPLETION_INDEX: '2' })).toThrow(/below N=2/);
  });
});

describe('shardWarning', () => {
  it('warns when an Indexed Job index is set but no shard was asked for', () => {
    expect(shardWarning(null, { JOB_COMPLETION_INDEX: '1' })).toMatch(/runs every seed.*--shard auto\/N/);
  });

  it('is silent with a shard, or without the index', () => {
    expect(shardWarning({ index: 1, count: 2 }, { JOB_COMPLETION_INDEX: '1' })).toBeNull();
    expect(shardWarning(null, {})).toBeNull();
  });
});
