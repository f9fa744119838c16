/** Reads a Maildir folder's cur/ and new/ into entries (./maildirEntries.ts). */
import type { Dirent } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { flagsOfName, messageIdOf, splitName, type MaildirEntry } from './maildirEntries.ts';

async function files(dir: string): Promise<Dirent[]> {
  return readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
}

/** What a message file holds that its name does not say. */
interface FileFacts {
  readonly messageId: string;
  readonly sizeBytes: number;
}

/**
 * Message-IDs and sizes by a file's unique part: a file keeps its unique part, its message and
 * its bytes for life (only its flags change its name), so a file seen once is not read or
 * even stat'ed again (a sync scans three folders).
 */
export type MessageIdCache = Map<string, FileFacts>;

/** Every message file of `folder`, in name order (cur/ first). */
export async function scanMaildir(folder: string, cache: MessageIdCache = new Map()): Promise<MaildirEntry[]> {
  const entries: MaildirEntry[] = [];
  for (const sub of ['cur', 'new'] as const) {
    for (const dirent of (await files(join(folder, sub))).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const name = dirent.name;
      if (name.startsWith('.') || !dirent.isFile()) continue;
      const unique = splitName(name).unique;
      let facts = cache.get(unique);
      if (facts === undefined) {
        const path = join(folder, sub, name);
        const body = await readFile(path);
        cache.set(unique, (facts = { messageId: messageIdOf(body), sizeBytes: body.length }));
      }
      entries.push({ sub, name, unique, flags: flagsOfName(name), ...facts });
    }
  }
  return entries;
}
