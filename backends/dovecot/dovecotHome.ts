/**
 * Creates one virtual server's real Dovecot 2.3 store: a config file, a Maildir, a home and a
 * run directory, and no daemon. The imap binary and doveadm run against it directly, as the
 * user `test`, with privileges dropped to nobody (so the tree must be writable by nobody).
 */
import { chmod, mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DovecotPathError } from './dovecotErrors.ts';
import { runDoveadm } from './doveadm.ts';
import { DOVECOT_USER, checkSafePath, requireDovecot, type DovecotHome } from './dovecotEnv.ts';

export { dovecotInstalled, type DovecotHome } from './dovecotEnv.ts';

const SAFE_NAME = /^[A-Za-z0-9_-]+$/;

/** A mailbox identity fixed before anything else touches the store (see DovecotHomeOptions). */
export interface PinnedMailbox {
  /** 32 lowercase hex digits (mailboxGuid.ts derives one from a seed). */
  readonly guid: string;
  readonly uidValidity: number;
}

export interface DovecotHomeOptions {
  /**
   * Pins INBOX's mailbox GUID and UIDVALIDITY. Give every replica of one cluster the same
   * pin: Dovecot 2.3.19's dsync never converges two INBOXes created independently (different
   * mailbox GUIDs); each sync swaps GUID and UIDVALIDITY between the sides and exits 2
   * ("Remote lost mailbox GUID"), forever. Without a pin, INBOX is created by the first
   * operation, or by the first dsync from a replica that has one (then it takes that GUID).
   */
  readonly inbox?: PinnedMailbox;
}

function configText(dir: string, maildir: string, run: string, usersDir: string): string {
  return [
    '# Written by mailsim (backends/dovecot/dovecotHome.ts): one replica, no daemon.',
    'protocols = imap',
    'ssl = no',
    `base_dir = ${run}`,
    `state_dir = ${run}`,
    `log_path = ${dir}/dovecot.log`,
    // We run as root and drop to nobody; uid 0 must not be refused before the drop.
    'first_valid_uid = 0',
    'mail_privileged_group =',
    'mail_uid = nobody',
    'mail_gid = nogroup',
    // Keep appended CRLF bytes as they are: the Maildir file is the message the client sent,
    // and its size equals RFC822.SIZE.
    'mail_save_crlf = yes',
    `mail_location = maildir:${maildir}`,
    'passdb {',
    '  driver = static',
    `  args = uid=nobody gid=nogroup home=${usersDir}/%u`,
    '}',
    'userdb {',
    '  driver = static',
    `  args = uid=nobody gid=nogroup home=${usersDir}/%u`,
    '}',
    '',
  ].join('\n');
}

/**
 * Throws DovecotPathError unless nobody can reach `dir`: every existing ancestor must be
 * searchable by others (mkdtemp makes 0700 directories, which Dovecot then cannot enter).
 */
async function checkReachable(dir: string): Promise<void> {
  for (let path = dirname(dir); ; path = dirname(path)) {
    const info = await stat(path).catch(() => null);
    if (info !== null && (info.mode & 0o001) === 0) {
      throw new DovecotPathError(path, `Dovecot runs as nobody and cannot enter it (mode ${(info.mode & 0o777).toString(8)}); chmod o+x it`);
    }
    if (path === dirname(path)) return;
  }
}

/**
 * Creates `<parent>/<name>` with a config, an empty Maildir root, the home, the run and a
 * scratch directory, all writable by nobody. The Maildir root is left without cur/new/tmp:
 * those would make INBOX exist, with a fresh GUID of its own (see DovecotHomeOptions.inbox).
 */
export async function createDovecotHome(parent: string, name: string, options: DovecotHomeOptions = {}): Promise<DovecotHome> {
  requireDovecot();
  if (!SAFE_NAME.test(name)) throw new DovecotPathError(name, 'a home name is letters, digits, _ and - only');
  const dir = join(parent, name);
  checkSafePath(dir);
  await checkReachable(dir);
  const usersDir = join(dir, 'home');
  const home: DovecotHome = {
    dir,
    conf: join(dir, 'dovecot.conf'),
    maildir: join(dir, 'Maildir'),
    home: join(usersDir, DOVECOT_USER),
    scratch: join(dir, 'scratch'),
    name,
  };
  const run = join(dir, 'run');
  for (const path of [dir, home.maildir, usersDir, home.home, run, home.scratch]) {
    await mkdir(path, { recursive: true });
    // mkdir's mode is masked by the umask; chmod's is not. Dovecot writes as nobody.
    await chmod(path, 0o777);
  }
  await writeFile(home.conf, configText(dir, home.maildir, run, usersDir), { mode: 0o644 });
  if (options.inbox !== undefined) await pinMailbox(home, 'INBOX', options.inbox);
  return home;
}

/** Throws DovecotPathError unless `pin` is a GUID Dovecot takes and a valid UIDVALIDITY. */
export function checkPin(pin: PinnedMailbox): void {
  if (!/^[0-9a-f]{32}$/.test(pin.guid)) throw new DovecotPathError(pin.guid, 'a mailbox GUID is 32 lowercase hex digits');
  if (!Number.isInteger(pin.uidValidity) || pin.uidValidity < 1 || pin.uidValidity > 0xffff_ffff) {
    throw new DovecotPathError(String(pin.uidValidity), 'a UIDVALIDITY is an integer in 1..2^32-1');
  }
}

/**
 * Sets a mailbox's GUID and UIDVALIDITY, creating it if needed. Meant for a mailbox that holds
 * no mail yet: a new UIDVALIDITY invalidates every UID a client knows.
 */
export async function pinMailbox(home: DovecotHome, mailbox: string, pin: PinnedMailbox): Promise<void> {
  checkPin(pin);
  await runDoveadm(home, ['mailbox', 'update', '--mailbox-guid', pin.guid, '--uid-validity', String(pin.uidValidity), mailbox], `pin ${mailbox} on ${home.name}`);
}
