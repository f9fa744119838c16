/** UID strategy 'keep-uids' (stub: merge keeps ours until the real merge lands). */
import type { UidStrategy } from '../strategy.ts';

export const keepUidsStrategy: UidStrategy = {
  name: 'keep-uids',
  mayResetValidity: false,
  assignsUids: () => true,
  merge: (_base, ours) => ({ state: ours, renumbered: 0, uidValidityChanges: [] }),
};
