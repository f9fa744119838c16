/**
 * The reference replica: IMAP mailbox state over a git repository on an injected fs.
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
 * - transferFor(peerHead) needs a head this replica knows; an unknown one counts as null
 *   (everything since the root is sent). Pass the newest head known to be on the peer.
 * - open() reads and verifies every object file (deleting torn ones), so it costs O(store).
 * - Counters: commitCount = commits made since create/open/clone (operations, batches,
 *   merges, settles); mergeCount = merge commits among them.
 * - Fanout recommendation: { width: 1, depth: 6, digitBits: 2 } at 10k messages (4 entries
 *   per level, ~1.3 KB of new objects per flag change); hex { width: 1, depth: 3 } writes
 *   fewer objects but ~1.9 KB; a level of 256 entries (width 2, hex) costs ~8 KB per change.
 */
import { UidIndex } from './uidIndex.ts';
import type { DeflateMemo } from './deflateMemo.ts';
import type { ReplicaFs } from './fsTypes.ts';
import type { Mailbox, Message, StoreState } from './state.ts';
import type { SettleContext, UidStrategy } from './strategy.ts';
import { recursiveMergeBaseState, type MergeBaseMemo } from './mergeBase.ts';
import { assert } from './errors.ts';
import { generationHeap } from './binaryHeap.ts';
import { updateMessages, EMPTY_MESSAGE_MAP } from './messageMap.ts';
import { MODE_TREE, blobFrom, decodeCommit, decodeTree, encodeCommit, type CommitData, type EncodedObject, type TreeEntry } from './objects.ts';
import { MissingObjectError, ObjectStore } from './objectStore.ts';
import { readState, sortedMailboxes, validateLayout, writeState, type LayoutCache, type LayoutSpec } from './layout.ts';
import { extendKeywordTable, makeBaseName, normalizeFlags, validateFlag, validateMailboxName, validateNodeName } from './names.ts';
import { messageIdOf } from './body.ts';
import * as ops from './ops.ts';
import { BoundedCache } from './boundedCache.ts';
import { readPack, writePackWithStats, type PackInput } from './pack/packfile.ts';

export type { LayoutSpec } from './layout.ts';

export interface ReplicaOptions {
  /** git author name, Maildir host part. */
  node: string;
  fs: ReplicaFs;
  /** Repository root on fs, e.g. '/repo' (a bare repository). */
  dir: string;
  layout: LayoutSpec;
  strategy: UidStrategy;
  /** Node-local wall clock in ms (skewed by the simulator). */
  clock: () => number;
  /** The layout's memo; a world passes one to all its replicas (content-addressed); a clone shares its source's; else each replica has its own. */
  layoutCache?: LayoutCache;
  /** The UID lookup memo; a world passes one to all its replicas, else each has its own. */
  uidIndex?: UidIndex;
  /** Deflated objects and pack entries by id; a world passes one to all its replicas, a clone shares its source's, else each replica has its own. */
  deflateMemo?: DeflateMemo;
}

export interface InitialMailbox {
  name: string;
  uidValidity: number;
  messages: { body: Uint8Array; flags: string[] }[];
  /** A strategy's data for the mailbox (Mailbox.strategyData), e.g. the owner strategy's owner. */
  strategyData?: Readonly<Record<string, string>>;
}

/**
 * up-to-date: nothing new, and the sender holds everything we hold; fast-forward: the head moved
 * without a new merge commit (to a received tip, or to a merge of our tips a peer made already);
 * merge: this replica made the merge commit of its tips; ahead: nothing moved, and the sender
 * lacks tips we hold; held: concurrent commits are stored but not merged (receive with merge: false).
 */
export type ReceiveKind = 'up-to-date' | 'fast-forward' | 'merge' | 'ahead' | 'held';

export interface ReceiveResult {
  kind: ReceiveKind;
  head: string;
  renumbered: number;
  uidValidityChanges: readonly { mailbox: string; before: number; after: number }[];
}

/** Author of the first commit (identical on every node). */
export const INITIAL_AUTHOR = 'mailsim';
/** Author and committer of every merge commit, so the same merge is the same commit everywhere. */
export const MERGE_AUTHOR = 'mailsim merge';
/** Commit states kept in memory (base, ours, theirs of recent merges). */
export const STATE_CACHE_COMMITS_MAX = 16;
/** Packs kept for the peers that ask for the same commits (named limit). */
export const TRANSFER_MEMO_MAX = 8;

/** What one peer is sent: our heads and a thin pack of what it lacks. */
export interface Transfer {
  readonly head: string;
  readonly heads: readonly string[];
  /** A git pack, version 2 (core/pack/packfile.ts). */
  readonly pack: Uint8Array;
  readonly objectCount: number;
  readonly deltaCount: number;
  readonly commitCount: number;
}

const SEQ_TRAILER = /\nMailsim-Seq: (\d+)$/;

interface CommitInfo {
  readonly tree: string;
  readonly parents: readonly string[];
  readonly timeMs: number;
  readonly author: string;
  readonly generation: number;
  /** The replica's GUID counter after this commit (commits by a node only). */
  readonly seq: number;
  /** Objects this commit added over its parents; computed by tree diff when not recorded. */
  written?: readonly string[];
  /** For those objects (and the commit), the first parent's version at the same path: a delta base for packs. */
  bases?: ReadonlyMap<string, string>;
}

/** How an open batch ended: committed durably, or its commit failed (its operations rolled back). */
export interface BatchEnds {
  readonly durable: () => void;
  readonly failed: (error: unknown) => void;
}

const NO_BATCH_ENDS: BatchEnds = { durable: () => undefined, failed: () => undefined };

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class Replica {
  readonly node: string;
  /** Commits this replica made after it was created or opened (operations, merges, settles). */
  commitCount = 0;
  mergeCount = 0;
  private currentHead: string;
  private currentState: StoreState;
  private seq: number;
  /**
   * The open batch: the one record of it. Its owner (a server's group commit) learns how it
   * ended through `ends`, whoever committed it (a flush, or a receive, merge or settle that must
   * build on it).
   */
  private batch: { startState: StoreState; startSeq: number; summaries: string[]; ends: BatchEnds } | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly stateCache = new Map<string, StoreState>();
  /** Virtual merge bases by commit pair: the history never changes, so they stay valid. */
  private readonly mergeBaseMemo: MergeBaseMemo<StoreState> = new Map();
  /** The last packs made, by what they hold (heads and missing commits): a commit goes to every peer. */
  private readonly transferMemo = new BoundedCache<Transfer>(TRANSFER_MEMO_MAX);
  /** UID lookups of this replica's states (core/uidIndex.ts); the world's, shared by its replicas, when given. */
  private readonly uidIndex: UidIndex;
  /**
   * The writes (commits with at most one parent) no other write descends from, sorted. The head's
   * history holds all of them but those held for the designated merger (heldTips).
   */
  private tips: string[];

  private constructor(
    private readonly opts: ReplicaOptions,
    private readonly objects: ObjectStore,
    private readonly graph: Map<string, CommitInfo>,
    head: string,
    state: StoreState,
  ) {
    this.node = opts.node;
    this.currentHead = head;
    this.currentState = state;
    this.seq = 0;
    for (const info of graph.values()) if (info.author === opts.node) this.seq = Math.max(this.seq, info.seq);
    this.cacheState(head, state);
    this.tips = tipsOf(graph);
    this.uidIndex = opts.uidIndex ?? new UidIndex();
  }

  // ---------- construction ----------

  static async create(opts: ReplicaOptions, initial: readonly InitialMailbox[]): Promise<Replica> {
    validateOptions(opts);
    const store = new ObjectStore(opts.fs, opts.dir, opts.layoutCache, opts.deflateMemo);
    const state = initialState(initial, store);
    await store.initRepository();
    const tree = writeState(state, opts.layout, store);
    const commit = encodeCommit({ tree, parents: [], author: INITIAL_AUTHOR, timeMs: 0, message: 'initial population' });
    store.put(commit);
    const written = await store.writeStaged();
    await store.updateRef(commit.id);
    const graph = new Map<string, CommitInfo>([[commit.id, { tree, parents: [], timeMs: 0, author: INITIAL_AUTHOR, generation: 1, seq: 0, written: written.filter((id) => id !== commit.id) }]]);
    return new Replica(opts, store, graph, commit.id, state);
  }

  static async open(opts: ReplicaOptions): Promise<Replica> {
    validateOptions(opts);
    const store = new ObjectStore(opts.fs, opts.dir, opts.layoutCache, opts.deflateMemo);
    const commits = new Map<string, CommitData>();
    const children = new Map<string, string[]>();
    await store.recover((object) => {
      if (object.type === 'commit') commits.set(object.id, decodeCommit(object.id, object.content));
      else if (object.type === 'tree') children.set(object.id, decodeTree(object.id, object.content).map((entry) => entry.id));
    });
    const head = await store.readRef();
    const graph = graphFrom(head, commits);
    // Objects of a commit the crash lost are whole but belong to no commit; a later commit that
    // needs them must write (and so record) them again, or transfers would miss them.
    await store.prune(reachableObjects(graph, children));
    const state = await readState((graph.get(head) as CommitInfo).tree, opts.layout, store);
    return new Replica(opts, store, graph, head, state);
  }

  static async cloneFrom(source: Replica, opts: ReplicaOptions): Promise<Replica> {
    validateOptions(opts);
    assert(source.batch === null, 'cloneFrom a replica in batch mode');
    // A clone shares its source's layout memo unless given one: they hold the same objects.
    const store = new ObjectStore(opts.fs, opts.dir, opts.layoutCache ?? source.objects.layoutCache, opts.deflateMemo ?? source.objects.deflateMemo);
    await store.initRepository();
    for (const id of [...source.objects.knownIds()]) await store.writeFileOf(id, await source.objects.readDeflated(id));
    await store.updateRef(source.currentHead);
    return new Replica(opts, store, new Map(source.graph), source.currentHead, source.currentState);
  }

  // ---------- reading ----------

  get head(): string {
    return this.currentHead;
  }

  /** The current state, including operations of an unflushed batch (what the next operation applies to). */
  get state(): StoreState {
    return this.currentState;
  }

  /**
   * The state of the head: what is durable, and what a client reads. An open batch's operations
   * are not acknowledged yet, so no client may see them (read committed, as a group commit does).
   */
  get committed(): StoreState {
    return this.batch === null ? this.currentState : this.batch.startState;
  }

  /** True while a batch is open (beginBatch without its flush). */
  get inBatch(): boolean {
    return this.batch !== null;
  }

  headTimeMs(): number {
    return this.info(this.currentHead).timeMs;
  }

  headTreeId(): string {
    return this.info(this.currentHead).tree;
  }

  hasCommit(id: string): boolean {
    return this.graph.has(id);
  }

  /** Parents of a known commit (for merge bases and history walks). */
  parentsOf(id: string): readonly string[] {
    return this.info(id).parents;
  }

  /** Every commit id this replica knows (its head's ancestry). */
  commitIds(): string[] {
    return [...this.graph.keys()];
  }

  /** Reads one stored object (verified); for export and tests. */
  readObject(id: string): Promise<EncodedObject> {
    return this.objects.read(id);
  }

  /** Deflated bytes of one stored object, as a loose object file holds them. */
  readObjectDeflated(id: string): Promise<Uint8Array> {
    return this.objects.readDeflated(id);
  }

  /** Ids of every object file this replica holds. */
  objectIds(): string[] {
    return [...this.objects.knownIds()];
  }

  get layout(): LayoutSpec {
    return this.opts.layout;
  }

  // ---------- operations ----------

  deliver(mailbox: string, body: Uint8Array): Promise<{ guid: string; uid: number; uidValidity: number; modseq: number }> {
    return this.append(mailbox, body, [], 'deliver');
  }

  append(mailbox: string, body: Uint8Array, flags: readonly string[], verb = 'append'): Promise<{ guid: string; uid: number; uidValidity: number; modseq: number }> {
    const blob = blobFrom(body);
    const messageId = messageIdOf(body);
    return this.runOp(`${verb} ${mailbox}`, (state, ctx) => ops.appendMessage(state, mailbox, { blobId: blob.id, sizeBytes: body.length, messageId }, flags, ctx), () => {
      this.objects.put(blob);
      this.objects.layoutCache.rememberBody(blob.id, messageId);
    });
  }

  store(mailbox: string, uids: readonly number[], mode: '+' | '-' | '=', flags: readonly string[]): Promise<ops.StoreResult> {
    return this.runOp(`store ${mailbox} ${mode}FLAGS (${flags.join(' ')})`, (state) => ops.storeFlags(state, mailbox, uids, mode, flags, this.uidIndex));
  }

  expunge(mailbox: string, uids: readonly number[]): Promise<{ expunged: number[]; highestModseq: number }> {
    return this.runOp(`expunge ${mailbox}`, (state) => ops.expungeMessages(state, mailbox, uids, this.uidIndex));
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

  async deleteMailbox(name: string): Promise<void> {
    await this.runOp(`delete ${name}`, (state) => ops.deleteMailbox(state, name));
  }

  /** Opens a batch; `ends` hears once whether its commit was durable (also when it changed nothing) or failed. */
  beginBatch(ends: BatchEnds = NO_BATCH_ENDS): void {
    assert(this.batch === null, 'beginBatch while a batch is open');
    this.batch = { startState: this.currentState, startSeq: this.seq, summaries: [], ends };
  }

  /** Commits the open batch as one commit (none when it changed nothing); durable when it resolves. */
  flush(): Promise<void> {
    return this.serial(() => this.flushBatch());
  }

  private async flushBatch(): Promise<void> {
    const batch = this.batch;
    if (!batch) return;
    this.batch = null;
    if (batch.summaries.length === 0) return batch.ends.durable();
    try {
      await this.commitState(this.currentState, [this.currentHead], this.opts.node, this.opts.clock(), `batch of ${batch.summaries.length}\n\n${batch.summaries.join('\n')}`);
    } catch (error) {
      this.currentState = batch.startState;
      this.seq = batch.startSeq;
      batch.ends.failed(error);
      throw error;
    }
    batch.ends.durable();
  }

  private runOp<R>(summary: string, fn: (state: StoreState, ctx: ops.OpContext) => ops.OpResult<R>, stage?: () => void): Promise<R> {
    return this.serial(async () => {
      const timeMs = this.opts.clock();
      let seq = this.seq;
      const ctx: ops.OpContext = {
        timeMs,
        newGuid: () => makeBaseName(timeMs, ++seq, this.opts.node),
        assignsUids: (mailbox) => this.opts.strategy.assignsUids(mailbox, this.opts.node),
        uidIndex: this.uidIndex,
      };
      const { state, result } = fn(this.currentState, ctx);
      if (state === this.currentState) return result;
      stage?.();
      if (this.batch) {
        this.batch.summaries.push(summary);
        this.currentState = state;
        this.seq = seq;
        return result;
      }
      const before = this.seq;
      this.seq = seq;
      try {
        await this.commitState(state, [this.currentHead], this.opts.node, timeMs, summary);
      } catch (error) {
        this.seq = before;
        throw error;
      }
      return result;
    });
  }

  /** Writes `state` as one commit and moves the ref; on failure nothing changes. */
  /** `treeId`: the tree of `state` when the caller already wrote it into the staging area. */
  private async commitState(state: StoreState, parents: readonly string[], author: string, timeMs: number, summary: string, treeId?: string): Promise<string> {
    try {
      const tree = treeId ?? writeState(state, this.opts.layout, this.objects, this.currentState);
      const own = author === this.opts.node;
      const message = own ? `${summary}\n\nMailsim-Seq: ${this.seq}` : summary;
      const commit = encodeCommit({ tree, parents, author, timeMs, message });
      this.objects.put(commit);
      const written = await this.objects.writeStaged();
      try {
        await this.objects.updateRef(commit.id);
      } catch (error) {
        this.objects.forget(written);
        throw error;
      }
      const generation = 1 + Math.max(...parents.map((id) => this.info(id).generation));
      // What a commit "wrote" is defined by content (its tree against its parents' trees),
      // never by what this store happened to hold already: an object present only through a
      // commit that is not an ancestor would otherwise be left out of transfers.
      this.graph.set(commit.id, { tree, parents, timeMs, author, generation, seq: own ? this.seq : 0 });
      // A write on our head replaces the tips our head holds; held tips stay tips.
      this.noteAdded(commit.id);
      this.currentHead = commit.id;
      this.currentState = state;
      this.cacheState(commit.id, state);
      this.commitCount++;
      return commit.id;
    } catch (error) {
      this.objects.discardStaged();
      throw error;
    }
  }

  // ---------- replication ----------

  /**
   * What a peer lacks to reach our head and the tips we hold unmerged, as one thin git pack: the
   * objects of every commit not reachable from any head the peer is known to hold (`peerHeads`;
   * heads we do not hold are ignored). A changed tree or file goes as a delta against its
   * version at the same path in the commit's first parent: an earlier entry of this pack, or an
   * object of a commit the peer holds, never sent.
   */
  transferFor(peerHeads: string | null | readonly string[]): Promise<Transfer> {
    return this.serial(async () => {
      const head = this.currentHead;
      const heads = [head, ...this.heldTips()];
      const asked = peerHeads === null ? [] : typeof peerHeads === 'string' ? [peerHeads] : peerHeads;
      const known = asked.filter((id) => this.graph.has(id));
      const missing = this.commitsMissing(heads, known);
      const key = `${heads.join(',')}/${missing.join(',')}`;
      const memo = this.transferMemo.get(key);
      if (memo !== undefined) return memo;
      const inputs: PackInput[] = [];
      for (const { id, base } of await this.objectsOf(missing)) {
        inputs.push({ object: await this.objects.read(id), ...(base === undefined ? {} : { base: await this.objects.read(base) }) });
      }
      const packed = writePackWithStats(inputs, this.objects.deflateMemo);
      const transfer: Transfer = { head, heads, pack: packed.bytes, objectCount: inputs.length, deltaCount: packed.deltaCount, commitCount: missing.length };
      // Pushing one commit to every peer that held the last head packs it once.
      this.transferMemo.set(key, transfer);
      return transfer;
    });
  }

  /** Ids of the objects written by the commits since `since` (each once): what the store grew by. */
  objectsWrittenSince(since: string): Promise<string[]> {
    return this.serial(async () => (await this.objectsOf(this.commitsMissing([this.currentHead], this.graph.has(since) ? [since] : []))).map((object) => object.id));
  }

  /**
   * Takes a peer's heads and a pack of what it sent, resolves and verifies every object (deltas
   * against objects this replica holds included), adds the commits, and moves the head
   * (moveHead). `merge: false`: this replica is not the one to merge now (backends/git/gitServer.ts
   * designates one), so concurrent commits are held. A torn, truncated or forged pack, or one
   * whose delta names a base this replica lacks, is refused with a typed error; on any failure
   * nothing is kept.
   */
  receive(headsIn: string | readonly string[], pack: Uint8Array | null, options: { readonly merge?: boolean } = {}): Promise<ReceiveResult> {
    return this.serial(async () => {
      const heads = typeof headsIn === 'string' ? [headsIn] : [...headsIn];
      const none = { renumbered: 0, uidValidityChanges: [] };
      const settledKind = (): ReceiveKind => (this.tips.every((tip) => heads.some((h) => this.isAncestor(tip, h))) ? 'up-to-date' : 'ahead');
      if (heads.every((id) => this.graph.has(id))) return { kind: settledKind(), head: this.currentHead, ...none };
      // New commits may move the head, which must then hold the open batch: it is committed first.
      await this.flushBatch();
      const added: string[] = [];
      const tipsBefore = this.tips;
      let written: string[] = [];
      try {
        const objects = pack === null ? [] : await readPack(pack, (id) => (this.objects.has(id) ? this.objects.read(id) : undefined));
        for (const object of objects) this.objects.put(object);
        for (const head of heads) added.push(...(await this.addCommits(head)));
        // Keep only what the new commits need: a surplus object kept would belong to no commit, and
        // a later commit reusing it would not record it, so transfers from here would miss it.
        const needed = new Set<string>(added);
        for (const id of added) for (const object of await this.writtenBy(id)) needed.add(object);
        this.objects.keepStaged(needed);
        written = await this.objects.writeStaged();
        for (const id of added) this.noteAdded(id);
        const moved = await this.moveHead(heads, options.merge !== false);
        return moved ?? { kind: settledKind(), head: this.currentHead, ...none };
      } catch (error) {
        this.objects.discardStaged();
        this.objects.forget(written);
        for (const id of added) this.graph.delete(id);
        this.tips = tipsBefore;
        throw error;
      }
    });
  }

  /** A commit just added to the graph: a write replaces the tips it descends from. */
  private noteAdded(id: string): void {
    if (this.info(id).parents.length > 1) return;
    this.tips = [...this.tips.filter((tip) => !this.isAncestor(tip, id)), id].sort(compareIds);
  }

  /**
   * Moves the head after new commits arrived; null when it stays. A received head that descends
   * from our head and every tip is adopted (fast-forward: a merge someone else made). Else,
   * when this replica may merge, each received head our head lacks is merged into ours; when it
   * may not, the head stays and the commits are held until a merge that covers them arrives.
   */
  private async moveHead(received: readonly string[], mayMerge: boolean): Promise<ReceiveResult | null> {
    const none = { renumbered: 0, uidValidityChanges: [] };
    // Only a descendant of our head: a merge that covers our tips but not our own merge of them
    // would drop the UIDs that merge bound, which clients may have seen.
    const covering = [...received].sort(compareIds).find((head) => this.isAncestor(this.currentHead, head) && this.tips.every((tip) => this.isAncestor(tip, head)));
    if (covering !== undefined) return covering === this.currentHead ? null : this.fastForward(covering);
    if (!mayMerge) return this.held() ? { kind: 'held', head: this.currentHead, ...none } : null;
    return this.mergeAll(received);
  }

  /** Is commit `id` in our head's history (what clients of this replica see)? */
  inHead(id: string): boolean {
    return this.graph.has(id) && this.isAncestor(id, this.currentHead);
  }

  /** True when some tip is not in our head's history: commits held, waiting for a merge. */
  held(): boolean {
    return this.heldTips().length > 0;
  }

  private heldTips(): string[] {
    return this.tips.filter((tip) => !this.isAncestor(tip, this.currentHead));
  }

  /** Merges every held tip into our head (a replica that waited long enough for another's merge). */
  mergeHeld(): Promise<ReceiveResult | null> {
    return this.serial(async () => {
      const pending = this.heldTips();
      if (pending.length === 0) return null;
      await this.flushBatch();
      return this.mergeAll(pending);
    });
  }

  private async mergeAll(heads: readonly string[]): Promise<ReceiveResult | null> {
    let result: ReceiveResult | null = null;
    let renumbered = 0;
    const uidValidityChanges: { mailbox: string; before: number; after: number }[] = [];
    for (const head of [...heads].sort(compareIds)) {
      if (this.isAncestor(head, this.currentHead)) continue;
      const step = this.isAncestor(this.currentHead, head) ? await this.fastForward(head) : await this.merge(head);
      renumbered += step.renumbered;
      uidValidityChanges.push(...step.uidValidityChanges);
      if (result?.kind !== 'merge') result = step;
    }
    return result === null ? null : { ...result, head: this.currentHead, renumbered, uidValidityChanges };
  }

  private async fastForward(head: string): Promise<ReceiveResult> {
    const state = await this.stateOf(head);
    await this.objects.updateRef(head);
    this.currentHead = head;
    this.currentState = state;
    return { kind: 'fast-forward', head, renumbered: 0, uidValidityChanges: [] };
  }

  /**
   * Merges `theirs` into ours. The base is git-recursive: with several best common ancestors
   * (criss-cross), a virtual base merged from them, so an expunge made after one of them is
   * not undone by merging from another.
   *
   * A merge commit is made even when the merged content equals one side's tree: the head must
   * hold every tip in its history, or the replica would wait for a merge forever. What keeps
   * merges few is that one replica at a time merges (backends/git/gitServer.ts), not this method.
   */
  private async merge(theirs: string): Promise<ReceiveResult> {
    const ours = this.currentHead;
    const parentsOf = (id: string): readonly string[] => this.info(id).parents;
    const baseState = (await recursiveMergeBaseState(ours, theirs, parentsOf, (id) => this.stateOf(id), { memo: this.mergeBaseMemo, generationOf: (id) => this.info(id).generation })) ?? { mailboxes: new Map<string, Mailbox>() };
    const theirsState = await this.stateOf(theirs);
    const ctx = { node: this.opts.node, oursTimeMs: this.info(ours).timeMs, theirsTimeMs: this.info(theirs).timeMs };
    const outcome = this.opts.strategy.merge(baseState, this.currentState, theirsState, ctx);
    const state = { mailboxes: sortedMailboxes(outcome.state.mailboxes) };
    const tree = writeState(state, this.opts.layout, this.objects, this.currentState);
    const parents = [ours, theirs].sort(compareIds);
    const timeMs = Math.max(ctx.oursTimeMs, ctx.theirsTimeMs);
    const id = await this.commitState(state, parents, MERGE_AUTHOR, timeMs, `merge ${parents[0]} ${parents[1]}`, tree);
    this.mergeCount++;
    return { kind: 'merge', head: id, renumbered: outcome.renumbered, uidValidityChanges: outcome.uidValidityChanges };
  }

  /** Applies strategy.settle as one commit; true when it committed. */
  settle(ctx: SettleContext): Promise<boolean> {
    return this.serial(async () => {
      const next = this.opts.strategy.settle?.(this.currentState, ctx) ?? null;
      if (next === null || next === this.currentState) return false;
      // The settle commit goes on top of an open batch, so the batch is committed first.
      await this.flushBatch();
      const state = { mailboxes: sortedMailboxes(next.mailboxes) };
      const tree = writeState(state, this.opts.layout, this.objects, this.currentState);
      if (tree === this.headTreeId()) {
        this.objects.discardStaged();
        return false;
      }
      await this.commitState(state, [this.currentHead], this.opts.node, this.opts.clock(), 'settle', tree);
      return true;
    });
  }

  // ---------- commit graph ----------

  private info(id: string): CommitInfo {
    const info = this.graph.get(id);
    assert(info !== undefined, `unknown commit ${id}`);
    return info;
  }

  private cacheState(id: string, state: StoreState): void {
    this.stateCache.delete(id);
    this.stateCache.set(id, state);
    if (this.stateCache.size > STATE_CACHE_COMMITS_MAX) this.stateCache.delete(this.stateCache.keys().next().value as string);
  }

  private async stateOf(id: string): Promise<StoreState> {
    const cached = this.stateCache.get(id);
    if (cached) return cached;
    const state = await readState(this.info(id).tree, this.opts.layout, this.objects);
    this.cacheState(id, state);
    return state;
  }

  /** Reads the commits from `head` back to known ones into the graph; returns them, oldest first. */
  private async addCommits(head: string): Promise<string[]> {
    const commits = new Map<string, CommitData>();
    const stack = [head];
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (this.graph.has(id) || commits.has(id)) continue;
      const object = await this.objects.read(id);
      if (object.type !== 'commit') throw new MissingObjectError(`${id} (not a commit)`);
      const commit = decodeCommit(id, object.content);
      commits.set(id, commit);
      stack.push(...commit.parents);
    }
    const order = topological(commits);
    for (const id of order) {
      const commit = commits.get(id) as CommitData;
      const generation = 1 + Math.max(0, ...commit.parents.map((parent) => this.info(parent).generation));
      this.graph.set(id, { tree: commit.tree, parents: commit.parents, timeMs: commit.timeMs, author: commit.author, generation, seq: seqOf(commit) });
    }
    return order;
  }

  /** Is `a` an ancestor of `b` (or equal)? Walks back from b, never below a's generation. */
  private isAncestor(a: string, b: string): boolean {
    const floor = this.info(a).generation;
    const seen = new Set<string>();
    const stack = [b];
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (id === a) return true;
      if (seen.has(id)) continue;
      seen.add(id);
      for (const parent of this.info(id).parents) if (this.info(parent).generation >= floor) stack.push(parent);
    }
    return false;
  }

  /** Commits reachable from some of `heads` but from none of `peers`, oldest first (paint by generation, newest first). */
  private commitsMissing(heads: readonly string[], peers: readonly string[]): string[] {
    const FROM_HEAD = 1;
    const FROM_PEER = 2;
    const flags = new Map<string, number>();
    const queue = generationHeap((id) => this.info(id).generation);
    let headOnly = 0;
    const enqueue = (id: string, flag: number) => {
      flags.set(id, flag);
      if (flag === FROM_HEAD) headOnly++;
      queue.push(id);
    };
    for (const head of heads) if (!peers.includes(head) && !flags.has(head)) enqueue(head, FROM_HEAD);
    for (const peer of peers) if (!flags.has(peer)) enqueue(peer, FROM_PEER);
    const missing: string[] = [];
    while (headOnly > 0) {
      const id = queue.pop();
      const flag = flags.get(id) as number;
      if (flag === FROM_HEAD) {
        headOnly--;
        missing.push(id);
      }
      for (const parent of this.info(id).parents) {
        const old = flags.get(parent);
        if (old === undefined) enqueue(parent, flag);
        else if (old === FROM_HEAD && flag === FROM_PEER) {
          flags.set(parent, FROM_PEER);
          headOnly--;
        }
      }
    }
    return missing.sort((x, y) => this.info(x).generation - this.info(y).generation || compareIds(x, y));
  }

  /**
   * Objects commit `id` added over its parents; every one must be present (else
   * MissingObjectError). Walks only directories whose ids differ. A body that left a
   * changed directory of a parent (a flag rename, a move) is not new, so it is not counted.
   */
  private async writtenBy(id: string): Promise<readonly string[]> {
    return (await this.writes(id)).written;
  }

  /** What `commits` wrote, in order, each object once, with the base it may go as a delta against. */
  private async objectsOf(commits: readonly string[]): Promise<{ readonly id: string; readonly base?: string }[]> {
    const out: { readonly id: string; readonly base?: string }[] = [];
    const seen = new Set<string>();
    for (const commit of commits) {
      const { written, bases } = await this.writes(commit);
      for (const id of [...written, commit]) {
        if (seen.has(id)) continue;
        seen.add(id);
        const base = bases.get(id);
        out.push(base === undefined ? { id } : { id, base });
      }
    }
    return out;
  }

  /** The objects commit `id` wrote and their delta bases, found by one tree diff and kept. */
  private async writes(id: string): Promise<{ readonly written: readonly string[]; readonly bases: ReadonlyMap<string, string> }> {
    const info = this.info(id);
    // The root commit records what it wrote at creation; it has no parent to delta against.
    if (info.written && info.parents.length === 0) info.bases ??= new Map();
    if (info.written && info.bases) return { written: info.written, bases: info.bases };
    const out: string[] = [];
    const left = new Set<string>();
    const bases = new Map<string, string>();
    const parent = info.parents[0];
    // A commit differs from its first parent's commit in its ids, date and summary only.
    if (parent !== undefined) bases.set(id, parent);
    const parentTrees = info.parents.map((p) => this.info(p).tree);
    await this.diffTree(info.tree, parentTrees, parentTrees[0], out, left, bases);
    info.written = out.filter((object) => !left.has(object));
    info.bases = bases;
    return { written: info.written, bases };
  }

  /**
   * Objects tree `id` adds over `parentTrees` (every one must be present, else
   * MissingObjectError), walking only directories whose ids differ. A body that left a changed
   * directory of a parent (a flag rename, a move) is not new, so it lands in `left`. For each
   * object, the first parent's version at the same path (`firstParentTree` here) is its base.
   */
  private async diffTree(id: string, parentTrees: readonly string[], firstParentTree: string | undefined, out: string[], left: Set<string>, bases: Map<string, string>): Promise<void> {
    if (parentTrees.includes(id)) return;
    const entries = await this.objects.readTree(id);
    const names = new Map(entries.map((entry) => [entry.name, entry.id]));
    const parents: Map<string, TreeEntry>[] = [];
    for (const parent of parentTrees) {
      const parentEntries = await this.objects.readTree(parent);
      for (const entry of parentEntries) if (entry.mode !== MODE_TREE && names.get(entry.name) !== entry.id) left.add(entry.id);
      parents.push(new Map(parentEntries.map((entry) => [entry.name, entry])));
    }
    const first = firstParentTree === undefined ? undefined : parents[parentTrees.indexOf(firstParentTree)];
    for (const entry of entries) {
      const before = parents.map((map) => map.get(entry.name)).filter((e): e is TreeEntry => e !== undefined && e.mode === entry.mode);
      if (before.some((e) => e.id === entry.id)) continue;
      const was = first?.get(entry.name);
      const base = was !== undefined && was.mode === entry.mode ? was.id : undefined;
      if (entry.mode === MODE_TREE) await this.diffTree(entry.id, before.map((e) => e.id), base, out, left, bases);
      else {
        if (!this.objects.has(entry.id)) throw new MissingObjectError(entry.id);
        out.push(entry.id);
        if (base !== undefined) bases.set(entry.id, base);
      }
    }
    out.push(id);
    if (firstParentTree !== undefined) bases.set(id, firstParentTree);
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

function seqOf(commit: CommitData): number {
  const match = SEQ_TRAILER.exec(commit.message);
  return match ? Number(match[1]) : 0;
}

/** Parents before children. */
function topological(commits: ReadonlyMap<string, CommitData>): string[] {
  const order: string[] = [];
  const done = new Set<string>();
  const visit = (start: string): void => {
    const stack: { id: string; expanded: boolean }[] = [{ id: start, expanded: false }];
    while (stack.length > 0) {
      const top = stack.pop() as { id: string; expanded: boolean };
      if (done.has(top.id)) continue;
      if (top.expanded) {
        done.add(top.id);
        order.push(top.id);
        continue;
      }
      stack.push({ id: top.id, expanded: true });
      for (const parent of (commits.get(top.id) as CommitData).parents) if (commits.has(parent) && !done.has(parent)) stack.push({ id: parent, expanded: false });
    }
  };
  for (const id of [...commits.keys()].sort(compareIds)) visit(id);
  return order;
}

/** Every object reachable from the commits of `graph` (commits, trees, blobs). */
function reachableObjects(graph: ReadonlyMap<string, CommitInfo>, children: ReadonlyMap<string, readonly string[]>): Set<string> {
  const seen = new Set<string>(graph.keys());
  const stack = [...graph.values()].map((info) => info.tree);
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const child of children.get(id) ?? []) if (!seen.has(child)) stack.push(child);
  }
  return seen;
}

function graphFrom(head: string, commits: ReadonlyMap<string, CommitData>): Map<string, CommitInfo> {
  const reachable = new Map<string, CommitData>();
  const stack = [head];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (reachable.has(id)) continue;
    const commit = commits.get(id);
    if (!commit) throw new MissingObjectError(id);
    reachable.set(id, commit);
    stack.push(...commit.parents);
  }
  const graph = new Map<string, CommitInfo>();
  for (const id of topological(reachable)) {
    const commit = reachable.get(id) as CommitData;
    const generation = 1 + Math.max(0, ...commit.parents.map((parent) => (graph.get(parent) as CommitInfo).generation));
    graph.set(id, { tree: commit.tree, parents: commit.parents, timeMs: commit.timeMs, author: commit.author, generation, seq: seqOf(commit) });
  }
  return graph;
}

/** The first commit's state: equal input gives an equal state (and commit) on every node. */
function initialState(initial: readonly InitialMailbox[], store: ObjectStore): StoreState {
  const mailboxes = new Map<string, Mailbox>();
  let counter = 0;
  for (const spec of initial) {
    validateMailboxName(spec.name);
    assert(!mailboxes.has(spec.name), `initial mailbox ${spec.name} listed twice`);
    let keywords: readonly string[] = [];
    const messages: Message[] = [];
    spec.messages.forEach((input, index) => {
      for (const flag of input.flags) validateFlag(flag);
      const flags = normalizeFlags(input.flags);
      keywords = extendKeywordTable(keywords, flags);
      const blob = blobFrom(input.body);
      store.put(blob);
      const messageId = messageIdOf(input.body);
      store.layoutCache.rememberBody(blob.id, messageId);
      const guid = makeBaseName(0, ++counter, 'init');
      messages.push({ guid, uid: index + 1, flags, modseq: 1, internalDateMs: 0, sizeBytes: input.body.length, blobId: blob.id, messageId });
    });
    const mailbox: Mailbox = {
      name: spec.name,
      uidValidity: spec.uidValidity,
      uidNext: messages.length + 1,
      highestModseq: 1,
      keywords,
      messages: updateMessages(EMPTY_MESSAGE_MAP, messages, []),
      ...(spec.strategyData ? { strategyData: { ...spec.strategyData } } : {}),
    };
    mailboxes.set(spec.name, mailbox);
  }
  return { mailboxes: sortedMailboxes(mailboxes) };
}

/** The writes of a graph (insertion order is parents first) that no write descends from, sorted. */
function tipsOf(graph: ReadonlyMap<string, CommitInfo>): string[] {
  const belowWrite = new Set<string>();
  const tips: string[] = [];
  for (const [id, info] of [...graph].reverse()) {
    const write = info.parents.length <= 1;
    if (write && !belowWrite.has(id)) tips.push(id);
    if (write || belowWrite.has(id)) for (const parent of info.parents) belowWrite.add(parent);
  }
  return tips.sort(compareIds);
}
