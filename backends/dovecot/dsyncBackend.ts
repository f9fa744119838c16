/**
 * Real Dovecot as a replica backend (`replica: dsync` and `dsync-plain`): each server a real
 * Maildir that Dovecot 2.3 owns, with no daemon and no listener, in a directory of its own
 * under the system's temporary directory, removed when the run ends (or after export).
 *
 * The initial population is appended on the first server and copied to the others by one
 * dsync each, so every replica starts with the same messages under the same GUIDs. Each
 * mailbox's GUID and UIDVALIDITY are pinned from the scenario (Dovecot's dsync never joins
 * two mailboxes created apart, and UIDVALIDITY would otherwise come from the wall clock).
 */
import { cp, readdir } from 'node:fs/promises';
import { assert } from '../../core/errors.ts';
import { makeTempRoot, removeTempRoot } from '../tempRoots.ts';
import { EPOCH_MS } from '../../sim/clock.ts';
import type { BackendDeps, InitialMailbox, ReplicaBackend, ReplicaServer } from '../../sim/replicaServer.ts';
import { createDovecotHome, pinMailbox, type DovecotHome } from './dovecotHome.ts';
import type { DovecotDriver } from './dovecotDriver.ts';
import { dsync } from './dsyncSession.ts';
import { append, copy, createMailbox, deleteMailbox, expunge, move, storeFlags } from './mailOps.ts';
import { pinnedMailboxGuid } from './mailboxGuid.ts';
import { readMailboxes } from './readState.ts';
import { DsyncServer, type DsyncCluster } from './dsyncServer.ts';
import { GuidNames } from './guidNames.ts';

/** The driver on real processes. */
export const realDovecot: DovecotDriver<DovecotHome> = {
  append,
  storeFlags,
  expunge,
  copy,
  move,
  deleteMailbox,
  readMailboxes,
  async sync(from, to, options) {
    const result = await dsync(from, to, { stateful: options.stateful, full: options.full, state: options.state, ...(options.killAfterBytes === null ? {} : { killAfterBytes: options.killAfterBytes }) });
    return { ok: result.ok, state: result.state, bytes: result.bytesAtoB + result.bytesBtoA, killed: result.killed };
  },
};

export function dsyncBackend(stateful: boolean, driver: DovecotDriver<DovecotHome> = realDovecot): ReplicaBackend {
  let root: string | null = null;
  return {
    real: true,
    async createServers(deps: BackendDeps, initial: readonly InitialMailbox[]): Promise<ReadonlyMap<string, ReplicaServer>> {
      root = await makeTempRoot('mailsim-dsync-');
      const cluster: DsyncCluster<DovecotHome> = { driver, stateful, servers: new Map(), states: new Map(), names: new GuidNames(), fullAt: new Map() };
      const seedName = `seed${deps.config.seed}`;
      const homes: DovecotHome[] = [];
      for (const name of deps.config.servers) {
        const home = await createDovecotHome(root, name);
        for (const mailbox of initial) {
          const pin = { guid: pinnedMailboxGuid(seedName, mailbox.name), uidValidity: mailbox.uidValidity };
          // INBOX exists once pinned; any other mailbox is created with its GUID first.
          if (mailbox.name !== 'INBOX') await createMailbox(home, mailbox.name, { guid: pin.guid });
          await pinMailbox(home, mailbox.name, pin);
        }
        homes.push(home);
      }
      const [first, ...others] = homes as [DovecotHome, ...DovecotHome[]];
      for (const mailbox of initial) {
        for (const [index, message] of mailbox.messages.entries()) await append(first, mailbox.name, message.body, message.flags, EPOCH_MS + index * 1000);
      }
      for (const home of others) {
        const [from, to] = first.name < home.name ? [first, home] : [home, first];
        const outcome = await driver.sync(from, to, { stateful, full: true, state: '', killAfterBytes: null });
        if (outcome.ok) cluster.states.set(`${from.name}>${to.name}`, outcome.state);
      }
      for (const [index, name] of deps.config.servers.entries()) {
        cluster.servers.set(name, new DsyncServer(name, homes[index] as DovecotHome, deps, cluster));
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

/** `mailsim export` of a dsync run: a copy of the server's own Maildir, as Dovecot left it. */
export async function exportDovecotMaildir(server: ReplicaServer, to: string): Promise<{ fileCount: number }> {
  assert(server instanceof DsyncServer, `${server.name} is a server of this backend`);
  const home = server.home as DovecotHome;
  await cp(home.maildir, to, { recursive: true });
  const files = await readdir(to, { recursive: true, withFileTypes: true });
  return { fileCount: files.filter((entry) => entry.isFile()).length };
}
