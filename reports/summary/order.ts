/** Display order of strategies and checkers, and which strategies are known-bad controls. */
import { STRATEGY_NAMES, STRATEGY_REGISTRY } from '../../core/strategies/registry.ts';
import type { RunResult } from '../../sim/resultTypes.ts';
import { CHECK_NAMES } from '../../sim/checkers/names.ts';
import { strategyLabel } from '../../sim/replicaKinds.ts';
import { compareStrings } from '../merge.ts';

/** What the strategy column calls runs on real Dovecot and real Cyrus (sim/replicaKinds.ts strategyLabel). */
export const DSYNC_REAL = strategyLabel('dsync', '');
export const DSYNC_PLAIN_REAL = strategyLabel('dsync-plain', '');
export const CYRUS_REAL = strategyLabel('cyrus', '');
/** Stateless dsync is a real-world negative control: it is known to lose flag writes. */
export const CONTROL_STRATEGIES: readonly string[] = [...STRATEGY_REGISTRY.filter((s) => s.control === true).map((s) => s.name), DSYNC_PLAIN_REAL];
/** From the one list of strategies (core/strategies/registry.ts), in its order. */
export const STRATEGY_ORDER: readonly string[] = [...STRATEGY_NAMES.slice(0, 1), DSYNC_REAL, CYRUS_REAL, ...STRATEGY_NAMES.slice(1), DSYNC_PLAIN_REAL];
/** Display order of the checkers; unknown names follow in code-unit order. */
export const CHECK_ORDER: readonly string[] = CHECK_NAMES;

export function orderedCheckNames(results: readonly RunResult[]): string[] {
  const names = new Set(results.flatMap((result) => Object.keys(result.checks)));
  const known = CHECK_ORDER.filter((name) => names.has(name));
  const others = [...names].filter((name) => !CHECK_ORDER.includes(name)).sort(compareStrings);
  return [...known, ...others];
}

export function checkRank(name: string): number {
  const index = CHECK_ORDER.indexOf(name);
  return index === -1 ? CHECK_ORDER.length : index;
}

export function strategyRank(name: string): number {
  const index = STRATEGY_ORDER.indexOf(name);
  return index === -1 ? STRATEGY_ORDER.length : index;
}

export function sortStrategies(names: Iterable<string>): string[] {
  return [...names].sort((a, b) => strategyRank(a) - strategyRank(b) || compareStrings(a, b));
}
