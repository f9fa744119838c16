/**
 * Deterministic mailbox GUIDs. Replicas of one cluster that create the same mailbox on their
 * own (INBOX at start, a folder on both sides of a partition) must give it the same GUID, or
 * Dovecot's dsync never merges them (dovecotHome.ts); deriving it from a seed and the name
 * lets each replica compute it alone, and keeps a run replayable.
 */
import { createHash } from 'node:crypto';

/** A 32-hex-digit mailbox GUID for `mailbox` in the cluster named by `seed`. */
export function pinnedMailboxGuid(seed: string, mailbox: string): string {
  return createHash('sha256').update(`${seed}\u0000${mailbox}`).digest('hex').slice(0, 32);
}
