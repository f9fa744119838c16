/**
 * A file the CLI writes whole or not at all (`--history`, `--finals`): the text goes to a
 * temporary file beside it, renamed over the target once complete, so a reader never sees
 * half a history and a failed write leaves the old file as it was. The temporary file is
 * opened before the run starts, so a missing folder or a read-only one is reported at
 * once, not after minutes of simulation. Every failure is an OutputFileError (exit 2).
 */
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MailsimError } from '../core/errors.ts';

export class OutputFileError extends MailsimError<'E_OUTPUT', { option: string; path: string; reason: string }> {
  constructor(option: string, path: string, reason: string) {
    super('E_OUTPUT', `${option} ${path}: ${reason}`, { option, path, reason });
    this.name = 'OutputFileError';
  }
}

/** Text gathered before a write call, so a long history costs few system calls. */
const WRITE_CHUNK_CHARS = 1 << 20;

export class AtomicOutput {
  readonly path: string;
  private readonly option: string;
  private readonly tempPath: string;
  private handle: FileHandle | null;

  private constructor(option: string, path: string, tempPath: string, handle: FileHandle) {
    this.option = option;
    this.path = path;
    this.tempPath = tempPath;
    this.handle = handle;
  }

  /** Opens the temporary file beside `path`; `option` names the flag in error messages. */
  static async open(option: string, path: string): Promise<AtomicOutput> {
    const existing = await stat(path).catch(() => null);
    if (existing?.isDirectory() === true) throw new OutputFileError(option, path, 'is a folder, not a file');
    const tempPath = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
    try {
      return new AtomicOutput(option, path, tempPath, await open(tempPath, 'w'));
    } catch (error) {
      throw new OutputFileError(option, path, reasonOf(error, `cannot create a file in ${dirname(path)}`));
    }
  }

  /** Writes every chunk, then renames the temporary file over the target. */
  async commit(chunks: Iterable<string>): Promise<void> {
    const handle = this.handle;
    if (handle === null) throw new Error(`assertion failed: ${this.option} ${this.path} written twice`);
    try {
      let pending = '';
      for (const chunk of chunks) {
        pending += chunk;
        if (pending.length >= WRITE_CHUNK_CHARS) {
          await handle.write(pending);
          pending = '';
        }
      }
      if (pending !== '') await handle.write(pending);
      await handle.close();
      this.handle = null;
      await rename(this.tempPath, this.path);
    } catch (error) {
      await this.discard();
      throw new OutputFileError(this.option, this.path, reasonOf(error, 'cannot write'));
    }
  }

  /** Removes the temporary file, if it is still there (the run failed, or commit did). */
  async discard(): Promise<void> {
    await this.handle?.close().catch(() => undefined);
    this.handle = null;
    await rm(this.tempPath, { force: true }).catch(() => undefined);
  }
}

/** One line: what the system said (`ENOENT: no such file or directory...`), or `fallback`. */
function reasonOf(error: unknown, fallback: string): string {
  return error instanceof Error && error.message !== '' ? `${fallback}: ${error.message}` : fallback;
}
