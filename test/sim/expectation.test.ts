// Proves that a run's expectation follows its backend, seed and known finding, and that a finding counts as reproduced only when the checks it names fail.
import { describe, expect, it } from 'vitest';
import { expectationFor, findingReproduced, isAsExpected, type Finding } from '../../sim/expectation.ts';

const FINDING: Finding = { summary: 'a flag write is lost', checks: ['no-lost-flags'], seeds: [1] };

describe('expectationFor', () => {
  it('reads one verdict, or one per backend with valid for a backend left out', () => {
    expect(expectationFor(undefined, undefined, 'git', 1).expect).toBe('valid');
    expect(expectationFor('invalid', undefined, 'git', 1).expect).toBe('invalid');
    expect(expectationFor({ git: 'valid', dsync: 'invalid' }, undefined, 'dsync', 1).expect).toBe('invalid');
    expect(expectationFor({ dsync: 'invalid' }, undefined, 'git', 1).expect).toBe('valid');
  });

  it('expects the finding on its seeds only, and valid on the others', () => {
    expect(expectationFor({ dsync: 'invalid' }, FINDING, 'dsync', 1)).toEqual({ expect: 'invalid', finding: FINDING });
    expect(expectationFor({ dsync: 'invalid' }, FINDING, 'dsync', 2)).toEqual({ expect: 'valid' });
    expect(expectationFor({ dsync: 'invalid' }, FINDING, 'git', 1)).toEqual({ expect: 'valid' });
  });
});

describe('isAsExpected with a finding', () => {
  const failing = { verdict: 'invalid', expect: 'invalid' as const, finding: FINDING };
  it('is as expected when the named check is invalid', () => {
    const run = { ...failing, checks: { 'no-lost-flags': { verdict: 'invalid' } } };
    expect(findingReproduced(run)).toBe(true);
    expect(isAsExpected(run)).toBe(true);
  });

  it('is not as expected when the run fails for another reason', () => {
    const run = { ...failing, checks: { 'no-lost-flags': { verdict: 'valid' }, 'uid-stable': { verdict: 'invalid' } } };
    expect(isAsExpected(run)).toBe(false);
  });

  it('is not as expected when the finding stops reproducing (a fixed upstream bug)', () => {
    expect(isAsExpected({ ...failing, verdict: 'valid', checks: { 'no-lost-flags': { verdict: 'valid' } } })).toBe(false);
  });

  it('keeps plain expectations as they were', () => {
    expect(isAsExpected({ verdict: 'invalid', expect: 'invalid' })).toBe(true);
    expect(isAsExpected({ verdict: 'valid', expect: 'invalid' })).toBe(false);
  });
});
