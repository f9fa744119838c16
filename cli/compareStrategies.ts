/**
 * A scenario's `compareStrategies`: suites and sweeps run the file once per strategy listed,
 * each as if given `--set strategy=X`, so the report can put the strategies side by side on
 * the same workload and faults. An explicit `--set strategy=...` wins (one run per seed).
 */
import { loadScenario } from '../scenarios/loader.ts';

/** The override sets to run `file` with: one per compared strategy, or just `overrides`. */
export async function overrideSetsFor(file: string, overrides: readonly string[]): Promise<readonly (readonly string[])[]> {
  if (overrides.some((override) => override.startsWith('strategy='))) return [overrides];
  // A file that does not load runs once, and its run reports why (nothing is lost here).
  const loaded = await loadScenario(file, overrides).catch(() => null);
  const strategies = loaded?.scenario.compareStrategies;
  if (strategies === undefined || strategies.length === 0) return [overrides];
  return strategies.map((strategy) => [...overrides, `strategy=${strategy}`]);
}
