/**
 * Where Dovecot is and how its processes are started for a home: absolute binaries, an
 * emptied environment, and the paths Dovecot and doveadm can take without quoting. Shared by
 * every file of the driver (the home, imap over stdio, doveadm, dsync).
 */
import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { DovecotMissingError, DovecotPathError } from './dovecotErrors.ts';

export const DOVECOT_IMAP_PATH = '/usr/lib/dovecot/imap';
export const DOVEADM_PATH = '/usr/bin/doveadm';
/** `env` by absolute path: doveadm starts a dsync remote command with no PATH. */
export const ENV_PATH = '/usr/bin/env';
/** The one user of every home; the imap binary starts preauthenticated as USER. */
export const DOVECOT_USER = 'test';
/** PATH given to Dovecot processes, whose environment is otherwise emptied. */
const DOVECOT_PATH_ENV = 'PATH=/usr/bin:/bin';

/**
 * Characters allowed in a home's paths. Dovecot's config would expand `%` and `$`, treat `#`
 * as a comment and split on spaces; doveadm splits the dsync remote command on spaces.
 */
const SAFE_PATH = /^[A-Za-z0-9._/+-]+$/;

/** One virtual server's Dovecot store (dovecotHome.ts creates it). */
export interface DovecotHome {
  /** This server's directory; everything below belongs to it. */
  readonly dir: string;
  readonly conf: string;
  readonly maildir: string;
  /** The user's home (HOME of every Dovecot process). */
  readonly home: string;
  /** Scratch directory of this driver (dsync byte counts). */
  readonly scratch: string;
  /** The virtual server's name, for messages. */
  readonly name: string;
}

/** Both binaries this driver runs are present. */
export function dovecotInstalled(): boolean {
  return existsSync(DOVECOT_IMAP_PATH) && existsSync(DOVEADM_PATH);
}

/** Throws DovecotMissingError unless dovecotInstalled(). */
export function requireDovecot(): void {
  for (const path of [DOVECOT_IMAP_PATH, DOVEADM_PATH]) if (!existsSync(path)) throw new DovecotMissingError(path);
}

/** Throws DovecotPathError unless `path` is absolute and made of SAFE_PATH characters. */
export function checkSafePath(path: string): void {
  if (!isAbsolute(path)) throw new DovecotPathError(path, 'not an absolute path');
  if (!SAFE_PATH.test(path)) {
    throw new DovecotPathError(path, 'only letters, digits and . _ / + - are allowed (doveadm splits on spaces; Dovecot expands % and $)');
  }
}

/**
 * `env` arguments that run a Dovecot program for this home with nothing else in its
 * environment: doveadm exports its config in environment variables, which a child would
 * read instead of its own `-c` file.
 */
export function dovecotEnvArgs(home: DovecotHome): string[] {
  return ['-i', DOVECOT_PATH_ENV, `HOME=${home.home}`, `USER=${DOVECOT_USER}`];
}
