/**
 * A virtual server: a replica on its own crash-fault volume, with its own clock, network
 * endpoint and simulator vector clock. It runs client operations as commits (acknowledged
 * only once durable), pushes what each peer lacks after every commit, merges what peers
 * push, and runs anti-entropy. It never reaches into the replica's internals.
 */
import { MailsimError } from '../core/errors.ts';
import { Replica, type ReceiveResult, type ReplicaOptions } from '../core/replica.ts';
import type { StoreState } from '../core/state.ts';
import type { UidStrategy } from '../core/strategy.ts';
import { newBindings } from './bindings.ts';
import { NodeClock } from './clock.ts';
import type { SimConfig } from './config.ts';
import { CrashError, FaultyFs } from './faultyFs.ts';
import { newVolumeFs } from './volume.ts';
import type { History } from './history.ts';
import type { VectorClock } from './historyTypes.ts';
import type { Metrics } from './metrics.ts';
import type { Envelope, Network } from './network.ts';
import type { Rng } from './rng.ts';
import type { Scheduler } from './scheduler.ts';
import { mergeClocks, tick } from './vclock.ts';

/** Fixed bytes of a replication message besides its objects (kind, head id, lengths). */
export const PUSH_HEADER_BYTES = 64;
/** Bytes per object besides its deflated data: its 20-byte id and a length. */
export const OBJECT_OVERHEAD_BYTES = 24;
export const ACK_BYTES = 72;
/** A heartbeat carries the sender's head: 20-byte id plus framing. */
export const HEARTBEAT_BYTES = 48;
/** Heads remembered per peer as already held by it (named limit). */
export const KNOWN_HEADS_MAX = 16;
/** A peer silent for this long counts as unreachable (owner failover, the designated merger). */
export const OWNER_TIMEOUT_MS = 5_000;
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
  readonly objects: readonly { readonly id: string; readonly data: Uint8Array }[];
  readonly vclock: VectorClock;
}

interface AckPayload {
  /** The heads taken, or null when the push was refused. */
  readonly received: readonly string[] | null;
  readonly head: string;
}

export type Completion<T> = (outcome: { ok: true; value: T; vclock: VectorClock } | { ok: false; error: unknown }) => void;

export interface ServerDeps {
  readonly config: SimConfig;
  readonly scheduler: Scheduler;
  readonly network: Network;
  readonly history: History;
  readonly metrics: Metrics;
  readonly strategy: UidStrategy;
  /** The node's own fault stream (power-loss fates). */
  readonly faultRng: Rng;
  readonly peers: readonly string[];
  readonly isUp: (node: string) => boolean;
  /** Called after every state change, for convergence tracking. */
  readonly onChange: () => void;
}

export class Server {
  readonly name: string;
  readonly clock: NodeClock;
  readonly fs: FaultyFs;
  replica: Replica | null = null;
  vclock: VectorClock = {};
  /** Test-only mutant: this server stops replicating. */
  replicationStopped = false;
  private readonly deps: ServerDeps;
  /**
   * Heads we assume each peer has, newest last (optimistic: added when we push, and when it
   * pushes to us). Several, because a merge we push back holds both what we pushed the peer
   * and what it pushed us: with one known head, one side would go back to its sender.
   */
  private readonly knownHeads = new Map<string, string[]>();
  /** A head each peer is known to have: it acknowledged it, announced it, or pushed it to us. */
  private readonly confirmedHeads = new Map<string, string>();
  /** Each peer's head as its last heartbeat announced it. */
  private readonly peerHeads = new Map<string, string>();
  private readonly lastHeardMs = new Map<string, number>();
  private rootHead = '';
  private lastState: StoreState | null = null;
  private batchCompletions: (() => void)[] = [];
  private batchOpen = false;
  private lastOpKind = '';
  private mergeWaitArmed = false;
  /**
   * Vector clocks of pushes whose heads are not in our head yet (held): a client's session
   * guarantee may count a write as applied here only once our head holds it.
   */
  private heldClocks: { readonly heads: readonly string[]; readonly vclock: VectorClock }[] = [];

  constructor(name: string, deps: ServerDeps) {
    this.name = name;
    this.deps = deps;
    const clockConfig = deps.config.clocks[name] ?? { offsetMs: 0, driftPpm: 0 };
    this.clock = new NodeClock(() => deps.scheduler.nowMs, clockConfig);
    this.fs = new FaultyFs(name, newVolumeFs());
    deps.network.onReceive(name, (envelope) => this.receive(envelope));
  }

  get up(): boolean {
    return this.replica !== null && !this.fs.isDown;
  }

  options(): ReplicaOptions {
    return {
      node: this.name,
      fs: this.fs,
      dir: '/repo',
      layout: this.deps.config.layout,
      strategy: this.deps.strategy,
      clock: () => this.clock.nowMs(),
    };
  }

  /** Starts from a copy of the seed replica (the initial population, identical everywhere). */
  async start(seed: Replica): Promise<void> {
    this.replica = await Replica.cloneFrom(seed, this.options());
    this.rootHead = this.replica.head;
    for (const peer of this.deps.peers) {
      this.knownHeads.set(peer, [this.rootHead]);
      this.confirmedHeads.set(peer, this.rootHead);
      this.lastHeardMs.set(peer, 0);
    }
    this.observe();
  }

  /** Runs one client operation as a commit. `complete` runs once it is durable (or failed). */
  async execute<T>(kind: string, op: (replica: Replica) => Promise<T>, complete: Completion<T>): Promise<void> {
    const replica = this.replica;
    if (!replica || this.fs.isDown) return complete({ ok: false, error: new MailsimError('E_DOWN', `${this.name} is down: connection refused`, {}) });
    const batch = this.deps.config.batch;
    try {
      if (batch && !this.batchOpen) {
        replica.beginBatch();
        this.batchOpen = true;
        this.deps.scheduler.after(batch.windowMs, `flush ${this.name}`, () => this.flush());
      }
      const value = await op(replica);
      this.lastOpKind = kind;
      if (batch) {
        this.batchCompletions.push(() => complete({ ok: true, value, vclock: this.ackWrite() }));
        if (this.batchCompletions.length >= batch.opsMax) await this.flush();
        return;
      }
      const vclock = this.ackWrite();
      this.deps.metrics.commit(kind);
      this.afterCommit();
      complete({ ok: true, value, vclock });
      await this.pushAll(kind);
      await this.settle();
    } catch (error) {
      await this.fail(error);
      complete({ ok: false, error });
    }
  }

  /** Commits the open batch as one commit, then acknowledges every operation in it. */
  async flush(): Promise<void> {
    if (!this.batchOpen || !this.replica) return;
    const completions = this.batchCompletions;
    this.batchOpen = false;
    this.batchCompletions = [];
    try {
      await this.replica.flush();
    } catch (error) {
      await this.fail(error);
      return;
    }
    if (completions.length > 0) this.deps.metrics.commit('batch');
    this.afterCommit();
    for (const done of completions) done();
    await this.pushAll('batch');
    await this.settle();
  }

  /** Crash: in-memory state is gone; under power loss unsynced writes may be lost or torn. */
  async crash(mode: 'process' | 'power'): Promise<void> {
    this.fs.crashNow();
    await this.dropVolatile(mode);
  }

  /** Arms a crash at the `writes`-th next write point (mid-commit or mid-merge). */
  armCrash(writes: number, mode: 'process' | 'power'): void {
    this.pendingCrashMode = mode;
    this.fs.armCrash(writes);
  }

  async restart(): Promise<void> {
    if (this.up) return;
    this.fs.restart();
    this.replica = await Replica.open(this.options());
    this.observe();
    this.deps.onChange();
  }

  /** Anti-entropy: push to every peer that may lack our head. */
  async antiEntropy(): Promise<void> {
    const replica = this.replica;
    if (!replica || !this.up || this.replicationStopped) return;
    for (const peer of this.deps.peers) {
      this.deps.network.send(this.name, peer, 'heartbeat', HEARTBEAT_BYTES, { head: replica.head });
    }
    // Gossip: each round pushes to one peer, in turn. Pushing to every peer at once makes
    // every peer merge a different pair of heads, and those merges beget more merges.
    const peer = this.deps.peers[this.antiEntropyRound++ % this.deps.peers.length];
    if (peer !== undefined) await this.pushTo(peer, 'anti-entropy');
    await this.settle();
  }

  private antiEntropyRound = 0;

  private pendingCrashMode: 'process' | 'power' = 'process';

  private async dropVolatile(mode: 'process' | 'power'): Promise<void> {
    const crashed = this.replica !== null;
    this.replica = null;
    this.peerHeads.clear();
    this.heldClocks = [];
    this.batchOpen = false;
    const lostAcks = this.batchCompletions.length;
    this.batchCompletions = [];
    if (mode === 'power') {
      const report = await this.fs.losePower(this.deps.faultRng);
      this.deps.history.append(this.name, 'replica', 'info', 'power-loss', { ...report, lostAcks });
    }
    if (crashed) this.deps.history.append(this.name, 'replica', 'info', 'down', { mode });
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
  private afterCommit(): void {
    this.observe();
    this.deps.onChange();
  }

  private observe(): void {
    const replica = this.replica;
    if (!replica) return;
    const state = replica.state;
    for (const binding of newBindings(this.lastState, state)) {
      this.deps.history.append(this.name, 'replica', 'info', 'bind', binding);
      this.deps.metrics.bound(binding, this.deps.scheduler.nowMs);
    }
    this.lastState = state;
  }

  private async pushAll(reason: string): Promise<void> {
    for (const peer of this.deps.peers) await this.pushTo(peer, reason);
  }

  private async pushTo(peer: string, reason: string): Promise<void> {
    const replica = this.replica;
    if (!replica || this.replicationStopped) return;
    const known = this.knownHeads.get(peer) ?? [this.rootHead];
    if (known.includes(replica.head)) return;
    const { heads, objects } = await replica.objectsFor(known);
    if (objects.length === 0) {
      // It holds every tip of ours, so it makes (or made) the same merge: it holds our head.
      this.assumeHas(peer, replica.head);
      return;
    }
    const sizeBytes = PUSH_HEADER_BYTES + objects.reduce((sum: number, o: { data: Uint8Array }) => sum + o.data.length + OBJECT_OVERHEAD_BYTES, 0);
    this.deps.metrics.push(reason === 'anti-entropy' || reason === 'merge' ? reason : this.lastOpKind || reason, sizeBytes);
    const payload: PushPayload = { heads, objects, vclock: this.vclock };
    this.deps.network.send(this.name, peer, 'push', sizeBytes, payload);
    // Optimistic: the next push sends only what this one did not. A lost push is repaired
    // by the peer's refusal (it lacks a parent) or its next heartbeat, which name its head.
    for (const head of heads) this.assumeHas(peer, head);
  }

  private async receive(envelope: Envelope): Promise<void> {
    if (!this.up || this.replicationStopped) return;
    this.lastHeardMs.set(envelope.from, this.deps.scheduler.nowMs);
    if (envelope.kind === 'heartbeat') return this.receiveHeartbeat(envelope as Envelope<{ head: string }>);
    if (envelope.kind === 'ack') return this.receiveAck(envelope as Envelope<AckPayload>);
    if (envelope.kind === 'push') return this.receivePush(envelope as Envelope<PushPayload>);
  }

  /** A peer's heartbeat tells us its head; if we know that commit, it is what the peer has. */
  private receiveHeartbeat(envelope: Envelope<{ head: string }>): void {
    const { head } = envelope.payload;
    this.peerHeads.set(envelope.from, head);
    // What it announces is what it has now: after a power loss that may be less than we assumed.
    if ((this.replica as Replica).hasCommit(head)) {
      this.confirmedHeads.set(envelope.from, head);
      this.assumeOnly(envelope.from, head);
    }
    // The peer has commits we lack, so it may lack ours too: fall back to what it surely has.
    else this.fallBack(envelope.from);
  }

  private confirm(peer: string, head: string): void {
    this.confirmedHeads.set(peer, head);
    this.assumeHas(peer, head);
  }

  private assumeHas(peer: string, head: string): void {
    const known = (this.knownHeads.get(peer) ?? [this.rootHead]).filter((id) => id !== head);
    known.push(head);
    this.knownHeads.set(peer, known.slice(-KNOWN_HEADS_MAX));
  }

  /** From now on assume the peer holds `head` and nothing newer. */
  private assumeOnly(peer: string, head: string): void {
    this.knownHeads.set(peer, [head]);
  }

  /** The peer may lack what we assumed: assume only what it surely has. */
  private fallBack(peer: string): void {
    this.assumeOnly(peer, this.confirmedHeads.get(peer) ?? this.rootHead);
  }

  private async receiveAck(envelope: Envelope<AckPayload>): Promise<void> {
    const { received, head } = envelope.payload;
    const replica = this.replica as Replica;
    if (received === null) {
      if (replica.hasCommit(head)) this.confirm(envelope.from, head);
      else this.fallBack(envelope.from);
      return this.pushTo(envelope.from, 'anti-entropy');
    }
    if (replica.hasCommit(head)) this.confirm(envelope.from, head);
    else for (const id of received) if (replica.hasCommit(id)) this.confirmedHeads.set(envelope.from, id);
  }

  private async receivePush(envelope: Envelope<PushPayload>): Promise<void> {
    const replica = this.replica as Replica;
    const { heads, objects, vclock } = envelope.payload;
    let result: ReceiveResult;
    try {
      result = await replica.receive(heads, objects, { merge: this.isMerger() });
    } catch (error) {
      if (error instanceof CrashError) return this.dropVolatile(this.pendingCrashMode);
      if (!(error instanceof MailsimError)) throw error;
      this.deps.history.append(this.name, 'replica', 'info', 'receive-failed', { from: envelope.from, code: error.code });
      this.deps.network.send(this.name, envelope.from, 'ack', ACK_BYTES, { received: null, head: replica.head } satisfies AckPayload);
      return;
    }
    for (const head of heads) this.confirm(envelope.from, head);
    this.heldClocks.push({ heads, vclock });
    if (this.heldClocks.length > HELD_CLOCKS_MAX) this.heldClocks.shift();
    this.recordReceive(result);
    this.deps.network.send(this.name, envelope.from, 'ack', ACK_BYTES, { received: heads, head: result.head } satisfies AckPayload);
    // A merge goes to every peer at once: they adopt it by fast-forward (only the designated
    // merger merges), so it does not beget merges. The sender of what we hold and it lacks gets it.
    if (result.kind === 'merge') await this.pushAll('merge');
    if (result.kind === 'ahead') await this.pushTo(envelope.from, 'anti-entropy');
    if (result.kind === 'held') this.armMergeWait();
    await this.settle();
  }

  /** History, metrics and observation of what a receive or a merge did to the head. */
  private recordReceive(result: ReceiveResult): void {
    this.applyHeldClocks();
    this.deps.metrics.received(result.kind, result.renumbered, result.uidValidityChanges.length, result.head);
    if (result.kind === 'merge' || result.kind === 'fast-forward') {
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

  /**
   * The designated merger: the smallest name among this server and the peers it heard from
   * within OWNER_TIMEOUT_MS (heartbeats and pushes; nothing of the simulator's knowledge). Only it
   * merges concurrent commits; the others hold them until its merge arrives, so replicas do not
   * each merge a different pair of heads. Partitioned sides each get their own merger.
   */
  private isMerger(): boolean {
    const nowMs = this.deps.scheduler.nowMs;
    return this.deps.peers.every((peer) => peer > this.name || nowMs - (this.lastHeardMs.get(peer) ?? 0) > OWNER_TIMEOUT_MS);
  }

  /** Held commits get merged here if no merge covering them arrived within MERGE_WAIT_MS. */
  private armMergeWait(): void {
    if (this.mergeWaitArmed) return;
    this.mergeWaitArmed = true;
    this.deps.scheduler.after(MERGE_WAIT_MS, `merge-wait ${this.name}`, async () => {
      this.mergeWaitArmed = false;
      const replica = this.replica;
      if (!replica || !this.up || this.replicationStopped || !replica.held()) return;
      let result: ReceiveResult | null;
      try {
        result = await replica.mergeHeld();
      } catch (error) {
        await this.fail(error);
        return;
      }
      if (result === null) return;
      this.recordReceive(result);
      if (result.kind === 'merge') await this.pushAll('merge');
      await this.settle();
    });
  }

  private async settle(): Promise<void> {
    const replica = this.replica;
    if (!replica || !this.deps.strategy.settle || this.fs.isDown) return;
    const nowMs = this.deps.scheduler.nowMs;
    // Quorum for the owner strategy: a majority this node can reach AND is caught up with
    // (it holds the head each of them last announced). Reachability alone is not enough: an
    // owner back from a crash would hand out UIDs from a stale UIDNEXT before it has merged
    // the state of the owner that replaced it.
    const current = (p: string): boolean => {
      const head = this.peerHeads.get(p);
      return head !== undefined && replica.hasCommit(head) && nowMs - (this.lastHeardMs.get(p) ?? 0) <= OWNER_TIMEOUT_MS;
    };
    const reachable = this.deps.peers.filter((p) => this.deps.isUp(p) && this.deps.network.canReach(this.name, p) && this.deps.network.canReach(p, this.name) && current(p));
    const quorum = reachable.length + 1 > (this.deps.peers.length + 1) / 2;
    const unreachable = this.deps.peers.filter((p) => nowMs - (this.lastHeardMs.get(p) ?? 0) > OWNER_TIMEOUT_MS);
    try {
      if (!(await replica.settle({ node: this.name, quorum, unreachable }))) return;
    } catch (error) {
      await this.fail(error);
      return;
    }
    this.deps.metrics.commit('settle');
    this.afterCommit();
    this.lastOpKind = 'settle';
    await this.pushAll('settle');
  }
}
