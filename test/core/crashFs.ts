/** Test helper: an in-memory ReplicaFs that can crash at any call, as a process crash (writes stay) or a power loss (unsynced writes lost or torn). */
import type { FsStat, ReplicaFs } from '../../core/fsTypes.ts';

type Pending =
  | { kind: 'write'; path: string; data: Uint8Array }
  | { kind: 'rename'; from: string; to: string }
  | { kind: 'unlink'; path: string }
  | { kind: 'mkdir'; path: string };

function missing(path: string): Error {
  return Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
}

export class CrashError extends Error {}

export class CrashFs implements ReplicaFs {
  files = new Map<string, Uint8Array>();
  dirs = new Set<string>(['/']);
  private durableFiles = new Map<string, Uint8Array>();
  private durableDirs = new Set<string>(['/']);
  private pending: Pending[] = [];
  /** Calls allowed before the crash; Infinity = never crash. */
  callsLeft = Infinity;
  calls = 0;

  private tick(): void {
    this.calls++;
    if (this.callsLeft <= 0) throw new CrashError('crash');
    this.callsLeft--;
  }

  async readFile(path: string): Promise<Uint8Array> {
    this.tick();
    const data = this.files.get(path);
    if (!data) throw missing(path);
    return data.slice();
  }
  async writeFile(path: string, data: Uint8Array | string): Promise<void> {
    this.tick();
    const parent = path.slice(0, path.lastIndexOf('/')) || '/';
    if (!this.dirs.has(parent)) throw missing(parent);
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data.slice();
    this.files.set(path, bytes);
    this.pending.push({ kind: 'write', path, data: bytes });
  }
  async rename(from: string, to: string): Promise<void> {
    this.tick();
    const data = this.files.get(from);
    if (!data) throw missing(from);
    this.files.delete(from);
    this.files.set(to, data);
    this.pending.push({ kind: 'rename', from, to });
  }
  async unlink(path: string): Promise<void> {
    this.tick();
    if (!this.files.delete(path)) throw missing(path);
    this.pending.push({ kind: 'unlink', path });
  }
  async mkdir(path: string): Promise<void> {
    this.tick();
    const parts = path.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) this.dirs.add(`/${parts.slice(0, i).join('/')}`);
    this.pending.push({ kind: 'mkdir', path });
  }
  async readdir(path: string): Promise<string[]> {
    this.tick();
    if (!this.dirs.has(path)) throw missing(path);
    const prefix = path === '/' ? '/' : `${path}/`;
    const names = new Set<string>();
    for (const key of [...this.files.keys(), ...this.dirs]) {
      if (key.startsWith(prefix) && key.length > prefix.length) names.add(key.slice(prefix.length).split('/')[0] as string);
    }
    return [...names].sort();
  }
  async stat(path: string): Promise<FsStat> {
    this.tick();
    const file = this.files.get(path);
    if (file) return { isFile: () => true, isDirectory: () => false, size: file.length };
    if (this.dirs.has(path)) return { isFile: () => false, isDirectory: () => true, size: 0 };
    throw missing(path);
  }
  async sync(): Promise<void> {
    this.tick();
    this.durableFiles = new Map(this.files);
    this.durableDirs = new Set(this.dirs);
    this.pending = [];
  }

  /** A power loss: back to the last sync, then each later write survives, vanishes or is torn as `draw` says. */
  powerLoss(draw: (n: number) => number): void {
    const files = new Map(this.durableFiles);
    const dirs = new Set(this.durableDirs);
    for (const op of this.pending) {
      const fate = draw(3); // 0 lost, 1 kept, 2 torn (writes) / kept
      if (fate === 0) continue;
      if (op.kind === 'write') {
        if (!dirs.has(op.path.slice(0, op.path.lastIndexOf('/')))) continue;
        files.set(op.path, fate === 2 ? op.data.slice(0, draw(op.data.length + 1)) : op.data);
      } else if (op.kind === 'rename') {
        const data = files.get(op.from);
        if (data) {
          files.delete(op.from);
          files.set(op.to, data);
        }
      } else if (op.kind === 'unlink') files.delete(op.path);
      else {
        const parts = op.path.split('/').filter(Boolean);
        for (let i = 1; i <= parts.length; i++) dirs.add(`/${parts.slice(0, i).join('/')}`);
      }
    }
    this.files = files;
    this.dirs = dirs;
    this.durableFiles = new Map(files);
    this.durableDirs = new Set(dirs);
    this.pending = [];
    this.callsLeft = Infinity;
  }
}
