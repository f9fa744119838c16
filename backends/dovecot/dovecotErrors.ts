/**
 * Typed errors of the Dovecot driver. Users see the message (what failed, Dovecot's stderr
 * tail), never a stack trace; callers branch on `code`. An IMAP NO is core's ImapNoError,
 * so the simulator treats a refusal from real Dovecot like one from the reference replica.
 */
import { MailsimError } from '../../core/errors.ts';

/** Bytes of a subprocess's stderr kept in an error: the end is where Dovecot says why. */
export const STDERR_TAIL_BYTES = 2_000;

/** The last STDERR_TAIL_BYTES of a process's stderr, trimmed (Dovecot's reason is at the end). */
export function stderrTail(stderr: string): string {
  const trimmed = stderr.trim();
  return trimmed.length <= STDERR_TAIL_BYTES ? trimmed : `...${trimmed.slice(-STDERR_TAIL_BYTES)}`;
}

/** The Dovecot binaries this driver runs are not installed. */
export class DovecotMissingError extends MailsimError<'E_DOVECOT_MISSING', { path: string }> {
  constructor(path: string) {
    super('E_DOVECOT_MISSING', `Dovecot is not installed: ${path} is missing (Debian: apt-get install dovecot-imapd)`, { path });
    this.name = 'DovecotMissingError';
  }
}

/** A Dovecot process failed, timed out or answered something this driver cannot read. */
export class DovecotFailedError extends MailsimError<'E_DOVECOT_FAILED', { what: string; exitCode: number | null; stderr: string }> {
  constructor(what: string, reason: string, exitCode: number | null, stderr: string) {
    const tail = stderrTail(stderr);
    super('E_DOVECOT_FAILED', `${what} failed: ${reason}${tail === '' ? '' : `\n${tail}`}`, { what, exitCode, stderr: tail });
    this.name = 'DovecotFailedError';
  }
}

/**
 * A path that would break the dsync remote command: doveadm splits that command on spaces
 * and passes no quoting, so a path with whitespace would run the wrong program.
 */
export class DovecotPathError extends MailsimError<'E_DOVECOT_PATH', { path: string; reason: string }> {
  constructor(path: string, reason: string) {
    super('E_DOVECOT_PATH', `unusable path ${JSON.stringify(path)} for Dovecot: ${reason}`, { path, reason });
    this.name = 'DovecotPathError';
  }
}

/** A flag, UID or date this driver would have to put into an IMAP command, and cannot. */
export class ImapSyntaxError extends MailsimError<'E_IMAP_SYNTAX', { value: string; reason: string }> {
  constructor(value: string, reason: string) {
    super('E_IMAP_SYNTAX', `cannot send ${JSON.stringify(value)} to IMAP: ${reason}`, { value, reason });
    this.name = 'ImapSyntaxError';
  }
}
