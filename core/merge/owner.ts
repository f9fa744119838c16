/** The owner of a merged mailbox (owner strategy): the higher epoch, then the smaller name. */
import type { MailboxOwner } from '../state.ts';

/** The higher epoch's owner; equal epochs (two concurrent take-overs): the smaller node name. */
export function mergeOwner(ours: MailboxOwner | undefined, theirs: MailboxOwner | undefined): MailboxOwner | undefined {
  if (!ours) return theirs;
  if (!theirs) return ours;
  if (ours.epoch !== theirs.epoch) return ours.epoch > theirs.epoch ? ours : theirs;
  return ours.node <= theirs.node ? ours : theirs;
}
