/**
 * The one list of UID strategies. To add one: write core/strategies/<name>.ts and add a line here.
 * Order is the order shown to users (STRATEGY_NAMES).
 */
import { MailsimError } from '../errors.ts';
import type { UidStrategy } from '../strategy.ts';
import { renumberStrategy } from './renumber.ts';
import { ownerStrategy } from './owner.ts';
import { resetValidityStrategy } from './resetValidity.ts';
import { naiveGitStrategy } from './naiveGit.ts';
import { lwwWallclockStrategy } from './lwwWallclock.ts';
import { keepUidsStrategy } from './keepUids.ts';

export const STRATEGY_REGISTRY: readonly UidStrategy[] = [
  renumberStrategy,
  ownerStrategy,
  resetValidityStrategy,
  naiveGitStrategy,
  lwwWallclockStrategy,
  keepUidsStrategy,
];

export class UnknownStrategyError extends MailsimError<'E_UNKNOWN_STRATEGY', { name: string; known: readonly string[] }> {
  constructor(name: string, known: readonly string[]) {
    super('E_UNKNOWN_STRATEGY', `unknown UID strategy ${JSON.stringify(name)}; known: ${known.join(', ')}`, { name, known });
    this.name = 'UnknownStrategyError';
  }
}

export const STRATEGY_NAMES: readonly string[] = Object.freeze(STRATEGY_REGISTRY.map((s) => s.name));

export function strategyByName(name: string): UidStrategy {
  const found = STRATEGY_REGISTRY.find((s) => s.name === name);
  if (!found) throw new UnknownStrategyError(name, STRATEGY_NAMES);
  return found;
}
