/**
 * Creates one virtual server's real Cyrus instance: an `imapd.conf`, a config directory and a
 * mail partition, and nothing else: no `cyrus.conf`, no `master`, no listener. Every program
 * serves one session on stdio (`-X`). The instance replicates to each peer over a channel of
 * its own (`sync_client -n <channel>`), whose `sync_host` is the path of a one-shot UNIX
 * socket in the instance's folder (syncSession.ts).
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DovecotPathError } from '../dovecot/dovecotErrors.ts';
import { checkSafePath } from '../dovecot/dovecotEnv.ts';
import { CYRUS_RUN_USER, requireCyrus } from './cyrusEnv.ts';

const SAFE_NAME = /^[A-Za-z0-9_-]+$/;

/** One virtual server's Cyrus instance. */
export interface CyrusHome {
  readonly name: string;
  readonly dir: string;
  readonly conf: string;
  /** Byte counts of sessions and other scratch files. */
  readonly scratch: string;
  /** What the instance's programs logged through syslog (cyrusEnv.ts). */
  readonly syslog: string;
  /** Per peer: the sync channel this instance's `sync_client` uses and the socket path its `sync_host` names. */
  readonly channels: ReadonlyMap<string, { readonly channel: string; readonly socket: string }>;
}

function configText(home: CyrusHome): string {
  const lines = [
    '# Written by mailsim (backends/cyrus/cyrusHome.ts): one Cyrus instance, no daemon.',
    `configdirectory: ${join(home.dir, 'conf')}`,
    'defaultpartition: default',
    `partition-default: ${join(home.dir, 'part')}`,
    `servername: ${home.name}`,
    'admins: admin',
    // `imapd -N` skips the password check, and any password does for LOGIN.
    'allowplaintext: yes',
    'sasl_pwcheck_method: alwaystrue',
    // Personal folders at the top level with `.` between levels: the simulator's names as they are.
    'altnamespace: yes',
    'unixhierarchysep: no',
    // Replicate over the sync protocol only (no IMAP fallback, which needs a listener).
    'sync_try_imap: no',
    // Started as root, every program switches to this user; the instance's folders let it write.
    `cyrus_user: ${CYRUS_RUN_USER}`,
    `lmtpsocket: ${join(home.dir, 'run', 'lmtp')}`,
    `idlesocket: ${join(home.dir, 'run', 'idle')}`,
    `notifysocket: ${join(home.dir, 'run', 'notify')}`,
  ];
  // Config keys are read lowercased, so a channel's name is too.
  for (const { channel, socket } of home.channels.values()) lines.push(`${channel}_sync_host: ${socket}`);
  return `${lines.join('\n')}\n`;
}

/** Creates `<parent>/<name>` with its config and folders, writable by the user Cyrus runs as. */
export async function createCyrusHome(parent: string, name: string, peers: readonly string[]): Promise<CyrusHome> {
  requireCyrus();
  if (!SAFE_NAME.test(name)) throw new DovecotPathError(name, 'a server name is letters, digits, _ and - only');
  const dir = join(parent, name);
  checkSafePath(dir);
  const channels = new Map(peers.map((peer, index) => [peer, { channel: `peer${index}`, socket: join(dir, 'run', `sync-${index}.sock`) }]));
  const home: CyrusHome = { name, dir, conf: join(dir, 'imapd.conf'), scratch: join(dir, 'scratch'), syslog: join(dir, 'syslog'), channels };
  for (const path of [dir, join(dir, 'conf'), join(dir, 'part'), join(dir, 'run'), home.scratch]) {
    await mkdir(path, { recursive: true });
    // mkdir's mode is masked by the umask; chmod's is not. Cyrus writes as its own user.
    await chmod(path, 0o777);
  }
  await writeFile(home.conf, configText(home), { mode: 0o644 });
  return home;
}
