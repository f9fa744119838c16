/** UID strategy 'lww-wallclock' (stub: merge keeps ours until the real merge lands). */
import type { UidStrategy } from '../strategy.ts';

export const lwwWallclockStrategy: UidStrategy = {
  name: 'lww-wallclock',
  mayResetValidity: false,
  assignsUids: () => true,
  merge: (_base, ours) => ({ state: ours, renumbered: 0, uidValidityChanges: [] }),
};
