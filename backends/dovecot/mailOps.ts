/**
 * The client operations the simulator runs against a Dovecot replica, each as ONE imap
 * session (a process start is most of its ~20 ms). UIDs come from Dovecot's own UIDPLUS
 * answers (APPENDUID, COPYUID), modseqs from CONDSTORE, expunged UIDs from QRESYNC's
 * VANISHED: the driver reports what the server said, never what it expected. Every operation
 * on a given UIDVALIDITY checks it first, so a UID never lands on a renumbered mailbox.
 */
import { ImapNoError } from '../../core/errors.ts';
import { DovecotFailedError } from './dovecotErrors.ts';
import type { DovecotHome } from './dovecotEnv.ts';
import { runDoveadm } from './doveadm.ts';
import { checkPin } from './dovecotHome.ts';
import { withImap, type ImapConnection, type ImapEndpoint, type ImapResponse } from './imapStdio.ts';
import {
  atomList, formatFlags, formatImapDateTime, formatUidSet, normalizeFlags, numberValue, parseFetch, parseUidSet, quoteMailbox, responseCode,
} from './imapSyntax.ts';

export type StoreMode = '+' | '-' | '=';

/** What an operation runs on: a Dovecot home, or another IMAP server's endpoint (the Cyrus backend's). */
export type ImapTarget = DovecotHome | ImapEndpoint;

export interface AppendResult {
  readonly uid: number;
  readonly uidValidity: number;
}

export interface StoreResult {
  /** The message's flags after the store, sorted, without \Recent. */
  readonly flags: string[];
  readonly modseq: number;
}

export interface CopyResult {
  /** The target mailbox's UIDVALIDITY. */
  readonly uidValidity: number;
  /** Pairwise: sourceUids[i] was copied to targetUids[i]. UIDs that no longer existed are absent. */
  readonly sourceUids: number[];
  readonly targetUids: number[];
}

/** Dovecot appends `(0.001 + 0.000 secs).` to its status texts, Cyrus `(0.000 secs 1 calls)`; a reason reads better without. */
function reason(response: ImapResponse): string {
  return response.text.replace(/\s*\(\d+\.\d+ (?:\+ [^)]*secs|secs?[^)]*)\)\.?$/, '').trim() || response.status;
}

/** OK, or ImapNoError for NO; a BAD means the driver sent something wrong: DovecotFailedError. */
function expectOk(response: ImapResponse, op: string, home: ImapTarget): ImapResponse {
  if (response.status === 'OK') return response;
  if (response.status === 'NO') throw new ImapNoError(op, reason(response));
  throw new DovecotFailedError(`${op} on ${home.name}`, `the server answered BAD to ${response.command}: ${reason(response)}`, null, '');
}

/** The UIDVALIDITY a SELECT/EXAMINE reported. */
function selectedUidValidity(response: ImapResponse, home: ImapTarget): number {
  for (const line of response.untagged) {
    const code = responseCode(line.replace(/^\* OK /, ''));
    if (line.startsWith('* OK ') && code?.name === 'UIDVALIDITY') return Number(code.args[0]);
  }
  throw new DovecotFailedError(`SELECT on ${home.name}`, `no UIDVALIDITY in the answer to ${response.command}`, null, '');
}

/** SELECTs `mailbox` and checks that its UIDVALIDITY is still `uidValidity`. */
async function selectChecked(imap: ImapConnection, home: ImapTarget, op: string, mailbox: string, uidValidity: number, modifier = ''): Promise<void> {
  const selected = expectOk(await imap.command(`SELECT ${quoteMailbox(mailbox)}${modifier}`), op, home);
  const actual = selectedUidValidity(selected, home);
  if (actual !== uidValidity) throw new ImapNoError(op, `UIDVALIDITY changed: ${mailbox} has ${actual}, not ${uidValidity}`);
}

/** APPENDs a message (a delivery too) with `flags` and INTERNALDATE `internalDateMs` (whole seconds kept). */
export async function append(home: ImapTarget, mailbox: string, body: Uint8Array, flags: readonly string[], internalDateMs: number): Promise<AppendResult> {
  const command = { text: `APPEND ${quoteMailbox(mailbox)} ${formatFlags(flags)} ${formatImapDateTime(internalDateMs)}`, literal: body };
  return withImap(home, async (imap) => {
    const response = expectOk(await imap.command(command), 'append', home);
    const code = responseCode(response.text);
    if (code?.name !== 'APPENDUID' || code.args.length !== 2) {
      throw new DovecotFailedError(`append on ${home.name}`, `no APPENDUID in ${JSON.stringify(response.text)}`, null, '');
    }
    return { uidValidity: Number(code.args[0]), uid: Number(code.args[1]) };
  });
}

/**
 * Changes one message's flags (`+FLAGS`, `-FLAGS` or `FLAGS`) and returns its flags and modseq
 * afterwards, read back in the same session; null when the UID no longer exists.
 */
export async function storeFlags(
  home: ImapTarget, mailbox: string, uidValidity: number, uid: number, mode: StoreMode, flags: readonly string[],
): Promise<StoreResult | null> {
  const set = formatUidSet([uid]);
  const list = formatFlags(flags);
  return withImap(home, async (imap) => {
    await selectChecked(imap, home, 'store', mailbox, uidValidity, ' (CONDSTORE)');
    // `+FLAGS ()` is a no-op some servers reject; skip it rather than send it.
    if (mode === '=' || flags.length > 0) {
      expectOk(await imap.command(`UID STORE ${set} ${mode === '=' ? '' : mode}FLAGS.SILENT ${list}`), 'store', home);
    }
    // Read back rather than trust the STORE's FETCH: Dovecot sends none for a store that changed nothing.
    const fetched = expectOk(await imap.command(`UID FETCH ${set} (UID FLAGS MODSEQ)`), 'store', home);
    for (const line of fetched.untagged) {
      const fetch = parseFetch(line);
      if (fetch === null || numberValue(fetch.attrs.get('UID'), 'UID') !== uid) continue;
      return { flags: normalizeFlags(atomList(fetch.attrs.get('FLAGS'), 'FLAGS')), modseq: numberValue(fetch.attrs.get('MODSEQ'), 'MODSEQ') };
    }
    return null;
  });
}

/** Sets \Deleted on `uids` and UID EXPUNGEs exactly them; returns the UIDs Dovecot reported VANISHED, ascending. */
export async function expunge(home: ImapTarget, mailbox: string, uidValidity: number, uids: readonly number[]): Promise<number[]> {
  if (uids.length === 0) return [];
  const set = formatUidSet(uids);
  return withImap(home, async (imap) => {
    // QRESYNC makes expunges arrive as VANISHED with UIDs instead of EXPUNGE with sequence numbers.
    expectOk(await imap.command('ENABLE QRESYNC'), 'expunge', home);
    await selectChecked(imap, home, 'expunge', mailbox, uidValidity);
    expectOk(await imap.command(`UID STORE ${set} +FLAGS.SILENT (\\Deleted)`), 'expunge', home);
    const response = expectOk(await imap.command(`UID EXPUNGE ${set}`), 'expunge', home);
    const vanished: number[] = [];
    for (const line of response.untagged) {
      const match = /^\* VANISHED (?!\(EARLIER\))(\S+)$/.exec(line);
      if (match !== null) vanished.push(...parseUidSet(match[1]!));
    }
    return vanished.sort((x, y) => x - y);
  });
}

async function copyOrMove(
  verb: 'COPY' | 'MOVE', home: ImapTarget, from: string, uidValidity: number, uids: readonly number[], to: string,
): Promise<CopyResult> {
  const op = verb.toLowerCase();
  if (uids.length === 0) throw new ImapNoError(op, 'no UIDs given');
  const set = formatUidSet(uids);
  return withImap(home, async (imap) => {
    await selectChecked(imap, home, op, from, uidValidity);
    const response = expectOk(await imap.command(`UID ${verb} ${set} ${quoteMailbox(to)}`), op, home);
    // COPY answers COPYUID in its tagged OK; MOVE in an untagged OK before the expunges.
    const texts = [response.text, ...response.untagged.filter((line) => line.startsWith('* OK ')).map((line) => line.slice('* OK '.length))];
    for (const text of texts) {
      const code = responseCode(text);
      if (code?.name !== 'COPYUID') continue;
      const [validity, sourceSet, targetSet] = code.args;
      const sourceUids = parseUidSet(sourceSet ?? '');
      const targetUids = parseUidSet(targetSet ?? '');
      if (sourceUids.length !== targetUids.length) {
        throw new DovecotFailedError(`${op} on ${home.name}`, `COPYUID sets of different sizes: ${text}`, null, '');
      }
      return { uidValidity: Number(validity), sourceUids, targetUids };
    }
    // No COPYUID: none of the UIDs exists any more (Dovecot answers OK "No messages found").
    return { uidValidity: 0, sourceUids: [], targetUids: [] };
  });
}

/** UID COPY; the new UIDs from COPYUID. */
export function copy(home: ImapTarget, from: string, uidValidity: number, uids: readonly number[], to: string): Promise<CopyResult> {
  return copyOrMove('COPY', home, from, uidValidity, uids, to);
}

/** UID MOVE (RFC 6851); the new UIDs from COPYUID. */
export function move(home: ImapTarget, from: string, uidValidity: number, uids: readonly number[], to: string): Promise<CopyResult> {
  return copyOrMove('MOVE', home, from, uidValidity, uids, to);
}

/** DELETE of a mailbox with its messages (RFC 9051 6.3.4): refused with NO (ImapNoError) as the server refuses it. */
export async function deleteMailbox(home: ImapTarget, mailbox: string): Promise<void> {
  await withImap(home, async (imap) => {
    expectOk(await imap.command(`DELETE ${quoteMailbox(mailbox)}`), 'delete', home);
  });
}

export interface CreateMailboxOptions {
  /**
   * A fixed mailbox GUID (mailboxGuid.ts). Replicas that create the same mailbox while apart
   * must agree on it, or dsync never merges them (dovecotHome.ts); IMAP CREATE cannot set it,
   * so the mailbox is then created with `doveadm mailbox create -g` instead.
   */
  readonly guid?: string;
}

/** CREATEs a mailbox (`Archive`, `Archive.2026`: `.` is the hierarchy separator). */
export async function createMailbox(home: DovecotHome, name: string, options: CreateMailboxOptions = {}): Promise<void> {
  const quoted = quoteMailbox(name);
  if (options.guid !== undefined) {
    checkPin({ guid: options.guid, uidValidity: 1 });
    try {
      await runDoveadm(home, ['mailbox', 'create', '-g', options.guid, name], `create ${name} on ${home.name}`);
    } catch (error) {
      // The refusal IMAP CREATE would answer with NO (doveadm exits 65, EX_DATAERR).
      if (error instanceof DovecotFailedError && /already exists/.test(error.data.stderr)) throw new ImapNoError('create', `Mailbox already exists: ${name}`);
      throw error;
    }
    return;
  }
  await withImap(home, async (imap) => {
    expectOk(await imap.command(`CREATE ${quoted}`), 'create', home);
  });
}
