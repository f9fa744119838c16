// Proves a real client's server folder, kept for the run, holds after each presentation exactly what a fresh export of the replica writes, and that Dovecot's index survives only while no UID it knew moved and the program uploaded nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm, writeFile, rename } from 'node:fs/promises';
import * as nodeFs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Volume } from 'memfs';
import { exportMailbox } from '../../../core/export.ts';
import { replicaFsFrom, type PromisesFsLike } from '../../../core/fsTypes.ts';
import { Replica } from '../../../core/replica/replica.ts';
import type { Mailbox } from '../../../core/state.ts';
import { strategyByName } from '../../../core/strategies/registry.ts';
import type { InboxSource } from '../../../backends/realClients/inboxSource.ts';
import { ServerFolder, indexAgrees } from '../../../backends/realClients/serverFolder.ts';

const body = (i: number): Uint8Array => new TextEncoder().encode(`Message-ID: <m${i}@example.test>\r\nSubject: ${i}\r\n\r\nbody ${i}\r\n`);

async function replicaWith(count: number): Promise<Replica> {
  let now = 1_764_326_400_000;
  const vol = new Volume();
  return Replica.create(
    { node: 'n1', fs: replicaFsFrom(vol.promises as unknown as PromisesFsLike), dir: '/repo', layout: { kind: 'flat' }, strategy: strategyByName('renumber'), clock: () => (now += 1000) },
    [{ name: 'INBOX', uidValidity: 1000, messages: Array.from({ length: count }, (_, i) => ({ body: body(i), flags: [] })) }],
  );
}

/** The replica's INBOX as a sync reads it now. */
const sourceOf = (replica: Replica): InboxSource => ({
  box: replica.committed.mailboxes.get('INBOX') as Mailbox,
  body: async (message) => (await replica.readObject(message.blobId)).content,
});

/** Every file of a Maildir folder's cur/ and new/ with its bytes, and its uidlist. */
async function folderContents(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const sub of ['cur', 'new']) for (const name of (await readdir(join(dir, sub))).sort()) out[`${sub}/${name}`] = await readFile(join(dir, sub, name), 'utf8');
  out['dovecot-uidlist'] = await readFile(join(dir, 'dovecot-uidlist'), 'utf8');
  return out;
}

let root = '';
let exports = 0;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'mailsim-server-folder-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function freshExport(replica: Replica): Promise<Record<string, string>> {
  const dir = join(root, `fresh-${++exports}`);
  await exportMailbox(replica, replica.committed.mailboxes.get('INBOX') as Mailbox, replicaFsFrom(nodeFs), dir);
  return folderContents(dir);
}

describe('ServerFolder', () => {
  it('holds what a fresh export holds after deliveries, flag changes, expunges and what the program left', async () => {
    const replica = await replicaWith(4);
    const folder = await ServerFolder.create(join(root, 'server'));
    await folder.present(sourceOf(replica));
    expect(await folderContents(folder.maildir)).toEqual(await freshExport(replica));
    // What Dovecot does in a sync: a file renamed with a flag, one moved to new/, a stray upload, its index.
    const cur = (await readdir(join(folder.maildir, 'cur'))).sort();
    await rename(join(folder.maildir, 'cur', cur[0] as string), join(folder.maildir, 'cur', `${cur[0] as string}F`));
    await rename(join(folder.maildir, 'cur', cur[1] as string), join(folder.maildir, 'new', cur[1] as string));
    await writeFile(join(folder.maildir, 'new', 'upload.M1P2.host,S=9'), 'uploaded');
    await writeFile(join(folder.maildir, 'dovecot.index'), 'index');
    await replica.deliver('INBOX', body(10));
    await replica.store('INBOX', [3], '+', ['\\Seen']);
    await replica.expunge('INBOX', [2]);
    const shown = await folder.present(sourceOf(replica));
    expect(await folderContents(folder.maildir)).toEqual(await freshExport(replica));
    expect(shown.map((m) => m.uid)).toEqual([1, 3, 4, 5]);
    expect(shown.find((m) => m.uid === 3)?.flags).toEqual(['\\Seen']);
    // Nothing Dovecot knew moved: its index stays.
    expect(await readdir(folder.maildir)).toContain('dovecot.index');
  });

  it('drops Dovecot\'s files after an upload or a failed sync, so the next sync starts from the uidlist', async () => {
    const replica = await replicaWith(2);
    const folder = await ServerFolder.create(join(root, 'server'));
    await folder.present(sourceOf(replica));
    await writeFile(join(folder.maildir, 'dovecot.index'), 'index');
    await writeFile(join(folder.maildir, 'dovecot.list.index'), 'list');
    folder.settle(false);
    await folder.present(sourceOf(replica));
    expect((await readdir(folder.maildir)).sort()).toEqual(['cur', 'dovecot-keywords', 'dovecot-uidlist', 'new', 'tmp']);
  });
});

describe('indexAgrees', () => {
  const box = (uidValidity: number, uidNext: number): Mailbox => ({ uidValidity, uidNext }) as Mailbox;
  const shown = { uidValidity: 7, uidNext: 4, uidByGuid: new Map([['a', 1], ['b', 2], ['c', 3]]) };

  it('keeps the index for messages it knew under the same UIDs and new ones above its UIDNEXT', () => {
    expect(indexAgrees(shown, box(7, 6), [{ guid: 'a', uid: 1 }, { guid: 'c', uid: 3 }, { guid: 'd', uid: 4 }, { guid: 'e', uid: 5 }])).toBe(true);
  });

  it('drops it for a renumbered message, a reused UID, a new UIDVALIDITY or nothing shown yet', () => {
    expect(indexAgrees(shown, box(7, 6), [{ guid: 'a', uid: 1 }, { guid: 'b', uid: 5 }])).toBe(false);
    expect(indexAgrees(shown, box(7, 6), [{ guid: 'a', uid: 1 }, { guid: 'x', uid: 2 }])).toBe(false);
    expect(indexAgrees(shown, box(8, 6), [{ guid: 'a', uid: 1 }])).toBe(false);
    expect(indexAgrees(shown, box(7, 3), [{ guid: 'a', uid: 1 }])).toBe(false);
    expect(indexAgrees(null, box(7, 6), [])).toBe(false);
  });
});
