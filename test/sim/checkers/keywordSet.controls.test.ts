// Proves keyword-set catches real runs that lose keyword adds (naive-git, drop-keyword-change) and that a backend lying about causality does not hide the loss.
import { describe, expect, it } from 'vitest';
import { runWorld } from '../../../backends/world.ts';
import { loadScenario } from '../../../scenarios/loader.ts';
import { resolveScenario } from '../../../scenarios/resolve.ts';
import { controlWorldConfig } from './controlWorld.ts';

const RUN_TIMEOUT_MS = 600_000;

/**
 * The naive-git control file with a random STORE workload of two clients besides its script:
 * with seeds 1 and 2 the plain tree merge loses acknowledged keyword adds (seed 3 lost none).
 */
const NAIVE_GIT = 'scenarios/controls/naive-git-concurrent-flags.yaml';
const STORES = ['workload.ratesPerSec.store=5', 'workload.imapClients=2'];

async function run(file: string, seed: number, sets: readonly string[]) {
  const loaded = await loadScenario(file, [...sets]);
  return runWorld(resolveScenario(loaded, seed));
}

describe('keyword-set on real runs', () => {
  for (const seed of [1, 2]) {
    it(`catches the naive-git control with client stores, seed ${seed}, and passes its renumber twin`, { timeout: RUN_TIMEOUT_MS }, async () => {
      const control = (await run(NAIVE_GIT, seed, STORES)).checks['keyword-set'];
      expect(control?.verdict, control?.explanation).toBe('invalid');
      expect(control?.evidence.length).toBeGreaterThan(0);
      const twin = (await run(NAIVE_GIT, seed, [...STORES, 'strategy=renumber', 'expect=valid'])).checks['keyword-set'];
      expect(twin?.verdict, twin?.explanation).toBe('valid');
      expect(twin?.judgedCount).toBeGreaterThan(0);
    });
  }

  it('a git adapter whose clocks claim every write follows every other does not hide a dropped keyword', { timeout: RUN_TIMEOUT_MS }, async () => {
    const honest = await runWorld(controlWorldConfig(1, 'drop-keyword-change'));
    const lying = await runWorld(controlWorldConfig(1, 'lying-clock-drop-keyword'));
    // The lie is in the history: every acknowledged write carries one ever-growing stamp.
    const stamps = lying.history.filter((r) => r.f === 'store' && r.type === 'ok').map((r) => (r.value as { vclock?: Record<string, number> }).vclock ?? {});
    expect(stamps.length).toBeGreaterThan(0);
    expect(stamps.every((clock) => Object.keys(clock).join() === '*')).toBe(true);
    for (const outcome of [honest, lying]) {
      const result = outcome.checks['keyword-set'];
      expect(result?.verdict, result?.explanation).toBe('invalid');
      expect(result?.count).toBeGreaterThan(0);
    }
    expect(lying.checks['keyword-set']?.count).toBe(honest.checks['keyword-set']?.count);
  });
});
