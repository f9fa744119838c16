/**
 * Counters a run records for the report: commits, merges, renumbering, replication bytes
 * by what caused them, visibility delay of deferred deliveries, and client op counts.
 */
export class Metrics {
  commitCount = 0;
  mergeCount = 0;
  /** Distinct merge commits made anywhere in the cluster (the same merge made on two replicas counts once). */
  readonly mergeCommits = new Set<string>();
  /** UIDs merges reassigned, summed over every replica that made the merge. */
  renumberedUidCount = 0;
  uidValidityChangeCount = 0;
  /** Distinct (mailbox, new UIDVALIDITY) pairs minted anywhere: one reset that several merges carry counts once. */
  readonly uidValidityResets = new Set<string>();
  deliveryCount = 0;
  flagChangeCount = 0;
  clientOpCount = 0;
  deferredDeliveryCount = 0;
  readonly pushBytesByCause = new Map<string, number>();
  /** Operations the pushes of a cause carried (a batch of 100 flag changes is 100). */
  readonly pushOpsByCause = new Map<string, number>();
  private readonly pendingSinceMs = new Map<string, number>();
  /** The first UID each (mailbox, UIDVALIDITY, GUID) was bound to anywhere, and those later bound to another. */
  private readonly firstUid = new Map<string, number>();
  private readonly renumbered = new Set<string>();
  readonly visibilityDelaysMs: number[] = [];
  readonly deliveryCompressedBytes: number[] = [];
  readonly flagDeltaBytes: number[] = [];

  commit(): void {
    this.commitCount++;
  }

  push(cause: string, sizeBytes: number, opCount = 1): void {
    this.pushBytesByCause.set(cause, (this.pushBytesByCause.get(cause) ?? 0) + sizeBytes);
    this.pushOpsByCause.set(cause, (this.pushOpsByCause.get(cause) ?? 0) + opCount);
  }

  received(kind: string, renumbered: number, validityChanges: readonly { readonly mailbox: string; readonly after: number }[], head: string): void {
    if (kind === 'merge') {
      this.mergeCount++;
      this.mergeCommits.add(head);
    }
    this.renumberedUidCount += renumbered;
    this.uidValidityChangeCount += validityChanges.length;
    for (const change of validityChanges) this.uidValidityResets.add(`${change.mailbox}\u0000${change.after}`);
  }

  /** A delivery acknowledged with UID 0: stored, not yet visible. */
  deferred(guid: string, nowMs: number): void {
    this.deferredDeliveryCount++;
    this.pendingSinceMs.set(guid, nowMs);
  }

  /**
   * A GUID got a UID on some replica: ends its visibility delay if it was deferred, and
   * marks the message renumbered if any replica bound it to another UID in that UIDVALIDITY.
   */
  bound(binding: { readonly mailbox: string; readonly uidValidity: number; readonly uid: number; readonly guid: string }, nowMs: number): void {
    const key = `${binding.mailbox}\0${binding.uidValidity}\0${binding.guid}`;
    const first = this.firstUid.get(key);
    if (first === undefined) this.firstUid.set(key, binding.uid);
    else if (first !== binding.uid) this.renumbered.add(key);
    const guid = binding.guid;
    const since = this.pendingSinceMs.get(guid);
    if (since === undefined) return;
    this.pendingSinceMs.delete(guid);
    this.visibilityDelaysMs.push(nowMs - since);
  }

  /** Messages whose UID changed within one UIDVALIDITY, counted once however many replicas saw it. */
  get renumberedMessageCount(): number {
    return this.renumbered.size;
  }

  /** Mean bytes per operation of the pushes an operation kind caused (a batch's push split over its operations); null when none was pushed. */
  bytesPerPush(cause: string): number | null {
    const count = this.pushOpsByCause.get(cause) ?? 0;
    return count === 0 ? null : Math.round((this.pushBytesByCause.get(cause) ?? 0) / count);
  }
}

/** The nearest-rank q-quantile of ascending `sorted` (0 < q <= 1); null when empty. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] as number;
}

export function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : Math.round(values.reduce((a, b) => a + b, 0) / values.length);
}
