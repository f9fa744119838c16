/** UID strategy 'renumber' (stub: merge keeps ours until the real merge lands). */
import type { UidStrategy } from '../strategy.ts';

export const renumberStrategy: UidStrategy = {
  name: 'renumber',
  mayResetValidity: false,
  assignsUids: () => true,
  merge: (_base, ours) => ({ state: ours, renumbered: 0, uidValidityChanges: [] }),
};
