/**
 * The filesystem a replica writes through. It is injected (memfs in the simulator and
 * tests, node:fs for export), never imported. It is deliberately small so the simulator
 * can wrap it with crash faults: a process crash throws from any call, and a power crash
 * may lose or tear every write issued since the last `sync()`.
 */
export interface FsStat {
  isFile(): boolean;
  isDirectory(): boolean;
  readonly size: number;
}

export interface ReplicaFs {
  /** Rejects with an error whose `code` is 'ENOENT' when the file is missing. */
  readFile(path: string): Promise<Uint8Array>;
  writeFile(path: string, data: Uint8Array | string): Promise<void>;
  /** Atomic replace of `to` (the way refs are updated). */
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  mkdir(path: string): Promise<void>;
  /** Entry names; rejects with code 'ENOENT' when the directory is missing. */
  readdir(path: string): Promise<string[]>;
  stat(path: string): Promise<FsStat>;
  /** Durability barrier: every write issued before it survives a power loss. */
  sync(): Promise<void>;
}

/** The promise API that memfs and node:fs both provide (the subset used here). */
export interface PromisesFsLike {
  readFile(path: string): Promise<Uint8Array | string>;
  writeFile(path: string, data: Uint8Array | string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  mkdir(path: string, options: { recursive: boolean }): Promise<unknown>;
  readdir(path: string): Promise<unknown[]>;
  stat(path: string): Promise<FsStat>;
}

/** Adapts a node-style promises fs (memfs's `fs.promises`, or node:fs/promises) to ReplicaFs. */
export function replicaFsFrom(fsp: PromisesFsLike, sync: () => Promise<void> = async () => {}): ReplicaFs {
  return {
    async readFile(path) {
      const data = await fsp.readFile(path);
      return typeof data === 'string' ? new TextEncoder().encode(data) : data;
    },
    writeFile: (path, data) => fsp.writeFile(path, data),
    rename: (from, to) => fsp.rename(from, to),
    unlink: (path) => fsp.unlink(path),
    async mkdir(path) {
      await fsp.mkdir(path, { recursive: true });
    },
    async readdir(path) {
      return (await fsp.readdir(path)).map((entry) => String(entry));
    },
    stat: (path) => fsp.stat(path),
    sync,
  };
}
