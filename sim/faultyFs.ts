/**
 * A replica volume with crash faults, in the style of non-durable files: it wraps a
 * memfs volume and keeps a journal of every path changed since the last `sync()`.
 * - A process crash throws CrashError at an armed write point; the volume survives.
 * - A power crash additionally loses, keeps or tears each unsynced change (drawn from
 *   the node's fault rng stream), the way a disk cache does.
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

type Original = { readonly existed: false } | { readonly existed: true; readonly data: Uint8Array };

/** What the last unsynced change to a path was: a rename target is replaced whole or not at all. */
type ChangeKind = 'write' | 'rename';

export interface PowerLossReport {
  readonly kept: number;
  readonly lost: number;
  readonly torn: number;
}

export class FaultyFs implements ReplicaFs {
  private readonly node: string;
  private readonly inner: PromisesFsLike;
  /** Original content of each path changed since the last sync. */
  private readonly journal = new Map<string, Original>();
  private readonly lastChange = new Map<string, ChangeKind>();
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
      const original = this.journal.get(path) as Original;
      const fate = rng.int(0, 2);
      // rename(2) is atomic: its target is either the old or the new file, never a torn one.
      if (fate === 0 || (fate === 2 && this.lastChange.get(path) === 'rename')) {
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
    this.lastChange.clear();
    this.writtenBeforeLastSync.clear();
    return { kept, lost, torn };
  }

  /** Brings the volume back up after a crash (the replica then recovers from it). */
  restart(): void {
    this.down = false;
    this.writesUntilCrash = null;
  }

  async readFile(path: string): Promise<Uint8Array> {
    this.checkUp();
    return this.readRaw(path);
  }

  async writeFile(path: string, data: Uint8Array | string): Promise<void> {
    await this.writePoint();
    await this.remember(path, 'write');
    await this.inner.writeFile(path, data);
    this.files.add(path);
  }

  async rename(from: string, to: string): Promise<void> {
    await this.writePoint();
    await this.remember(from, 'write');
    await this.remember(to, 'rename');
    await this.inner.rename(from, to);
    if (this.files.delete(from)) this.files.add(to);
  }

  async unlink(path: string): Promise<void> {
    await this.writePoint();
    await this.remember(path, 'write');
    await this.inner.unlink(path);
    this.files.delete(path);
  }

  async mkdir(path: string): Promise<void> {
    await this.writePoint();
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
    await this.writePoint();
    if (!this.durabilityLags) {
      this.journal.clear();
      this.lastChange.clear();
      return;
    }
    for (const path of this.writtenBeforeLastSync) {
      this.journal.delete(path);
      this.lastChange.delete(path);
    }
    this.writtenBeforeLastSync = new Set(this.journal.keys());
  }

  private checkUp(): void {
    if (this.down) throw new CrashError(this.node);
  }

  private async writePoint(): Promise<void> {
    this.checkUp();
    if (this.writesUntilCrash === null) return;
    if (this.writesUntilCrash === 0) {
      this.crashNow();
      throw new CrashError(this.node);
    }
    this.writesUntilCrash--;
  }

  private async remember(path: string, kind: ChangeKind): Promise<void> {
    this.lastChange.set(path, kind);
    if (this.journal.has(path)) return;
    this.journal.set(path, this.files.has(path) ? { existed: true, data: await this.readRaw(path) } : { existed: false });
  }

  private async restore(path: string, original: Original): Promise<void> {
    if (original.existed) {
      await this.inner.writeFile(path, original.data);
      this.files.add(path);
    } else if (this.files.delete(path)) await this.inner.unlink(path);
  }

  private async readRaw(path: string): Promise<Uint8Array> {
    const data = await this.inner.readFile(path);
    return typeof data === 'string' ? new TextEncoder().encode(data) : data;
  }
}
