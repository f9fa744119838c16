/** UID strategy 'owner' (stub: merge keeps ours until the real merge lands). */
import type { UidStrategy } from '../strategy.ts';

export const ownerStrategy: UidStrategy = {
  name: 'owner',
  mayResetValidity: false,
  assignsUids: () => true,
  merge: (_base, ours) => ({ state: ours, renumbered: 0, uidValidityChanges: [] }),
};
