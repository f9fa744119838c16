/**
 * One Cyrus replication session from `from` (the side whose `sync_client` runs, and so the
 * side that decides ties) to `to` (whose `sync_server` answers). `sync_client` has no stdio
 * mode; it connects to its channel's `sync_host`, a UNIX socket path in `from`'s folder. A
 * relay (syncRelay.mjs) listens there for that one connection, removes the path, runs
 * `to`'s `sync_server -X` on stdio, counts the bytes each way (the wire cost of the session)
 * and, given a kill point, kills the server at that byte (a crash mid-sync). No network
 * port is opened and nothing listens once the session is over.
 *
 * `sync_client -o -u <user>` replicates the whole user once: each mailbox is compared by its
 * summary and checksum, and where the replica's differs (a split brain), Cyrus fetches the
 * replica's whole mailbox and merges it (docs/replica-backends.md#cyrus).
 */
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert } from '../../core/errors.ts';
import { ENV_PATH } from '../dovecot/dovecotEnv.ts';
import { killGroup, runProcess } from '../dovecot/runProcess.ts';
import { CyrusFailedError } from './cyrusErrors.ts';
import { CYRUS_USER, cyrusEnv, cyrusProgramPath, requireCyrus } from './cyrusEnv.ts';
import type { CyrusHome } from './cyrusHome.ts';

/** Deadline of one whole session (one sync takes 0.04-0.2 s; a split-brain repair a little more). */
export const CYRUS_SYNC_TIMEOUT_MS = 30_000;
/** How long the relay may take to finish after sync_client exits (its server answers EXIT and ends). */
export const RELAY_GRACE_MS = 2_000;
/** Deadline for the relay to listen on its socket. */
export const RELAY_READY_TIMEOUT_MS = 10_000;
export const SYNC_RELAY_PATH = fileURLToPath(new URL('./syncRelay.mjs', import.meta.url));

export interface CyrusSyncResult {
  /** sync_client exited 0. */
  readonly ok: boolean;
  readonly bytesToReplica: number;
  readonly bytesFromReplica: number;
  /** The relay killed the replica's sync_server at the kill point. */
  readonly killed: boolean;
  readonly exitCode: number | null;
  /** What sync_client and sync_server printed (`-v`: each mailbox, and their log lines). */
  readonly output: string;
  /** Wall time of the session (for cost reports, not for the simulation's clock). */
  readonly elapsedMs: number;
}

let countsSequence = 0;

/** `env -i` arguments that run a Cyrus program as `service` with only what it needs. */
function envArgs(service: string, syslogFile: string): string[] {
  return ['-i', ...Object.entries(cyrusEnv(service, syslogFile)).map(([key, value]) => `${key}=${value ?? ''}`)];
}

/** Starts the relay for `to` on `socket` and waits until it listens; resolves to its exit. */
async function startRelay(socket: string, countsFile: string, killAfterBytes: number, to: CyrusHome): Promise<{ exited: Promise<string>; pid: number | undefined }> {
  const args = [SYNC_RELAY_PATH, socket, countsFile, String(killAfterBytes), ENV_PATH, ...envArgs('sync', to.syslog), cyrusProgramPath('sync_server'), '-C', to.conf, '-X'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<string>((resolve) => child.on('close', () => resolve(stderr)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      killGroup(child.pid);
      reject(new CyrusFailedError(`the sync relay for ${to.name}`, `not listening after ${RELAY_READY_TIMEOUT_MS} ms`, null, stderr, to));
    }, RELAY_READY_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      if (!chunk.toString('utf8').includes('ready')) return;
      clearTimeout(timer);
      resolve();
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new CyrusFailedError(`the sync relay for ${to.name}`, `exited with ${code} before listening`, code, stderr, to));
    });
  });
  return { exited, pid: child.pid };
}

async function readCounts(file: string): Promise<{ toServer: number; fromServer: number; killed: boolean }> {
  const raw = await readFile(file, 'utf8').catch(() => null);
  // The relay never got a connection (sync_client failed first): nothing passed through it.
  if (raw === null) return { toServer: 0, fromServer: 0, killed: false };
  await rm(file, { force: true });
  const parsed = JSON.parse(raw) as { toServer?: number; fromServer?: number; killed?: boolean };
  return { toServer: Number(parsed.toServer ?? 0), fromServer: Number(parsed.fromServer ?? 0), killed: parsed.killed === true };
}

/** Replicates `from`'s user to `to` once. A failed or killed session is a result (ok false); a hang or a broken setup throws. */
export async function cyrusSync(from: CyrusHome, to: CyrusHome, killAfterBytes: number | null = null): Promise<CyrusSyncResult> {
  requireCyrus();
  const channel = from.channels.get(to.name);
  assert(channel !== undefined, `${from.name} has a sync channel to ${to.name}`);
  if (killAfterBytes !== null) assert(Number.isInteger(killAfterBytes) && killAfterBytes >= 0, 'a kill point is a byte count');
  const countsFile = join(from.scratch, `sync-${process.pid}-${++countsSequence}.json`);
  await rm(channel.socket, { force: true });
  const startedMs = performance.now();
  const relay = await startRelay(channel.socket, countsFile, killAfterBytes ?? -1, to);
  const args = [...envArgs('sync_client', from.syslog), cyrusProgramPath('sync_client'), '-C', from.conf, '-n', channel.channel, '-v', '-o', '-u', CYRUS_USER];
  const client = await runProcess(ENV_PATH, args, { timeoutMs: CYRUS_SYNC_TIMEOUT_MS });
  // sync_client is gone: the relay ends once its server has; one still waiting (sync_client
  // never connected) or stuck is ended after a grace period.
  const grace = setTimeout(() => killGroup(relay.pid), RELAY_GRACE_MS);
  const serverOutput = await relay.exited;
  clearTimeout(grace);
  await rm(channel.socket, { force: true });
  const elapsedMs = performance.now() - startedMs;
  const counts = await readCounts(countsFile);
  const output = [client.stdout.toString('utf8'), client.stderr, serverOutput].filter((part) => part.trim() !== '').join('\n');
  const what = `sync_client ${from.name} -> ${to.name}`;
  if (client.timedOut) throw new CyrusFailedError(what, `timed out after ${CYRUS_SYNC_TIMEOUT_MS} ms`, null, output, from);
  const base = { bytesToReplica: counts.toServer, bytesFromReplica: counts.fromServer, killed: counts.killed, exitCode: client.exitCode, output, elapsedMs };
  if (client.exitCode === 0 && !counts.killed) return { ...base, ok: true };
  if (counts.killed) return { ...base, ok: false };
  throw new CyrusFailedError(what, `sync_client exited with ${client.exitCode ?? client.signal}`, client.exitCode, output, from);
}
