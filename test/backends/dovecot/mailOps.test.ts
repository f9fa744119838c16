// Proves the Dovecot driver's client operations on real Dovecot 2.3: UIDs from APPENDUID and COPYUID, modseqs from CONDSTORE, expunges from VANISHED, NO as ImapNoError, and the state read back.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ImapNoError, MailsimError } from '../../../core/errors.ts';
import { createDovecotHome, type DovecotHome } from '../../../backends/dovecot/dovecotHome.ts';
import { imapSession } from '../../../backends/dovecot/imapStdio.ts';
import { append, copy, createMailbox, expunge, move, storeFlags } from '../../../backends/dovecot/mailOps.ts';
import { pinnedMailboxGuid } from '../../../backends/dovecot/mailboxGuid.ts';
import { readMailboxes } from '../../../backends/dovecot/readState.ts';
import { DOVECOT, INBOX_PIN, START_MS, message, messagesOf, tempDir } from './dovecotFixture.ts';

const UIDV = INBOX_PIN.uidValidity;

describe.skipIf(!DOVECOT)('Dovecot mail operations', () => {
  let tmp: { dir: string; remove: () => Promise<void> };
  let counter = 0;
  const fresh = async (): Promise<DovecotHome> => createDovecotHome(tmp.dir, `h${++counter}`, { inbox: INBOX_PIN });

  beforeAll(async () => {
    tmp = await tempDir('ops');
  });
  afterAll(async () => {
    await tmp.remove();
  });

  it('APPEND returns APPENDUID, and the message reads back byte for byte with its flags and INTERNALDATE', async () => {
    const home = await fresh();
    const body = message(1, 300);
    expect(await append(home, 'INBOX', body, ['\\Seen', '$Junk'], START_MS + 1_234)).toEqual({ uid: 1, uidValidity: UIDV });
    expect(await append(home, 'INBOX', message(2), [], START_MS)).toEqual({ uid: 2, uidValidity: UIDV });
    const inbox = await messagesOf(home);
    expect(inbox.uidValidity).toBe(UIDV);
    expect(inbox.uidNext).toBe(3);
    const [first] = inbox.messages;
    expect(first).toMatchObject({ uid: 1, flags: ['$Junk', '\\Seen'], sizeBytes: body.length, internalDateMs: START_MS + 1_000, messageId: '<m1@example.test>' });
    // mail_save_crlf: the Maildir file is the appended bytes; its base name is the GUID.
    const files = await readdir(join(home.maildir, 'cur'));
    const file = files.find((name) => name.startsWith(first!.guid));
    expect(file).toBeDefined();
    expect(Buffer.compare(await readFile(join(home.maildir, 'cur', file!)), Buffer.from(body))).toBe(0);
  });

  it('STORE +, - and = return the flags and a growing modseq; a vanished UID gives null', async () => {
    const home = await fresh();
    await append(home, 'INBOX', message(1), [], START_MS);
    const added = await storeFlags(home, 'INBOX', UIDV, 1, '+', ['\\Flagged', '\\Seen']);
    expect(added?.flags).toEqual(['\\Flagged', '\\Seen']);
    const removed = await storeFlags(home, 'INBOX', UIDV, 1, '-', ['\\Seen']);
    expect(removed?.flags).toEqual(['\\Flagged']);
    expect(removed!.modseq).toBeGreaterThan(added!.modseq);
    const replaced = await storeFlags(home, 'INBOX', UIDV, 1, '=', ['$Label1']);
    expect(replaced?.flags).toEqual(['$Label1']);
    // A store that changes nothing still reports the message (read back, not from STORE's FETCH).
    expect((await storeFlags(home, 'INBOX', UIDV, 1, '+', ['$Label1']))?.modseq).toBe(replaced!.modseq);
    expect(await storeFlags(home, 'INBOX', UIDV, 99, '+', ['\\Seen'])).toBeNull();
    expect((await messagesOf(home)).messages[0]?.modseq).toBe(replaced!.modseq);
  });

  it('refuses to act on a UIDVALIDITY that is not the mailbox\'s', async () => {
    const home = await fresh();
    await append(home, 'INBOX', message(1), [], START_MS);
    const error = await storeFlags(home, 'INBOX', UIDV + 1, 1, '+', ['\\Seen']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImapNoError);
    expect((error as ImapNoError).message).toMatch(/UIDVALIDITY changed/);
    await expect(expunge(home, 'INBOX', UIDV + 1, [1])).rejects.toBeInstanceOf(ImapNoError);
    expect((await messagesOf(home)).messages[0]?.flags).toEqual([]);
  });

  it('UID EXPUNGE removes exactly the given UIDs and reports them from VANISHED', async () => {
    const home = await fresh();
    for (let i = 1; i <= 5; i++) await append(home, 'INBOX', message(i), i === 4 ? ['\\Deleted'] : [], START_MS);
    expect(await expunge(home, 'INBOX', UIDV, [2, 3, 42])).toEqual([2, 3]);
    // UID 4 carried \Deleted too, but was not named: it stays.
    expect((await messagesOf(home)).messages.map((m) => m.uid)).toEqual([1, 4, 5]);
  });

  it('COPY and MOVE map UIDs from COPYUID; a copy keeps the message GUID', async () => {
    const home = await fresh();
    for (let i = 1; i <= 4; i++) await append(home, 'INBOX', message(i), [], START_MS);
    await createMailbox(home, 'Archive');
    await createMailbox(home, 'Archive.2026');
    const archive = (await readMailboxes(home)).find((m) => m.name === 'Archive')!;
    const copied = await copy(home, 'INBOX', UIDV, [3, 1], 'Archive');
    expect(copied).toEqual({ uidValidity: archive.uidValidity, sourceUids: [1, 3], targetUids: [1, 2] });
    const moved = await move(home, 'INBOX', UIDV, [2, 4, 77], 'Archive.2026');
    expect(moved.sourceUids).toEqual([2, 4]);
    expect(moved.targetUids).toEqual([1, 2]);
    const state = await readMailboxes(home);
    expect(state.map((m) => m.name)).toEqual(['INBOX', 'Archive', 'Archive.2026']);
    const [inbox, arch] = state;
    expect(inbox!.messages.map((m) => m.uid)).toEqual([1, 3]);
    // GUID names the message, not its place: the copy in Archive has the same one as INBOX's.
    expect(arch!.messages.map((m) => m.guid)).toEqual(inbox!.messages.map((m) => m.guid));
    expect(await copy(home, 'INBOX', UIDV, [50], 'Archive')).toEqual({ uidValidity: 0, sourceUids: [], targetUids: [] });
  });

  it('maps Dovecot\'s NO to ImapNoError with its reason', async () => {
    const home = await fresh();
    await append(home, 'INBOX', message(1), [], START_MS);
    const noMailbox = await storeFlags(home, 'Nope', UIDV, 1, '+', ['\\Seen']).catch((e: unknown) => e);
    expect(noMailbox).toBeInstanceOf(ImapNoError);
    expect((noMailbox as ImapNoError).data).toEqual({ op: 'store', reason: "Mailbox doesn't exist: Nope" });
    await expect(copy(home, 'INBOX', UIDV, [1], 'Nope')).rejects.toThrow(/copy: \[TRYCREATE\]/);
    await expect(append(home, 'Nope', message(2), [], START_MS)).rejects.toBeInstanceOf(ImapNoError);
    await createMailbox(home, 'Work');
    await expect(createMailbox(home, 'Work')).rejects.toBeInstanceOf(ImapNoError);
    const guid = pinnedMailboxGuid('ops-test', 'Pinned');
    await createMailbox(home, 'Pinned', { guid });
    await expect(createMailbox(home, 'Pinned', { guid })).rejects.toBeInstanceOf(ImapNoError);
  });

  it('imapSession returns each command\'s untagged lines and tagged status, NO and BAD included', async () => {
    const home = await fresh();
    await append(home, 'INBOX', message(1), [], START_MS);
    const started = performance.now();
    const transcript = await imapSession(home, ['SELECT INBOX', 'UID FETCH 1 (FLAGS)', 'SELECT Nope', 'FROB']);
    const elapsedMs = performance.now() - started;
    expect(transcript.greeting).toMatch(/^\* PREAUTH .*UIDPLUS.*CONDSTORE QRESYNC/);
    expect(transcript.responses.map((r) => r.status)).toEqual(['OK', 'OK', 'NO', 'BAD']);
    expect(transcript.responses[0]!.untagged).toContain('* 1 EXISTS');
    expect(transcript.responses[1]!.untagged).toEqual(['* 1 FETCH (UID 1 FLAGS (\\Recent))']);
    console.log(`one imap session of 4 commands: ${elapsedMs.toFixed(0)} ms`);
  });

  it('refuses paths Dovecot would misread and names it cannot send, with typed errors', async () => {
    await expect(createDovecotHome(join(tmp.dir, 'has space'), 'A')).rejects.toMatchObject({ code: 'E_DOVECOT_PATH' });
    await expect(createDovecotHome(tmp.dir, 'a/b')).rejects.toMatchObject({ code: 'E_DOVECOT_PATH' });
    // A 0700 parent (mkdtemp's) would keep Dovecot, running as nobody, out: refused up front.
    const closed = await mkdtemp(join(tmp.dir, 'closed-'));
    await expect(createDovecotHome(closed, 'A')).rejects.toThrow(/cannot enter it \(mode 700\)/);
    const home = await fresh();
    await expect(append(home, 'Bad"Name', message(1), [], START_MS)).rejects.toMatchObject({ code: 'E_HOSTILE_NAME' });
    await expect(storeFlags(home, 'INBOX', UIDV, 1, '+', ['no spaces'])).rejects.toBeInstanceOf(MailsimError);
  });
});
