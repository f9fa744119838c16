/** Reads a Maildir folder's cur/ and new/ into entries (./maildirEntries.ts). */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { flagsOfName, messageIdOf, splitName, type MaildirEntry } from './maildirEntries.ts';

async function names(dir: string): Promise<string[]> {
  return readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
}

/**
 * Message-IDs by a file's unique part: a file keeps its unique part and its message for life
 * (only its flags change its name), so a file seen once is not read again.
 */
export type MessageIdCache = Map<string, string>;

/** Every message file of `folder`, in name order (cur/ first). */
export async function scanMaildir(folder: string, cache: MessageIdCache = new Map()): Promise<MaildirEntry[]> {
  const entries: MaildirEntry[] = [];
  for (const sub of ['cur', 'new'] as const) {
    for (const name of (await names(join(folder, sub))).sort()) {
      if (name.startsWith('.')) continue;
      const path = join(folder, sub, name);
      const info = await stat(path);
      if (!info.isFile()) continue;
      const unique = splitName(name).unique;
      let messageId = cache.get(unique);
      if (messageId === undefined) cache.set(unique, (messageId = messageIdOf(await readFile(path))));
      entries.push({ sub, name, unique, flags: flagsOfName(name), messageId, sizeBytes: info.size });
    }
  }
  return entries;
}
