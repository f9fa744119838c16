/**
 * Where Cyrus IMAP is and how its programs are started. Debian's `cyrus-imapd` conflicts with
 * `dovecot-imapd`, so the project does not install it with the package manager:
 * `.ci/install-cyrus` unpacks the packages into a folder of its own (by default
 * `~/.cache/mailsim/cyrus`, or `$MAILSIM_CYRUS_DIR`), and every program runs from there with
 * that folder's libraries first on LD_LIBRARY_PATH (docs/replica-backends.md#cyrus).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CyrusMissingError } from './cyrusErrors.ts';

/** The environment variable that names the folder Cyrus is unpacked into. */
export const CYRUS_DIR_ENV = 'MAILSIM_CYRUS_DIR';
/** The programs this backend runs, under `usr/lib/cyrus/bin` of the unpacked packages. */
export const CYRUS_PROGRAMS = ['imapd', 'lmtpd', 'sync_client', 'sync_server'] as const;
export type CyrusProgram = (typeof CYRUS_PROGRAMS)[number];

/** The user a Cyrus program started as root drops to (the packages' own `cyrus` user is not created here). */
export const CYRUS_RUN_USER = 'nobody';
/** The mail user of every instance; its INBOX is `user.test`. */
export const CYRUS_USER = 'test';

/** The folder the Cyrus packages are unpacked into. */
export function cyrusDir(): string {
  const named = process.env[CYRUS_DIR_ENV];
  return named !== undefined && named !== '' ? named : join(homedir(), '.cache', 'mailsim', 'cyrus');
}

export function cyrusProgramPath(program: CyrusProgram): string {
  return join(cyrusDir(), 'usr', 'lib', 'cyrus', 'bin', program);
}

/** Every program this backend runs is unpacked. */
export function cyrusInstalled(): boolean {
  return CYRUS_PROGRAMS.every((program) => existsSync(cyrusProgramPath(program)));
}

/** Throws CyrusMissingError unless cyrusInstalled(). */
export function requireCyrus(): void {
  for (const program of CYRUS_PROGRAMS) if (!existsSync(cyrusProgramPath(program))) throw new CyrusMissingError(cyrusProgramPath(program));
}

/**
 * The library .ci/install-cyrus builds from syslogToFile.c: preloaded, it appends what a Cyrus
 * program logs through syslog to a file, since Cyrus logs nowhere else.
 */
export function cyrusSyslogShimPath(): string {
  return join(cyrusDir(), 'mailsim', 'syslogToFile.so');
}

/**
 * The environment of a Cyrus program serving one session on stdio (`-X`): the service name
 * its config lookups use, the unpacked libraries first, and its syslog lines sent to
 * `syslogFile` when the shim is built (without it they are dropped, as with no syslog daemon).
 */
export function cyrusEnv(service: string, syslogFile: string): NodeJS.ProcessEnv {
  const dir = cyrusDir();
  const libraries = [join(dir, 'lib', 'x86_64-linux-gnu'), join(dir, 'usr', 'lib', 'x86_64-linux-gnu')];
  const env: NodeJS.ProcessEnv = { PATH: '/usr/bin:/bin', LD_LIBRARY_PATH: libraries.join(':'), CYRUS_SERVICE: service, CYRUS_ID: '0' };
  const shim = cyrusSyslogShimPath();
  if (existsSync(shim)) Object.assign(env, { LD_PRELOAD: shim, MAILSIM_SYSLOG_FILE: syslogFile });
  return env;
}
