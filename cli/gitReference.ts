/**
 * Real git's thin pack for the commits a run made: what `git pack-objects --thin` would send
 * a peer that holds the parent, measured on an exported copy of a replica. It is the
 * reference the wire figures stand beside (bench wire, and the report for scenarios that
 * set `gitReference: true`). Needs the git binary; without it the figures are null.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import * as nodeFs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportReplica } from '../core/export.ts';
import { replicaFsFrom, type PromisesFsLike } from '../core/fsTypes.ts';
import { decodeCommit } from '../core/objects.ts';
import type { Replica } from '../core/replica/replica.ts';
import type { GitReference } from '../sim/resultTypes.ts';

/** Commits of each kind measured per run: enough for a stable mean, few enough to keep a suite quick. */
export const GIT_REFERENCE_COMMITS_MAX = 40;
const GIT_OUTPUT_BYTES_MAX = 256 * 1024 * 1024;

let gitChecked: boolean | undefined;

export function gitAvailable(): boolean {
  gitChecked ??= spawnSync('git', ['--version'], { encoding: 'utf8' }).status === 0;
  return gitChecked;
}

/**
 * Bytes of the thin pack real git makes for `commit` to a receiver that holds `parent`, with
 * the offset deltas a push negotiates (`--delta-base-offset`).
 */
export function gitThinPackBytes(gitDir: string, commit: string, parent: string): number {
  const result = spawnSync('git', ['--git-dir', gitDir, 'pack-objects', '--thin', '--stdout', '--revs', '--delta-base-offset', '-q'], {
    input: `${commit}\n^${parent}\n`,
    maxBuffer: GIT_OUTPUT_BYTES_MAX,
  });
  if (result.status !== 0) throw new Error(`git pack-objects failed: ${result.stderr.toString()}`);
  return result.stdout.length;
}

/** What one commit of a replica's first-parent history carried: flag changes, deliveries or neither, and how many. */
export function commitKind(message: string): { kind: 'flag' | 'delivery' | 'other'; opCount: number } {
  const lines = message.split('\n');
  const first = lines[0] ?? '';
  const batch = /^batch of (\d+)$/.exec(first);
  const summaries = batch ? lines.slice(2).filter((line) => line !== '' && !line.startsWith('Mailsim-')) : [first];
  const kinds = new Set(summaries.map((line) => (line.startsWith('store ') ? 'flag' : line.startsWith('deliver ') ? 'delivery' : 'other')));
  if (kinds.size !== 1) return { kind: 'other', opCount: summaries.length };
  return { kind: [...kinds][0] as 'flag' | 'delivery' | 'other', opCount: summaries.length };
}

/**
 * Real git's thin-pack bytes per flag change and per delivery over the last commits of
 * `replica`'s first-parent history that carried only one of them (merges left out: they are
 * not a client's change). Null figures when git is absent or no such commit was made.
 */
/** Runs `fn` on a bare repository exported from `replica` into a temporary folder, removed after. */
export async function withExportedRepository<T>(replica: Replica, fn: (gitDir: string) => T | Promise<T>): Promise<T> {
  const tmp = await mkdtemp(join(tmpdir(), 'mailsim-git-reference-'));
  try {
    await exportReplica(replica, replicaFsFrom(nodeFs as unknown as PromisesFsLike), tmp);
    return await fn(join(tmp, 'repo.git'));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

export async function measureGitReference(replica: Replica, commitsMax = GIT_REFERENCE_COMMITS_MAX): Promise<GitReference | null> {
  if (!gitAvailable()) return null;
  return withExportedRepository(replica, async (gitDir) => {
    const totals = { flag: { bytes: 0, ops: 0, commits: 0 }, delivery: { bytes: 0, ops: 0, commits: 0 } };
    for (let id = replica.head; ;) {
      const parents = replica.parentsOf(id);
      const parent = parents[0];
      if (parent === undefined) break;
      if (parents.length === 1) {
        const { kind, opCount } = commitKind(decodeCommit(id, (await replica.readObject(id)).content).message);
        if (kind !== 'other' && totals[kind].commits < commitsMax) {
          totals[kind].bytes += gitThinPackBytes(gitDir, id, parent);
          totals[kind].ops += opCount;
          totals[kind].commits++;
        }
      }
      if (totals.flag.commits >= commitsMax && totals.delivery.commits >= commitsMax) break;
      id = parent;
    }
    const per = (t: { bytes: number; ops: number }) => (t.ops === 0 ? null : Math.round(t.bytes / t.ops));
    return { bytesPerFlagChange: per(totals.flag), bytesPerDelivery: per(totals.delivery), commitCount: totals.flag.commits + totals.delivery.commits };
  });
}
