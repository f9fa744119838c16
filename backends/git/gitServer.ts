/**
 * The reference replica's server (the git backend behind sim/replicaServer.ts): a replica on its own crash-fault volume, with its own clock, network
 * endpoint and simulator vector clock. It runs client operations as commits (acknowledged
 * only once durable) and is the thin runner of the replication protocol (./replication.ts):
 * it feeds the protocol each event with the facts of its replica, and performs the sends
 * (pushes of what a peer lacks, heartbeats, the merge wait). It never reaches into the
 * replica's internals.
 */
import type { UidIndex } from '../../core/uidIndex.ts';
import type { DeflateMemo } from '../../core/deflateMemo.ts';
import type { LayoutCache } from '../../core/layout.ts';
import { assert, MailsimError } from '../../core/errors.ts';
import { compareStrings } from '../../core/merge/compare.ts';
import { Replica, type ReceiveResult, type ReplicaOptions } from '../../core/replica.ts';
import type { Mailbox, StoreState } from '../../core/state.ts';
import { newBindings, type Binding } from '../../sim/bindings.ts';
import { ownerOf } from '../../core/strategies/owner.ts';
import { NodeClock } from '../../sim/clock.ts';
import { CrashError, FaultyFs } from '../../sim/faultyFs.ts';
import { newVolumeFs } from '../../sim/volume.ts';
import { PauseGate } from '../../sim/pauseGate.ts';
import type { VectorClock } from '../../sim/historyTypes.ts';
import type { Envelope } from '../../sim/network.ts';
import type { Rng } from '../../sim/rng.ts';
import { mergeClocks, tick } from '../../sim/vclock.ts';
import { heardWithin, initialReplication, isMerger, step, type ReplicationEvent, type ReplicationSend, type ReplicationState } from './replication.ts';
import { OwnerLeases, type LeasePayload } from '../../sim/ownerLeases.ts';
import { isLeaseKind } from '../../sim/wireKinds.ts';
import type { FinalReplica } from '../../sim/checkers/types.ts';
import type { BackendDeps, Completion, MailStore, ReplicaServer } from '../../sim/replicaServer.ts';
import { GroupCommit } from './server/groupCommit.ts';


/**
 * The protocol overhead a push pays besides its pack: a message kind, a head count and the
 * pack's length (8 B), then each head the receiver should take as a 20-byte id. A real git
 * push spends more on its ref advertisement (FACTS.md: about 62 B per ref); this protocol
 * sends heads instead of asking for refs.
 */
export const PUSH_HEADER_BYTES = 8;
export const PUSH_HEAD_BYTES = 20;

/** Bytes on the wire of a push of `pack` that names `headCount` heads. */
export function pushSizeBytes(headCount: number, pack: Uint8Array): number {
  return PUSH_HEADER_BYTES + PUSH_HEAD_BYTES * headCount + pack.length;
}
export const ACK_BYTES = 72;
/** A heartbeat carries the sender's head: 20-byte id plus framing. */
export const HEARTBEAT_BYTES = 48;
/**
 * How long a replica that holds concurrent commits waits for the designated merger's merge
 * before it merges them itself (the merger may be cut off in a way heartbeats have not shown
 * yet). A few round trips at 150 ms links, and well under the anti-entropy repair time.
 */
export const MERGE_WAIT_MS = 2_000;
/** Pushes whose clocks wait for our head to hold them (named limit; dropping the oldest only makes the session guarantee stricter). */
export const HELD_CLOCKS_MAX = 1_024;

interface PushPayload {
  /** The sender's tips; the receiver makes their merge itself. */
  readonly heads: readonly string[];
  /** A thin git pack (core/pack/packfile.ts): its bytes are the bytes on the wire. */
  readonly pack: Uint8Array;
  /** The simulator's causality record for the checkers; no real server sends it, so it is not counted. */
  readonly vclock: VectorClock;
}

interface AckPayload {
  /** The heads taken, or null when the push was refused. */
  readonly received: readonly string[] | null;
  readonly head: string;
}

/** What the world hands every backend (sim/replicaServer.ts), and the git replica's own memos and streams. */
export interface GitServerDeps extends Pick<BackendDeps, 'config' | 'scheduler' | 'network' | 'history' | 'metrics' | 'strategy'> {
  /** The world's layout memo, shared by its replicas. */
  readonly layoutCache: LayoutCache;
  /** The world's UID lookup memo, shared by its replicas. */
  readonly uidIndex: UidIndex;
  /** The world's deflate memo, shared by its replicas. */
  readonly deflateMemo: DeflateMemo;
  /** The node's own fault stream (power-loss fates). */
  readonly faultRng: Rng;
  readonly peers: readonly string[];
  /** Keep the packs this server stores (for export); off in runs that do not ask. */
  readonly recordTransfers?: boolean;
  /** Called after every state change, for convergence tracking. */
  readonly onChange: () => void;
}

export class GitServer implements ReplicaServer {
  readonly name: string;
  readonly clock: NodeClock;
  readonly fs: FaultyFs;
  replica: Replica | null = null;
  vclock: VectorClock = {};
  /** Test-only mutant: this server stops replicating. */
  replicationStopped = false;
  private readonly deps: GitServerDeps;
  /** What this server believes of its peers (./replication.ts); set at start. */
  private repl: ReplicationState;
  private lastState: StoreState | null = null;
  /** The answers waiting on the replica's open batch (the replica owns the batch itself). */
  private readonly group = new GroupCommit();
  /** What the last commit carried, for the push it causes: an operation kind (one kind of a batch, or 'batch' when mixed) and how many operations. */
  private lastCause: { kind: string; opCount: number } = { kind: '', opCount: 1 };
  private mergeWaitArmed = false;
  /**
   * Vector clocks of pushes whose heads are not in our head yet (held): a client's session
   * guarantee may count a write as applied here only once our head holds it.
   */
  private heldClocks: { readonly heads: readonly string[]; readonly vclock: VectorClock }[] = [];
  /** While paused (a pause fault), events wait here, in order. */
  private readonly gate: PauseGate;
  /** The owner leases, by mailbox (sim/ownerLeases.ts, sim/leases.ts). */
  private readonly leases: OwnerLeases;
  /** Packs this server received and stored, in order, with the heads they brought (recordTransfers). */
  private received: { readonly heads: readonly string[]; readonly pack: Uint8Array }[] = [];

  constructor(name: string, deps: GitServerDeps) {
    this.name = name;
    this.deps = deps;
    this.repl = initialReplication(name, deps.peers, '');
    const clockConfig = deps.config.clocks[name] ?? { offsetMs: 0, driftPpm: 0 };
    this.clock = new NodeClock(() => deps.scheduler.nowMs, clockConfig);
    this.fs = new FaultyFs(name, newVolumeFs());
    this.gate = new PauseGate(deps.scheduler, name);
    this.leases = new OwnerLeases({
      name, peers: deps.peers, config: deps.config, scheduler: deps.scheduler, network: deps.network,
      monotonicMs: () => this.clock.monotonicMs(),
      committed: () => (this.replica !== null && this.up ? this.replica.committed : null),
      heard: (peer) => heardWithin(this.repl, peer, deps.scheduler.nowMs),
      whenRunning: (run, key) => this.whenRunning(run, key),
      acquired: () => this.settle(),
    });
    deps.network.onReceive(name, (envelope) => this.whenRunning(() => this.receive(envelope)));
  }

  get up(): boolean {
    return this.replica !== null && !this.fs.isDown;
  }

  get store(): MailStore | null {
    return this.replica;
  }

  /** Replicas agree when their head trees are equal (commit ids differ by author and date). */
  contentId(): string | null {
    return this.replica !== null && this.up ? this.replica.headTreeId() : null;
  }

  final(): FinalReplica {
    const replica = this.replica as Replica;
    return { node: this.name, head: replica.head, treeId: replica.headTreeId(), state: replica.state };
  }

  disarm(): void {
    this.fs.disarm();
  }

  lagDurability(): void {
    this.fs.setDurabilityLag(true);
  }

  dropAnswersOnCrash(): void {
    this.group.dropOnCrash = true;
  }

  options(): ReplicaOptions {
    return {
      node: this.name,
      fs: this.fs,
      dir: '/repo',
      layout: this.deps.config.layout,
      strategy: this.deps.strategy,
      clock: () => this.clock.nowMs(),
      layoutCache: this.deps.layoutCache,
      uidIndex: this.deps.uidIndex,
      deflateMemo: this.deps.deflateMemo,
    };
  }

  /** Starts from a copy of the seed replica (the initial population, identical everywhere). */
  async start(seed: Replica): Promise<void> {
    this.replica = await Replica.cloneFrom(seed, this.options());
    this.repl = initialReplication(this.name, this.deps.peers, this.replica.head);
    this.observe();
    if (this.deps.strategy.usesLeases === true) this.leases.start();
  }

  // ---------- pause ----------

  get paused(): boolean {
    return this.gate.paused;
  }

  /**
   * A pause fault: for durationMs this server handles no event (messages, client requests,
   * its own timers wait, in order) while its clock runs on (sim/pauseGate.ts).
   */
  pause(durationMs: number): void {
    this.gate.pause(durationMs);
  }

  resume(): Promise<void> {
    return this.gate.open();
  }

  /** Runs `run` now, or once the pause ends; a keyed item (a timer) waits at most once. */
  whenRunning(run: () => Promise<void>, key: string | null = null): Promise<void> {
    return this.gate.whenRunning(run, key);
  }

  /**
   * Runs one client operation as a commit. `complete` runs exactly once: when the write is
   * durable, when it is refused, or with a CrashError (outcome unknown) when the server crashes first.
   */
  async execute<T>(kind: string, op: (store: MailStore) => Promise<T>, complete: Completion<T>): Promise<void> {
    const replica = this.replica;
    if (!replica || this.fs.isDown) return complete({ ok: false, error: new MailsimError('E_DOWN', `${this.name} is down: connection refused`, {}) });
    let answered = false;
    // The outcome is built only when it is sent: an ok answer stamps the write's clock then.
    const answer = (outcome: () => Parameters<Completion<T>>[0]): void => {
      if (answered) return;
      answered = true;
      complete(outcome());
    };
    const batch = this.deps.config.batch;
    try {
      if (batch && this.group.open(replica)) {
        this.deps.scheduler.after(batch.windowMs, `flush ${this.name}`, () => this.whenRunning(() => this.flush(), 'flush'));
      }
      const value = await op(replica);
      if (batch) {
        this.group.add({ kind, acknowledge: () => answer(() => ({ ok: true, value, vclock: this.ackWrite() })), abort: (error) => answer(() => ({ ok: false, error })) });
        if (this.group.size >= batch.opsMax) await this.flush();
        return;
      }
      this.lastCause = { kind, opCount: 1 };
      const vclock = this.ackWrite();
      this.deps.metrics.commit();
      this.afterCommit();
      answer(() => ({ ok: true, value, vclock }));
      await this.apply({ kind: 'committed', reason: kind });
      await this.settle();
    } catch (error) {
      await this.fail(error);
      answer(() => ({ ok: false, error }));
    }
  }

  /** Commits the open batch as one commit, then acknowledges every operation in it. */
  async flush(): Promise<void> {
    const replica = this.replica;
    if (!replica) return;
    try {
      await replica.flush();
    } catch (error) {
      await this.fail(error);
      return;
    }
    await this.ackBatchCommitted();
  }

  /**
   * Acknowledges a batch the replica committed: a flush, or a receive, a merge or a settle that
   * committed it first (the head they build on must hold it). Its operations are then durable,
   * so they are acknowledged at once: a client must never read state that holds writes whose
   * answers are still to come.
   */
  private async ackBatchCommitted(): Promise<void> {
    const durable = this.group.takeDurable();
    if (durable === null) return;
    if (durable.answers.length > 0) this.deps.metrics.commit();
    // A batch of one kind is that many operations of it on the wire; a mixed batch counts as a batch.
    const only = durable.kinds.length === 1 ? durable.kinds[0] : undefined;
    this.lastCause = { kind: only ? only[0] : 'batch', opCount: Math.max(1, durable.answers.length) };
    this.afterCommit();
    for (const answer of durable.answers) answer.acknowledge();
    await this.apply({ kind: 'committed', reason: 'batch' });
    await this.settle();
  }

  /** Crash: in-memory state is gone; under power loss unsynced writes may be lost or torn. */
  async crash(mode: 'process' | 'power'): Promise<void> {
    this.fs.crashNow();
    await this.dropVolatile(mode);
    // A crash ends a pause: the paused process is gone, and what waited for it now finds it down.
    if (this.gate.paused) await this.gate.open();
  }

  /** Arms a crash at the `writes`-th next write point (mid-commit or mid-merge). */
  armCrash(writes: number, mode: 'process' | 'power'): void {
    this.pendingCrashMode = mode;
    this.fs.armCrash(writes);
  }

  /** The packs this server stored, in order (recordTransfers). */
  transfers(): readonly Uint8Array[] {
    return this.received.map((transfer) => transfer.pack);
  }

  async restart(): Promise<void> {
    if (this.up) return;
    this.fs.restart();
    const replica = await Replica.open(this.options());
    this.replica = replica;
    this.leases.restarted(replica.committed);
    // A power loss may have taken what a pack brought; git could not complete a pack whose bases went with it.
    this.received = this.received.filter((transfer) => transfer.heads.every((head) => replica.hasCommit(head)));
    this.observe();
    this.deps.onChange();
  }

  /** Anti-entropy: push to every peer that may lack our head (once the pause ends, when paused). */
  antiEntropy(): Promise<void> {
    return this.whenRunning(() => this.antiEntropyNow(), 'anti-entropy');
  }

  private async antiEntropyNow(): Promise<void> {
    const replica = this.replica;
    if (!replica || !this.up || this.replicationStopped) return;
    await this.apply({ kind: 'tick' });
    await this.settle();
  }

  private pendingCrashMode: 'process' | 'power' = 'process';

  private async dropVolatile(mode: 'process' | 'power'): Promise<void> {
    const crashed = this.replica !== null;
    this.replica = null;
    [this.repl] = step(this.repl, { kind: 'crashed' });
    this.heldClocks = [];
    const lost = this.group.crashed();
    if (mode === 'power') {
      const report = await this.fs.losePower(this.deps.faultRng);
      this.deps.history.append(this.name, 'replica', 'info', 'power-loss', { ...report, lostAcks: lost.length });
    }
    if (crashed) this.deps.history.append(this.name, 'replica', 'info', 'down', { mode });
    // The answers the crash took: each client learns its request's outcome is unknown.
    this.group.endLost(lost, this.name);
  }

  private async fail(error: unknown): Promise<void> {
    if (error instanceof CrashError) {
      await this.dropVolatile(this.pendingCrashMode);
      return;
    }
    if (!(error instanceof MailsimError)) throw error;
  }

  private ackWrite(): VectorClock {
    this.vclock = tick(this.vclock, this.name);
    return this.vclock;
  }

  /** Records what the new head bound, and notifies the world. */
  /** `settled`: the commit was the owner's settle, whose new bindings are its UID assignments. */
  private afterCommit(settled = false): void {
    this.observe(settled);
    this.deps.onChange();
  }

  private observe(settled = false): void {
    const replica = this.replica;
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

  /** The runner: one protocol step, then its sends, in order. */
  private async apply(event: ReplicationEvent): Promise<void> {
    const [next, sends] = step(this.repl, event);
    this.repl = next;
    for (const send of sends) await this.perform(send);
  }

  private async perform(send: ReplicationSend): Promise<void> {
    const replica = this.replica;
    if (!replica || this.replicationStopped) return;
    if (send.kind === 'heartbeat') this.deps.network.send(this.name, send.to, 'heartbeat', HEARTBEAT_BYTES, { head: replica.head });
    else if (send.kind === 'arm-merge-wait') this.armMergeWait();
    else await this.pushTo(send.to, send.known, send.reason);
  }

  private async pushTo(peer: string, known: readonly string[], reason: string): Promise<void> {
    const replica = this.replica as Replica;
    if (known.includes(replica.head)) return;
    const { head, heads, pack, objectCount } = await replica.transferFor(known);
    if (objectCount === 0) return this.apply({ kind: 'pushed', to: peer, heads, head, nothing: true });
    const sizeBytes = pushSizeBytes(heads.length, pack);
    const byOp = reason !== 'anti-entropy' && reason !== 'merge' && this.lastCause.kind !== '';
    this.deps.metrics.push(byOp ? this.lastCause.kind : reason, sizeBytes, byOp ? this.lastCause.opCount : 1);
    const payload: PushPayload = { heads, pack, vclock: this.vclock };
    this.deps.network.send(this.name, peer, 'push', sizeBytes, payload);
    await this.apply({ kind: 'pushed', to: peer, heads, head, nothing: false });
  }

  private async receive(envelope: Envelope): Promise<void> {
    if (!this.up || this.replicationStopped) return;
    [this.repl] = step(this.repl, { kind: 'heard', from: envelope.from, nowMs: this.deps.scheduler.nowMs });
    if (envelope.kind === 'heartbeat') return this.receiveHeartbeat(envelope as Envelope<{ head: string }>);
    if (envelope.kind === 'ack') return this.receiveAck(envelope as Envelope<AckPayload>);
    if (envelope.kind === 'push') return this.receivePush(envelope as Envelope<PushPayload>);
    if (isLeaseKind(envelope.kind)) return this.leases.receive(envelope as Envelope<LeasePayload>);
  }

  private receiveHeartbeat(envelope: Envelope<{ head: string }>): Promise<void> {
    const { head } = envelope.payload;
    return this.apply({ kind: 'heartbeat', from: envelope.from, head, held: (this.replica as Replica).hasCommit(head) });
  }

  private receiveAck(envelope: Envelope<AckPayload>): Promise<void> {
    const { received, head } = envelope.payload;
    const replica = this.replica as Replica;
    if (received === null) return this.apply({ kind: 'refused', from: envelope.from, head, held: replica.hasCommit(head) });
    return this.apply({ kind: 'acked', from: envelope.from, head, held: replica.hasCommit(head), heldReceived: received.filter((id) => replica.hasCommit(id)) });
  }

  private async receivePush(envelope: Envelope<PushPayload>): Promise<void> {
    const replica = this.replica as Replica;
    const { heads, pack, vclock } = envelope.payload;
    const fresh = heads.some((head) => !replica.hasCommit(head));
    let result: ReceiveResult;
    try {
      result = await replica.receive(heads, pack, { merge: isMerger(this.repl, this.deps.scheduler.nowMs) });
    } catch (error) {
      if (error instanceof CrashError) return this.dropVolatile(this.pendingCrashMode);
      if (!(error instanceof MailsimError)) throw error;
      this.deps.history.append(this.name, 'replica', 'info', 'receive-failed', { from: envelope.from, code: error.code });
      this.deps.network.send(this.name, envelope.from, 'ack', ACK_BYTES, { received: null, head: replica.head } satisfies AckPayload);
      await this.ackBatchCommitted();
      return;
    }
    await this.ackBatchCommitted();
    if (fresh && this.deps.recordTransfers === true) this.received.push({ heads, pack });
    if (heads.every((head) => replica.inHead(head))) this.vclock = mergeClocks(this.vclock, vclock);
    else {
      this.heldClocks.push({ heads, vclock });
      if (this.heldClocks.length > HELD_CLOCKS_MAX) this.heldClocks.shift();
    }
    this.recordReceive(result);
    this.deps.network.send(this.name, envelope.from, 'ack', ACK_BYTES, { received: heads, head: result.head } satisfies AckPayload);
    await this.apply({ kind: 'received', from: envelope.from, heads, result: result.kind });
    await this.settle();
  }

  /** History, metrics and observation of what a receive or a merge did to the head. */
  private recordReceive(result: ReceiveResult): void {
    this.deps.metrics.received(result.kind, result.renumbered, result.uidValidityChanges, result.head);
    if (result.kind === 'merge' || result.kind === 'fast-forward') {
      // Only a moved head can come to hold pushes that were held.
      this.applyHeldClocks();
      this.deps.history.append(this.name, 'replica', 'info', result.kind, { head: result.head, renumbered: result.renumbered });
      for (const change of result.uidValidityChanges) {
        this.deps.history.append(this.name, 'replica', 'info', 'uidvalidity', change);
      }
      this.afterCommit();
    }
  }

  /** Merges the clocks of every push whose heads our head now holds. */
  private applyHeldClocks(): void {
    const replica = this.replica;
    if (!replica) return;
    const waiting: typeof this.heldClocks = [];
    for (const held of this.heldClocks) {
      if (held.heads.every((head) => replica.inHead(head))) this.vclock = mergeClocks(this.vclock, held.vclock);
      else waiting.push(held);
    }
    this.heldClocks = waiting;
  }

  /** Held commits get merged here if no merge covering them arrived within MERGE_WAIT_MS. */
  private armMergeWait(): void {
    if (this.mergeWaitArmed) return;
    this.mergeWaitArmed = true;
    this.deps.scheduler.after(MERGE_WAIT_MS, `merge-wait ${this.name}`, () => this.whenRunning(() => this.mergeWait(), 'merge-wait'));
  }

  private async mergeWait(): Promise<void> {
    this.mergeWaitArmed = false;
    const replica = this.replica;
    if (!replica || !this.up || this.replicationStopped || !replica.held()) return;
    let result: ReceiveResult | null;
    try {
      result = await replica.mergeHeld();
    } catch (error) {
      await this.fail(error);
      await this.ackBatchCommitted();
      return;
    }
    await this.ackBatchCommitted();
    if (result === null) return;
    this.recordReceive(result);
    if (result.kind === 'merge') await this.apply({ kind: 'committed', reason: 'merge' });
    await this.settle();
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

  private async settle(): Promise<void> {
    const replica = this.replica;
    if (!replica || !this.deps.strategy.settle || this.fs.isDown) return;
    // What a real server knows: the leases it holds by its own clock (sim/leases.ts). Which
    // mailbox's lease covers a mailbox is the strategy's rule (core/strategies/owner.ts).
    const leaseFor = (mailbox: string): number | null => this.leases.epochFor(mailbox);
    let settled: boolean;
    try {
      settled = await replica.settle({ node: this.name, leaseFor });
    } catch (error) {
      await this.fail(error);
      await this.ackBatchCommitted();
      return;
    }
    await this.ackBatchCommitted();
    if (!settled) return;
    this.deps.metrics.commit();
    this.afterCommit(true);
    this.lastCause = { kind: 'settle', opCount: 1 };
    await this.apply({ kind: 'committed', reason: 'settle' });
  }
}
