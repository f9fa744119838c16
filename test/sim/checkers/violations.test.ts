// Proves violation collection counts every violation, explains the earliest one, and keeps sorted, capped evidence and non-empty costs.
import { describe, expect, it } from 'vitest';
import { EVIDENCE_MAX, unknownResult, Violations } from '../../../sim/checkers/violations.ts';

describe('Violations', () => {
  it('is valid with no evidence and no costs key when nothing was added or costs are empty', () => {
    const v = new Violations();
    expect(v.result('things', 'all fine')).toStrictEqual({ verdict: 'valid', count: 0, evidence: [], explanation: 'all fine' });
    expect(v.result('things', 'all fine', {})).toStrictEqual({ verdict: 'valid', count: 0, evidence: [], explanation: 'all fine' });
    expect(v.result('things', 'all fine', { n: 0 }).costs).toEqual({ n: 0 });
  });

  it('explains the violation with the earliest record, whatever order they were added in', () => {
    const v = new Violations();
    v.add([], 'no record');
    v.add([7, 9], 'late');
    v.add([3, 12], 'early');
    v.add([5], 'middle');
    const result = v.result('things broken', 'unused');
    expect(result).toStrictEqual({ verdict: 'invalid', count: 4, evidence: [3, 5, 7, 9, 12], explanation: '4 things broken; first: early' });
  });

  it('keeps the first note when only violations without records were added, and skips negative indexes', () => {
    const v = new Violations();
    v.add([-1], 'first');
    v.add([], 'second');
    expect(v.result('x', 'unused')).toStrictEqual({ verdict: 'invalid', count: 2, evidence: [], explanation: '2 x; first: first' });
  });

  it(`keeps at most ${EVIDENCE_MAX} evidence indexes, the lowest`, () => {
    const v = new Violations();
    for (let i = 20; i > 0; i--) v.add([i], `v${i}`);
    const result = v.result('x', 'unused');
    expect(result.count).toBe(20);
    expect(result.evidence).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(result.explanation).toBe('20 x; first: v1');
  });

  it('unknownResult has no evidence, and costs only when there are some', () => {
    expect(unknownResult('why')).toStrictEqual({ verdict: 'unknown', count: 0, evidence: [], explanation: 'why' });
    expect(unknownResult('why', { a: 1 })).toStrictEqual({ verdict: 'unknown', count: 0, evidence: [], explanation: 'why', costs: { a: 1 } });
  });
});
