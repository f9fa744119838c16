/**
 * Group commit's answers. The replica owns the open batch (core/replica/batch.ts: opened by
 * beginBatch, committed by a flush or by a receive, merge or settle that must build on it)
 * and says when it is durable; this keeps only the answers waiting on it. Every answer ends
 * exactly once: acknowledged once its batch is durable, or outcome unknown when the server
 * crashes first (the client's connection drops with the request in flight).
 */
import type { Replica } from '../../../core/replica/replica.ts';
import { CrashError } from '../../../sim/faultyFs.ts';

/** One operation of the batch, waiting for its answer. */
export interface PendingAnswer {
  readonly kind: string;
  /** Sends the ok answer (the batch is durable). */
  readonly acknowledge: () => void;
  /** Ends without ok: a CrashError (the server crashed before answering) is an unknown outcome, another error a refusal. */
  readonly abort: (error: unknown) => void;
}

/** A batch the replica committed, whose answers are still to be sent. */
export interface DurableBatch {
  readonly answers: readonly PendingAnswer[];
  /** Operation kinds in it, with counts, in the order they first came. */
  readonly kinds: readonly (readonly [string, number])[];
}

export class GroupCommit {
  /** Answers of the replica's open batch. */
  private waiting: PendingAnswer[] = [];
  /** Answers of a batch the replica committed, not yet sent (cleared by takeDurable); null when none was committed since. */
  private durable: PendingAnswer[] | null = null;
  /**
   * The drop-crashed-acks mutant: a crash forgets the answers it owes (no ok, fail or info),
   * as the server once did; the `completions` checker must catch it.
   */
  dropOnCrash = false;

  /** How many answers the open batch holds. */
  get size(): number {
    return this.waiting.length;
  }

  /** Opens a batch on `replica` when none is open; true when it opened one. */
  open(replica: Replica): boolean {
    if (replica.inBatch) return false;
    replica.beginBatch({ durable: () => this.committed(), failed: (error) => this.failed(error) });
    return true;
  }

  add(answer: PendingAnswer): void {
    this.waiting.push(answer);
  }

  /** The answers of a batch the replica has committed since the last call (perhaps none), or null when it committed none. */
  takeDurable(): DurableBatch | null {
    const answers = this.durable;
    if (answers === null) return null;
    this.durable = null;
    const kinds = new Map<string, number>();
    for (const answer of answers) kinds.set(answer.kind, (kinds.get(answer.kind) ?? 0) + 1);
    return { answers, kinds: [...kinds] };
  }

  /**
   * The server crashed: takes every answer it owed (of the open batch, or of a committed batch
   * not yet answered). The server ends them with endLost once it has recorded the crash.
   */
  crashed(): readonly PendingAnswer[] {
    const lost = [...(this.durable ?? []), ...this.waiting];
    this.durable = null;
    this.waiting = [];
    return lost;
  }

  /** Ends the answers a crash took with an unknown outcome: the client's connection dropped with the request in flight. */
  endLost(lost: readonly PendingAnswer[], node: string): void {
    if (this.dropOnCrash) return;
    for (const answer of lost) answer.abort(new CrashError(node));
  }

  /** The batch's commit failed. A crash is answered by crashed(), which follows; any other error refuses the batch's operations, which were rolled back. */
  private failed(error: unknown): void {
    if (error instanceof CrashError) return;
    const refused = this.waiting;
    this.waiting = [];
    for (const answer of refused) answer.abort(error);
  }

  private committed(): void {
    this.durable = [...(this.durable ?? []), ...this.waiting];
    this.waiting = [];
  }
}
