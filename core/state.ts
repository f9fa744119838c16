/**
 * The reference replica's state as plain, immutable data. Every operation and the merge
 * are functions from state to state; git storage is an adapter underneath.
 *
 * Mailbox names are IMAP names with '.' as the hierarchy separator (Dovecot's Maildir++
 * convention): 'INBOX', 'Archive', 'Archive.2026'. INBOX is the Maildir root; any other
 * mailbox N lives in the folder '.N'.
 */
import type { MessageMap } from './messageMap.ts';

export type { Message } from './message.ts';

/** IMAP system flags. Keywords are any other flag atom ($Junk, $Label1...). */
export const SYSTEM_FLAGS = ['\\Answered', '\\Deleted', '\\Draft', '\\Flagged', '\\Seen'] as const;

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
  /**
   * What a UID strategy keeps per mailbox (the `owner` strategy: `owner` = '<node> <epoch>').
   * Opaque to the merge engine, the layout and the checkers: stored in the mailbox meta file
   * as `<key> <value>` lines and merged by the strategy's MergePolicy.mergeStrategyData.
   */
  readonly strategyData?: Readonly<Record<string, string>>;
}

export interface StoreState {
  /** Keyed by mailbox name. A map copy is cheap: a store has few mailboxes. */
  readonly mailboxes: ReadonlyMap<string, Mailbox>;
}
