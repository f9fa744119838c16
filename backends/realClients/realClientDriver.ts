/**
 * Runs real client programs for one simulated run (sim/realClientTypes.ts RealClientDriver).
 * Each client has a folder for the whole run: its local Maildir, its sync state and its
 * configuration, as a real user's would. At a sync the replica it is attached to is written
 * out as a Maildir (core/export.ts: the same UIDVALIDITY, UIDs and flags) under a Dovecot home
 * of this client's, the program syncs with Dovecot's imap through its tunnel, and the files
 * before and after tell what it did (./syncDiff.ts). Offline edits are what a mail program
 * does to a Maildir: a rename with new flags, an unlink.
 */
import { mkdir, readFile, rename, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReplicaServer } from '../../sim/replicaServer.ts';
import { makeTempRoot, removeTempRoot } from '../tempRoots.ts';
import { REAL_CLIENT_MAILBOX, type RealClientConfig, type RealClientEditAction, type RealClientKind, type RealSyncReport, type ServerAppend } from '../../sim/realClientTypes.ts';
import type { RealClientDriver } from '../../sim/realClientDriver.ts';
import { DOVECOT_IMAP_PATH, ENV_PATH, dovecotEnvArgs } from '../dovecot/dovecotEnv.ts';
import { createDovecotHome, type DovecotHome } from '../dovecot/dovecotHome.ts';
import { runProcess } from '../dovecot/runProcess.ts';
import { inboxSourceOf, type InboxSource } from './inboxSource.ts';
import { CLIENT_PATHS, CLIENT_SYNC_TIMEOUT_MS, RealClientMissingError, clientArgs, configText, realClientInstalled, syncStatus, wordsOf, type ClientPaths } from './clientPrograms.ts';
import { renamedWithFlags, type MaildirEntry } from './maildirEntries.ts';
import { scanMaildir, type MessageIdCache } from './maildirScan.ts';
import { ServerFolder } from './serverFolder.ts';
import { SyncClock, type SyncTiming } from './syncTiming.ts';
import { compareHoldings, diffServer } from './syncDiff.ts';

/** How far back a local folder's mtime is set after a change: mbsync waits out a change made within the current second. */
const BACKDATE_MS = 2_000;

interface ClientFolder {
  readonly kind: RealClientKind;
  readonly paths: ClientPaths;
  readonly inbox: string;
  readonly server: DovecotHome;
  /** The Maildir the server's Dovecot serves, kept in step with the replica (./serverFolder.ts). */
  readonly serverFolder: ServerFolder;
  /** Message-IDs of files already read, local and on the server (./maildirScan.ts). */
  readonly seen: MessageIdCache;
}

export interface RealClientRun extends RealClientDriver {
  /** Removes every client's folder. */
  dispose(): Promise<void>;
}

export interface DriverOptions {
  readonly timeoutMs?: number;
  /** Told the wall time of every sync that ran its program (never enters the history). */
  readonly onSyncTimed?: (timing: SyncTiming) => void;
}

const NO_CHANGES = { flags: [], expunged: [], appended: [] } as const;

/** A sync that could not be run or read: the verdict on real clients becomes unknown, in these words. */
function failedReport(words: string): RealSyncReport {
  return { status: 'failed', exitCode: null, words, changes: NO_CHANGES, missing: [], extra: [], localDuplicates: [], redownloadBytes: 0 };
}

/** Sets `dirs`' times into the past, so a program sees no change within the current second. */
async function backdate(dirs: readonly string[]): Promise<void> {
  const past = new Date(Date.now() - BACKDATE_MS);
  for (const dir of dirs) await utimes(dir, past, past).catch(() => undefined);
}

async function readAppends(maildir: string, entries: readonly MaildirEntry[]): Promise<ServerAppend[]> {
  const appends: ServerAppend[] = [];
  for (const entry of entries) appends.push({ messageId: entry.messageId, body: await readFile(join(maildir, entry.sub, entry.name)), flags: entry.flags });
  return appends;
}

async function syncOnce(folder: ClientFolder, source: InboxSource, options: DriverOptions & { readonly timeoutMs: number }): Promise<RealSyncReport> {
  const { timeoutMs } = options;
  const clock = new SyncClock();
  const exported = await folder.serverFolder.present(source);
  const localBefore = await scanMaildir(folder.inbox, folder.seen);
  await backdate([join(folder.inbox, 'cur'), join(folder.inbox, 'new')]);
  clock.programStarts();
  const run = await runProcess(CLIENT_PATHS[folder.kind], clientArgs(folder.kind, folder.paths), { timeoutMs });
  clock.programEnds();
  const output = `${run.stdout.toString('utf8')}\n${run.stderr}`;
  const status = syncStatus({ exitCode: run.exitCode, signal: run.signal, timedOut: run.timedOut, output });
  const words = run.timedOut ? `no answer within ${timeoutMs} ms; ${wordsOf(output)}` : wordsOf(output);
  if (status === 'failed') return { ...failedReport(words), exitCode: run.exitCode };
  const serverAfter = await scanMaildir(folder.server.maildir, folder.seen);
  const diff = diffServer(exported, serverAfter);
  folder.serverFolder.settle(diff.appended.length === 0);
  const holdings = compareHoldings(localBefore, await scanMaildir(folder.inbox, folder.seen), serverAfter);
  const appended = await readAppends(folder.server.maildir, diff.appended);
  options.onSyncTimed?.(clock.done(folder.kind, exported.length));
  return {
    status, exitCode: run.exitCode, words,
    changes: { flags: diff.flags, expunged: diff.expunged, appended },
    ...holdings,
  };
}

/** Runs the tunnel as nobody: Dovecot's imap started by root on a socket takes it for an inetd connection and wants a login. */
const SETPRIV_PATH = '/usr/bin/setpriv';
const NOBODY_ARGS = ['--reuid=65534', '--regid=65534', '--clear-groups'];

/** The tunnel command: Dovecot's imap for this client's server home, as nobody, with an emptied environment. */
function tunnelCommand(home: DovecotHome): string {
  return [SETPRIV_PATH, ...NOBODY_ARGS, ENV_PATH, ...dovecotEnvArgs(home), DOVECOT_IMAP_PATH, '-c', home.conf].join(' ');
}

/** Makes every client's folder; throws RealClientMissingError when a program is not installed. */
export async function createRealClientRun(configs: readonly RealClientConfig[], options: DriverOptions = {}): Promise<RealClientRun> {
  for (const config of configs) if (!realClientInstalled(config.kind)) throw new RealClientMissingError(config.kind);
  const timeoutMs = options.timeoutMs ?? CLIENT_SYNC_TIMEOUT_MS;
  const root = await makeTempRoot('mailsim-clients-');
  const folders: ClientFolder[] = [];
  try {
    for (const [index, config] of configs.entries()) {
      const dir = join(root, `client-${index}`);
      const paths: ClientPaths = { dir, mail: join(dir, 'mail'), rc: join(dir, 'rc') };
      await mkdir(paths.mail, { recursive: true });
      const server = await createDovecotHome(root, `server-${index}`);
      await writeFile(paths.rc, configText(config.kind, paths, tunnelCommand(server)));
      folders.push({ kind: config.kind, paths, inbox: join(paths.mail, REAL_CLIENT_MAILBOX), server, serverFolder: await ServerFolder.create(server.maildir), seen: new Map() });
    }
  } catch (error) {
    await removeTempRoot(root);
    throw error;
  }
  const folder = (index: number): ClientFolder => folders[index] as ClientFolder;
  return {
    async localMessages(index) {
      const byId = new Map((await scanMaildir(folder(index).inbox, folder(index).seen)).map((e) => [e.messageId, { messageId: e.messageId, flags: e.flags }]));
      return [...byId.values()].sort((a, b) => (a.messageId < b.messageId ? -1 : a.messageId > b.messageId ? 1 : 0));
    },
    async edit(index, messageId, action: RealClientEditAction) {
      const inbox = folder(index).inbox;
      const entry = (await scanMaildir(inbox, folder(index).seen)).find((e) => e.messageId === messageId);
      if (entry === undefined) return;
      const from = join(inbox, entry.sub, entry.name);
      if (action === 'delete') await unlink(from);
      else await rename(from, join(inbox, 'cur', renamedWithFlags(entry.name, action === 'flag' ? 'F' : 'S')));
    },
    async sync(index, server: ReplicaServer) {
      try {
        const source = inboxSourceOf(server);
        if (typeof source === 'string') return failedReport(source);
        const report = await syncOnce(folder(index), source, { ...options, timeoutMs });
        if (report.status === 'failed') folder(index).serverFolder.settle(false);
        return report;
      } catch (error) {
        folder(index).serverFolder.settle(false);
        return failedReport(`the sync could not be run or read: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    dispose: () => removeTempRoot(root),
  };
}
