/**
 * Typed errors of the Cyrus backend. Users see the message (what failed and what the Cyrus
 * program printed), never a stack trace; an IMAP NO is core's ImapNoError, as for Dovecot.
 */
import { MailsimError } from '../../core/errors.ts';
import { stderrTail } from '../dovecot/dovecotErrors.ts';
import { syslogTail } from './syslogTail.ts';

/** The unpacked Cyrus programs are missing. */
export class CyrusMissingError extends MailsimError<'E_CYRUS_MISSING', { path: string }> {
  constructor(path: string) {
    super('E_CYRUS_MISSING', `Cyrus is not installed: ${path} is missing (run .ci/install-cyrus, or set MAILSIM_CYRUS_DIR)`, { path });
    this.name = 'CyrusMissingError';
  }
}

/**
 * A Cyrus program failed, timed out or answered something this backend cannot read; `output`
 * is what it printed, and the instance's last syslog lines follow when `home` is given.
 */
export class CyrusFailedError extends MailsimError<'E_CYRUS_FAILED', { what: string; exitCode: number | null; output: string; syslog: string }> {
  constructor(what: string, reason: string, exitCode: number | null, output: string, home?: { readonly name: string; readonly syslog: string }) {
    const tail = stderrTail(output);
    const syslog = home === undefined ? '' : syslogTail(home.syslog);
    const quoted = [tail, syslog === '' ? '' : `syslog of ${home?.name ?? ''}:\n${syslog}`].filter((part) => part !== '').join('\n');
    super('E_CYRUS_FAILED', `${what} failed: ${reason}${quoted === '' ? '' : `\n${quoted}`}`, { what, exitCode, output: tail, syslog });
    this.name = 'CyrusFailedError';
  }
}
