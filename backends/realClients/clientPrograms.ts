/**
 * The real client programs: where they are, the configuration each gets, how it is run and
 * how its exit is read. Both sync one folder, INBOX, between a local Maildir and a server
 * reached through a tunnel: Dovecot's imap binary on stdio, preauthenticated, no daemon
 * (mbsync `Tunnel`, offlineimap `preauthtunnel`).
 */
import { existsSync } from 'node:fs';
import { MailsimError } from '../../core/errors.ts';
import type { RealClientKind, RealSyncStatus } from '../../sim/realClientTypes.ts';

export const CLIENT_PATHS: Readonly<Record<RealClientKind, string>> = { mbsync: '/usr/bin/mbsync', offlineimap: '/usr/bin/offlineimap' };
/** The Debian package of each program. */
export const CLIENT_PACKAGES: Readonly<Record<RealClientKind, string>> = { mbsync: 'isync', offlineimap: 'offlineimap3' };

/** Deadline of one sync: a sync takes tens of ms (mbsync) to a few hundred (offlineimap). */
export const CLIENT_SYNC_TIMEOUT_MS = 30_000;
/** Characters of a program's output kept as its words. */
export const CLIENT_WORDS_MAX = 600;

export class RealClientMissingError extends MailsimError<'E_REAL_CLIENT_MISSING', { kind: RealClientKind; path: string }> {
  constructor(kind: RealClientKind) {
    super('E_REAL_CLIENT_MISSING', `${kind} is not installed here (${CLIENT_PATHS[kind]}; apt-get install ${CLIENT_PACKAGES[kind]})`, { kind, path: CLIENT_PATHS[kind] });
    this.name = 'RealClientMissingError';
  }
}

export function realClientInstalled(kind: RealClientKind): boolean {
  return existsSync(CLIENT_PATHS[kind]);
}

/** Where one client keeps everything for the whole run. */
export interface ClientPaths {
  readonly dir: string;
  /** The local Maildir++ root; INBOX is `<mail>/INBOX`. */
  readonly mail: string;
  readonly rc: string;
}

/**
 * The configuration file. mbsync: far store through the tunnel, near Maildir, one channel
 * for INBOX that syncs everything both ways and expunges on both sides, its state in the
 * local folder. offlineimap: the same pair of repositories, INBOX only, its metadata in the
 * client's folder, the plain user interface.
 */
export function configText(kind: RealClientKind, paths: ClientPaths, tunnel: string): string {
  if (kind === 'mbsync') {
    return [
      'IMAPAccount far', `Tunnel "${tunnel}"`, 'SSLType None', '',
      'IMAPStore far', 'Account far', '',
      'MaildirStore near', `Path ${paths.mail}/`, `Inbox ${paths.mail}/INBOX`, 'SubFolders Verbatim', '',
      'Channel inbox', 'Far :far:', 'Near :near:', 'Patterns INBOX', 'Create Near', 'Sync All', 'Expunge Both', 'SyncState *', '',
    ].join('\n');
  }
  return [
    '[general]', 'accounts = a', `metadata = ${paths.dir}/offlineimap`, 'ui = basic', '',
    '[Account a]', 'localrepository = near', 'remoterepository = far', '',
    '[Repository near]', 'type = Maildir', `localfolders = ${paths.mail}`, '',
    '[Repository far]', 'type = IMAP', `preauthtunnel = ${tunnel}`, "folderfilter = lambda f: f == 'INBOX'", '',
  ].join('\n');
}

/** The arguments of one sync. */
export function clientArgs(kind: RealClientKind, paths: ClientPaths): string[] {
  return kind === 'mbsync' ? ['-c', paths.rc, 'inbox'] : ['-c', paths.rc, '-o', '-u', 'basic'];
}

/** What a finished run of a program says about its sync. */
export interface ProgramExit {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly output: string;
}

/** The end of what the program printed, on one line per line, at most CLIENT_WORDS_MAX characters. */
export function wordsOf(output: string): string {
  // Dovecot's own log lines (`imap(user)<pid>...`) come through the tunnel's stderr: not the program's words.
  const text = output.replace(/\r/g, '').split('\n').filter((line) => line.trim() !== '' && !/^imap\(/.test(line)).join('\n').trim();
  return text.length <= CLIENT_WORDS_MAX ? text : `...${text.slice(-CLIENT_WORDS_MAX)}`;
}

/**
 * ok: exit 0. refused: a non-zero exit in the program's own words. failed: it hung past the
 * deadline, a signal ended it, or it died with an interpreter's stack trace (offlineimap is
 * Python): nothing it did can be trusted to be whole.
 */
export function syncStatus(exit: ProgramExit): RealSyncStatus {
  if (exit.timedOut || exit.signal !== null || exit.exitCode === null) return 'failed';
  if (exit.output.includes('Traceback (most recent call last)')) return 'failed';
  return exit.exitCode === 0 ? 'ok' : 'refused';
}
