/** UID settling that strategies share: fresh UIDs, the dsync renumber rule, a full reassignment. */
import type { MailboxUidInput, MailboxUidResult } from './policy.ts';
import { compareStrings } from './compare.ts';

/** Fresh UIDs from `start` upward for `guids` in GUID order (the caller passes them sorted). */
export function assignFresh(guids: readonly string[], start: number, into: Map<string, number>): number {
  let next = start;
  for (const guid of guids) into.set(guid, next++);
  return next;
}

/** The dsync rule: keep a safe UID, else a fresh one above both UIDNEXTs in GUID order. */
export function renumberMailbox(input: MailboxUidInput): MailboxUidResult {
  const uids = new Map<string, number>();
  const fresh: string[] = [];
  for (const entry of input.entries) {
    const kept = entry.safeUids[0];
    if (kept !== undefined) uids.set(entry.guid, kept);
    else fresh.push(entry.guid);
  }
  const uidNext = assignFresh(fresh, input.uidNextMin, uids);
  return { uids, uidValidity: input.uidValidity, uidNext: Math.max(uidNext, input.uidNextMin), reassignedAll: false };
}

/** Every message UIDs 1..n in (INTERNALDATE, GUID) order, under the given (fresh) UIDVALIDITY. */
export function reassignAll(input: MailboxUidInput): MailboxUidResult {
  const all = [...input.allMessages()].sort((a, b) => a.internalDateMs - b.internalDateMs || compareStrings(a.guid, b.guid));
  const uids = new Map<string, number>();
  all.forEach((m, index) => uids.set(m.guid, index + 1));
  return { uids, uidValidity: input.uidValidity, uidNext: all.length + 1, reassignedAll: true };
}
