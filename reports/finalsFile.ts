/**
 * Every replica's final state as one JSON document (`mailsim run --finals FILE`,
 * docs/history-format.md): per mailbox UIDVALIDITY, UIDNEXT and HIGHESTMODSEQ, and per
 * message UID, GUID, Message-ID, system flags, keywords and MODSEQ. It is what the checkers
 * judged, for every backend: the reference replica's states and the ones read back from
 * real Dovecot alike. Mailboxes are sorted by name and messages by UID, so the same run
 * gives the same file byte for byte.
 */
import { messagesByUid } from '../core/messageMap.ts';
import type { Mailbox, Message } from '../core/state.ts';
import type { FinalReplica } from '../sim/checkers/types.ts';

/** Names the document's shape; the number goes up when a field changes meaning or goes away. */
export const FINALS_FORMAT = 'mailsim-finals/1';

export interface FinalsMessage {
  readonly uid: number;
  readonly guid: string;
  /** '' when the body has no Message-ID header. */
  readonly messageId: string;
  /** System flags (`\Seen`...), sorted. */
  readonly flags: readonly string[];
  /** Every other flag atom (`$Junk`...), sorted. */
  readonly keywords: readonly string[];
  readonly modseq: number;
}

export interface FinalsMailbox {
  readonly name: string;
  readonly uidValidity: number;
  readonly uidNext: number;
  readonly highestModseq: number;
  readonly messages: readonly FinalsMessage[];
}

export interface FinalsReplica {
  readonly node: string;
  /** The replica's head commit; null for a backend that has none (real Dovecot). */
  readonly head: string | null;
  /** True when each replica counts its own MODSEQs (real Dovecot), so they are not compared across replicas. */
  readonly ownModseqs: boolean;
  readonly mailboxes: readonly FinalsMailbox[];
}

/** Which run the states came from. */
export interface FinalsOrigin {
  readonly mailsimVersion: string;
  readonly scenario: string;
  readonly seed: number;
  readonly historyHash: string;
}

export interface FinalsDocument extends FinalsOrigin {
  readonly format: typeof FINALS_FORMAT;
  readonly replicas: readonly FinalsReplica[];
}

export function finalsDocument(finals: readonly FinalReplica[], origin: FinalsOrigin): FinalsDocument {
  const { mailsimVersion, scenario, seed, historyHash } = origin;
  return { format: FINALS_FORMAT, mailsimVersion, scenario, seed, historyHash, replicas: finals.map(finalsReplica) };
}

/** Depth of a message object in the document: document, replicas, replica, mailboxes, mailbox, messages, message. */
const MESSAGE_DEPTH = 6;

/**
 * The document as the file holds it: indented JSON with one message a line (a mailbox of
 * 10,000 messages is 10,000 lines, and a diff of two files reads message by message), and a
 * final newline.
 */
export function finalsText(document: FinalsDocument): string {
  return `${indentedJson(document, 0)}\n`;
}

function indentedJson(value: unknown, depth: number): string {
  if (value === null || typeof value !== 'object' || depth >= MESSAGE_DEPTH) return JSON.stringify(value);
  const entries: [string | null, unknown][] = Array.isArray(value) ? value.map((item) => [null, item]) : Object.entries(value);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) return `${open}${close}`;
  const pad = '  '.repeat(depth + 1);
  const items = entries.map(([key, item]) => `${pad}${key === null ? '' : `${JSON.stringify(key)}: `}${indentedJson(item, depth + 1)}`);
  return `${open}\n${items.join(',\n')}\n${'  '.repeat(depth)}${close}`;
}

function finalsReplica(final: FinalReplica): FinalsReplica {
  const mailboxes = [...final.state.mailboxes.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { node: final.node, head: final.head === '' ? null : final.head, ownModseqs: final.ownModseqs === true, mailboxes: mailboxes.map(finalsMailbox) };
}

function finalsMailbox(mailbox: Mailbox): FinalsMailbox {
  const { name, uidValidity, uidNext, highestModseq } = mailbox;
  return { name, uidValidity, uidNext, highestModseq, messages: messagesByUid(mailbox.messages).map(finalsMessage) };
}

function finalsMessage(message: Message): FinalsMessage {
  const system = message.flags.filter(isSystemFlag);
  const keywords = message.flags.filter((flag) => !isSystemFlag(flag));
  return { uid: message.uid, guid: message.guid, messageId: message.messageId, flags: system, keywords, modseq: message.modseq };
}

/** A system flag starts with a backslash (RFC 9051 flag-extension); a keyword is an atom. */
function isSystemFlag(flag: string): boolean {
  return flag.startsWith('\\');
}
