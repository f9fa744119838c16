/**
 * The variable part of a merge: what a UID strategy sees of one merged mailbox and what it
 * answers (core/strategies/*.ts implement it; core/merge/mergeStores.ts calls it). Types only.
 */
import type { Mailbox, Message } from '../state.ts';
import type { MergeContext } from '../strategy.ts';

/** One message of a merged mailbox whose UID the strategy must settle. */
export interface UidEntry {
  readonly guid: string;
  /** Its UID in ours' version of this mailbox, in the merged UIDVALIDITY frame; 0 = none or pending. */
  readonly oursUid: number;
  readonly theirsUid: number;
  /**
   * The non-zero candidates (oursUid, theirsUid) that are safe: each side either binds this very
   * GUID to it or never handed it out (it is at or above that side's UIDNEXT). Ascending.
   */
  readonly safeUids: readonly number[];
  readonly internalDateMs: number;
}

/** What a strategy sees of one merged mailbox. */
export interface MailboxUidInput {
  readonly name: string;
  readonly ours: Mailbox | undefined;
  readonly theirs: Mailbox | undefined;
  /** The merged UIDVALIDITY unless the strategy resets it: the larger of both sides'. */
  readonly uidValidity: number;
  /** For a strategy that resets: a UIDVALIDITY above every one in the three states, unique to this mailbox in this merge. */
  readonly freshUidValidity: number;
  /** Lowest UID no side has handed out in this frame (max of the sides' UIDNEXTs, at least 1). */
  readonly uidNextMin: number;
  /** The messages to settle, in GUID order. */
  readonly entries: readonly UidEntry[];
  /** Every message that will be in the mailbox (entries and untouched ones), for strategies that reassign all. */
  readonly allMessages: () => readonly { readonly guid: string; readonly internalDateMs: number }[];
}

export interface MailboxUidResult {
  /** UID for each entry; for a full reassignment, for every message. Missing = keep the untouched message's UID. */
  readonly uids: ReadonlyMap<string, number>;
  readonly uidValidity: number;
  readonly uidNext: number;
  /** true when every message got a new UID (UIDVALIDITY reset). */
  readonly reassignedAll: boolean;
}

/** The variable part of a merge: how UIDs are settled and (for a control) how flags are merged. */
export interface MergePolicy {
  settleMailbox(input: MailboxUidInput): MailboxUidResult;
  /** Defaults to the per-flag three-way merge. */
  mergeFlags?(base: Message | undefined, ours: Message, theirs: Message, ctx: MergeContext): readonly string[];
  /**
   * true when merging best common ancestors into a virtual base (core/mergeBase.ts): never mint
   * a UIDVALIDITY (the larger existing one is kept), so the base only holds UID spaces that real
   * commits hold.
   */
  readonly virtualBase?: boolean;
  /** Merges a strategy's per-mailbox data (Mailbox.strategyData); default: ours, else theirs. */
  mergeStrategyData?(ours: Readonly<Record<string, string>> | undefined, theirs: Readonly<Record<string, string>> | undefined): Readonly<Record<string, string>> | undefined;
}
