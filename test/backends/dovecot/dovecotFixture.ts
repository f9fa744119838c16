// Shared by the Dovecot driver's tests: the loud skip when Dovecot is missing (a failure on CI), temporary homes, messages, and a replica view to compare.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDovecotHome, dovecotInstalled, type DovecotHome } from '../../../backends/dovecot/dovecotHome.ts';
import { pinnedMailboxGuid } from '../../../backends/dovecot/mailboxGuid.ts';
import { readMailboxes } from '../../../backends/dovecot/readState.ts';

export const DOVECOT = dovecotInstalled();
if (!DOVECOT) {
  if (process.env.CI === 'true') throw new Error('Dovecot (/usr/lib/dovecot/imap, /usr/bin/doveadm) is missing on CI: install dovecot-imapd');
  console.warn('SKIPPED LOUDLY: Dovecot is not installed; the tests of backends/dovecot did not run');
}

/** The INBOX identity every replica of a test cluster shares (dovecotHome.ts says why). */
export const INBOX_PIN = { guid: pinnedMailboxGuid('mailsim-test', 'INBOX'), uidValidity: 1000 };
export const START_MS = 1_764_326_400_000;

/** A small message with a Message-ID; `padBytes` of body text on top. */
export function message(i: number, padBytes = 0): Uint8Array {
  const pad = padBytes > 0 ? `${'x'.repeat(Math.max(0, padBytes - 2))}\r\n` : '';
  return new TextEncoder().encode(`Message-ID: <m${i}@example.test>\r\nSubject: message ${i}\r\n\r\nbody ${i}\r\n${pad}`);
}

/** A temporary directory, removed by the returned function. */
export async function tempDir(label: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `mailsim-dovecot-${label}-`));
  // mkdtemp's 0700 would keep Dovecot (running as nobody) out.
  await chmod(dir, 0o755);
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Two replicas A and B sharing INBOX's pin. */
export async function pair(dir: string): Promise<[DovecotHome, DovecotHome]> {
  return [await createDovecotHome(dir, 'A', { inbox: INBOX_PIN }), await createDovecotHome(dir, 'B', { inbox: INBOX_PIN })];
}

/** What clients of a replica see, modseqs left out (they are per-server counters). */
export async function clientView(home: DovecotHome): Promise<unknown> {
  return (await readMailboxes(home)).map((m) => ({
    name: m.name, uidValidity: m.uidValidity, uidNext: m.uidNext,
    messages: m.messages.map((x) => ({ uid: x.uid, guid: x.guid, flags: x.flags, messageId: x.messageId })),
  }));
}

/** One mailbox's messages of a replica. */
export async function messagesOf(home: DovecotHome, mailbox = 'INBOX'): Promise<Awaited<ReturnType<typeof readMailboxes>>[number]> {
  const found = (await readMailboxes(home)).find((m) => m.name === mailbox);
  if (found === undefined) throw new Error(`${home.name} has no mailbox ${mailbox}`);
  return found;
}
