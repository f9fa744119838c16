/**
 * What one sync did, from the files before and after it (pure): on the server side, the flag
 * changes, expunges and uploads the program made (the server's Maildir was written from the
 * replica just before, so every difference is the program's); on the local side, what it
 * holds against what the server holds, and what it downloaded again.
 */
import type { ServerExpunge, ServerFlagChange } from '../../sim/realClientTypes.ts';
import { sortedIds, type MaildirEntry } from './maildirEntries.ts';

/** A message as the server's Maildir was written: its file's unique part names it. */
export interface ExportedMessage {
  readonly unique: string;
  readonly uid: number;
  readonly guid: string;
  readonly messageId: string;
  readonly flags: readonly string[];
}

export interface ServerDiff {
  readonly flags: ServerFlagChange[];
  readonly expunged: ServerExpunge[];
  /** Files the program added: uploads, whose bodies the driver reads. */
  readonly appended: MaildirEntry[];
}

export function diffServer(before: readonly ExportedMessage[], after: readonly MaildirEntry[]): ServerDiff {
  const now = new Map(after.map((entry) => [entry.unique, entry]));
  const known = new Set(before.map((message) => message.unique));
  const flags: ServerFlagChange[] = [];
  const expunged: ServerExpunge[] = [];
  for (const message of before) {
    const entry = now.get(message.unique);
    if (entry === undefined) {
      expunged.push({ uid: message.uid, guid: message.guid, messageId: message.messageId });
      continue;
    }
    const added = entry.flags.filter((f) => !message.flags.includes(f));
    const removed = message.flags.filter((f) => !entry.flags.includes(f));
    if (added.length + removed.length > 0) flags.push({ uid: message.uid, guid: message.guid, messageId: message.messageId, added, removed });
  }
  return { flags, expunged, appended: after.filter((entry) => !known.has(entry.unique)) };
}

export interface Holdings {
  readonly missing: string[];
  readonly extra: string[];
  readonly localDuplicates: string[];
  readonly redownloadBytes: number;
}

/** Message-IDs of `a` not in `b`, each once, sorted. */
function without(a: readonly string[], b: ReadonlySet<string>): string[] {
  return [...new Set(a.filter((id) => !b.has(id)))].sort();
}

/**
 * The local Maildir after a sync against the server's after it: what is missing, what is
 * extra, what is held twice, and the bytes of new local files for messages held before.
 */
export function compareHoldings(localBefore: readonly MaildirEntry[], localAfter: readonly MaildirEntry[], server: readonly MaildirEntry[]): Holdings {
  const local = sortedIds(localAfter);
  const remote = sortedIds(server);
  const localSet = new Set(local);
  const duplicates = [...new Set(local.filter((id, i) => i > 0 && local[i - 1] === id))];
  const heldBefore = new Set(localBefore.map((e) => e.messageId));
  const filesBefore = new Set(localBefore.map((e) => e.unique));
  const redownloadBytes = localAfter.filter((e) => !filesBefore.has(e.unique) && heldBefore.has(e.messageId)).reduce((sum, e) => sum + e.sizeBytes, 0);
  return { missing: without(remote, localSet), extra: without(local, new Set(remote)), localDuplicates: duplicates, redownloadBytes };
}
