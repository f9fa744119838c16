/**
 * One two-way dsync between two replicas, run the way a real cluster runs it over ssh:
 * `doveadm sync` for A, with B's `doveadm dsync-server` as its remote command. The remote
 * command is relay.mjs, which stands where ssh would, counts the bytes each way (the wire
 * cost of a sync) and can kill the server at a given byte (a crash mid-sync).
 *
 * stateful: `-s <state>` passes the state the previous sync printed, and dsync only looks at
 * changes since then. Plain: no state. A plain sync (and a stateful one from the empty state)
 * first compares each mailbox's summary (UIDVALIDITY, UIDNEXT, message count, HIGHESTMODSEQ)
 * across the two servers and skips the mailbox when they are equal, though these are each
 * server's own counters: two different sets of changes that happen to add up alike are left
 * unsynced until the mailbox changes again (dsync.test.ts, the plain-sync trap). `full` (-f)
 * compares the messages whatever the summaries say.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DovecotFailedError, DovecotPathError } from './dovecotErrors.ts';
import { DOVEADM_PATH, ENV_PATH, checkSafePath, dovecotEnvArgs, requireDovecot, type DovecotHome } from './dovecotEnv.ts';
import { runProcess } from './runProcess.ts';

/** Deadline of one whole sync (an initial sync of 100 messages takes ~0.6 s, a no-op ~0.15 s). */
export const DSYNC_TIMEOUT_MS = 60_000;
/** `doveadm sync`'s status for "mailboxes changed during the sync, run it again" (the data is consistent). */
export const DSYNC_DESYNC_EXIT_CODE = 2;
/** The relay, run by doveadm as `node relay.mjs ...` (its path goes into a space-split command). */
export const RELAY_PATH = fileURLToPath(new URL('./relay.mjs', import.meta.url));

export interface DsyncOptions {
  /** Pass `state` with -s and return the state dsync prints; false: a plain, stateless sync. */
  readonly stateful: boolean;
  /** The state the last successful stateful sync returned; '' the first time. Ignored when plain. */
  readonly state: string;
  /** `-f`: a full sync, which looks at every message even when the mailbox summaries agree. */
  readonly full?: boolean;
  /** Kill B's dsync-server once this many bytes (both ways together) have passed; none when absent. */
  readonly killAfterBytes?: number;
}

export interface DsyncResult {
  /** doveadm sync exited 0. */
  readonly ok: boolean;
  /** The new state after a successful stateful sync; otherwise `options.state` unchanged. */
  readonly state: string;
  /** Bytes A's doveadm sent to B's dsync-server. */
  readonly bytesAtoB: number;
  readonly bytesBtoA: number;
  readonly exitCode: number;
  /** The relay killed B's server at `killAfterBytes`. */
  readonly killed: boolean;
  /** Exit DSYNC_DESYNC_EXIT_CODE: changes during the sync; run it again. */
  readonly desync: boolean;
  readonly stderr: string;
  /** Wall time of the sync (for cost reports, not for the simulation's clock). */
  readonly elapsedMs: number;
}

interface RelayCounts {
  readonly toServer: number;
  readonly fromServer: number;
  readonly killed: boolean;
}

let countsSequence = 0;

async function readCounts(file: string): Promise<RelayCounts> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch {
    // The relay never ran or never finished (doveadm failed first): nothing passed through it.
    return { toServer: 0, fromServer: 0, killed: false };
  }
  await rm(file, { force: true });
  const parsed = JSON.parse(raw) as Partial<RelayCounts>;
  return { toServer: Number(parsed.toServer ?? 0), fromServer: Number(parsed.fromServer ?? 0), killed: parsed.killed === true };
}

/** Syncs `a` and `b` both ways with real dsync. A failed or killed sync is a result (ok false); a hang or a broken setup throws. */
export async function dsync(a: DovecotHome, b: DovecotHome, options: DsyncOptions): Promise<DsyncResult> {
  requireDovecot();
  const killAfterBytes = options.killAfterBytes ?? -1;
  if (options.killAfterBytes !== undefined && (!Number.isInteger(killAfterBytes) || killAfterBytes < 0)) {
    throw new DovecotPathError(String(options.killAfterBytes), 'killAfterBytes is a non-negative integer');
  }
  if (/[\s]/.test(options.state)) throw new DovecotPathError(options.state, 'a dsync state holds no whitespace');
  const countsFile = join(a.scratch, `dsync-${process.pid}-${++countsSequence}.json`);
  // doveadm splits the remote command on spaces and quotes nothing.
  for (const path of [process.execPath, RELAY_PATH, countsFile, b.home, b.conf]) checkSafePath(path);
  const remote = [process.execPath, RELAY_PATH, countsFile, String(killAfterBytes), ENV_PATH, ...dovecotEnvArgs(b), DOVEADM_PATH, '-c', b.conf, 'dsync-server'].join(' ');
  const args = [...dovecotEnvArgs(a), DOVEADM_PATH, '-c', a.conf, 'sync', ...(options.full === true ? ['-f'] : []), ...(options.stateful ? ['-s', options.state] : []), remote];
  const what = `dsync ${a.name} <-> ${b.name}`;
  const startedMs = performance.now();
  const result = await runProcess(ENV_PATH, args, { timeoutMs: DSYNC_TIMEOUT_MS });
  const elapsedMs = performance.now() - startedMs;
  const counts = await readCounts(countsFile);
  if (result.timedOut) throw new DovecotFailedError(what, `timed out after ${DSYNC_TIMEOUT_MS} ms`, null, result.stderr);
  const exitCode = result.exitCode ?? -1;
  const base = { bytesAtoB: counts.toServer, bytesBtoA: counts.fromServer, exitCode, killed: counts.killed, stderr: result.stderr, elapsedMs };
  if (exitCode === 0) {
    const state = options.stateful ? result.stdout.toString('utf8').trim() : options.state;
    if (options.stateful && state === '') throw new DovecotFailedError(what, 'doveadm sync -s printed no state', exitCode, result.stderr);
    return { ...base, ok: true, state, desync: false };
  }
  // A failed sync prints a state too, but one that forgets everything: keep the old one.
  if (counts.killed || exitCode === DSYNC_DESYNC_EXIT_CODE) return { ...base, ok: false, state: options.state, desync: exitCode === DSYNC_DESYNC_EXIT_CODE };
  throw new DovecotFailedError(what, `doveadm sync exited with ${result.exitCode ?? result.signal}`, result.exitCode, result.stderr);
}
