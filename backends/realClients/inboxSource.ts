/**
 * Where a real client's sync reads the server's INBOX from: the replica's state (UIDVALIDITY,
 * UIDNEXT, UIDs, flags, GUIDs) and each message's bytes. The reference replica reads a body
 * from its object store; a real Dovecot replica (dsync, dsync-plain) from its own Maildir,
 * the file Dovecot named by the message's GUID. Cyrus keeps no Maildir to read: refused.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Mailbox, Message } from '../../core/state.ts';
import { REAL_CLIENT_MAILBOX } from '../../sim/realClientTypes.ts';
import type { ReplicaServer } from '../../sim/replicaServer.ts';
import type { DovecotHome } from '../dovecot/dovecotEnv.ts';
import { DsyncServer } from '../dovecot/dsyncServer.ts';
import { gitReplicaOf } from '../git/gitBackend.ts';

export interface InboxSource {
  readonly box: Mailbox;
  body(message: Message): Promise<Uint8Array>;
}

function inboxOf(server: ReplicaServer): Mailbox {
  const box = server.store?.committed.mailboxes.get(REAL_CLIENT_MAILBOX);
  if (box === undefined) throw new Error(`${server.name} has no ${REAL_CLIENT_MAILBOX}`);
  return box;
}

function isDovecotHome(home: unknown): home is DovecotHome {
  return typeof home === 'object' && home !== null && typeof (home as { maildir?: unknown }).maildir === 'string';
}

/** The file of Dovecot's Maildir whose base name is `guid` (Dovecot's GUID of a Maildir message is its file's base name). */
async function dovecotFile(maildir: string, guid: string): Promise<Uint8Array> {
  for (const sub of ['cur', 'new']) {
    const name = (await readdir(join(maildir, sub))).find((n) => n === guid || n.startsWith(`${guid}:`) || n.startsWith(`${guid},`));
    if (name !== undefined) return readFile(join(maildir, sub, name));
  }
  throw new Error(`Dovecot's Maildir ${maildir} has no file for GUID ${guid}`);
}

/** The server's INBOX as a sync reads it, or why this backend's replicas cannot be read so. */
export function inboxSourceOf(server: ReplicaServer): InboxSource | string {
  const replica = gitReplicaOf(server);
  if (replica !== null) return { box: inboxOf(server), body: async (message) => (await replica.readObject(message.blobId)).content };
  if (server instanceof DsyncServer && isDovecotHome(server.home)) {
    const home = server.home;
    return {
      box: inboxOf(server),
      body: async (message) => {
        const guid = server.dovecotGuid(REAL_CLIENT_MAILBOX, message.uid);
        if (guid === undefined) throw new Error(`${server.name} shows no Dovecot GUID for ${REAL_CLIENT_MAILBOX} UID ${message.uid}`);
        return dovecotFile(home.maildir, guid);
      },
    };
  }
  return `real clients sync with the reference replica's or real Dovecot's replicas (git, dsync, dsync-plain); ${server.name} is another backend's`;
}
