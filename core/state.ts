/**
 * The reference replica's state as plain, immutable data. Every operation and the merge
 * are functions from state to state; git storage is an adapter underneath.
 *
 * Mailbox names are IMAP names with '.' as the hierarchy separator (Dovecot's Maildir++
 * convention): 'INBOX', 'Archive', 'Archive.2026'. INBOX is the Maildir root; any other
 * mailbox N lives in the folder '.N'.
 */
import type { MessageMap } from './messageMap.ts';

/** IMAP system flags. Keywords are any other flag atom ($Junk, $Label1...). */
export const SYSTEM_FLAGS = ['\\Answered', '\\Deleted', '\\Draft', '\\Flagged', '\\Seen'] as const;
export type SystemFlag = (typeof SYSTEM_FLAGS)[number];

export interface Message {
  /** The Maildir base name (`time.deliveryid.host`): unique in the store, stable for life. */
  readonly guid: string;
  /** IMAP UID in its mailbox. 0 means not yet visible to IMAP (owner strategy, pending). */
  readonly uid: number;
  /** System flags and keywords, sorted by code unit, no duplicates. */
  readonly flags: readonly string[];
  /** RFC 7162 per-message MODSEQ: positive, raised by every change to the message. */
  readonly modseq: number;
  /** INTERNALDATE in ms since the epoch, from the receiving node's clock. Never changes. */
  readonly internalDateMs: number;
  /** RFC 822 size of the body in bytes. Never changes. */
  readonly sizeBytes: number;
  /** git blob id (sha1 hex) of the immutable body. Shared by copies: single-instance store. */
  readonly blobId: string;
  /** The Message-ID header of the body ('' if none). Lets checkers tell SMTP retries apart. */
  readonly messageId: string;
}

/** The replica that hands out UIDs for a mailbox under the `owner` strategy, with its fencing epoch. */
export interface MailboxOwner {
  readonly node: string;
  readonly epoch: number;
}

export interface Mailbox {
  readonly name: string;
  readonly uidValidity: number;
  /** Only grows; every UID handed out is below it. */
  readonly uidNext: number;
  /** Only grows; the highest MODSEQ ever given in this mailbox (expunges included). */
  readonly highestModseq: number;
  /** The keyword table, as in `dovecot-keywords`: index i is the letter 'a' + i. */
  readonly keywords: readonly string[];
  readonly messages: MessageMap;
  /** Set only under the `owner` strategy. */
  readonly owner?: MailboxOwner;
}

export interface StoreState {
  /** Keyed by mailbox name. A map copy is cheap: a store has few mailboxes. */
  readonly mailboxes: ReadonlyMap<string, Mailbox>;
}
