/**
 * git's loose-object store and one branch ref on the injected fs.
 *
 * Objects are staged in memory by `put` and written by `writeStaged` (children before
 * parents, in put order). The ref moves only through `updateRef`: lock file, rename, then
 * sync. With objects synced before the ref, a ref never names a missing object; `recover`
 * deletes stale lock files and any object file a crash tore (it fails its id check).
 */
import type { ReplicaFs } from './fsTypes.ts';
import { MailsimError } from './errors.ts';
import { BadObjectError, inflateObject, type EncodedObject, type TreeEntry } from './objects.ts';
import { BoundedCache } from './boundedCache.ts';
import { LayoutCache, type ObjectSink, type ObjectSource } from './layout.ts';
import { DeflateMemo } from './deflateMemo.ts';

export const BRANCH_REF = 'refs/heads/main';

/** An object the store should hold but does not (an incomplete transfer, a missing repository). */
export class MissingObjectError extends MailsimError<'E_MISSING_OBJECT', { id: string }> {
  constructor(id: string) {
    super('E_MISSING_OBJECT', `missing object ${id}`, { id });
    this.name = 'MissingObjectError';
  }
}

/**
 * An object the store holds (its commit is durable) whose file is gone or does not hash to its
 * id: bit rot, a misdirected write. The store stops counting it as present, so it is lacking:
 * a replica never serves or builds on it, and takes it again from a peer that holds it.
 */
export class CorruptObjectError extends MailsimError<'E_CORRUPT_OBJECT', { id: string; reason: string }> {
  constructor(id: string, reason: string) {
    super('E_CORRUPT_OBJECT', `corrupt object ${id}: ${reason}`, { id, reason });
    this.name = 'CorruptObjectError';
  }
}

/** An object file that is there but not the object named: it fails zlib, its header or its id check. */
function isBadBytes(error: unknown): boolean {
  return error instanceof MailsimError && (error.code === 'E_OBJECT_ID' || error.code === 'E_BAD_OBJECT');
}

function isMissing(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT';
}

/** Decoded trees an object store keeps (named limit). */
export const TREE_ENTRIES_CACHE_MAX = 4_096;
/** Contents of recently written objects kept for the packs that follow a commit (named limits). */
export const RECENT_OBJECTS_CACHE_MAX = 1_024;
/** Bigger objects (a flat layout's `cur/` tree) are read back instead: a few would fill memory. */
export const RECENT_OBJECT_BYTES_MAX = 64 * 1024;

export class ObjectStore implements ObjectSink, ObjectSource {
  private readonly known = new Set<string>();
  /** Decoded trees by id. Consulted only while the object is present, so a lost file is still noticed. */
  private readonly trees = new BoundedCache<readonly TreeEntry[]>(TREE_ENTRIES_CACHE_MAX);
  /** Contents of what the last writes stored, so packing them for every peer inflates none of it. */
  private readonly recentObjects = new BoundedCache<EncodedObject>(RECENT_OBJECTS_CACHE_MAX);
  private readonly staged = new Map<string, EncodedObject>();
  private readonly dirsMade = new Set<string>();
  /**
   * Check every object read against its id (git's content addressing). Off only for the
   * trust-reads mutant (sim/checkers/mutants.ts): bytes read are taken for the object named.
   */
  verifyReads = true;

  constructor(
    readonly fs: ReplicaFs,
    readonly dir: string,
    /** The layout's memo for what this store writes and reads (owned by the replica or its world). */
    readonly layoutCache: LayoutCache = new LayoutCache(),
    /** Deflated forms by id (owned by the replica or its world); the packs this store's replica writes use it too. */
    readonly deflateMemo: DeflateMemo = new DeflateMemo(),
  ) {}

  objectPath(id: string): string {
    return `${this.dir}/objects/${id.slice(0, 2)}/${id.slice(2)}`;
  }

  has(id: string): boolean {
    return this.known.has(id) || this.staged.has(id);
  }

  /** Ids of every object written to the fs (staged ones excluded). */
  knownIds(): IterableIterator<string> {
    return this.known.values();
  }

  put(object: EncodedObject): void {
    if (!this.has(object.id)) this.staged.set(object.id, object);
  }

  stagedIds(): string[] {
    return [...this.staged.keys()];
  }

  /** Drops every staged object not in `keep`. */
  keepStaged(keep: ReadonlySet<string>): void {
    for (const id of [...this.staged.keys()]) if (!keep.has(id)) this.staged.delete(id);
  }

  discardStaged(): void {
    this.staged.clear();
  }

  async read(id: string): Promise<EncodedObject> {
    const staged = this.staged.get(id);
    if (staged) return staged;
    const recent = this.recentObjects.get(id);
    if (recent !== undefined && this.known.has(id)) return recent;
    const deflated = await this.readDeflated(id);
    try {
      return this.inflate(id, deflated);
    } catch (error) {
      if (isBadBytes(error) && this.known.has(id)) throw this.corrupt(id, (error as Error).message);
      throw error;
    }
  }

  /**
   * The object in a file's bytes: the world's verified object when the bytes are the very array
   * it was kept with (core/deflateMemo.ts), else inflated and checked against `id` (and then kept).
   */
  private inflate(id: string, deflated: Uint8Array): EncodedObject {
    const verified = this.deflateMemo.verified.get(id, deflated);
    if (verified !== undefined) return verified;
    const object = inflateObject(id, deflated, this.verifyReads);
    // Unchecked bytes (the trust-reads mutant) may not be the object named: never kept.
    if (this.verifyReads) this.deflateMemo.verified.remember(deflated, object);
    return object;
  }

  /** A known object found corrupt: it no longer counts as present. */
  private corrupt(id: string, reason: string): CorruptObjectError {
    this.known.delete(id);
    return new CorruptObjectError(id, reason);
  }

  async readTree(id: string): Promise<readonly TreeEntry[]> {
    const cached = this.trees.get(id);
    if (cached !== undefined && this.has(id)) return cached;
    const object = await this.read(id);
    if (object.type !== 'tree') throw new BadObjectError(id, 'expected a tree');
    const entries = this.deflateMemo.entriesOf(object);
    this.trees.set(id, entries);
    return entries;
  }

  async readDeflated(id: string): Promise<Uint8Array> {
    const staged = this.staged.get(id);
    if (staged) return this.deflateMemo.loose(staged);
    try {
      return await this.fs.readFile(this.objectPath(id));
    } catch (error) {
      if (isMissing(error)) throw this.known.has(id) ? this.corrupt(id, 'its file is gone') : new MissingObjectError(id);
      throw error;
    }
  }

  /**
   * Writes staged objects in put order; returns their ids. Not durable until the next sync.
   * On failure nothing of this call counts as present, so a later commit writes it again.
   */
  async writeStaged(): Promise<string[]> {
    const written: string[] = [];
    try {
      for (const [id, staged] of this.staged) {
        await this.writeFileOf(id, this.deflateMemo.loose(staged));
        if (staged.content.length <= RECENT_OBJECT_BYTES_MAX) this.recentObjects.set(id, staged);
        written.push(id);
      }
    } catch (error) {
      this.forget(written);
      throw error;
    }
    this.staged.clear();
    return written;
  }

  /** Writes one object's deflated bytes as given (a clone copies verified files) and counts it present. */
  async writeFileOf(id: string, deflated: Uint8Array): Promise<void> {
    const folder = `${this.dir}/objects/${id.slice(0, 2)}`;
    if (!this.dirsMade.has(folder)) {
      await this.fs.mkdir(folder);
      this.dirsMade.add(folder);
    }
    await this.fs.writeFile(this.objectPath(id), deflated);
    this.known.add(id);
  }

  /** Stops counting objects as present (their commit failed); their files may be rewritten. */
  forget(ids: Iterable<string>): void {
    for (const id of ids) this.known.delete(id);
  }

  /**
   * Points the branch at `head` and makes it durable: the lock file is synced together with
   * every object written before it, so the rename can only expose a whole ref naming whole objects.
   */
  async updateRef(head: string): Promise<void> {
    const path = `${this.dir}/${BRANCH_REF}`;
    await this.fs.writeFile(`${path}.lock`, `${head}\n`);
    await this.fs.sync();
    await this.fs.rename(`${path}.lock`, path);
    await this.fs.sync();
  }

  async readRef(): Promise<string> {
    const text = new TextDecoder().decode(await this.fs.readFile(`${this.dir}/${BRANCH_REF}`)).trim();
    if (!/^[0-9a-f]{40}$/.test(text)) throw new MissingObjectError(`${BRANCH_REF} holds ${JSON.stringify(text)}`);
    return text;
  }

  /** Deletes every object file not in `keep` (unreferenced objects a crash left behind). */
  async prune(keep: ReadonlySet<string>): Promise<void> {
    const doomed = [...this.known].filter((id) => !keep.has(id));
    for (const id of doomed) {
      await this.fs.unlink(this.objectPath(id));
      this.known.delete(id);
    }
    if (doomed.length > 0) await this.fs.sync();
  }

  /** Writes HEAD and config so the directory is a bare repository git itself can read. */
  async initRepository(): Promise<void> {
    await this.fs.mkdir(`${this.dir}/refs/heads`);
    await this.fs.mkdir(`${this.dir}/objects`);
    await this.fs.writeFile(`${this.dir}/HEAD`, `ref: ${BRANCH_REF}\n`);
    await this.fs.writeFile(`${this.dir}/config`, '[core]\n\trepositoryformatversion = 0\n\tbare = true\n');
  }

  /**
   * After a crash: deletes stale ref lock files, then reads every object file, deleting the
   * ones a crash tore or the disk corrupted (they fail to inflate or hash to another id).
   * Lock files are never read back, so rot in one is harmless. Hands over the good objects.
   */
  async recover(onObject: (object: EncodedObject) => void): Promise<void> {
    const heads = `${this.dir}/refs/heads`;
    for (const name of await this.fs.readdir(heads)) if (name.endsWith('.lock')) await this.fs.unlink(`${heads}/${name}`);
    let folders: string[] = [];
    try {
      folders = await this.fs.readdir(`${this.dir}/objects`);
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
    for (const folder of folders.sort()) {
      if (!/^[0-9a-f]{2}$/.test(folder)) continue;
      this.dirsMade.add(`${this.dir}/objects/${folder}`);
      for (const file of (await this.fs.readdir(`${this.dir}/objects/${folder}`)).sort()) {
        const id = folder + file;
        const path = this.objectPath(id);
        let object: EncodedObject;
        try {
          object = this.inflate(id, await this.fs.readFile(path));
        } catch (error) {
          if (!(error instanceof MailsimError)) throw error;
          // Torn or rotten bytes go; a file that could not be read (EIO) stays for a later
          // open, and counts as lacking now.
          if (isBadBytes(error)) await this.fs.unlink(path);
          continue;
        }
        this.known.add(id);
        onObject(object);
      }
    }
    await this.fs.sync();
  }
}
