/**
 * A real Dovecot store's state, read back through Dovecot, as the simulator's StoreState:
 * what clients select and checkers judge. A message's GUID is the cluster's name for it
 * (guidNames.ts: Dovecot's own GUID, which dsync keeps, qualified where a COPY shares it); a
 * body has no git blob here, so blobId is ''.
 */
import { createHash } from 'node:crypto';
import { messageMapFrom } from '../../core/messageMap.ts';
import type { Mailbox, Message, StoreState } from '../../core/state.ts';
import type { DovecotMailbox } from './dovecotDriver.ts';
import type { GuidNames } from './guidNames.ts';

/** `server` names the store read: a record keeps its name while the server shows it (guidNames.ts). */
export function storeStateOf(mailboxes: readonly DovecotMailbox[], names: GuidNames, server: string): StoreState {
  const out = new Map<string, Mailbox>();
  for (const box of [...mailboxes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const keywords = [...new Set(box.messages.flatMap((m) => m.flags.filter((flag) => !flag.startsWith('\\'))))].sort();
    const recordNames = names.nameRecords(server, box.name, box.uidValidity, box.messages);
    const messages: Message[] = box.messages.map((m, i) => ({
      guid: recordNames[i] as string,
      uid: m.uid,
      flags: [...m.flags].sort(),
      modseq: m.modseq,
      internalDateMs: m.internalDateMs,
      sizeBytes: m.sizeBytes,
      blobId: '',
      messageId: m.messageId ?? '',
    }));
    out.set(box.name, { name: box.name, uidValidity: box.uidValidity, uidNext: box.uidNext, highestModseq: box.highestModseq, keywords, messages: messageMapFrom(messages) });
  }
  return { mailboxes: out };
}

/**
 * A digest of what two replicas must agree on: per mailbox its UIDVALIDITY, UIDNEXT, and
 * each message's GUID, UID and flags. MODSEQs are left out: each Dovecot store counts its own
 * (RFC 7162 asks them to rise on one server, not to match across servers).
 */
export function contentDigest(mailboxes: readonly DovecotMailbox[]): string {
  const hash = createHash('sha256');
  for (const box of [...mailboxes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    hash.update(`${box.name} ${box.uidValidity} ${box.uidNext}\n`);
    for (const m of [...box.messages].sort((a, b) => a.uid - b.uid)) hash.update(`${m.uid} ${m.guid} ${[...m.flags].sort().join(' ')}\n`);
  }
  return hash.digest('hex');
}
