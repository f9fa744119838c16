// Proves --require-probes' parsing: catalogue names, comma-separated, once each; no names means every probe; an unknown or empty list is refused.
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from 'commander';
import { PROBE_NAMES } from '../../core/probes.ts';
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
    expect(requiredProbes(true)).toEqual(PROBE_NAMES);
    expect(requiredProbes(['owner-takeover'])).toEqual(['owner-takeover']);
    expect(requiredProbes(undefined)).toEqual([]);
  });
});
