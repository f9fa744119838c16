/**
 * A delivery to a Cyrus instance the way a mail server hands it over: one LMTP session with
 * `lmtpd -X` on stdio (no socket), to `test` for INBOX or `test+<mailbox>` for another
 * mailbox. LMTP answers no UID, so the UID is found by reading the mailbox back: the new
 * message past the UIDNEXT seen before the delivery, with the body's Message-ID.
 */
import { ImapNoError } from '../../core/errors.ts';
import { ENV_PATH } from '../dovecot/dovecotEnv.ts';
import { withImap } from '../dovecot/imapStdio.ts';
import { numberValue, parseFetch, quoteMailbox } from '../dovecot/imapSyntax.ts';
import { messageIdOf } from '../dovecot/readState.ts';
import { runProcess } from '../dovecot/runProcess.ts';
import { CyrusFailedError } from './cyrusErrors.ts';
import { CYRUS_USER, cyrusEnv, cyrusProgramPath, requireCyrus } from './cyrusEnv.ts';
import type { CyrusHome } from './cyrusHome.ts';
import { cyrusEndpoint } from './cyrusImap.ts';

/** Deadline of one LMTP session (tens of ms). */
export const LMTP_TIMEOUT_MS = 30_000;

/** The message as LMTP DATA: CRLF line ends, leading dots doubled, ended by `.`. */
export function lmtpData(body: Uint8Array): string {
  const text = Buffer.from(body).toString('latin1').replace(/\r?\n/g, '\r\n');
  const ended = text.endsWith('\r\n') ? text : `${text}\r\n`;
  return `${ended.replace(/^\./gm, '..')}.\r\n`;
}

/** The mailbox's UIDVALIDITY and UIDNEXT now. */
async function status(home: CyrusHome, mailbox: string): Promise<{ uidValidity: number; uidNext: number }> {
  return withImap(cyrusEndpoint(home), async (imap) => {
    const response = await imap.command(`STATUS ${quoteMailbox(mailbox)} (UIDVALIDITY UIDNEXT)`);
    if (response.status !== 'OK') throw new ImapNoError('deliver', `STATUS ${mailbox}: ${response.text}`);
    const line = response.untagged.find((untagged) => untagged.startsWith('* STATUS ')) ?? '';
    const uidValidity = Number(/UIDVALIDITY (\d+)/.exec(line)?.[1]);
    const uidNext = Number(/UIDNEXT (\d+)/.exec(line)?.[1]);
    if (!(uidValidity > 0 && uidNext > 0)) throw new CyrusFailedError(`deliver on ${home.name}`, `unreadable STATUS answer ${JSON.stringify(line)}`, null, '', home);
    return { uidValidity, uidNext };
  });
}

/** The UID at or past `fromUid` whose Message-ID is `messageId` (the lowest new one without a Message-ID). */
async function findDelivered(home: CyrusHome, mailbox: string, fromUid: number, messageId: string | null): Promise<number> {
  return withImap(cyrusEndpoint(home), async (imap) => {
    await imap.command(`EXAMINE ${quoteMailbox(mailbox)}`);
    const response = await imap.command(`UID FETCH ${fromUid}:* (UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])`);
    for (const line of response.untagged) {
      const fetch = parseFetch(line);
      if (fetch === null) continue;
      const uid = numberValue(fetch.attrs.get('UID'), 'UID');
      const headers = [...fetch.attrs.entries()].find(([key]) => key.startsWith('BODY[HEADER.FIELDS'))?.[1];
      // `n:*` names the last message even when it is below n: only UIDs from n on are new.
      if (uid >= fromUid && (typeof headers === 'string' ? messageIdOf(headers) : null) === messageId) return uid;
    }
    throw new CyrusFailedError(`deliver on ${home.name}`, `lmtpd accepted the message but ${mailbox} holds no new message with Message-ID ${messageId ?? '(none)'}`, null, '', home);
  });
}

/** Delivers `body` to `mailbox` over LMTP; returns the UID Cyrus gave it. A refusal is an ImapNoError with Cyrus's reply. */
export async function lmtpDeliver(home: CyrusHome, mailbox: string, body: Uint8Array): Promise<{ uid: number; uidValidity: number }> {
  requireCyrus();
  const before = await status(home, mailbox);
  const recipient = mailbox === 'INBOX' ? CYRUS_USER : `${CYRUS_USER}+${mailbox}`;
  const input = `LHLO mailsim\r\nMAIL FROM:<>\r\nRCPT TO:<${recipient}>\r\nDATA\r\n${lmtpData(body)}QUIT\r\n`;
  const args = ['-i', ...Object.entries(cyrusEnv('lmtp', home.syslog)).map(([key, value]) => `${key}=${value ?? ''}`), cyrusProgramPath('lmtpd'), '-C', home.conf, '-X'];
  const result = await runProcess(ENV_PATH, args, { timeoutMs: LMTP_TIMEOUT_MS, input: Buffer.from(input, 'latin1') });
  const replies = result.stdout.toString('utf8').split('\r\n').filter((line) => /^\d{3} /.test(line));
  const what = `lmtpd on ${home.name}`;
  if (result.timedOut) throw new CyrusFailedError(what, `timed out after ${LMTP_TIMEOUT_MS} ms`, null, result.stderr, home);
  // LHLO, MAIL, RCPT, DATA's 354, then the message's own reply, then QUIT's.
  const refused = replies.find((line) => /^[45]/.test(line));
  if (refused !== undefined) throw new ImapNoError('deliver', `lmtpd answered ${refused}`);
  if (!replies.some((line) => line.startsWith('250 2.1.5 Success')) && !replies.some((line, index) => index > 0 && replies[index - 1]?.startsWith('354') === true && line.startsWith('250'))) {
    throw new CyrusFailedError(what, `no delivery reply in ${JSON.stringify(replies)}`, result.exitCode, result.stderr, home);
  }
  const uid = await findDelivered(home, mailbox, before.uidNext, messageIdOf(Buffer.from(body).toString('latin1')));
  return { uid, uidValidity: before.uidValidity };
}
