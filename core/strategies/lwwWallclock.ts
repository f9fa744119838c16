/**
 * Known-bad control `lww-wallclock`: for a message whose flags changed on both sides, the
 * whole flag set comes from the side whose head commit date is later (MergeContext
 * oursTimeMs / theirsTimeMs: node clocks, which the simulator skews). A concurrent write to a
 * different flag on the other side is lost, and under skew the "later" side can be the
 * earlier one. Equal times: the flag set that sorts last wins (deterministic, symmetric).
 * UIDs as in `renumber`.
 */
import { mergeFlagsThreeWay } from '../merge/flags.ts';
import { mergeStores } from '../merge/mergeStores.ts';
import { renumberMailbox } from '../merge/uids.ts';
import type { Message } from '../state.ts';
import type { MergeContext, UidStrategy } from '../strategy.ts';

export function lwwFlags(base: Message | undefined, ours: Message, theirs: Message, ctx: MergeContext): readonly string[] {
  const changedOurs = base === undefined || ours.flags.join(' ') !== base.flags.join(' ');
  const changedTheirs = base === undefined || theirs.flags.join(' ') !== base.flags.join(' ');
  if (!changedOurs || !changedTheirs) return mergeFlagsThreeWay(base, ours, theirs);
  if (ctx.oursTimeMs !== ctx.theirsTimeMs) return ctx.oursTimeMs > ctx.theirsTimeMs ? ours.flags : theirs.flags;
  return ours.flags.join(' ') >= theirs.flags.join(' ') ? ours.flags : theirs.flags;
}

export const lwwWallclockStrategy: UidStrategy = {
  name: 'lww-wallclock',
  control: true,
  mayResetValidity: false,
  assignsUids: () => true,
  merge: (base, ours, theirs, ctx) => mergeStores(base, ours, theirs, ctx, { settleMailbox: renumberMailbox, mergeFlags: lwwFlags }),
};
