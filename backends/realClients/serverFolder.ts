/**
 * The Maildir a real client's Dovecot serves, kept for the whole run and brought into step
 * with the replica's INBOX before each sync (core/export.ts maildirFolderView): files of
 * messages gone are removed, a file whose flags changed is renamed, only new messages are
 * written, and the dovecot-uidlist is rewritten whole (one line per message). So a sync costs
 * what changed since the last one, not the whole mailbox.
 *
 * Dovecot's index (dovecot.index*) is kept only while it cannot disagree with the uidlist:
 * the same UIDVALIDITY, every message it knew under the same UID, every new one above the
 * UIDNEXT it was shown, and the program uploaded nothing (an upload gets a UID from Dovecot
 * that the replica does not give it). Otherwise (a renumber, a new UIDVALIDITY, a reused UID,
 * a failed sync) every file Dovecot keeps is removed, and Dovecot serves exactly what the
 * uidlist says, as from a fresh folder.
 */
import { chmod, mkdir, readdir, rename, rm, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { maildirFolderView } from '../../core/export.ts';
import type { Mailbox } from '../../core/state.ts';
import type { InboxSource } from './inboxSource.ts';
import { splitName } from './maildirEntries.ts';
import type { ExportedMessage } from './syncDiff.ts';

const SUBS = ['cur', 'new', 'tmp'] as const;
/** What the driver writes itself at the folder's root; anything else there is Dovecot's (indexes, list index, locks). */
const DRIVER_FILES = new Set<string>([...SUBS, 'dovecot-uidlist', 'dovecot-keywords']);
/**
 * Dovecot rescans cur/ and new/ when their mtime differs from the one its index holds. Each
 * presentation sets them to a time of its own, far in the past, so a rename made within the
 * second Dovecot last looked is still seen.
 */
const FOLDER_TIME_BASE_S = 1_000_000_000;

/** What Dovecot's index was last made to agree with. */
interface Shown {
  readonly uidValidity: number;
  readonly uidNext: number;
  readonly uidByGuid: ReadonlyMap<string, number>;
}

/** Dovecot's index agrees with `box` when nothing it knew moved and everything new comes after it. */
export function indexAgrees(shown: Shown | null, box: Mailbox, messages: readonly { readonly guid: string; readonly uid: number }[]): boolean {
  if (shown === null || shown.uidValidity !== box.uidValidity || box.uidNext < shown.uidNext) return false;
  return messages.every((m) => {
    const uid = shown.uidByGuid.get(m.guid);
    return uid === undefined ? m.uid >= shown.uidNext : uid === m.uid;
  });
}

async function list(dir: string): Promise<string[]> {
  return readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
}

export class ServerFolder {
  private shown: Shown | null = null;
  private presentations = 0;

  private constructor(readonly maildir: string) {}

  /** The folder with its cur/, new/ and tmp/, writable by nobody (Dovecot's user here). */
  static async create(maildir: string): Promise<ServerFolder> {
    for (const dir of [maildir, ...SUBS.map((sub) => join(maildir, sub))]) {
      await mkdir(dir, { recursive: true });
      await chmod(dir, 0o777);
    }
    return new ServerFolder(maildir);
  }

  /** Brings the folder into step with the replica's INBOX; returns what it holds. */
  async present(source: InboxSource): Promise<ExportedMessage[]> {
    const box = source.box;
    const view = maildirFolderView(box);
    if (!indexAgrees(this.shown, box, view.files.map((f) => f.message))) await this.dropDovecotFiles();
    const wanted = new Map(view.files.map((file) => [splitName(file.name).unique, file]));
    for (const sub of SUBS) {
      for (const name of await list(join(this.maildir, sub))) {
        const file = sub === 'tmp' ? undefined : wanted.get(splitName(name).unique);
        if (file === undefined) await unlink(join(this.maildir, sub, name));
        else if (sub !== 'cur' || name !== file.name) await rename(join(this.maildir, sub, name), join(this.maildir, 'cur', file.name));
        if (file !== undefined) wanted.delete(splitName(name).unique);
      }
    }
    for (const { message, name } of wanted.values()) await writeFile(join(this.maildir, 'cur', name), await source.body(message));
    // A new inode: Dovecot reads the uidlist again whatever it cached.
    await writeFile(join(this.maildir, 'tmp', 'uidlist'), view.uidlist);
    await rename(join(this.maildir, 'tmp', 'uidlist'), join(this.maildir, 'dovecot-uidlist'));
    await writeFile(join(this.maildir, 'dovecot-keywords'), view.keywords);
    const folderTime = FOLDER_TIME_BASE_S + ++this.presentations;
    for (const sub of ['cur', 'new']) await utimes(join(this.maildir, sub), folderTime, folderTime);
    this.shown = { uidValidity: box.uidValidity, uidNext: box.uidNext, uidByGuid: new Map(view.files.map((f) => [f.message.guid, f.message.uid])) };
    return view.files.map(({ message, name }) => ({
      unique: splitName(name).unique, uid: message.uid, guid: message.guid, messageId: message.messageId, flags: message.flags.filter((f) => f.startsWith('\\')),
    }));
  }

  /**
   * After the program ran: an upload got a UID from Dovecot, and a failed sync may have left
   * anything, so the index is not trusted at the next presentation.
   */
  settle(trusted: boolean): void {
    if (!trusted) this.shown = null;
  }

  /** Removes everything Dovecot keeps at the folder's root (its indexes, list index, locks). */
  private async dropDovecotFiles(): Promise<void> {
    for (const name of await list(this.maildir)) if (!DRIVER_FILES.has(name)) await rm(join(this.maildir, name), { recursive: true, force: true });
  }
}
