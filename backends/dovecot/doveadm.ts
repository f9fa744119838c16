/**
 * One doveadm command against a home, without a daemon: `env -i ... doveadm -c <conf> ...`.
 * No `-u`: that asks the auth daemon, which does not run; USER in the environment names the
 * user instead.
 */
import { DovecotFailedError } from './dovecotErrors.ts';
import { DOVEADM_PATH, ENV_PATH, dovecotEnvArgs, type DovecotHome } from './dovecotEnv.ts';
import { runProcess } from './runProcess.ts';

/** Deadline of one doveadm command (mailbox create/update, a read); they take tens of ms. */
export const DOVEADM_COMMAND_TIMEOUT_MS = 30_000;

/** Runs `doveadm <args>` for `home`; returns stdout, throws DovecotFailedError on a non-zero exit. */
export async function runDoveadm(home: DovecotHome, args: readonly string[], what: string): Promise<string> {
  const result = await runProcess(ENV_PATH, [...dovecotEnvArgs(home), DOVEADM_PATH, '-c', home.conf, ...args], { timeoutMs: DOVEADM_COMMAND_TIMEOUT_MS });
  if (result.timedOut) throw new DovecotFailedError(what, `doveadm timed out after ${DOVEADM_COMMAND_TIMEOUT_MS} ms`, null, result.stderr);
  if (result.exitCode !== 0) throw new DovecotFailedError(what, `doveadm exited with ${result.exitCode ?? result.signal}`, result.exitCode, result.stderr);
  return result.stdout.toString('utf8');
}
