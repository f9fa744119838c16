/**
 * A replica volume with crash and disk faults, in the style of non-durable files: it wraps a
 * memfs volume and keeps a journal of every path changed since the last `sync()`.
 * - A process crash throws CrashError at an armed write point; the volume survives.
 * - A power crash additionally loses, keeps or tears each unsynced change (drawn from
 *   the node's fault rng stream), the way a disk cache does.
 * - Disk faults (sim/diskFaults.ts draws their targets): bit rot flips a byte of a synced
 *   object file; a misdirected write puts the next object file's bytes at another object's
 *   path, or another object's bytes at its path; EIO fails the next read or write; a full
 *   disk fails every write with ENOSPC until it is freed. Only `writeFile` and `readFile`
 *   fail: a rename, unlink or sync that failed would leave an outcome the replica cannot
 *   know (a failed fsync is a crash, as PostgreSQL treats it), and those are the crash faults.
 *   A failed write changes nothing on the volume.
 * While the node is down every call fails, so a crashed operation cannot write later.
 * Directory creation is treated as durable (metadata), which no replica relies on.
 */
import { MailsimError } from '../core/errors.ts';
import type { FsStat, PromisesFsLike, ReplicaFs } from '../core/fsTypes.ts';
import type { Rng } from './rng.ts';

export class CrashError extends MailsimError<'E_CRASH', { node: string }> {
  constructor(node: string) {
    super('E_CRASH', `${node} crashed`, { node });
    this.name = 'CrashError';
  }
}

/** errno names of the disk errors a call can fail with. */
export type DiskErrno = 'EIO' | 'ENOSPC';

/** A read or write the disk refused: the operation fails, and nothing of it is stored. */
export class DiskError extends MailsimError<DiskErrno, { node: string; syscall: 'read' | 'write'; path: string }> {
  constructor(errno: DiskErrno, node: string, syscall: 'read' | 'write', path: string) {
    super(errno, `${node}: ${errno} on ${syscall} of ${path}`, { node, syscall, path });
    this.name = 'DiskError';
  }
}

/** A loose object file: `<repo>/objects/<2 hex>/<38 hex>`. */
const OBJECT_FILE = /\/objects\/[0-9a-f]{2}\/[0-9a-f]{38}$/;

export function isObjectFile(path: string): boolean {
  return OBJECT_FILE.test(path);
}

/** What a misdirected write does with the next object file written. */
export type Misdirection = 'other-path' | 'other-bytes';

type Original = { readonly existed: false } | { readonly existed: true; readonly data: Uint8Array };

/** The original of a path that did not exist: one shared value, it holds nothing. */
const NEW_FILE: Original = Object.freeze({ existed: false });

/** What the last unsynced change to a path was: a rename target is replaced whole or not at all. */
type ChangeKind = 'write' | 'rename';

interface JournalEntry {
  readonly original: Original;
  kind: ChangeKind;
}

export interface PowerLossReport {
  readonly kept: number;
  readonly lost: number;
  readonly torn: number;
}

export class FaultyFs implements ReplicaFs {
  private readonly node: string;
  private readonly inner: PromisesFsLike;
  /** Each path changed since the last sync: its original content and its last change (one entry, one lookup per write). */
  private readonly journal = new Map<string, JournalEntry>();
  private writesUntilCrash: number | null = null;
  private down = false;
  /**
   * Test-only mutant hook: a sync makes durable only what was written before the previous
   * sync, so an operation is acknowledged one sync before its last write (the ref update)
   * is durable. The repository stays consistent; the acknowledged change can be lost.
   */
  private durabilityLags = false;
  private writtenBeforeLastSync = new Set<string>();
  /**
   * Every file on the volume. All changes go through this wrapper, so it knows which paths
   * exist without asking the volume (an ENOENT error per new file costs more than the write).
   */
  private readonly files = new Set<string>();
  /** Disk faults: reads and writes still to fail with EIO, a full disk, an armed misdirection. */
  private readErrors = 0;
  private writeErrors = 0;
  private full = false;
  private misdirection: { readonly how: Misdirection; readonly pick: (paths: readonly string[]) => string | undefined } | null = null;

  /** `inner` must be a fresh, empty volume that only this wrapper changes. */
  constructor(node: string, inner: PromisesFsLike) {
    this.node = node;
    this.inner = inner;
  }

  /** The next `writes` write calls succeed; the one after throws CrashError and the node is down. */
  armCrash(writes: number): void {
    this.writesUntilCrash = writes;
  }

  disarm(): void {
    this.writesUntilCrash = null;
  }

  get isDown(): boolean {
    return this.down;
  }

  /** Marks the volume down (a crash between operations). */
  crashNow(): void {
    this.down = true;
    this.writesUntilCrash = null;
  }

  setDurabilityLag(lags: boolean): void {
    this.durabilityLags = lags;
  }

  /** Power loss: every unsynced change is kept, lost or torn; then the journal is empty. */
  async losePower(rng: Rng): Promise<PowerLossReport> {
    let kept = 0;
    let lost = 0;
    let torn = 0;
    const paths = [...this.journal.keys()].sort();
    for (const path of paths) {
      const { original, kind } = this.journal.get(path) as JournalEntry;
      const fate = rng.int(0, 2);
      // rename(2) is atomic: its target is either the old or the new file, never a torn one.
      if (fate === 0 || (fate === 2 && kind === 'rename')) {
        kept++;
      } else if (fate === 1 || !this.files.has(path)) {
        await this.restore(path, original);
        lost++;
      } else {
        const data = await this.readRaw(path);
        await this.inner.writeFile(path, data.subarray(0, rng.int(0, Math.max(0, data.length - 1))));
        torn++;
      }
    }
    this.journal.clear();
    this.writtenBeforeLastSync.clear();
    return { kept, lost, torn };
  }

  /** Brings the volume back up after a crash (the replica then recovers from it). */
  restart(): void {
    this.down = false;
    this.writesUntilCrash = null;
  }

  // ---------- disk faults ----------

  /** Synced object files, sorted: what bit rot can strike (an unsynced one is still in the cache). */
  syncedObjectFiles(): string[] {
    return [...this.files].filter((path) => isObjectFile(path) && !this.journal.has(path)).sort();
  }

  /** Bit rot: the byte at `offset` (modulo the size) of a synced file flips, durably. */
  async rot(path: string, offset: number): Promise<void> {
    const data = Uint8Array.from(await this.readRaw(path));
    if (data.length === 0) return;
    const at = offset % data.length;
    data[at] = (data[at] as number) ^ 0xff;
    await this.inner.writeFile(path, data);
  }

  /** The next `count` reads fail with EIO (a transient error: read again, it may succeed). */
  failReads(count: number): void {
    this.readErrors += count;
  }

  /** The next `count` writes fail with EIO. */
  failWrites(count: number): void {
    this.writeErrors += count;
  }

  /** A full disk: every write fails with ENOSPC until `setFull(false)`. */
  setFull(full: boolean): void {
    this.full = full;
  }

  get isFull(): boolean {
    return this.full;
  }

  /** The next object file written lands wrong; `pick` chooses the other object file among those on the volume. */
  misdirectNext(how: Misdirection, pick: (paths: readonly string[]) => string | undefined): void {
    this.misdirection = { how, pick };
  }

  async readFile(path: string): Promise<Uint8Array> {
    this.checkUp();
    if (this.readErrors > 0) {
      this.readErrors--;
      throw new DiskError('EIO', this.node, 'read', path);
    }
    return bytesOf(await this.inner.readFile(path));
  }

  async writeFile(path: string, data: Uint8Array | string): Promise<void> {
    this.writePoint();
    if (this.full) throw new DiskError('ENOSPC', this.node, 'write', path);
    if (this.writeErrors > 0) {
      this.writeErrors--;
      throw new DiskError('EIO', this.node, 'write', path);
    }
    const misdirected = this.misdirection !== null && isObjectFile(path) ? await this.misdirect(path, data) : false;
    if (misdirected) return;
    // Awaited only when there is something to read: this is the call a replica makes most.
    const remembering = this.remember(path, 'write');
    if (remembering !== undefined) await remembering;
    await this.inner.writeFile(path, data);
    this.files.add(path);
  }

  /** Carries out an armed misdirection on a write to `path`; false when no other object file exists to confuse it with. */
  private async misdirect(path: string, data: Uint8Array | string): Promise<boolean> {
    const { how, pick } = this.misdirection as NonNullable<FaultyFs['misdirection']>;
    const other = pick([...this.files].filter((file) => isObjectFile(file) && file !== path).sort());
    if (other === undefined) return false;
    this.misdirection = null;
    // other-path: the data goes to the other file, and the file meant is never made;
    // other-bytes: the file meant holds the other object's bytes.
    const [target, bytes] = how === 'other-path' ? [other, data] : [path, await this.readRaw(other)];
    await this.remember(target, 'write');
    await this.inner.writeFile(target, bytes);
    this.files.add(target);
    return true;
  }

  async rename(from: string, to: string): Promise<void> {
    this.writePoint();
    await this.remember(from, 'write');
    await this.remember(to, 'rename');
    await this.inner.rename(from, to);
    if (this.files.delete(from)) this.files.add(to);
  }

  async unlink(path: string): Promise<void> {
    this.writePoint();
    await this.remember(path, 'write');
    await this.inner.unlink(path);
    this.files.delete(path);
  }

  async mkdir(path: string): Promise<void> {
    this.writePoint();
    await this.inner.mkdir(path, { recursive: true });
  }

  async readdir(path: string): Promise<string[]> {
    this.checkUp();
    return (await this.inner.readdir(path)).map((entry) => String(entry));
  }

  async stat(path: string): Promise<FsStat> {
    this.checkUp();
    return this.inner.stat(path);
  }

  async sync(): Promise<void> {
    this.writePoint();
    if (!this.durabilityLags) {
      this.journal.clear();
      return;
    }
    for (const path of this.writtenBeforeLastSync) {
      this.journal.delete(path);
    }
    this.writtenBeforeLastSync = new Set(this.journal.keys());
  }

  private checkUp(): void {
    if (this.down) throw new CrashError(this.node);
  }

  /** Synchronous, so a write pays no extra await for it; a throw still rejects the calling write. */
  private writePoint(): void {
    this.checkUp();
    if (this.writesUntilCrash === null) return;
    if (this.writesUntilCrash === 0) {
      this.crashNow();
      throw new CrashError(this.node);
    }
    this.writesUntilCrash--;
  }

  /**
   * Journals the original of `path` before its first change since the last sync. Returns a
   * promise only when that means reading the file's bytes, so most writes await nothing here.
   */
  private remember(path: string, kind: ChangeKind): Promise<void> | undefined {
    const entry = this.journal.get(path);
    if (entry !== undefined) {
      entry.kind = kind;
      return undefined;
    }
    if (!this.files.has(path)) {
      this.journal.set(path, { original: NEW_FILE, kind });
      return undefined;
    }
    return this.journalOriginal(path, kind);
  }

  private async journalOriginal(path: string, kind: ChangeKind): Promise<void> {
    this.journal.set(path, { original: { existed: true, data: await this.readRaw(path) }, kind });
  }

  private async restore(path: string, original: Original): Promise<void> {
    if (original.existed) {
      await this.inner.writeFile(path, original.data);
      this.files.add(path);
    } else if (this.files.delete(path)) await this.inner.unlink(path);
  }

  private async readRaw(path: string): Promise<Uint8Array> {
    return bytesOf(await this.inner.readFile(path));
  }
}

function bytesOf(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? new TextEncoder().encode(data) : data;
}
