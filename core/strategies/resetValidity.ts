/** UID strategy 'reset-validity' (stub: merge keeps ours until the real merge lands). */
import type { UidStrategy } from '../strategy.ts';

export const resetValidityStrategy: UidStrategy = {
  name: 'reset-validity',
  mayResetValidity: true,
  assignsUids: () => true,
  merge: (_base, ours) => ({ state: ours, renumbered: 0, uidValidityChanges: [] }),
};
