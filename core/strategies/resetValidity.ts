/**
 * UID strategy `reset-validity` (the drastic baseline): when a merge finds a UID clash in a
 * mailbox (a message whose UID on one side the other side had already handed out), it raises
 * UIDVALIDITY to a fresh value above every UIDVALIDITY in the three states (spread by a hash
 * so that two replicas resetting concurrently almost never pick the same) and reassigns every
 * UID of that mailbox from 1, in (INTERNALDATE, GUID) order. Without a clash it behaves like `renumber` (new messages keep
 * their UIDs or get fresh ones above both UIDNEXTs).
 */
import { mergeStores } from '../merge/mergeStores.ts';
import { reassignAll, renumberMailbox } from '../merge/uids.ts';
import { type MailboxUidInput, type MailboxUidResult } from '../merge/policy.ts';
import type { UidStrategy } from '../strategy.ts';

export function resetValidityMailbox(input: MailboxUidInput): MailboxUidResult {
  const clash = input.entries.some((e) => (e.oursUid > 0 || e.theirsUid > 0) && e.safeUids.length === 0);
  if (!clash) return renumberMailbox(input);
  return reassignAll({ ...input, uidValidity: input.freshUidValidity });
}

export const resetValidityStrategy: UidStrategy = {
  name: 'reset-validity',
  mayResetValidity: true,
  assignsUids: () => true,
  merge: (base, ours, theirs, ctx) => mergeStores(base, ours, theirs, ctx, { settleMailbox: resetValidityMailbox }),
};
