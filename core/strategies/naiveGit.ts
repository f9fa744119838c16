/** UID strategy 'naive-git' (stub: merge keeps ours until the real merge lands). */
import type { UidStrategy } from '../strategy.ts';

export const naiveGitStrategy: UidStrategy = {
  name: 'naive-git',
  mayResetValidity: false,
  assignsUids: () => true,
  merge: (_base, ours) => ({ state: ours, renumbered: 0, uidValidityChanges: [] }),
};
