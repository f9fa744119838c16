// Proves --require-probes' parsing: catalogue names, comma-separated, once each; no names means every probe; an unknown or empty list is refused.
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from 'commander';
import { PROBE_NAMES, REACHABLE_PROBE_NAMES } from '../../core/probes.ts';
import { parseProbeList, requiredProbes } from '../../cli/commands/options.ts';

describe('--require-probes', () => {
  it('takes catalogue names separated by commas, each once', () => {
    expect(parseProbeList('move-vs-move, owner-takeover,move-vs-move')).toEqual(['move-vs-move', 'owner-takeover']);
  });

  it('refuses an unknown name, naming it and the known ones', () => {
    expect(() => parseProbeList('move-vs-move,nope')).toThrow(InvalidArgumentError);
    expect(() => parseProbeList('nope')).toThrow(/unknown probe "nope"; known: merge-three-heads, /);
  });

  it('refuses a list without names', () => {
    expect(() => parseProbeList(' , ')).toThrow(/expects probe names/);
  });

  it('requires every probe when given without names, and none when absent', () => {
    // Every probe a run can reach; flag-without-base guards a state only hand-built inputs make.
    expect(requiredProbes(true)).toEqual(REACHABLE_PROBE_NAMES);
    expect(requiredProbes(true)).not.toContain('flag-without-base');
    expect(requiredProbes(true).length).toBe(PROBE_NAMES.length - 1);
    expect(requiredProbes(['flag-without-base'])).toEqual(['flag-without-base']);
    expect(requiredProbes(['owner-takeover'])).toEqual(['owner-takeover']);
    expect(requiredProbes(undefined)).toEqual([]);
  });
});
