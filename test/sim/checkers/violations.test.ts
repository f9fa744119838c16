// Proves violation collection counts every violation, explains the earliest one, keeps sorted, capped evidence and non-empty costs, and says not-applicable (never valid) when nothing was judged.
import { describe, expect, it } from 'vitest';
import { EVIDENCE_MAX, notApplicableResult, unknownResult, Violations } from '../../../sim/checkers/violations.ts';

const judged = { count: 3, what: 'things' };
const nothing = { count: 0, what: 'things' };

describe('Violations', () => {
  it('is valid with no evidence and no costs key when nothing was added or costs are empty', () => {
    const v = new Violations();
    const valid = { verdict: 'valid', count: 0, evidence: [], explanation: 'all fine', judgedCount: 3, judgedWhat: 'things' };
    expect(v.result('things', judged, 'all fine')).toStrictEqual(valid);
    expect(v.result('things', judged, 'all fine', {})).toStrictEqual(valid);
    expect(v.result('things', judged, 'all fine', { n: 0 }).costs).toEqual({ n: 0 });
  });

  it('is not-applicable, never valid, when nothing was judged and nothing violated', () => {
    const v = new Violations();
    expect(v.result('things', nothing, 'all fine')).toStrictEqual({
      verdict: 'not-applicable', count: 0, evidence: [], explanation: 'nothing to judge: no things', judgedCount: 0, judgedWhat: 'things',
    });
    expect(v.result('things', nothing, 'all fine', { n: 1 }).costs).toEqual({ n: 1 });
  });

  it('is invalid when a violation was added, even with nothing counted as judged', () => {
    const v = new Violations();
    v.add([4], 'broken');
    expect(v.result('things broken', nothing, 'unused')).toStrictEqual({
      verdict: 'invalid', count: 1, evidence: [4], explanation: '1 things broken; first: broken', judgedCount: 0, judgedWhat: 'things',
    });
  });

  it('refuses a judged count that is not a whole number, and a not-applicable result over something judged', () => {
    expect(() => new Violations().result('x', { count: -1, what: 'things' }, 'unused')).toThrow(/whole number/);
    expect(() => new Violations().result('x', { count: 1.5, what: 'things' }, 'unused')).toThrow(/whole number/);
    expect(() => notApplicableResult(judged)).toThrow(/only when nothing was judged/);
  });

  it('explains the violation with the earliest record, whatever order they were added in', () => {
    const v = new Violations();
    v.add([], 'no record');
    v.add([7, 9], 'late');
    v.add([3, 12], 'early');
    v.add([5], 'middle');
    const result = v.result('things broken', judged, 'unused');
    expect(result).toStrictEqual({ verdict: 'invalid', count: 4, evidence: [3, 5, 7, 9, 12], explanation: '4 things broken; first: early', judgedCount: 3, judgedWhat: 'things' });
  });

  it('keeps the first note when only violations without records were added, and skips negative indexes', () => {
    const v = new Violations();
    v.add([-1], 'first');
    v.add([], 'second');
    expect(v.result('x', judged, 'unused')).toStrictEqual({ verdict: 'invalid', count: 2, evidence: [], explanation: '2 x; first: first', judgedCount: 3, judgedWhat: 'things' });
  });

  it(`keeps at most ${EVIDENCE_MAX} evidence indexes, the lowest`, () => {
    const v = new Violations();
    for (let i = 20; i > 0; i--) v.add([i], `v${i}`);
    const result = v.result('x', judged, 'unused');
    expect(result.count).toBe(20);
    expect(result.evidence).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(result.explanation).toBe('20 x; first: v1');
  });

  it('unknownResult has no evidence, and costs only when there are some', () => {
    expect(unknownResult('why', nothing)).toStrictEqual({ verdict: 'unknown', count: 0, evidence: [], explanation: 'why', judgedCount: 0, judgedWhat: 'things' });
    expect(unknownResult('why', judged, { a: 1 })).toStrictEqual({ verdict: 'unknown', count: 0, evidence: [], explanation: 'why', judgedCount: 3, judgedWhat: 'things', costs: { a: 1 } });
  });
});
