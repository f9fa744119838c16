/**
 * Real Cyrus IMAP as a replica backend (`replica: cyrus`): each server a Cyrus instance
 * (cyrusHome.ts) with no daemon and no listener, in a folder of its own under the system's
 * temporary directory, removed when the run ends. Client operations are IMAP sessions with
 * `imapd -X -N` (the operations of backends/dovecot/mailOps.ts, which answer with what the
 * server answered), deliveries LMTP sessions with `lmtpd -X`, and replication real
 * `sync_client` runs against the peer's `sync_server -X` (syncSession.ts).
 *
 * The servers are scheduled like the dsync backend's (backends/dovecot/dsyncServer.ts: a
 * session opens over the simulated network, so partitions cut it, and a drawn crash point
 * kills it at a byte), with Cyrus's direction: replication runs from the master to its
 * replicas, and of each pair the master is the server with the smaller name, so that side's
 * `sync_client` runs every session of the pair and decides its ties, also after a split brain.
 *
 * The initial population is appended on the first server and replicated to the others, so
 * every replica starts with the same mailboxes (Cyrus never joins two mailboxes created apart).
 */
import { makeTempRoot, removeTempRoot } from '../tempRoots.ts';
import { EPOCH_MS } from '../../sim/clock.ts';
import type { BackendDeps, InitialMailbox, ReplicaBackend, ReplicaServer } from '../../sim/replicaServer.ts';
import type { DovecotDriver } from '../dovecot/dovecotDriver.ts';
import { DsyncServer, type DsyncCluster } from '../dovecot/dsyncServer.ts';
import { GuidNames } from '../dovecot/guidNames.ts';
import { withImap } from '../dovecot/imapStdio.ts';
import { append, copy, deleteMailbox, expunge, move, storeFlags } from '../dovecot/mailOps.ts';
import { quoteMailbox } from '../dovecot/imapSyntax.ts';
import { readEndpointMailboxes } from '../dovecot/readState.ts';
import { CyrusFailedError } from './cyrusErrors.ts';
import { CYRUS_USER } from './cyrusEnv.ts';
import { createCyrusHome, type CyrusHome } from './cyrusHome.ts';
import { CYRUS_ADMIN, cyrusEndpoint } from './cyrusImap.ts';
import { lmtpDeliver } from './lmtpDeliver.ts';
import { cyrusSync } from './syncSession.ts';

/** The start of the simulator's name of every message of a Cyrus run (guidNames.ts). */
export const CYRUS_NAME_PREFIX = 'cyrus-';

/** The driver on real Cyrus processes. */
export const realCyrus: DovecotDriver<CyrusHome> = {
  append: (home, mailbox, body, flags, internalDateMs) => append(cyrusEndpoint(home), mailbox, body, flags, internalDateMs),
  deliver: lmtpDeliver,
  storeFlags: (home, mailbox, uidValidity, uid, mode, flags) => storeFlags(cyrusEndpoint(home), mailbox, uidValidity, uid, mode, flags),
  expunge: (home, mailbox, uidValidity, uids) => expunge(cyrusEndpoint(home), mailbox, uidValidity, uids),
  copy: (home, from, uidValidity, uids, to) => copy(cyrusEndpoint(home), from, uidValidity, uids, to),
  move: (home, from, uidValidity, uids, to) => move(cyrusEndpoint(home), from, uidValidity, uids, to),
  deleteMailbox: (home, mailbox) => deleteMailbox(cyrusEndpoint(home), mailbox),
  // Cyrus's message GUID is the SHA-1 of the message; sync_client carries it to the replica.
  readMailboxes: (home) => readEndpointMailboxes(cyrusEndpoint(home), 'DIGEST.SHA1'),
  async sync(from, to, options) {
    // The master (the smaller name) always runs sync_client: DsyncServer passes the pair that way.
    const result = await cyrusSync(from, to, options.killAfterBytes);
    return { ok: result.ok, state: '', bytes: result.bytesToReplica + result.bytesFromReplica, killed: result.killed };
  },
};

/** Creates the mail user and its mailboxes on `home`, as its admin and then as the user. */
export async function createCyrusUser(home: CyrusHome, mailboxes: readonly string[]): Promise<void> {
  const run = async (user: string, commands: readonly string[]): Promise<void> =>
    withImap(cyrusEndpoint(home, user), async (imap) => {
      for (const command of commands) {
        const response = await imap.command(command);
        if (response.status !== 'OK') throw new CyrusFailedError(`setting up ${home.name}`, `${command} answered ${response.status} ${response.text}`, null, '', home);
      }
    });
  await run(CYRUS_ADMIN, [`CREATE ${quoteMailbox(`user.${CYRUS_USER}`)}`]);
  const others = mailboxes.filter((name) => name !== 'INBOX');
  // lmtpd delivers `test+Archive` into Archive only when the folder grants the post right
  // (`p`) to anyone; without it Cyrus files the message in INBOX, as its plus-addressing does.
  const commands = others.flatMap((name) => [`CREATE ${quoteMailbox(name)}`, `SETACL ${quoteMailbox(name)} anyone p`]);
  if (others.length > 0) await run(CYRUS_USER, commands);
}

export function cyrusBackend(driver: DovecotDriver<CyrusHome> = realCyrus): ReplicaBackend {
  let root: string | null = null;
  return {
    real: true,
    async createServers(deps: BackendDeps, initial: readonly InitialMailbox[]): Promise<ReadonlyMap<string, ReplicaServer>> {
      // Cyrus started as root drops to nobody, who must pass through it (tempRoots.ts).
      root = await makeTempRoot('mailsim-cyrus-');
      const cluster: DsyncCluster<CyrusHome> = { driver, stateful: false, servers: new Map(), states: new Map(), names: new GuidNames(CYRUS_NAME_PREFIX), fullAt: new Map() };
      const homes: CyrusHome[] = [];
      for (const name of deps.config.servers) homes.push(await createCyrusHome(root, name, deps.config.servers.filter((peer) => peer !== name)));
      const [first, ...others] = homes as [CyrusHome, ...CyrusHome[]];
      await createCyrusUser(first, initial.map((mailbox) => mailbox.name));
      for (const mailbox of initial) {
        for (const [index, message] of mailbox.messages.entries()) await driver.append(first, mailbox.name, message.body, message.flags, EPOCH_MS + index * 1000);
      }
      for (const home of others) {
        const outcome = await driver.sync(first, home, { stateful: false, full: false, state: '', killAfterBytes: null });
        if (!outcome.ok) throw new CyrusFailedError(`copying the initial population to ${home.name}`, 'sync_client failed', null, '', home);
      }
      for (const [index, name] of deps.config.servers.entries()) {
        cluster.servers.set(name, new DsyncServer(name, homes[index] as CyrusHome, deps, cluster));
      }
      for (const server of cluster.servers.values()) await server.refresh();
      return cluster.servers;
    },
    async dispose(): Promise<void> {
      if (root !== null) await removeTempRoot(root);
      root = null;
    },
  };
}
