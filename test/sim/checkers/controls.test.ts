// Proves each checker kills its real negative control: a small cluster run with the mutant on is invalid for the target checker, and valid without it.
import { describe, expect, it } from 'vitest';
import { MUTANTS } from '../../../sim/checkers/mutants.ts';
import { checkFailed } from '../../../sim/checkers/failedChecks.ts';
import { runWorld } from '../../../backends/world.ts';
import { controlWorldConfig } from './controlWorld.ts';
import { loadScenario } from '../../../scenarios/loader.ts';
import { resolveScenario } from '../../../scenarios/resolve.ts';

const RUN_TIMEOUT_MS = 600_000;
const SEED = 1;

/**
 * early-ack loses an acknowledged delivery only when the power cut drops its commit before
 * any push left: with seed 1 to 5 that happened with seed 2 (seed 4 stopped with
 * E_MISSING_OBJECT when the replica reopened; the others lost nothing acknowledged).
 * drop-flag-change (and lying-clocks-drop-flag, the same drop) at seed 1 drops a flag whose
 * order only replication knew: no client saw it, so no-lost-flags (causality from the
 * history) does not settle that pair. Seed 2 drops one it settles.
 */
const SEED_FOR: Readonly<Record<string, number>> = { 'early-ack': 2, 'drop-flag-change': 2, 'lying-clocks-drop-flag': 2 };

/**
 * The world each mutant needs to show itself (default: three servers, a partition and its
 * heal, so the violation must travel through replication to be seen). move-both runs on one
 * server: its copy left in the source comes back with every merge's move rule, and with
 * seed 2 the replicas ping-pong without end.
 */
const WORLD_OPTIONS: Readonly<Record<string, Parameters<typeof controlWorldConfig>[2]>> = {
  'early-ack': { powerCrashes: true },
  'move-both': { single: true },
  'uidnext-backwards': { churn: true },
};

/**
 * The lease mutants act on the owner strategy's leases, which the renumber control world does
 * not use: each runs its library control scenario, whose twin without the mutant is valid
 * (owner-pause.yaml for owner-no-fence; the same file for owner-trusts-clock).
 * drop-crashed-acks needs batched mode and crashes while batches are open (batch-crash.yaml).
 * delete-drops-recovered needs a mailbox DELETE on one side while the other delivers into it
 * (its control file; the twin is delete-vs-deliver.yaml).
 * trust-reads needs misdirected writes and a restart (its control file; the twin is the same
 * file without the mutant, where the replica repairs from a peer).
 */
const SCENARIO_FOR: Readonly<Record<string, { readonly control: string; readonly twin: string; readonly twinSets: readonly string[] }>> = {
  'owner-no-fence': { control: 'scenarios/controls/owner-no-fence.yaml', twin: 'scenarios/owner-pause.yaml', twinSets: [] },
  'owner-trusts-clock': { control: 'scenarios/controls/owner-trusts-clock.yaml', twin: 'scenarios/controls/owner-trusts-clock.yaml', twinSets: ['mutant=null', 'expect=valid'] },
  'drop-crashed-acks': { control: 'scenarios/controls/batch-crash-drops-acks.yaml', twin: 'scenarios/batch-crash.yaml', twinSets: [] },
  'delete-drops-recovered': { control: 'scenarios/controls/delete-drops-recovered.yaml', twin: 'scenarios/delete-vs-deliver.yaml', twinSets: [] },
  'trust-reads': { control: 'scenarios/controls/trust-reads-misdirect.yaml', twin: 'scenarios/controls/trust-reads-misdirect.yaml', twinSets: ['mutant=null', 'expect=valid'] },
};

async function scenarioConfig(file: string, sets: readonly string[] = [], seed?: number) {
  const loaded = await loadScenario(file, sets);
  return resolveScenario(loaded, seed ?? loaded.scenario.seed ?? 1);
}

/**
 * trust-reads's control at seed 7: a receive of several heads on the replica that trusts its
 * reads merges the first, then reads a tree whose file holds another object and fails. The run
 * must end in a checker's verdict, not in an assertion about the commit graph.
 */
const TRUST_READS_PARTIAL_RECEIVE_SEED = 7;

/**
 * Hooks that did not yet produce a run the checker could judge (measured at this commit).
 * Each is skipped with its reason, and runs again as soon as it is removed from this list.
 */
const HOOK_NOT_READY: Readonly<Record<string, string>> = {};

describe('real negative controls (sim/world.ts runWorld)', () => {
  it('a healthy run of the control world is valid for every checker', { timeout: RUN_TIMEOUT_MS }, async () => {
    for (const options of [{}, { powerCrashes: true }, { single: true }, { churn: true }]) {
      const outcome = await runWorld(controlWorldConfig(SEED, null, options));
      // The control world takes no leases and runs no real client program, and a single server has
      // no other replica to agree with: those checkers have nothing to judge; every other one judges something.
      const idle = new Set(['lease-exclusive', 'real-clients', ...('single' in options ? ['convergence'] : [])]);
      const failed = Object.entries(outcome.checks)
        .filter(([name, r]) => r.verdict !== (idle.has(name) ? 'not-applicable' : 'valid'))
        .map(([name, r]) => `${name}: ${r.verdict}: ${r.explanation}`);
      expect(failed, JSON.stringify(options)).toEqual([]);
      expect(outcome.verdict).toBe('valid');
    }
  });

  for (const [mutant, { twin, twinSets }] of Object.entries(SCENARIO_FOR)) {
    it(`the twin of ${mutant}'s control, without the mutant, is valid for every checker`, { timeout: RUN_TIMEOUT_MS }, async () => {
      const config = await scenarioConfig(twin, twinSets);
      expect(config.mutant).toBeNull();
      const outcome = await runWorld(config);
      const failed = Object.entries(outcome.checks).filter(([, r]) => checkFailed(r)).map(([name, r]) => `${name}: ${r.verdict}: ${r.explanation}`);
      expect(failed).toEqual([]);
      expect(outcome.verdict).toBe('valid');
      if (MUTANTS[mutant as keyof typeof MUTANTS].target === 'lease-exclusive') expect(outcome.checks['lease-exclusive']?.explanation).toMatch(/owner assignments/);
    });
  }

  it(`trust-reads's control at seed ${TRUST_READS_PARTIAL_RECEIVE_SEED}, where a receive fails after its first merge, is judged and killed by no-lost-mail`, { timeout: RUN_TIMEOUT_MS }, async () => {
    const outcome = await runWorld(await scenarioConfig(SCENARIO_FOR['trust-reads']!.control, [], TRUST_READS_PARTIAL_RECEIVE_SEED));
    expect(outcome.checks['no-lost-mail']?.verdict).toBe('invalid');
    expect(outcome.verdict).toBe('invalid');
  });

  // Planted bugs (`planted`) are subtle on purpose: they need not fail this small world (mailsim bench find measures them).
  for (const [mutant, spec] of Object.entries(MUTANTS).filter(([, s]) => !('planted' in s))) {
    const reason = HOOK_NOT_READY[mutant];
    const title = `${mutant} is killed by ${spec.target}${reason ? ` (skipped: ${reason})` : ''}`;
    (reason ? it.skip : it)(title, { timeout: RUN_TIMEOUT_MS }, async () => {
      const scenario = SCENARIO_FOR[mutant];
      const outcome = await runWorld(scenario ? await scenarioConfig(scenario.control) : controlWorldConfig(SEED_FOR[mutant] ?? SEED, mutant, WORLD_OPTIONS[mutant] ?? {}));
      const result = outcome.checks[spec.target];
      expect(result?.verdict, result?.explanation).toBe('invalid');
      expect(result?.count).toBeGreaterThan(0);
      expect(result?.evidence.length).toBeGreaterThan(0);
    });
  }
});
