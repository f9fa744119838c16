// Proves explore finds a known-bad mutant on the small library world that the seed's own run misses, that each failing schedule replays to the same history from its recorded choices, and that the good world passes the same bounds.
import { describe, expect, it } from 'vitest';
import { loadScenario, type LoadedScenario } from '../../../scenarios/loader.ts';
import { resolveScenario } from '../../../scenarios/resolve.ts';
import { runScenario } from '../../../scenarios/run.ts';
import { failedCheckNames } from '../../../sim/checkers/failedChecks.ts';
import type { ScheduledFault } from '../../../sim/config.ts';
import { enumerateSchedules, startEnumeration } from '../../../sim/explore/enumerate.ts';
import { faultPlacements } from '../../../sim/explore/faultPlacement.ts';

const WORLD = 'scenarios/explore-two-servers.yaml';
const SEED = 1;
const BOUNDS = { depth: 3, budgetMs: Number.POSITIVE_INFINITY, dedup: true };
const FAULTS_LANDED_MAX = 1;
const RUN_TIMEOUT_MS = 600_000;

interface Failing {
  readonly faults: readonly ScheduledFault[];
  readonly choices: (number | null)[];
  readonly historyHash: string;
  readonly failedChecks: string[];
}

/** Every schedule within the bounds; the ones judged invalid. */
async function explore(loaded: LoadedScenario): Promise<{ schedules: number; failing: Failing[] }> {
  const config = resolveScenario(loaded, SEED);
  const enumeration = startEnumeration(BOUNDS, () => 0);
  const failing: Failing[] = [];
  let schedules = 0;
  for (const faults of faultPlacements(config.faults, FAULTS_LANDED_MAX, config.durationMs)) {
    const outcome = await enumerateSchedules(enumeration, async (trail) => {
      const { result } = await runScenario(loaded, SEED, { faults, choices: trail });
      if (result.verdict === 'invalid') failing.push({ faults, choices: trail.choices(), historyHash: result.historyHash, failedChecks: failedCheckNames(result.checks) });
      return 'go-on';
    });
    schedules += outcome.schedules;
  }
  return { schedules, failing };
}

describe('explore on the small world', () => {
  it('finds duplicate-on-merge, which the seed run alone misses, and replays it from the choices', async () => {
    const loaded = await loadScenario(WORLD, ['mutant=duplicate-on-merge']);
    const seedRun = await runScenario(loaded, SEED);
    expect(seedRun.result.verdict).toBe('valid');

    const { schedules, failing } = await explore(loaded);
    expect(schedules).toBeGreaterThan(1);
    expect(failing.length).toBeGreaterThan(0);
    const first = failing[0] as Failing;
    expect(first.failedChecks).toContain('no-duplicates');

    // What a failure file holds: the scenario with its choices, the faults as they ran.
    const pinned = { ...loaded, scenario: { ...loaded.scenario, choices: first.choices } };
    const replayed = await runScenario(pinned, SEED, { faults: first.faults });
    expect(replayed.result.historyHash).toBe(first.historyHash);
    expect(replayed.result.verdict).toBe('invalid');
  }, RUN_TIMEOUT_MS);

  it('finds nothing in the same bounds without the mutant', async () => {
    const { schedules, failing } = await explore(await loadScenario(WORLD, []));
    expect(schedules).toBeGreaterThan(1);
    expect(failing).toEqual([]);
  }, RUN_TIMEOUT_MS);
});
