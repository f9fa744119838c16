/**
 * A simulated server's volume with its loose objects kept in plain maps. A replica writes
 * about one object file per tree it changes, and a cluster run leaves some 200,000 of them
 * on its volumes; as memfs files each costs a node, a link, four dates and a path walk per
 * call, which was a tenth of a cluster run's time and most of its memory. Here an object
 * file is one map entry under its folder.
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
const HEX = /^[0-9a-f]+$/;

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
  readonly file: string | undefined;
}

/** Splits an object path by position (this runs on every volume call, so no regular expression on the common path). */
function objectPath(path: string): ObjectPath | null {
  const n = path.length;
  const fileAt = n - FILE_CHARS - 1;
  const folderAt = fileAt - FOLDER_CHARS - 1;
  if (folderAt > OBJECTS.length && path.charCodeAt(fileAt) === SLASH && path.charCodeAt(folderAt) === SLASH && path.endsWith(OBJECTS, folderAt)) {
    const folder = path.slice(folderAt + 1, fileAt);
    const file = path.slice(fileAt + 1);
    if (HEX.test(folder) && HEX.test(file)) return { root: path.slice(0, folderAt), folder, file };
    return null;
  }
  const shortAt = n - FOLDER_CHARS - 1;
  if (shortAt > OBJECTS.length && path.charCodeAt(shortAt) === SLASH && path.endsWith(OBJECTS, shortAt)) {
    const folder = path.slice(shortAt + 1);
    return HEX.test(folder) ? { root: path.slice(0, shortAt), folder, file: undefined } : null;
  }
  if (path.endsWith(OBJECTS) && n > OBJECTS.length) return { root: path, folder: undefined, file: undefined };
  return null;
}

const fileStat = (size: number): FsStat => ({ isFile: () => true, isDirectory: () => false, size });
const folderStat: FsStat = { isFile: () => false, isDirectory: () => true, size: 0 };

export class ObjectVolume implements PromisesFsLike {
  /** objects folder -> two-hex folder -> file name -> bytes. A root or folder is here once it was made. */
  private readonly roots = new Map<string, Map<string, Map<string, Uint8Array>>>();

  /** `rest` holds every path that is not an object path. */
  constructor(private readonly rest: PromisesFsLike) {}

  private folderOf(path: ObjectPath): Map<string, Uint8Array> | undefined {
    return path.folder === undefined ? undefined : this.roots.get(path.root)?.get(path.folder);
  }

  async readFile(path: string): Promise<Uint8Array | string> {
    const at = objectPath(path);
    if (at === null) return this.rest.readFile(path);
    if (at.file === undefined) {
      if (this.exists(at)) throw new VolumeError('EISDIR', 'read', path);
      throw new VolumeError('ENOENT', 'open', path);
    }
    const data = this.folderOf(at)?.get(at.file);
    if (data === undefined) throw new VolumeError('ENOENT', 'open', path);
    return data;
  }

  async writeFile(path: string, data: Uint8Array | string): Promise<void> {
    const at = objectPath(path);
    if (at === null) return this.rest.writeFile(path, data);
    const folder = this.folderOf(at);
    if (at.file === undefined) throw new VolumeError(this.exists(at) ? 'EISDIR' : 'ENOENT', 'open', path);
    if (folder === undefined) throw new VolumeError('ENOENT', 'open', path);
    folder.set(at.file, typeof data === 'string' ? new TextEncoder().encode(data) : data);
  }

  async rename(from: string, to: string): Promise<void> {
    // Objects are written in place under their id; only refs are renamed.
    if (objectPath(from) !== null || objectPath(to) !== null) throw new VolumeError('ENOTSUP', 'rename', from);
    return this.rest.rename(from, to);
  }

  async unlink(path: string): Promise<void> {
    const at = objectPath(path);
    if (at === null) return this.rest.unlink(path);
    if (at.file === undefined || this.folderOf(at)?.delete(at.file) !== true) throw new VolumeError('ENOENT', 'unlink', path);
  }

  async mkdir(path: string, options: { recursive: boolean }): Promise<unknown> {
    const at = objectPath(path);
    if (at === null) return this.rest.mkdir(path, options);
    if (at.file !== undefined) throw new VolumeError('ENOTSUP', 'mkdir', path);
    // The parent of the objects folder is an ordinary directory (the repository).
    await this.rest.mkdir(at.root.slice(0, at.root.lastIndexOf('/')) || '/', { recursive: true });
    let root = this.roots.get(at.root);
    if (root === undefined) this.roots.set(at.root, (root = new Map()));
    if (at.folder !== undefined && !root.has(at.folder)) root.set(at.folder, new Map());
    return undefined;
  }

  async readdir(path: string): Promise<unknown[]> {
    const at = objectPath(path);
    if (at === null) return this.rest.readdir(path);
    if (at.file !== undefined) throw new VolumeError(this.folderOf(at)?.has(at.file) === true ? 'ENOTDIR' : 'ENOENT', 'scandir', path);
    if (!this.exists(at)) throw new VolumeError('ENOENT', 'scandir', path);
    const entries = at.folder === undefined ? this.roots.get(at.root) : this.folderOf(at);
    return [...(entries as ReadonlyMap<string, unknown>).keys()].sort();
  }

  async stat(path: string): Promise<FsStat> {
    const at = objectPath(path);
    if (at === null) return this.rest.stat(path);
    if (at.file !== undefined) {
      const data = this.folderOf(at)?.get(at.file);
      if (data === undefined) throw new VolumeError('ENOENT', 'stat', path);
      return fileStat(data.length);
    }
    if (!this.exists(at)) throw new VolumeError('ENOENT', 'stat', path);
    return folderStat;
  }

  private exists(at: ObjectPath): boolean {
    return at.folder === undefined ? this.roots.has(at.root) : this.folderOf(at) !== undefined;
  }
}
