/**
 * The reference replica: IMAP mailbox state over a git repository on an injected fs. This class
 * is its face: the operations, and one change at a time over the replica's record (context.ts).
 * The pieces: the durable commit (commit.ts), group commit (batch.ts), the commit graph
 * (commitGraph.ts), what a peer lacks as a pack (transfer.ts), receive and merge (receive.ts),
 * creation (initial.ts) and recovery (recovery.ts).
 *
 * Every operation runs the pure function in ops.ts, then makes exactly one commit (author =
 * the node, date = the node's clock) that is durable before the promise resolves: objects
 * written, lock file synced with them, ref renamed, synced. An operation that changes
 * nothing makes no commit. A refused or failed operation leaves no trace.
 *
 * Replication sends a peer a thin git pack of the objects written by the commits it lacks
 * (found by diffing a commit's tree against its parents, skipping equal subtrees), changed
 * trees as deltas against the versions the peer holds. The receiver resolves and verifies every object, then fast-forwards or merges with the UID
 * strategy and a deterministic merge commit (sorted parents, fixed author, date = the
 * parents' latest), so replicas merging the same heads make the same commit.
 *
 * Semantics worth knowing:
 * - UIDs that name no message are ignored (as UID STORE/EXPUNGE/MOVE/COPY do); an operation
 *   that then changes nothing returns an empty result and makes no commit.
 * - expunge(uids) removes those messages whether or not they carry \Deleted.
 * - A new message on a node where the strategy defers UIDs gets uid 0 (pending).
 * - Several heads to merge (held tips, or heads received at once) merge one at a time in
 *   logical commit order (commitGraph.ts logicalIdOf), never commit id order: the UIDs the
 *   merges give depend on the order, and commit ids on the layout's trees.
 * - transferFor(peerHead) needs a head this replica knows; an unknown one counts as null
 *   (everything since the root is sent). Pass the newest head known to be on the peer.
 * - open() reads and verifies every object file (deleting torn ones), so it costs O(store).
 * - Counters: commitCount = commits made since create/open/clone (operations, batches,
 *   merges, settles); mergeCount = merge commits among them.
 * - Fanout recommendation: { width: 1, depth: 6, digitBits: 2 } at 10k messages (4 entries
 *   per level, ~1.3 KB of new objects per flag change); hex { width: 1, depth: 3 } writes
 *   fewer objects but ~1.9 KB; a level of 256 entries (width 2, hex) costs ~8 KB per change.
 */
import { UidIndex } from '../uidIndex.ts';
import type { StoreState } from '../state.ts';
import type { SettleContext } from '../strategy.ts';
import { assert } from '../errors.ts';
import { blobFrom, type EncodedObject } from '../objects.ts';
import { ObjectStore } from '../objectStore.ts';
import { sortedMailboxes, validateLayout, writeState, type LayoutSpec } from '../layout.ts';
import { makeBaseName, validateNodeName } from '../names.ts';
import { messageIdOf } from '../body.ts';
import * as ops from '../ops.ts';
import { BoundedCache } from '../boundedCache.ts';
import { heldTipsOf, infoOf, isAncestor, tipsOf } from './commitGraph.ts';
import { cacheState, type BatchEnds, type ReplicaContext, type ReplicaOptions, type ReplicaParts } from './context.ts';
import { commitState } from './commit.ts';
import { beginBatch, flushBatch, NO_BATCH_ENDS } from './batch.ts';
import { TRANSFER_MEMO_MAX, objectsWrittenSince, transferFor, type Transfer } from './transfer.ts';
import { mergeHeld, receive, type ReceiveResult } from './receive.ts';
import { createRepository, type InitialMailbox } from './initial.ts';
import { recoverReplica, type RepairSupply } from './recovery.ts';

export type { LayoutSpec } from '../layout.ts';
export type { BatchEnds, ReplicaOptions } from './context.ts';
export type { Transfer } from './transfer.ts';
export { MERGE_AUTHOR, partialResultOf, type ReceiveKind, type ReceiveResult } from './receive.ts';
export type { InitialMailbox } from './initial.ts';
export type { RepairSupply } from './recovery.ts';
export { CorruptObjectError } from '../objectStore.ts';

export class Replica {
  readonly node: string;
  private readonly ctx: ReplicaContext;
  private queue: Promise<unknown> = Promise.resolve();
  /** The last packs made, by what they hold (heads and missing commits): a commit goes to every peer. */
  private readonly transferMemo = new BoundedCache<Transfer>(TRANSFER_MEMO_MAX);

  private constructor(
    private readonly opts: ReplicaOptions,
    { objects, graph, head, state }: ReplicaParts,
  ) {
    this.node = opts.node;
    let seq = 0;
    for (const info of graph.values()) if (info.author === opts.node) seq = Math.max(seq, info.seq);
    this.ctx = {
      opts, objects, graph, head, state, seq,
      uidIndex: opts.uidIndex ?? new UidIndex(),
      stateCache: new Map(),
      mergeBaseMemo: new Map(),
      tips: tipsOf(graph),
      batch: null,
      commitCount: 0,
      mergeCount: 0,
    };
    cacheState(this.ctx, head, state);
  }

  // ---------- construction ----------

  static async create(opts: ReplicaOptions, initial: readonly InitialMailbox[]): Promise<Replica> {
    validateOptions(opts);
    return new Replica(opts, await createRepository(opts, initial));
  }

  /** Opens from the files; `supply`: what a peer sent to repair a damaged repository (recovery.ts). */
  static async open(opts: ReplicaOptions, supply?: RepairSupply): Promise<Replica> {
    validateOptions(opts);
    return new Replica(opts, await recoverReplica(opts, supply));
  }

  static async cloneFrom(source: Replica, opts: ReplicaOptions): Promise<Replica> {
    validateOptions(opts);
    const from = source.ctx;
    assert(from.batch === null, 'cloneFrom a replica in batch mode');
    // A clone shares its source's layout memo unless given one: they hold the same objects.
    const objects = new ObjectStore(opts.fs, opts.dir, opts.layoutCache ?? from.objects.layoutCache, opts.deflateMemo ?? from.objects.deflateMemo);
    objects.verifyReads = opts.trustReads !== true;
    await objects.initRepository();
    for (const id of [...from.objects.knownIds()]) await objects.writeFileOf(id, await from.objects.readDeflated(id));
    await objects.updateRef(from.head);
    return new Replica(opts, { objects, graph: new Map(from.graph), head: from.head, state: from.state });
  }

  // ---------- reading ----------

  /** Commits this replica made after it was created or opened (operations, merges, settles). */
  get commitCount(): number {
    return this.ctx.commitCount;
  }

  get mergeCount(): number {
    return this.ctx.mergeCount;
  }

  get head(): string {
    return this.ctx.head;
  }

  /** The current state, including operations of an unflushed batch (what the next operation applies to). */
  get state(): StoreState {
    return this.ctx.state;
  }

  /**
   * The state of the head: what is durable, and what a client reads. An open batch's operations
   * are not acknowledged yet, so no client may see them (read committed, as a group commit does).
   */
  get committed(): StoreState {
    return this.ctx.batch === null ? this.ctx.state : this.ctx.batch.startState;
  }

  /** True while a batch is open (beginBatch without its flush). */
  get inBatch(): boolean {
    return this.ctx.batch !== null;
  }

  headTimeMs(): number {
    return infoOf(this.ctx.graph, this.ctx.head).timeMs;
  }

  headTreeId(): string {
    return infoOf(this.ctx.graph, this.ctx.head).tree;
  }

  hasCommit(id: string): boolean {
    return this.ctx.graph.has(id);
  }

  /** Parents of a known commit (for merge bases and history walks). */
  parentsOf(id: string): readonly string[] {
    return infoOf(this.ctx.graph, id).parents;
  }

  /** Every commit id this replica knows (its head's ancestry). */
  commitIds(): string[] {
    return [...this.ctx.graph.keys()];
  }

  /** Reads one stored object (verified); for export and tests. */
  readObject(id: string): Promise<EncodedObject> {
    return this.ctx.objects.read(id);
  }

  /** Deflated bytes of one stored object, as a loose object file holds them. */
  readObjectDeflated(id: string): Promise<Uint8Array> {
    return this.ctx.objects.readDeflated(id);
  }

  /** Ids of every object file this replica holds. */
  objectIds(): string[] {
    return [...this.ctx.objects.knownIds()];
  }

  get layout(): LayoutSpec {
    return this.opts.layout;
  }

  /** Is commit `id` in our head's history (what clients of this replica see)? */
  inHead(id: string): boolean {
    return this.ctx.graph.has(id) && isAncestor(this.ctx.graph, id, this.ctx.head);
  }

  /** True when some tip is not in our head's history: commits held, waiting for a merge. */
  held(): boolean {
    return heldTipsOf(this.ctx.graph, this.ctx.tips, this.ctx.head).length > 0;
  }

  // ---------- operations ----------

  deliver(mailbox: string, body: Uint8Array): Promise<{ guid: string; uid: number; uidValidity: number; modseq: number }> {
    return this.append(mailbox, body, [], 'deliver');
  }

  append(mailbox: string, body: Uint8Array, flags: readonly string[], verb = 'append'): Promise<{ guid: string; uid: number; uidValidity: number; modseq: number }> {
    const blob = blobFrom(body);
    const messageId = messageIdOf(body);
    return this.runOp(`${verb} ${mailbox}`, (state, ctx) => ops.appendMessage(state, mailbox, { blobId: blob.id, sizeBytes: body.length, messageId }, flags, ctx), () => {
      this.ctx.objects.put(blob);
      this.ctx.objects.layoutCache.rememberBody(blob.id, messageId);
    });
  }

  store(mailbox: string, uids: readonly number[], mode: '+' | '-' | '=', flags: readonly string[]): Promise<ops.StoreResult> {
    return this.runOp(`store ${mailbox} ${mode}FLAGS (${flags.join(' ')})`, (state) => ops.storeFlags(state, mailbox, uids, mode, flags, this.ctx.uidIndex));
  }

  expunge(mailbox: string, uids: readonly number[]): Promise<{ expunged: number[]; highestModseq: number }> {
    return this.runOp(`expunge ${mailbox}`, (state) => ops.expungeMessages(state, mailbox, uids, this.ctx.uidIndex));
  }

  async move(from: string, uids: readonly number[], to: string): Promise<{ uidValidity: number; sourceUids: number[]; targetUids: number[] }> {
    const { uidValidity, sourceUids, targetUids } = await this.runOp(`move ${from} -> ${to}`, (state, ctx) => ops.moveMessages(state, from, uids, to, ctx));
    return { uidValidity, sourceUids, targetUids };
  }

  copy(from: string, uids: readonly number[], to: string): Promise<{ uidValidity: number; sourceUids: number[]; targetUids: number[]; targetGuids: string[] }> {
    return this.runOp(`copy ${from} -> ${to}`, (state, ctx) => ops.copyMessages(state, from, uids, to, ctx));
  }

  async createMailbox(name: string): Promise<void> {
    await this.runOp(`create ${name}`, (state, ctx) => ops.createMailbox(state, name, ctx));
  }

  async renameMailbox(from: string, to: string): Promise<void> {
    await this.runOp(`rename ${from} -> ${to}`, (state) => ops.renameMailbox(state, from, to));
  }

  /** DELETE: answers the GUIDs the mailbox held. */
  deleteMailbox(name: string): Promise<{ guids: string[] }> {
    return this.runOp(`delete ${name}`, (state) => ops.deleteMailbox(state, name));
  }

  /** Opens a batch; `ends` hears once whether its commit was durable (also when it changed nothing) or failed. */
  beginBatch(ends: BatchEnds = NO_BATCH_ENDS): void {
    beginBatch(this.ctx, ends);
  }

  /** Commits the open batch as one commit (none when it changed nothing); durable when it resolves. */
  flush(): Promise<void> {
    return this.serial(() => flushBatch(this.ctx));
  }

  /** Applies strategy.settle as one commit; true when it committed. */
  settle(settleCtx: SettleContext): Promise<boolean> {
    return this.serial(async () => {
      const { ctx } = this;
      const next = this.opts.strategy.settle?.(ctx.state, settleCtx) ?? null;
      if (next === null || next === ctx.state) return false;
      // The settle commit goes on top of an open batch, so the batch is committed first.
      await flushBatch(ctx);
      const state = { mailboxes: sortedMailboxes(next.mailboxes) };
      const tree = writeState(state, this.opts.layout, ctx.objects, ctx.state);
      if (tree === this.headTreeId()) {
        ctx.objects.discardStaged();
        return false;
      }
      await commitState(ctx, state, [ctx.head], this.opts.node, this.opts.clock(), 'settle', tree);
      return true;
    });
  }

  private runOp<R>(summary: string, fn: (state: StoreState, ctx: ops.OpContext) => ops.OpResult<R>, stage?: () => void): Promise<R> {
    return this.serial(async () => {
      const timeMs = this.opts.clock();
      let seq = this.ctx.seq;
      const opCtx: ops.OpContext = {
        timeMs,
        newGuid: () => makeBaseName(timeMs, ++seq, this.opts.node),
        assignsUids: (mailbox) => this.opts.strategy.assignsUids(mailbox, this.opts.node),
        uidIndex: this.ctx.uidIndex,
      };
      const { state, result } = fn(this.ctx.state, opCtx);
      if (state === this.ctx.state) return result;
      stage?.();
      if (this.ctx.batch) {
        this.ctx.batch.summaries.push(summary);
        this.ctx.state = state;
        this.ctx.seq = seq;
        return result;
      }
      const before = this.ctx.seq;
      this.ctx.seq = seq;
      try {
        await commitState(this.ctx, state, [this.ctx.head], this.opts.node, timeMs, summary);
      } catch (error) {
        this.ctx.seq = before;
        throw error;
      }
      return result;
    });
  }

  // ---------- replication ----------

  /**
   * What a peer lacks to reach our head and the tips we hold unmerged, as one thin git pack
   * (transfer.ts); `peerHeads`: the heads the peer is known to hold (unknown ones are ignored).
   */
  transferFor(peerHeads: string | null | readonly string[]): Promise<Transfer> {
    return this.serial(() => transferFor(this.ctx, this.transferMemo, peerHeads));
  }

  /** Ids of the objects written by the commits since `since` (each once): what the store grew by. */
  objectsWrittenSince(since: string): Promise<string[]> {
    return this.serial(() => objectsWrittenSince(this.ctx, since));
  }

  /**
   * Takes a peer's heads and a pack of what it sent, resolves and verifies every object (deltas
   * against objects this replica holds included), adds the commits, and moves the head.
   * `merge: false`: this replica is not the one to merge now (backends/git/gitServer.ts
   * designates one), so concurrent commits are held. A torn, truncated or forged pack, or one
   * whose delta names a base this replica lacks, is refused with a typed error; on a failure
   * before the head moves nothing is kept (after, see receive.ts).
   */
  receive(headsIn: string | readonly string[], pack: Uint8Array | null, options: { readonly merge?: boolean } = {}): Promise<ReceiveResult> {
    const heads = typeof headsIn === 'string' ? [headsIn] : [...headsIn];
    return this.serial(() => receive(this.ctx, heads, pack, options.merge !== false));
  }

  /** Merges every held tip into our head (a replica that waited long enough for another's merge). */
  mergeHeld(): Promise<ReceiveResult | null> {
    return this.serial(() => mergeHeld(this.ctx));
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function validateOptions(opts: ReplicaOptions): void {
  validateNodeName(opts.node);
  validateLayout(opts.layout);
}
