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

/** Every message file of `folder`, in name order (cur/ first). */
export async function scanMaildir(folder: string): Promise<MaildirEntry[]> {
  const entries: MaildirEntry[] = [];
  for (const sub of ['cur', 'new'] as const) {
    for (const name of (await names(join(folder, sub))).sort()) {
      if (name.startsWith('.')) continue;
      const path = join(folder, sub, name);
      const info = await stat(path);
      if (!info.isFile()) continue;
      entries.push({ sub, name, unique: splitName(name).unique, flags: flagsOfName(name), messageId: messageIdOf(await readFile(path)), sizeBytes: info.size });
    }
  }
  return entries;
}
