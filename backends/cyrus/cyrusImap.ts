/**
 * IMAP sessions with a Cyrus instance: `imapd -X -N` serves one session on stdio (no
 * listener), `-N` skips the password check, and the session logs in as the instance's user
 * (or as its admin, to create the user). Commands then go through the same connection as
 * Dovecot's imap binary (backends/dovecot/imapStdio.ts), so the operations of
 * backends/dovecot/mailOps.ts run on Cyrus unchanged and answer with what Cyrus answered.
 */
import { spawn } from 'node:child_process';
import { ImapConnection, type ImapEndpoint, type ImapServerKind } from '../dovecot/imapStdio.ts';
import { CyrusFailedError } from './cyrusErrors.ts';
import { CYRUS_USER, cyrusEnv, cyrusProgramPath, requireCyrus } from './cyrusEnv.ts';
import type { CyrusHome } from './cyrusHome.ts';

/** How an imapd session of `home` greets and fails: a failure quotes the instance's syslog. */
function cyrusImapKind(home: CyrusHome): ImapServerKind {
  return { greeting: '* OK', failure: (what, reason, exitCode, stderr) => new CyrusFailedError(what, reason, exitCode, stderr, home) };
}

/** The instance's administrator (`admins:` in cyrusHome.ts). */
export const CYRUS_ADMIN = 'admin';

/** Starts `imapd -X -N` on `home` and logs in as `user`. */
export async function openCyrusImap(home: CyrusHome, user: string = CYRUS_USER): Promise<ImapConnection> {
  requireCyrus();
  const child = spawn(cyrusProgramPath('imapd'), ['-C', home.conf, '-X', '-N'], { stdio: ['pipe', 'pipe', 'pipe'], detached: true, env: cyrusEnv('imap', home.syslog) });
  const imap = await ImapConnection.attach(child, `imapd on ${home.name}`, cyrusImapKind(home));
  // `-N`: no password check, so any password will do.
  const login = await imap.command(`LOGIN ${user} x`);
  if (login.status !== 'OK') {
    await imap.kill();
    throw new CyrusFailedError(`imapd on ${home.name}`, `LOGIN ${user} answered ${login.status} ${login.text}`, null, '', home);
  }
  return imap;
}

/** The mail user's IMAP endpoint of `home`, for the operations of mailOps.ts. */
export function cyrusEndpoint(home: CyrusHome, user: string = CYRUS_USER): ImapEndpoint {
  return { name: home.name, connect: () => openCyrusImap(home, user) };
}
