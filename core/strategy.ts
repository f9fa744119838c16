/**
 * The plug-in interface for UID strategies. A strategy decides how UIDs are settled when
 * two replicas merge (and, for `owner`, who may hand them out at all); the Maildir-aware
 * part of the merge (flags, expunges, moves, mailboxes) is shared in core/merge/.
 *
 * Types only. Adding a strategy: write core/strategies/<name>.ts exporting a UidStrategy and add
 * one line to the registry in core/strategies/registry.ts, the one list of strategies.
 */
import type { ProbeSink } from './probes.ts';
import type { Mailbox, StoreState } from './state.ts';

export interface MergeContext {
  /** The node doing the merge. Must NOT influence the merged state, except for documented controls. */
  readonly node: string;
  /** Commit date of the ours head (node clock, may be skewed). */
  readonly oursTimeMs: number;
  /** Commit date of the theirs head. */
  readonly theirsTimeMs: number;
  /** The world's coverage probes (core/probes.ts); they only count, and never influence the merged state. */
  readonly probes?: ProbeSink;
}

export interface MergeOutcome {
  readonly state: StoreState;
  /** UIDs changed by the merge (messages that already had a UID on some side). */
  readonly renumbered: number;
  readonly uidValidityChanges: readonly { readonly mailbox: string; readonly before: number; readonly after: number }[];
}

export interface SettleContext {
  readonly node: string;
  /**
   * The epoch of the owner lease this node holds for a mailbox now, valid by its own clock
   * (null: none). A lease is granted by a majority over the network (sim/leases.ts); nothing
   * here knows who is reachable or up.
   */
  readonly leaseFor: (mailbox: string) => number | null;
  /** The world's coverage probes (core/probes.ts); they only count. */
  readonly probes?: ProbeSink;
}

export interface UidStrategy {
  readonly name: string;
  /** A known-bad control the checkers must catch (reports show it apart); absent = a real strategy. */
  readonly control?: boolean;
  /** Declares that this strategy may raise UIDVALIDITY (the uidvalidity checker then reports a cost, not a violation). */
  readonly mayResetValidity: boolean;
  /** Whether a new message (deliver/append/move/copy target) on `node` gets a UID now; false = uid 0, stored but invisible to IMAP. */
  assignsUids(mailbox: Mailbox, node: string): boolean;
  /** Pure 3-way merge. merge(b,o,t) and merge(b,t,o) with ctx times swapped must give equal states. */
  merge(base: StoreState, ours: StoreState, theirs: StoreState, ctx: MergeContext): MergeOutcome;
  /** Optional follow-up a node makes on its own after a commit or merge (owner: give pending messages UIDs, take over a dead owner's mailboxes). null = nothing to do. */
  settle?(state: StoreState, ctx: SettleContext): StoreState | null;
  /** The server runs owner leases for this strategy (sim/leases.ts) and passes them to settle. */
  readonly usesLeases?: boolean;
}
