// Proves fault placement pairs each fault with its repair, lands at most the bound, keeps the file's own schedule first, and moves episodes with their duration.
import { describe, expect, it } from 'vitest';
import { episodesOf, faultPlacements } from '../../../sim/explore/faultPlacement.ts';
import type { ScheduledFault } from '../../../sim/config.ts';

const FILE_FAULTS: ScheduledFault[] = [
  { atMs: 1000, fault: { kind: 'partition', groups: [['a'], ['b']] } },
  { atMs: 2500, fault: { kind: 'heal' } },
  { atMs: 3000, fault: { kind: 'crash', node: 'b', mode: 'process' } },
  { atMs: 3500, fault: { kind: 'restart', node: 'b' } },
];

function landed(placement: readonly ScheduledFault[]): number {
  return placement.filter((f) => f.fault.kind === 'partition' || f.fault.kind === 'crash').length;
}

describe('faultPlacements', () => {
  it('pairs a partition with its heal and a crash with its restart', () => {
    expect(episodesOf(FILE_FAULTS).map((e) => e.faults.map((f) => f.fault.kind))).toEqual([['partition', 'heal'], ['crash', 'restart']]);
  });

  it('enumerates as written, left out and moved for each episode, the file first', () => {
    const all = faultPlacements(FILE_FAULTS, 2, 6000);
    expect(all).toHaveLength(16);
    expect(all[0]).toEqual(FILE_FAULTS);
    expect(all.some((p) => p.length === 0)).toBe(true);
  });

  it('lands at most the bound', () => {
    expect(faultPlacements(FILE_FAULTS, 0, 6000)).toEqual([[]]);
    const one = faultPlacements(FILE_FAULTS, 1, 6000);
    expect(one).toHaveLength(7);
    expect(Math.max(...one.map(landed))).toBe(1);
  });

  it('moves an episode with its duration, never past the run', () => {
    const moved = faultPlacements(FILE_FAULTS.slice(0, 2), 1, 6000).map((p) => p.map((f) => f.atMs));
    expect(moved).toEqual([[1000, 2500], [], [2000, 3500], [4000, 5500]]);
    const late = faultPlacements(FILE_FAULTS.slice(0, 2), 1, 3000).map((p) => p.map((f) => f.atMs));
    expect(late.at(-1)).toEqual([2000, 2999]);
  });

  it('refuses a fault list with too many placements, as bad input', () => {
    const many = Array.from({ length: 8 }, (_, i): ScheduledFault => ({ atMs: 10 + i, fault: { kind: 'crash', node: 'a', mode: 'process' } }));
    expect(() => faultPlacements(many, 8, 6000)).toThrow(/PLACEMENTS_MAX/);
  });
});
