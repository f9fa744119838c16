/**
 * Known-bad control `keep-uids`: the union of both sides without renumbering. A message keeps
 * the UID it has (the smaller one if the sides disagree); only a message with no UID on either
 * side gets a fresh one. Two messages delivered concurrently on two replicas end up sharing a
 * UID, which the uid-stable checker must catch.
 */
import { assignFresh } from '../merge/uids.ts';
import { mergeStores } from '../merge/mergeStores.ts';
import { type MailboxUidInput, type MailboxUidResult } from '../merge/policy.ts';
import type { UidStrategy } from '../strategy.ts';

export function keepUidsMailbox(input: MailboxUidInput): MailboxUidResult {
  const uids = new Map<string, number>();
  const fresh: string[] = [];
  let top = input.uidNextMin;
  for (const entry of input.entries) {
    const had = [entry.oursUid, entry.theirsUid].filter((uid) => uid > 0);
    if (had.length === 0) fresh.push(entry.guid);
    else {
      const uid = Math.min(...had);
      uids.set(entry.guid, uid);
      top = Math.max(top, uid + 1);
    }
  }
  const uidNext = assignFresh(fresh, top, uids);
  return { uids, uidValidity: input.uidValidity, uidNext, reassignedAll: false };
}

export const keepUidsStrategy: UidStrategy = {
  name: 'keep-uids',
  control: true,
  mayResetValidity: false,
  assignsUids: () => true,
  merge: (base, ours, theirs, ctx) => mergeStores(base, ours, theirs, ctx, { settleMailbox: keepUidsMailbox }),
};
