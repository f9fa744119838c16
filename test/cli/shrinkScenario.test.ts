// Proves a resolved world written back as a pinned scenario leaves nothing to draw: it resolves to the identical world under any seed (every library scenario).
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario, parseScenarioText } from '../../scenarios/loader.ts';
import { resolveScenario } from '../../scenarios/resolve.ts';
import { scenarioText } from '../../scenarios/failure.ts';
import { pinnedScenario, scenarioFault } from '../../cli/shrinkScenario.ts';
import { faultValue } from '../../scenarios/resolve.ts';
import type { ScheduledFault } from '../../sim/config.ts';
import { SUITE_PLAN_FILE } from '../../scenarios/suitePlan.ts';

const SCENARIO_DIRS = ['scenarios', 'scenarios/controls', 'scenarios/wire'];
const files = SCENARIO_DIRS.flatMap((dir) => readdirSync(dir).filter((name) => /\.ya?ml$/.test(name) && name !== SUITE_PLAN_FILE).map((name) => join(dir, name)));
const SEEDS = [1, 2, 3, 17];

describe('pinnedScenario', () => {
  it('finds the library', () => {
    expect(files.length).toBeGreaterThan(3);
  });

  it.each(files)('%s: pinned and reloaded resolves to the same world', async (file) => {
    const loaded = await loadScenario(file);
    for (const seed of SEEDS) {
      const config = { ...resolveScenario(loaded, seed), nemesis: null };
      const pinned = pinnedScenario(config, loaded.scenario);
      expect(pinned.nemesis).toBe(false);
      // Another seed: a field the pinning forgot would be drawn differently.
      const again = resolveScenario(parseScenarioText(scenarioText(pinned), 'pinned.yaml'), seed + 1000);
      expect({ ...again, seed }).toEqual(config);
    }
  });

  it('pins a flags-apart layout with its index file count', () => {
    const loaded = parseScenarioText('layout: {kind: flags-apart, chunks: 64}\n', 'apart.yaml');
    const pinned = pinnedScenario(resolveScenario(loaded, 1), loaded.scenario);
    expect(pinned.layout).toEqual({ kind: 'flags-apart', chunks: 64 });
    expect(resolveScenario(parseScenarioText(scenarioText(pinned), 'pinned.yaml'), 2).layout).toEqual({ kind: 'flags-apart', chunks: 64 });
    expect(() => parseScenarioText('layout: {kind: flags-apart, chunks: 3}\n', 'bad.yaml')).toThrow(/chunks is one of/);
  });

  it('keeps name and expect, and describes itself as shrunk', async () => {
    const loaded = await loadScenario('scenarios/controls/keep-uids-both-deliver.yaml');
    const pinned = pinnedScenario(resolveScenario(loaded, 1), loaded.scenario);
    expect(pinned).toMatchObject({ name: loaded.scenario.name, expect: 'invalid', seed: 1 });
    expect(pinned.description).toMatch(/^Shrunk by mailsim shrink/);
  });
});

describe('scenarioFault', () => {
  const faults: ScheduledFault[] = [
    { atMs: 1, fault: { kind: 'partition', groups: [['a'], ['b', 'c']] } },
    { atMs: 2, fault: { kind: 'one-way', from: 'a', to: 'b' } },
    { atMs: 3, fault: { kind: 'bridge', groups: [['a'], ['c']], bridge: 'b' } },
    { atMs: 4, fault: { kind: 'heal' } },
    { atMs: 5, fault: { kind: 'crash', node: 'a', mode: 'power' } },
    { atMs: 6, fault: { kind: 'restart', node: 'a' } },
    { atMs: 7, fault: { kind: 'skew', node: 'b', offsetMs: -300 } },
    { atMs: 8, fault: { kind: 'jump', node: 'c', deltaMs: 4000 } },
  ];

  it.each(faults)('inverts the loader for $fault.kind', (fault) => {
    const written = scenarioFault(fault);
    expect(written.at).toBe(fault.atMs);
    expect(faultValue(written)).toEqual(fault.fault);
  });
});
