/**
 * UID strategy `renumber` (the dsync rule, as measured on Dovecot 2.3): a message new on one
 * side keeps its UID only if that UID is at or above the other side's UIDNEXT (more exactly:
 * only if neither side ever bound that UID to another message); every other new message gets
 * a fresh UID above both UIDNEXTs, in GUID order, so both sides of a clash are renumbered.
 * UIDVALIDITY never changes.
 */
import { mergeStores } from '../merge/mergeStores.ts';
import { renumberMailbox } from '../merge/uids.ts';
import type { UidStrategy } from '../strategy.ts';

export const renumberStrategy: UidStrategy = {
  name: 'renumber',
  mayResetValidity: false,
  assignsUids: () => true,
  merge: (base, ours, theirs, ctx) => mergeStores(base, ours, theirs, ctx, { settleMailbox: renumberMailbox }),
};
