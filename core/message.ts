/** One message of a mailbox, as plain immutable data (its own file so state.ts and messageMap.ts need not import each other). */
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
