/**
 * Reads what a Dovecot replica holds, as its clients would see it, in one imap session:
 * every mailbox's UIDVALIDITY, UIDNEXT and HIGHESTMODSEQ, and per message its UID, GUID,
 * flags, modseq, size, INTERNALDATE and Message-ID. It reads with EXAMINE and BODY.PEEK, so
 * reading changes no flag and takes no \Recent.
 *
 * The GUID is Dovecot's (X-GUID): for Maildir, the file's base name. dsync carries it to the
 * other replica unchanged (test/backends/dovecot/dsync.test.ts), so a message keeps one GUID
 * on every replica and across renumbering; it is the identity to compare replicas by.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DovecotFailedError } from './dovecotErrors.ts';
import type { DovecotHome } from './dovecotEnv.ts';
import { withImap, type ImapConnection, type ImapEndpoint, type ImapResponse } from './imapStdio.ts';
import { atomList, normalizeFlags, numberValue, parseFetch, parseImapDateTime, parseValues, quoteMailbox, responseCode, type ImapValue } from './imapSyntax.ts';

export interface DovecotMessage {
  readonly uid: number;
  /** Dovecot's message GUID (Maildir base name), the same on every replica dsync copied it to. */
  readonly guid: string;
  /** Sorted, without \Recent. */
  readonly flags: string[];
  readonly modseq: number;
  /** RFC822.SIZE: the message's bytes (mail_save_crlf keeps them as appended). */
  readonly sizeBytes: number;
  /** INTERNALDATE, whole seconds. */
  readonly internalDateMs: number;
  /** The Message-ID header's value, unfolded; null without one. */
  readonly messageId: string | null;
}

export interface DovecotMailbox {
  /** IMAP name, `.` separated: INBOX, Archive, Archive.2026. */
  readonly name: string;
  readonly uidValidity: number;
  readonly uidNext: number;
  /** 0 when the mailbox has no modseqs (NOMODSEQ). */
  readonly highestModseq: number;
  /** Ascending by UID. */
  readonly messages: DovecotMessage[];
}

/** The FETCH item that names a message's GUID: Dovecot's X-GUID; Cyrus's is DIGEST.SHA1 (the message's SHA-1). */
export type GuidItem = 'X-GUID' | 'DIGEST.SHA1';

/** The store a read runs on: a name for messages and an IMAP session. */
type Target = DovecotHome | ImapEndpoint;

function fetchItems(guidItem: GuidItem): string {
  return `(UID ${guidItem} FLAGS MODSEQ RFC822.SIZE INTERNALDATE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])`;
}

function fail(home: Target, reason: string): never {
  throw new DovecotFailedError(`reading the state of ${home.name}`, reason, null, '');
}

function expectOk(response: ImapResponse, home: Target): ImapResponse {
  if (response.status !== 'OK') fail(home, `${response.command} answered ${response.status} ${response.text}`);
  return response;
}

function text(value: ImapValue | undefined, what: string, home: Target): string {
  if (typeof value !== 'string') fail(home, `${what} is not a string: ${JSON.stringify(value)}`);
  return value;
}

/** The Message-ID header's value from a `Message-ID: <...>\r\n\r\n` header block, unfolded. */
export function messageIdOf(headers: string): string | null {
  const match = /^message-id:[ \t]*((?:[^\r\n]|\r\n[ \t])*)/im.exec(headers);
  const value = match?.[1]?.replace(/\r\n[ \t]+/g, ' ').trim() ?? '';
  return value === '' ? null : value;
}

/** Selectable mailbox names, in the order the server listed them. */
async function listSelectable(imap: ImapConnection, home: Target): Promise<string[]> {
  const names: string[] = [];
  for (const line of expectOk(await imap.command('LIST "" "*"'), home).untagged) {
    if (!line.startsWith('* LIST ')) continue;
    const [attributes, , name] = parseValues(line.slice('* LIST '.length));
    const flags = atomList(attributes, 'LIST attributes').map((flag) => flag.toLowerCase());
    if (flags.includes('\\noselect') || flags.includes('\\nonexistent')) continue;
    names.push(text(name, 'LIST mailbox name', home));
  }
  return names;
}

/** INBOX first, then by name. */
function inboxFirst(names: readonly string[]): string[] {
  return [...names].sort((x, y) => (x === 'INBOX' ? -1 : y === 'INBOX' ? 1 : x < y ? -1 : x > y ? 1 : 0));
}

/** Dovecot's selectable mailboxes, INBOX first, then by name. */
async function listMailboxes(imap: ImapConnection, home: DovecotHome): Promise<string[]> {
  const names = await listSelectable(imap, home);
  // Dovecot lists INBOX even before it exists, and opening it would create it with a GUID of
  // its own, which a later dsync could never reconcile (dovecotHome.ts): skip it until then.
  const inboxExists = await stat(join(home.maildir, 'cur')).then(() => true, () => false);
  return inboxFirst(names.filter((name) => name !== 'INBOX' || inboxExists));
}

async function readOne(imap: ImapConnection, home: Target, name: string, guidItem: GuidItem): Promise<DovecotMailbox> {
  const examined = expectOk(await imap.command(`EXAMINE ${quoteMailbox(name)} (CONDSTORE)`), home);
  let uidValidity = 0;
  let uidNext = 0;
  let highestModseq = 0;
  let exists = 0;
  for (const line of examined.untagged) {
    const count = /^\* (\d+) EXISTS$/.exec(line);
    if (count !== null) exists = Number(count[1]);
    if (!line.startsWith('* OK ')) continue;
    const code = responseCode(line.slice('* OK '.length));
    const value = Number(code?.args[0]);
    if (code?.name === 'UIDVALIDITY') uidValidity = value;
    else if (code?.name === 'UIDNEXT') uidNext = value;
    else if (code?.name === 'HIGHESTMODSEQ') highestModseq = value;
  }
  if (uidValidity === 0 || uidNext === 0) fail(home, `EXAMINE ${name} reported no UIDVALIDITY or UIDNEXT`);
  const messages: DovecotMessage[] = [];
  if (exists > 0) {
    for (const line of expectOk(await imap.command(`UID FETCH 1:* ${fetchItems(guidItem)}`), home).untagged) {
      const fetch = parseFetch(line);
      if (fetch === null) continue;
      const headerKey = [...fetch.attrs.keys()].find((key) => key.startsWith('BODY[HEADER.FIELDS'));
      const headers = headerKey === undefined ? null : fetch.attrs.get(headerKey);
      messages.push({
        uid: numberValue(fetch.attrs.get('UID'), 'UID'),
        guid: text(fetch.attrs.get(guidItem), guidItem, home),
        flags: normalizeFlags(atomList(fetch.attrs.get('FLAGS'), 'FLAGS')),
        modseq: numberValue(fetch.attrs.get('MODSEQ'), 'MODSEQ'),
        sizeBytes: numberValue(fetch.attrs.get('RFC822.SIZE'), 'RFC822.SIZE'),
        internalDateMs: parseImapDateTime(text(fetch.attrs.get('INTERNALDATE'), 'INTERNALDATE', home)),
        messageId: typeof headers === 'string' ? messageIdOf(headers) : null,
      });
    }
  }
  messages.sort((x, y) => x.uid - y.uid);
  return { name, uidValidity, uidNext, highestModseq, messages };
}

/** Every mailbox of `home`, INBOX first, with its messages. */
export async function readMailboxes(home: DovecotHome): Promise<DovecotMailbox[]> {
  return withImap(home, async (imap) => {
    const mailboxes: DovecotMailbox[] = [];
    for (const name of await listMailboxes(imap, home)) mailboxes.push(await readOne(imap, home, name, 'X-GUID'));
    return mailboxes;
  });
}

/** Every selectable mailbox of another IMAP server, INBOX first, with its messages; `guidItem` names their GUIDs. */
export async function readEndpointMailboxes(endpoint: ImapEndpoint, guidItem: GuidItem): Promise<DovecotMailbox[]> {
  return withImap(endpoint, async (imap) => {
    const mailboxes: DovecotMailbox[] = [];
    for (const name of inboxFirst(await listSelectable(imap, endpoint))) mailboxes.push(await readOne(imap, endpoint, name, guidItem));
    return mailboxes;
  });
}
