/**
 * Disk faults on a server's volume (sim/faultyFs.ts), with their targets drawn from the node's
 * own disk stream, so adding them shifts no other draw. Rot strikes a synced object file; a
 * misdirected write is armed for the next object file written; EIO fails the next read or
 * write once; a full disk refuses every write until the matching disk-free.
 */
import type { FaultyFs, Misdirection } from './faultyFs.ts';
import type { DiskFaultValue } from './historyTypes.ts';
import type { Rng } from './rng.ts';

/** What a disk fault struck, for the history (null: nothing to strike, e.g. no synced object yet). */
export interface DiskFaultReport {
  readonly path?: string;
  readonly how?: Misdirection;
}

/** EIO faults fail this many calls: one, as a transient sector error does. */
export const EIO_CALLS = 1;

export async function applyDiskFault(fs: FaultyFs, fault: DiskFaultValue, rng: Rng): Promise<DiskFaultReport | null> {
  switch (fault.kind) {
    case 'rot': {
      const files = fs.syncedObjectFiles();
      if (files.length === 0) return null;
      const path = rng.pick(files);
      await fs.rot(path, rng.int(0, 1 << 20));
      return { path };
    }
    case 'misdirect': {
      const how: Misdirection = rng.chance(0.5) ? 'other-path' : 'other-bytes';
      fs.misdirectNext(how, (paths) => (paths.length === 0 ? undefined : rng.pick(paths)));
      return { how };
    }
    case 'eio':
      if (fault.op === 'read') fs.failReads(EIO_CALLS);
      else fs.failWrites(EIO_CALLS);
      return {};
    case 'disk-full':
      fs.setFull(true);
      return {};
    case 'disk-free':
      fs.setFull(false);
      return {};
  }
}
