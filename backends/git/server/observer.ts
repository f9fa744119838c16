/**
 * Observation of one git server into the history and the metrics: the UIDs each new head
 * binds (`bind`), the owner's UID assignments (`assign`), and what a receive or a merge did to
 * the head (`merge`, `fast-forward`, `uidvalidity`).
 */
import { assert } from '../../../core/errors.ts';
import { compareStrings } from '../../../core/merge/compare.ts';
import type { ReceiveResult, Replica } from '../../../core/replica/replica.ts';
import type { Mailbox, StoreState } from '../../../core/state.ts';
import { ownerOf } from '../../../core/strategies/owner.ts';
import { newBindings, type Binding } from '../../../sim/bindings.ts';
import type { BackendDeps } from '../../../sim/replicaServer.ts';

export type ObserverDeps = Pick<BackendDeps, 'history' | 'metrics' | 'scheduler' | 'strategy'>;

export class HistoryObserver {
  private lastState: StoreState | null = null;

  constructor(
    private readonly name: string,
    private readonly deps: ObserverDeps,
  ) {}

  /** Records what the replica's head newly binds. `settled`: the commit was the owner's settle, whose new bindings are its UID assignments. */
  observe(replica: Replica | null, settled = false): void {
    if (!replica) return;
    const state = replica.state;
    const bindings = newBindings(this.lastState, state);
    if (settled && this.deps.strategy.usesLeases === true) this.recordAssignments(bindings, state);
    for (const binding of bindings) {
      this.deps.history.append(this.name, 'replica', 'info', 'bind', binding);
      this.deps.metrics.bound(binding, this.deps.scheduler.nowMs);
    }
    this.lastState = state;
  }

  /** Metrics and history of a receive or a merge; true when it moved the head. */
  recordReceive(result: ReceiveResult): boolean {
    this.deps.metrics.received(result.kind, result.renumbered, result.uidValidityChanges, result.head);
    if (result.kind !== 'merge' && result.kind !== 'fast-forward') return false;
    this.deps.history.append(this.name, 'replica', 'info', result.kind, { head: result.head, renumbered: result.renumbered });
    for (const change of result.uidValidityChanges) {
      this.deps.history.append(this.name, 'replica', 'info', 'uidvalidity', change);
    }
    return true;
  }

  /**
   * The UIDs this node just handed out as a mailbox's owner, with the lease epoch it recorded
   * (what lease-exclusive judges: assignments follow the epochs in time).
   */
  private recordAssignments(bindings: readonly Binding[], state: StoreState): void {
    const byMailbox = new Map<string, number[]>();
    for (const binding of bindings) {
      const uids = byMailbox.get(binding.mailbox) ?? [];
      uids.push(binding.uid);
      byMailbox.set(binding.mailbox, uids);
    }
    for (const [mailbox, uids] of [...byMailbox].sort(([a], [b]) => compareStrings(a, b))) {
      // The owner's settle records itself as the owner of every mailbox it gives UIDs in.
      const owner = ownerOf(state.mailboxes.get(mailbox));
      assert(owner !== undefined, `settle recorded an owner for ${mailbox}`);
      const uidValidity = (state.mailboxes.get(mailbox) as Mailbox).uidValidity;
      this.deps.history.append(this.name, 'replica', 'info', 'assign', { mailbox, uidValidity, epoch: owner.epoch, uids: uids.sort((a, b) => a - b) });
    }
  }
}
