/**
 * The runner of the replication protocol (../replication.ts) for one git server: it feeds the
 * protocol each event with the facts of its replica, and performs the sends (pushes of what a
 * peer lacks, heartbeats, the merge wait's timer). The protocol decides; this does the I/O.
 */
import type { Replica, Transfer } from '../../../core/replica/replica.ts';
import type { VectorClock } from '../../../sim/historyTypes.ts';
import type { Envelope } from '../../../sim/network.ts';
import type { BackendDeps } from '../../../sim/replicaServer.ts';
import { heardWithin, initialReplication, isMerger, step, type ReplicationEvent, type ReplicationSend, type ReplicationState } from '../replication.ts';
import { HEARTBEAT_BYTES, pushSizeBytes, type AckPayload, type HeartbeatPayload, type PushPayload } from './wire.ts';

/**
 * How long a replica that holds concurrent commits waits for the designated merger's merge
 * before it merges them itself (the merger may be cut off in a way heartbeats have not shown
 * yet). A few round trips at 150 ms links, and well under the anti-entropy repair time.
 */
export const MERGE_WAIT_MS = 2_000;

/** What the runner needs of its server. */
export interface RunnerHost {
  readonly name: string;
  /** The replica while the server runs; null while it is down. */
  readonly replica: () => Replica | null;
  /** The stop-sync mutant: the server no longer replicates. */
  readonly stopped: () => boolean;
  /** The simulator's causality record, shipped with each push. */
  readonly vclock: () => VectorClock;
  readonly whenRunning: (run: () => Promise<void>, key: string) => Promise<void>;
  /** The merge wait ran out: the server merges what it holds. */
  readonly mergeWait: () => Promise<void>;
  /** The anti-entropy-skips-last-peer planted bug: the peer each round's gossip push never goes to (null: none). */
  readonly gossipSkips: string | null;
  /** Building a push failed (a corrupt object, EIO): the server decides what that means. */
  readonly readFailed: (error: unknown) => Promise<void>;
}

export type RunnerDeps = Pick<BackendDeps, 'network' | 'metrics' | 'scheduler'> & { readonly peers: readonly string[] };

export class ReplicationRunner {
  /** What this server believes of its peers (../replication.ts); set at start. */
  private state: ReplicationState;
  /** What the last commit carried, for the push it causes: an operation kind (one kind of a batch, or 'batch' when mixed) and how many operations. */
  lastCause: { kind: string; opCount: number } = { kind: '', opCount: 1 };
  private mergeWaitArmed = false;

  constructor(
    private readonly host: RunnerHost,
    private readonly deps: RunnerDeps,
  ) {
    this.state = initialReplication(host.name, deps.peers, '');
  }

  /** The server started from a replica whose head is `head`. */
  started(head: string): void {
    this.state = initialReplication(this.host.name, this.deps.peers, head);
  }

  crashed(): void {
    [this.state] = step(this.state, { kind: 'crashed' });
  }

  /** Any message from `from`: it is alive. */
  heard(from: string): void {
    [this.state] = step(this.state, { kind: 'heard', from, nowMs: this.deps.scheduler.nowMs });
  }

  /** Has `peer` been heard from lately (the lease's majority counts only peers it hears)? */
  heardWithin(peer: string): boolean {
    return heardWithin(this.state, peer, this.deps.scheduler.nowMs);
  }

  /** Is this server the designated merger of its reachable group now? */
  isMerger(): boolean {
    return isMerger(this.state, this.deps.scheduler.nowMs);
  }

  /** One protocol step, then its sends, in order. */
  async apply(event: ReplicationEvent): Promise<void> {
    const [next, sends] = step(this.state, event);
    this.state = next;
    const skipped = event.kind === 'tick' ? this.host.gossipSkips : null;
    for (const send of sends) if (!(send.kind === 'push' && send.to === skipped)) await this.perform(send);
  }

  receiveHeartbeat(envelope: Envelope<HeartbeatPayload>, replica: Replica): Promise<void> {
    const { head } = envelope.payload;
    return this.apply({ kind: 'heartbeat', from: envelope.from, head, held: replica.hasCommit(head) });
  }

  receiveAck(envelope: Envelope<AckPayload>, replica: Replica): Promise<void> {
    const { received, head } = envelope.payload;
    if (received === null) return this.apply({ kind: 'refused', from: envelope.from, head, held: replica.hasCommit(head) });
    return this.apply({ kind: 'acked', from: envelope.from, head, held: replica.hasCommit(head), heldReceived: received.filter((id) => replica.hasCommit(id)) });
  }

  private async perform(send: ReplicationSend): Promise<void> {
    const replica = this.host.replica();
    if (!replica || this.host.stopped()) return;
    if (send.kind === 'heartbeat') this.deps.network.send(this.host.name, send.to, 'heartbeat', HEARTBEAT_BYTES, { head: replica.head } satisfies HeartbeatPayload);
    else if (send.kind === 'arm-merge-wait') this.armMergeWait();
    else await this.pushTo(replica, send.to, send.known, send.reason);
  }

  private async pushTo(replica: Replica, peer: string, known: readonly string[], reason: string): Promise<void> {
    if (known.includes(replica.head)) return;
    let transfer: Transfer;
    try {
      transfer = await replica.transferFor(known);
    } catch (error) {
      return this.host.readFailed(error);
    }
    const { head, heads, pack, objectCount } = transfer;
    if (objectCount === 0) return this.apply({ kind: 'pushed', to: peer, heads, head, nothing: true });
    const sizeBytes = pushSizeBytes(heads.length, pack);
    const byOp = reason !== 'anti-entropy' && reason !== 'merge' && this.lastCause.kind !== '';
    this.deps.metrics.push(byOp ? this.lastCause.kind : reason, sizeBytes, byOp ? this.lastCause.opCount : 1);
    const payload: PushPayload = { heads, pack, vclock: this.host.vclock() };
    this.deps.network.send(this.host.name, peer, 'push', sizeBytes, payload);
    await this.apply({ kind: 'pushed', to: peer, heads, head, nothing: false });
  }

  /** Held commits get merged here if no merge covering them arrived within MERGE_WAIT_MS. */
  private armMergeWait(): void {
    if (this.mergeWaitArmed) return;
    this.mergeWaitArmed = true;
    this.deps.scheduler.after(MERGE_WAIT_MS, `merge-wait ${this.host.name}`, () =>
      this.host.whenRunning(() => {
        this.mergeWaitArmed = false;
        return this.host.mergeWait();
      }, 'merge-wait'),
    );
  }
}
