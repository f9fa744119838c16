/**
 * Which code produced a result: the git commit of the checkout (with `+dirty` when tracked
 * files differ from it), and always a SHA-256 over the source files that decide a run, so a
 * result from a packed install with no git still names its code. Computed once per process.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CodeIdentity } from '../sim/resultTypes.ts';

export type { CodeIdentity };

/** The folders whose files decide what a run does and reports. */
export const SOURCE_FOLDERS = ['core', 'sim', 'backends', 'scenarios', 'reports', 'cli'] as const;
const SOURCE_EXTENSION = /\.(ts|mjs|ya?ml|json)$/;
const SOURCE_FILES_MAX = 5_000;


const ROOT = fileURLToPath(new URL('..', import.meta.url));
let cached: CodeIdentity | undefined;

function sourceFiles(dir: string, found: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(path, found);
    else if (SOURCE_EXTENSION.test(entry.name)) found.push(path);
    if (found.length > SOURCE_FILES_MAX) throw new Error(`assertion failed: more than SOURCE_FILES_MAX (${SOURCE_FILES_MAX}) source files under ${ROOT}`);
  }
}

function sourceHash(): string {
  const files: string[] = [];
  for (const folder of SOURCE_FOLDERS) sourceFiles(join(ROOT, folder), files);
  const hash = createHash('sha256');
  for (const file of files.map((path) => relative(ROOT, path).split('\\').join('/')).sort()) {
    hash.update(`${file}\0`).update(readFileSync(join(ROOT, file))).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

function gitCommit(): string | null {
  const git = (args: string[]) => spawnSync('git', ['-C', ROOT, ...args], { encoding: 'utf8' });
  const head = git(['rev-parse', '--verify', 'HEAD']);
  if (head.status !== 0) return null;
  // Only a checkout of mailsim itself counts (an install inside another repository does not).
  if (git(['rev-parse', '--show-toplevel']).stdout.trim() !== ROOT.replace(/[\\/]$/, '')) return null;
  const dirty = git(['status', '--porcelain', '--untracked-files=no', '--', ...SOURCE_FOLDERS]).stdout.trim() !== '';
  return `${head.stdout.trim()}${dirty ? '+dirty' : ''}`;
}

export function codeIdentity(): CodeIdentity {
  cached ??= { commit: gitCommit(), sourceSha256: sourceHash() };
  return cached;
}
