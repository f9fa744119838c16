/**
 * A simulated server's volume with its loose objects kept in plain maps. A replica writes
 * about one object file per tree it changes, and a cluster run leaves some 200,000 of them
 * on its volumes; as memfs files each costs a node, a link, four dates and a path walk per
 * call, which was a tenth of a cluster run's time and most of its memory. Here an object
 * file is one map entry keyed by its path: the caller (FaultyFs) has already hashed that
 * string, so a read or an overwrite is one lookup, with no parse of the path.
 *
 * Everything else (HEAD, config, refs and their lock files) stays on the memfs volume, where
 * renames, locks and directory listings behave as a filesystem's. Durability is not decided
 * here: FaultyFs, above this volume, journals every unsynced change to either part the same
 * way and decides what a power loss keeps, loses or tears.
 *
 * The object part answers as memfs does for the calls an object store makes: ENOENT for a
 * missing file or folder (also when writing into a folder never made), EISDIR for reading a
 * folder. Stored bytes are never copied or changed: writers hand over fresh buffers, and a
 * torn write stores a shorter view.
 */
import type { FsStat, PromisesFsLike } from '../core/fsTypes.ts';

/** `<repo>/objects`, `<repo>/objects/ab` and `<repo>/objects/ab/<38 hex>` are object paths. */
const OBJECTS = '/objects';
const SLASH = 0x2f;

/** An id's folder and file name, as the object store writes them. */
const FOLDER_CHARS = 2;
const FILE_CHARS = 38;

/** Error codes a volume call can fail with (node's and memfs's errno names). */
export type VolumeErrorCode = 'ENOENT' | 'EISDIR' | 'ENOTDIR' | 'ENOTSUP';

/** A filesystem error with the errno code node and memfs use. */
export class VolumeError extends Error {
  constructor(
    readonly code: VolumeErrorCode,
    readonly syscall: string,
    readonly path: string,
  ) {
    super(`${code}: ${syscall} '${path}'`);
    this.name = 'VolumeError';
  }
}

interface ObjectPath {
  readonly root: string;
  readonly folder: string | undefined;
  /** `<root>/objects/<folder>`, when the path names a folder or a file in one. */
  readonly folderPath: string | undefined;
  readonly file: string | undefined;
}

/** Whether `path` holds only lowercase hex digits from `from` to `to` (no slice, no regular expression). */
function isHex(path: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = path.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

/** Where the file name of an object file path starts after its slash, or -1 when `path` names no object file. */
function objectFileAt(path: string): number {
  const n = path.length;
  const fileAt = n - FILE_CHARS - 1;
  const folderAt = fileAt - FOLDER_CHARS - 1;
  const isFile = folderAt > OBJECTS.length && path.charCodeAt(fileAt) === SLASH && path.charCodeAt(folderAt) === SLASH && path.endsWith(OBJECTS, folderAt);
  return isFile && isHex(path, folderAt + 1, fileAt) && isHex(path, fileAt + 1, n) ? fileAt : -1;
}

/** Splits an object path by position; null for any other path. */
function objectPath(path: string): ObjectPath | null {
  const n = path.length;
  const fileAt = objectFileAt(path);
  if (fileAt >= 0) {
    const folderAt = fileAt - FOLDER_CHARS - 1;
    return { root: path.slice(0, folderAt), folder: path.slice(folderAt + 1, fileAt), folderPath: path.slice(0, fileAt), file: path.slice(fileAt + 1) };
  }
  const shortAt = n - FOLDER_CHARS - 1;
  if (shortAt > OBJECTS.length && path.charCodeAt(shortAt) === SLASH && path.endsWith(OBJECTS, shortAt)) {
    return isHex(path, shortAt + 1, n) ? { root: path.slice(0, shortAt), folder: path.slice(shortAt + 1), folderPath: path, file: undefined } : null;
  }
  if (path.endsWith(OBJECTS) && n > OBJECTS.length) return { root: path, folder: undefined, folderPath: undefined, file: undefined };
  return null;
}

const fileStat = (size: number): FsStat => ({ isFile: () => true, isDirectory: () => false, size });
const folderStat: FsStat = { isFile: () => false, isDirectory: () => true, size: 0 };

export class ObjectVolume implements PromisesFsLike {
  /** Object file path -> bytes. Only paths `objectPath` accepts as files, in folders made, get here. */
  private readonly files = new Map<string, Uint8Array>();
  /** objects folder -> the two-hex folders made in it. A root is here once it was made. */
  private readonly roots = new Map<string, Set<string>>();
  /** Every folder made, by its path. */
  private readonly folders = new Set<string>();
  /**
   * Folder path -> the names of its files, for readdir. Built at the first readdir of a folder
   * (recovery lists them) and kept from then on, so a run that never lists pays nothing for it.
   */
  private listing: Map<string, Set<string>> | null = null;

  /** `rest` holds every path that is not an object path. */
  constructor(private readonly rest: PromisesFsLike) {}

  async readFile(path: string): Promise<Uint8Array | string> {
    const data = this.files.get(path);
    if (data !== undefined) return data;
    const at = objectPath(path);
    if (at === null) return this.rest.readFile(path);
    if (at.file === undefined && this.exists(at)) throw new VolumeError('EISDIR', 'read', path);
    throw new VolumeError('ENOENT', 'open', path);
  }

  async writeFile(path: string, data: Uint8Array | string): Promise<void> {
    if (this.files.has(path)) {
      this.files.set(path, bytesOf(data));
      return;
    }
    const fileAt = objectFileAt(path);
    if (fileAt < 0) return this.writeOther(path, data);
    const folderPath = path.slice(0, fileAt);
    if (!this.folders.has(folderPath)) throw new VolumeError('ENOENT', 'open', path);
    this.files.set(path, bytesOf(data));
    this.listing?.get(folderPath)?.add(path.slice(fileAt + 1));
  }

  /** A write to a path that names no object file: an objects folder refuses it, anything else is memfs's. */
  private async writeOther(path: string, data: Uint8Array | string): Promise<void> {
    const at = objectPath(path);
    if (at === null) return this.rest.writeFile(path, data);
    throw new VolumeError(this.exists(at) ? 'EISDIR' : 'ENOENT', 'open', path);
  }

  async rename(from: string, to: string): Promise<void> {
    // Objects are written in place under their id; only refs are renamed.
    if (objectPath(from) !== null || objectPath(to) !== null) throw new VolumeError('ENOTSUP', 'rename', from);
    return this.rest.rename(from, to);
  }

  async unlink(path: string): Promise<void> {
    const at = objectPath(path);
    if (at === null) return this.rest.unlink(path);
    if (at.file === undefined || !this.files.delete(path)) throw new VolumeError('ENOENT', 'unlink', path);
    this.listing?.get(at.folderPath as string)?.delete(at.file);
  }

  async mkdir(path: string, options: { recursive: boolean }): Promise<unknown> {
    const at = objectPath(path);
    if (at === null) return this.rest.mkdir(path, options);
    if (at.file !== undefined) throw new VolumeError('ENOTSUP', 'mkdir', path);
    // The parent of the objects folder is an ordinary directory (the repository).
    await this.rest.mkdir(at.root.slice(0, at.root.lastIndexOf('/')) || '/', { recursive: true });
    let root = this.roots.get(at.root);
    if (root === undefined) this.roots.set(at.root, (root = new Set()));
    if (at.folder !== undefined && at.folderPath !== undefined && !this.folders.has(at.folderPath)) {
      root.add(at.folder);
      this.folders.add(at.folderPath);
      this.listing?.set(at.folderPath, new Set());
    }
    return undefined;
  }

  async readdir(path: string): Promise<unknown[]> {
    const at = objectPath(path);
    if (at === null) return this.rest.readdir(path);
    if (at.file !== undefined) throw new VolumeError(this.files.has(path) ? 'ENOTDIR' : 'ENOENT', 'scandir', path);
    if (!this.exists(at)) throw new VolumeError('ENOENT', 'scandir', path);
    const entries = at.folderPath === undefined ? this.roots.get(at.root) : this.listed().get(at.folderPath);
    return [...(entries as ReadonlySet<string>)].sort();
  }

  async stat(path: string): Promise<FsStat> {
    const data = this.files.get(path);
    if (data !== undefined) return fileStat(data.length);
    const at = objectPath(path);
    if (at === null) return this.rest.stat(path);
    if (at.file !== undefined || !this.exists(at)) throw new VolumeError('ENOENT', 'stat', path);
    return folderStat;
  }

  private exists(at: ObjectPath): boolean {
    return at.folderPath === undefined ? this.roots.has(at.root) : this.folders.has(at.folderPath);
  }

  /** The listing of every folder, built from the files on the first call. */
  private listed(): Map<string, Set<string>> {
    if (this.listing !== null) return this.listing;
    const listing = new Map<string, Set<string>>([...this.folders].map((folder) => [folder, new Set<string>()]));
    for (const path of this.files.keys()) {
      const fileAt = path.length - FILE_CHARS - 1;
      (listing.get(path.slice(0, fileAt)) as Set<string>).add(path.slice(fileAt + 1));
    }
    this.listing = listing;
    return listing;
  }
}

function bytesOf(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? new TextEncoder().encode(data) : data;
}
