/**
 * The temporary folders real programs run in (a Dovecot or Cyrus cluster, real clients'
 * homes), made searchable by `nobody`, whom the servers drop to. A run removes its folder when
 * it ends; a process stopped by a signal removes every folder still live before it exits
 * (cli/main.ts), so an interrupted run leaves nothing under the system's temporary directory.
 */
import { rmSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const live = new Set<string>();

/** A fresh folder `<tmp>/<prefix>XXXXXX`, mode 0755 (mkdtemp's 0700 would keep `nobody` out). */
export async function makeTempRoot(prefix: string): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  live.add(root);
  await chmod(root, 0o755);
  return root;
}

export async function removeTempRoot(root: string): Promise<void> {
  await rm(root, { recursive: true, force: true });
  live.delete(root);
}

/** Tries per folder at exit: a server process still writing into it makes a removal race. */
const EXIT_REMOVE_RETRIES_MAX = 10;
const EXIT_REMOVE_RETRY_DELAY_MS = 50;

/**
 * Removes every folder still live, at once (an exit handler cannot wait); returns the ones it
 * could not remove, which are left, the exit going on.
 */
export function removeLiveTempRootsSync(): string[] {
  const left: string[] = [];
  for (const root of live) {
    try {
      rmSync(root, { recursive: true, force: true, maxRetries: EXIT_REMOVE_RETRIES_MAX, retryDelay: EXIT_REMOVE_RETRY_DELAY_MS });
    } catch {
      left.push(root);
    }
  }
  live.clear();
  return left;
}
