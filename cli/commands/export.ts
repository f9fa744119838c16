/**
 * mailsim export FILE [--seed N] --node NAME --to DIR: runs the scenario, then writes the
 * named server's final replica with node:fs: DIR/repo.git (a bare git repository with the
 * whole history), DIR/Maildir (a Maildir++ tree with dovecot-uidlist files) and
 * DIR/transfers/NNNN.pack: the thin packs that server received and stored, in order, as
 * they crossed the wire (`git index-pack --stdin --fix-thin` inside repo.git reads each).
 * A run on real Dovecot (`replica: dsync`) exports the server's own Maildir, as Dovecot left it.
 */
import { defaultSeed } from '../../scenarios/resolve.ts';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import * as fsp from 'node:fs/promises';
import { exportReplica } from '../../core/export.ts';
import { replicaFsFrom, type PromisesFsLike } from '../../core/fsTypes.ts';
import { loadScenario } from '../../scenarios/loader.ts';
import { runScenario } from '../../scenarios/run.ts';
import { CliInputError } from '../sweepFiles.ts';
import { gitReplicaOf, gitTransfersOf } from '../../backends/git/gitBackend.ts';
import type { ReplicaServer } from '../../sim/replicaServer.ts';
import type { RunResult } from '../../sim/resultTypes.ts';

export interface ExportCommandOptions {
  readonly seed?: number;
  readonly node: string;
  readonly to: string;
  readonly set: readonly string[];
}

async function ensureEmptyDir(dir: string): Promise<void> {
  const entries = await readdir(dir).catch((error: { code?: string }) => {
    if (error.code === 'ENOENT') return [];
    throw new CliInputError(`${dir}: cannot read the target folder (${error.code ?? String(error)})`);
  });
  if (entries.length > 0) throw new CliInputError(`${dir}: the target folder is not empty`);
  await mkdir(dir, { recursive: true });
}

export async function exportCommand(file: string, options: ExportCommandOptions): Promise<number> {
  const loaded = await loadScenario(file, options.set);
  await ensureEmptyDir(options.to);
  const seed = options.seed ?? defaultSeed(loaded);
  const { result, outcome } = await runScenario(loaded, seed, { recordTransfers: true });
  try {
    const server = outcome.servers.get(options.node);
    if (server === undefined) {
      throw new CliInputError(`no server named ${JSON.stringify(options.node)} in this run; servers are ${[...outcome.servers.keys()].join(', ')}`);
    }
    await exportServer(server, file, seed, result, options);
  } finally {
    await outcome.dispose();
  }
  return 0;
}

async function exportServer(server: ReplicaServer, file: string, seed: number, result: RunResult, options: ExportCommandOptions): Promise<void> {
  const replica = gitReplicaOf(server);
  if (replica === null) {
    const { exportDovecotMaildir } = await import('../../backends/dovecot/dsyncBackend.ts');
    const copied = await exportDovecotMaildir(server, `${options.to}/Maildir`);
    process.stdout.write(
      `exported ${options.node} of ${file} seed ${seed} (real Dovecot), run verdict ${result.verdict}:\n`
        + `  ${options.to}/Maildir: Dovecot's own Maildir, ${copied.fileCount} file(s)\n`
        + `inspect: doveadm -o mail_location=maildir:${options.to}/Maildir mailbox status all INBOX\n`,
    );
    return;
  }
  const fs = replicaFsFrom(fsp as unknown as PromisesFsLike);
  const summary = await exportReplica(replica, fs, options.to);
  const transfers = gitTransfersOf(server);
  await mkdir(`${options.to}/transfers`);
  for (const [index, pack] of transfers.entries()) await writeFile(`${options.to}/transfers/${String(index + 1).padStart(4, '0')}.pack`, pack);
  process.stdout.write(
    `exported ${options.node} (head ${replica.head}) of ${file} seed ${seed}, run verdict ${result.verdict}:\n`
      + `  ${options.to}/repo.git: ${summary.objectCount} git objects\n`
      + `  ${options.to}/Maildir: ${summary.mailboxCount} mailbox(es), ${summary.messageCount} message(s)`
      + `${summary.pendingCount > 0 ? `, ${summary.pendingCount} pending without a UID (left out)` : ''}\n`
      + `  ${options.to}/transfers: ${transfers.length} pack(s) received, ${transfers.reduce((sum, pack) => sum + pack.length, 0)} B\n`
      + `inspect: git --git-dir ${options.to}/repo.git log --stat\n`,
  );
}
