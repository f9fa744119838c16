/**
 * The one list of UID strategies. To add one: write core/strategies/<name>.ts and add a line here.
 * Order is the order shown to users (STRATEGY_NAMES).
 */
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
