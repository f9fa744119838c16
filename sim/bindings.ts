/**
 * Finds the (mailbox, UIDVALIDITY, UID) -> GUID bindings that appear in a replica's state
 * between two versions of it, visiting only buckets that changed (unchanged buckets are
 * reference-equal), so recording them costs what changed, not the mailbox size.
 */
import type { Message, StoreState } from '../core/state.ts';

export interface Binding {
  readonly mailbox: string;
  readonly uidValidity: number;
  readonly uid: number;
  readonly guid: string;
}

export function newBindings(before: StoreState | null, after: StoreState): Binding[] {
  const out: Binding[] = [];
  for (const [name, mailbox] of after.mailboxes) {
    const old = before?.mailboxes.get(name);
    const sameValidity = old !== undefined && old.uidValidity === mailbox.uidValidity;
    // Most commits leave most mailboxes' message maps as they were: nothing to visit.
    if (sameValidity && old.messages === mailbox.messages) continue;
    const found: Message[] = [];
    const buckets = mailbox.messages.buckets;
    for (let index = 0; index < buckets.length; index++) {
      const bucket = buckets[index];
      if (!bucket) continue;
      const oldBucket = sameValidity ? old.messages.buckets[index] : undefined;
      if (oldBucket === bucket) continue;
      for (const message of bucket.values()) {
        if (message.uid === 0) continue;
        if (oldBucket?.get(message.guid)?.uid === message.uid) continue;
        found.push(message);
      }
    }
    found.sort((a, b) => a.uid - b.uid);
    for (const message of found) out.push({ mailbox: name, uidValidity: mailbox.uidValidity, uid: message.uid, guid: message.guid });
  }
  return out;
}
