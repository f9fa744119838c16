/**
 * Export a replica to a target fs as something real tools read:
 * - DIR/repo.git: a bare git repository with the whole history (every loose object, the
 *   branch ref and HEAD), which `git fsck --strict` and `git log` accept.
 * - DIR/Maildir: a Maildir++ tree (INBOX at the root, '.Name' folders) with
 *   `<guid>,S=<size>:2,<flags>` files in cur/, and per folder a `dovecot-uidlist`
 *   (`3 V<uidvalidity> N<uidnext> G<mailbox guid>`, then `<uid> :<filename>`) and a
 *   `dovecot-keywords`, so Dovecot serves the same UIDVALIDITY, UIDNEXT, UIDs and flags.
 *
 * Pending messages (UID 0, owner strategy) are left out of the Maildir entirely: putting
 * them in new/ would let Dovecot give them UIDs the replica never gave. They remain in
 * repo.git. INTERNALDATE is not carried over (Dovecot reads it from the file mtime, which
 * the injected fs cannot set); it stays in the git tree.
 */
import { createHash } from 'node:crypto';
import type { ReplicaFs } from './fsTypes.ts';
import type { Mailbox } from './state.ts';
import { allMessages, messagesByUid } from './messageMap.ts';
import type { Message } from './message.ts';
import { BRANCH_REF } from './objectStore.ts';
import { flagLetters, folderDirName } from './names.ts';
import type { Replica } from './replica/replica.ts';

export interface ExportSummary {
  readonly mailboxCount: number;
  readonly messageCount: number;
  readonly pendingCount: number;
  readonly objectCount: number;
}

/** Dovecot's 128-bit mailbox GUID, derived from name and UIDVALIDITY so re-exports agree. */
export function mailboxGuid(mailbox: Mailbox): string {
  return createHash('sha1').update(`${mailbox.name}\0${mailbox.uidValidity}`).digest('hex').slice(0, 32);
}

export function maildirFileName(guid: string, sizeBytes: number, letters: string): string {
  return `${guid},S=${sizeBytes}:2,${letters}`;
}

export async function exportReplica(replica: Replica, fs: ReplicaFs, dir: string): Promise<ExportSummary> {
  const objectCount = await exportRepository(replica, fs, `${dir}/repo.git`);
  let messageCount = 0;
  let pendingCount = 0;
  for (const mailbox of replica.state.mailboxes.values()) {
    const counts = await exportMailbox(replica, mailbox, fs, `${dir}/Maildir`);
    messageCount += counts.visible;
    pendingCount += counts.pending;
  }
  await fs.sync();
  return { mailboxCount: replica.state.mailboxes.size, messageCount, pendingCount, objectCount };
}

async function exportRepository(replica: Replica, fs: ReplicaFs, repo: string): Promise<number> {
  await fs.mkdir(`${repo}/refs/heads`);
  await fs.mkdir(`${repo}/refs/tags`);
  await fs.mkdir(`${repo}/objects`);
  await fs.writeFile(`${repo}/HEAD`, `ref: ${BRANCH_REF}\n`);
  await fs.writeFile(`${repo}/config`, '[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n');
  const folders = new Set<string>();
  const ids = replica.objectIds().sort();
  for (const id of ids) {
    const folder = `${repo}/objects/${id.slice(0, 2)}`;
    if (!folders.has(folder)) {
      await fs.mkdir(folder);
      folders.add(folder);
    }
    await fs.writeFile(`${folder}/${id.slice(2)}`, await replica.readObjectDeflated(id));
  }
  await fs.writeFile(`${repo}/${BRANCH_REF}`, `${replica.head}\n`);
  return ids.length;
}

/**
 * The messages a Maildir can show, in UID order: pending ones (UID 0) left out, and of two
 * messages under one UID (a strategy that reuses UIDs, the keep-uids control) only the one
 * whose GUID sorts last, since a dovecot-uidlist naming one UID twice makes Dovecot rebuild
 * it under a new UIDVALIDITY. A client then finds that UID naming another message, as it
 * would on a server that reused it.
 */
export function exportableMessages(mailbox: Mailbox): Message[] {
  const sorted = messagesByUid(mailbox.messages).filter((message) => message.uid !== 0);
  return sorted.filter((message, i) => sorted[i + 1]?.uid !== message.uid);
}

/** A mailbox as a Maildir folder shows it: each exportable message with its file name in cur/, and the two Dovecot files. */
export interface MaildirFolderView {
  readonly files: readonly { readonly message: Message; readonly name: string }[];
  readonly uidlist: string;
  readonly keywords: string;
}

/** What one mailbox's Maildir folder holds (the pure part of exportMailbox; real clients' server folders are kept in step with it). */
export function maildirFolderView(mailbox: Mailbox): MaildirFolderView {
  const files = exportableMessages(mailbox).map((message) => ({ message, name: maildirFileName(message.guid, message.sizeBytes, flagLetters(message.flags, mailbox.keywords)) }));
  const lines = [`3 V${mailbox.uidValidity} N${mailbox.uidNext} G${mailboxGuid(mailbox)}`, ...files.map((file) => `${file.message.uid} :${file.name}`)];
  return { files, uidlist: `${lines.join('\n')}\n`, keywords: mailbox.keywords.map((keyword, i) => `${i} ${keyword}\n`).join('') };
}

/** Writes one mailbox's folder under the Maildir++ `root`. */
export async function exportMailbox(replica: Replica, mailbox: Mailbox, fs: ReplicaFs, root: string): Promise<{ visible: number; pending: number }> {
  const folderDir = folderDirName(mailbox.name);
  const folder = folderDir === '' ? root : `${root}/${folderDir}`;
  for (const sub of ['cur', 'new', 'tmp']) await fs.mkdir(`${folder}/${sub}`);
  if (folderDir !== '') await fs.writeFile(`${folder}/maildirfolder`, '');
  const view = maildirFolderView(mailbox);
  const pending = [...allMessages(mailbox.messages)].filter((message) => message.uid === 0).length;
  for (const { message, name } of view.files) await fs.writeFile(`${folder}/cur/${name}`, (await replica.readObject(message.blobId)).content);
  await fs.writeFile(`${folder}/dovecot-uidlist`, view.uidlist);
  await fs.writeFile(`${folder}/dovecot-keywords`, view.keywords);
  return { visible: view.files.length, pending };
}
