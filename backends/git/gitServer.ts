/**
 * The reference replica's server (the git backend behind sim/replicaServer.ts): a replica on
 * its own crash-fault volume, with its own clock and network endpoint. This file is its
 * lifecycle (start, pause, crash, restart, and the repair of a repository its disk damaged)
 * and the orchestration of what happens to its replica: client operations as commits, pushes
 * received, merges and the owner's settle. The rest is one concept per file in ./server/:
 * group commit's answers (groupCommit.ts), the replication runner (replicationRunner.ts),
 * observation into the history (observer.ts), the simulator's causality record
 * (causality.ts), what goes on the wire (wire.ts) and the end-of-run audit of bodies
 * (bodyAudit.ts). It never reaches into the replica's internals.
 */
import type { UidIndex } from '../../core/uidIndex.ts';
import type { DeflateMemo } from '../../core/deflateMemo.ts';
import type { LayoutCache } from '../../core/layout.ts';
import { MailsimError } from '../../core/errors.ts';
import { CorruptObjectError, partialResultOf, Replica, type ReceiveResult, type ReplicaOptions, type RepairSupply, type Transfer } from '../../core/replica/replica.ts';
import { NodeClock } from '../../sim/clock.ts';
import { CrashError, FaultyFs } from '../../sim/faultyFs.ts';
import { newVolumeFs } from '../../sim/volume.ts';
import { PauseGate } from '../../sim/pauseGate.ts';
import type { DiskFaultValue, VectorClock } from '../../sim/historyTypes.ts';
import { applyDiskFault } from '../../sim/diskFaults.ts';
import type { Envelope } from '../../sim/network.ts';
import type { Rng } from '../../sim/rng.ts';
import { OwnerLeases, type LeasePayload } from '../../sim/ownerLeases.ts';
import { isLeaseKind } from '../../sim/wireKinds.ts';
import type { FinalReplica } from '../../sim/checkers/types.ts';
import type { BackendDeps, Completion, MailStore, ReplicaServer } from '../../sim/replicaServer.ts';
import { CausalityRecord } from './server/causality.ts';
import { GroupCommit } from './server/groupCommit.ts';
import { HistoryObserver } from './server/observer.ts';
import { ReplicationRunner } from './server/replicationRunner.ts';
import { ACK_BYTES, REPAIR_REQUEST_BYTES, pushSizeBytes, type AckPayload, type HeartbeatPayload, type PushPayload, type RepairPayload } from './server/wire.ts';
import { wrongBodies } from './server/bodyAudit.ts';

/** What the world hands every backend (sim/replicaServer.ts), and the git replica's own memos and streams. */
export interface GitServerDeps extends Pick<BackendDeps, 'config' | 'scheduler' | 'network' | 'history' | 'metrics' | 'strategy' | 'probes'> {
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
  /** Test-only mutant: this server stops replicating. */
  replicationStopped = false;
  private readonly deps: GitServerDeps;
  /** The replication protocol's runner: what this server believes of its peers, and its sends. */
  private readonly runner: ReplicationRunner;
  private readonly observer: HistoryObserver;
  private readonly causality: CausalityRecord;
  /** The answers waiting on the replica's open batch (the replica owns the batch itself). */
  private readonly group = new GroupCommit();
  /** While paused (a pause fault), events wait here, in order. */
  private readonly gate: PauseGate;
  /** The owner leases, by mailbox (sim/ownerLeases.ts, sim/leases.ts). */
  private readonly leases: OwnerLeases;
  /** Packs this server received and stored, in order, with the heads they brought (recordTransfers). */
  private received: { readonly heads: readonly string[]; readonly pack: Uint8Array }[] = [];
  private pendingCrashMode: 'process' | 'power' = 'process';
  /** A power loss tore a file that the next recovery reads (a probe's input only). */
  private tornSinceRecovery = false;
  /**
   * Its repository is damaged (an object its head reaches is gone or corrupt): the process runs
   * and takes messages, but serves no client until a peer's full pack repaired it.
   */
  private repairing = false;
  /** A rot or misdirect fault struck this volume: its bytes may not be what was written. */
  private diskStruck = false;
  /** GUIDs whose body reads back as another's (auditBodies). */
  private wrongBodies: readonly string[] = [];
  /** Why the last open failed: only a gap (an object no pack supplied) makes it give up its head. */
  private openFailure = '';
  /** Peers that answered this repair with a pack that did not fill the gap. */
  private readonly repairAnswers = new Set<string>();

  constructor(name: string, deps: GitServerDeps) {
    this.name = name;
    this.deps = deps;
    this.causality = new CausalityRecord(name);
    this.observer = new HistoryObserver(name, deps);
    this.runner = new ReplicationRunner({
      name,
      replica: () => this.replica,
      stopped: () => this.replicationStopped,
      vclock: () => this.causality.vclock,
      whenRunning: (run, key) => this.whenRunning(run, key),
      mergeWait: () => this.mergeWait(),
      gossipSkips: deps.config.mutant === 'anti-entropy-skips-last-peer' ? [...deps.peers].sort().at(-1) ?? null : null,
      readFailed: (error) => this.fail(error),
    }, deps);
    const clockConfig = deps.config.clocks[name] ?? { offsetMs: 0, driftPpm: 0 };
    this.clock = new NodeClock(() => deps.scheduler.nowMs, clockConfig);
    this.fs = new FaultyFs(name, newVolumeFs());
    this.gate = new PauseGate(deps.scheduler, name);
    this.leases = new OwnerLeases({
      name, peers: deps.peers, config: deps.config, scheduler: deps.scheduler, network: deps.network,
      monotonicMs: () => this.clock.monotonicMs(),
      committed: () => (this.replica !== null && this.up ? this.replica.committed : null),
      heard: (peer) => this.runner.heardWithin(peer),
      whenRunning: (run, key) => this.whenRunning(run, key),
      acquired: () => this.settle(),
      paused: () => this.gate.paused,
      probes: deps.probes,
    });
    deps.network.onReceive(name, (envelope) => this.whenRunning(() => this.receive(envelope)));
  }

  get up(): boolean {
    return this.replica !== null && !this.fs.isDown;
  }

  /** Takes messages: up, or repairing its repository. */
  get listening(): boolean {
    return this.up || (this.repairing && !this.fs.isDown);
  }

  get store(): MailStore | null {
    return this.replica;
  }

  /** The simulator's causality record of what this server has applied (./server/causality.ts). */
  get vclock(): VectorClock {
    return this.causality.vclock;
  }

  /** Replicas agree when their head trees are equal (commit ids differ by author and date). */
  owesAnswers(): boolean {
    return this.group.size > 0;
  }

  contentId(): string | null {
    return this.replica !== null && this.up ? this.replica.headTreeId() : null;
  }

  /** A server still repairing at the end holds nothing it can serve: an empty state. */
  final(): FinalReplica {
    const replica = this.replica;
    if (replica === null) return { node: this.name, head: '', treeId: '', state: { mailboxes: new Map() } };
    return { node: this.name, head: replica.head, treeId: replica.headTreeId(), state: replica.state, ...(this.wrongBodies.length > 0 ? { wrongBodies: this.wrongBodies } : {}) };
  }

  /** On a volume that rot or a misdirected write struck, what each message's body reads back as (./server/bodyAudit.ts). */
  async auditBodies(): Promise<void> {
    if (this.diskStruck && this.replica !== null) this.wrongBodies = await wrongBodies(this.replica);
  }

  disarm(): void {
    this.fs.disarm();
  }

  lagDurability(): void {
    this.fs.setDurabilityLag(true);
  }

  /** The lying-clocks-drop-flag mutant (./server/causality.ts). */
  lieAboutClocks(): void {
    this.causality.lie([this.name, ...this.deps.peers]);
  }

  /** The lying-clock-drop-keyword mutant's stamp: above every stamp handed out before (the history only grows). */
  private lyingStamp(): number | undefined {
    return this.deps.config.mutant === 'lying-clock-drop-keyword' ? this.deps.history.records.length : undefined;
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
      ...(this.deps.config.mutant === 'trust-reads' ? { trustReads: true } : {}),
    };
  }

  /** Starts from a copy of the seed replica (the initial population, identical everywhere). */
  async start(seed: Replica): Promise<void> {
    this.replica = await Replica.cloneFrom(seed, this.options());
    this.runner.started(this.replica.head);
    this.observer.observe(this.replica);
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

  // ---------- client operations ----------

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
        this.group.add({ kind, acknowledge: () => answer(() => ({ ok: true, value, vclock: this.causality.ackWrite(this.lyingStamp()) })), abort: (error) => answer(() => ({ ok: false, error })) });
        if (this.group.size >= batch.opsMax) await this.flush();
        return;
      }
      this.runner.lastCause = { kind, opCount: 1 };
      const vclock = this.causality.ackWrite(this.lyingStamp());
      this.deps.metrics.commit();
      this.afterCommit();
      answer(() => ({ ok: true, value, vclock }));
      await this.runner.apply({ kind: 'committed', reason: kind });
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
    this.runner.lastCause = { kind: only ? only[0] : 'batch', opCount: Math.max(1, durable.answers.length) };
    this.afterCommit();
    for (const answer of durable.answers) answer.acknowledge();
    await this.runner.apply({ kind: 'committed', reason: 'batch' });
    await this.settle();
  }

  // ---------- crash and restart ----------

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
    await this.reopen();
  }

  /** A disk fault on this server's volume (sim/diskFaults.ts); what it struck goes into the history. */
  async diskFault(fault: DiskFaultValue, rng: Rng): Promise<void> {
    if (fault.kind === 'rot' || fault.kind === 'misdirect') this.diskStruck = true;
    const report = await applyDiskFault(this.fs, fault, rng);
    if (report !== null) this.deps.history.append(this.name, 'replica', 'info', 'disk-fault', { fault: fault.kind, ...report });
  }

  /**
   * Opens the replica from its volume; a damaged repository (or an unreadable one) leaves the
   * server repairing: it asks every peer for a full pack and opens again with each answer.
   */
  private async reopen(supply?: RepairSupply, from?: string): Promise<void> {
    let replica: Replica;
    try {
      replica = await Replica.open(this.options(), supply);
    } catch (error) {
      if (!(error instanceof MailsimError) || error instanceof CrashError) throw error;
      if (!this.repairing) this.deps.history.append(this.name, 'replica', 'info', 'damaged', { code: error.code });
      this.repairing = true;
      this.openFailure = error.code;
      if (from !== undefined) this.repairAnswers.add(from);
      if (from === undefined) this.askForRepair();
      return;
    }
    if (this.repairing) this.deps.history.append(this.name, 'replica', 'info', 'repaired', { from: from ?? this.name, adopted: supply?.adoptHead !== undefined });
    this.repairing = false;
    this.repairAnswers.clear();
    if (this.tornSinceRecovery) this.deps.probes.hit('torn-write-recovered');
    this.tornSinceRecovery = false;
    this.replica = replica;
    // The recovery-forgets-sync planted bug: the reopened volume's sync no longer makes writes durable.
    if (this.deps.config.mutant === 'recovery-forgets-sync') this.fs.setDurabilityLag(true);
    this.leases.restarted(replica.committed);
    // A power loss may have taken what a pack brought; git could not complete a pack whose bases went with it.
    this.received = this.received.filter((transfer) => transfer.heads.every((head) => replica.hasCommit(head)));
    this.observer.observe(this.replica);
    this.deps.onChange();
  }

  private async dropVolatile(mode: 'process' | 'power'): Promise<void> {
    const crashed = this.replica !== null;
    this.replica = null;
    this.runner.crashed();
    this.causality.crashed();
    if (this.group.size > 0) this.deps.probes.hit('crash-batch-open');
    const lost = this.group.crashed();
    if (mode === 'power') {
      const report = await this.fs.losePower(this.deps.faultRng);
      if (report.torn > 0) this.tornSinceRecovery = true;
      this.deps.history.append(this.name, 'replica', 'info', 'power-loss', { ...report, lostAcks: lost.length });
    }
    if (crashed) this.deps.history.append(this.name, 'replica', 'info', 'down', { mode });
    // The answers the crash took: each client learns its request's outcome is unknown.
    this.group.endLost(lost, this.name);
  }

  /**
   * What a failed operation, receive, merge or push means for the server: a crash drops what
   * was in memory; a corrupt object (bit rot, a misdirected write) makes it stop and open again,
   * which verifies every object and repairs from a peer (reopen); any other typed error
   * (EIO, ENOSPC, a refusal) failed that one operation only.
   */
  private async fail(error: unknown): Promise<void> {
    if (error instanceof CrashError) {
      await this.dropVolatile(this.pendingCrashMode);
      return;
    }
    if (!(error instanceof MailsimError)) throw error;
    if (error instanceof CorruptObjectError && this.up) {
      this.deps.history.append(this.name, 'replica', 'info', 'damaged', { code: error.code });
      this.fs.crashNow();
      await this.dropVolatile('process');
      this.fs.restart();
      await this.reopen();
    }
  }

  // ---------- repair ----------

  /** Asks every peer for a full pack (answered by those that are up). */
  private askForRepair(): void {
    for (const peer of this.deps.peers) this.deps.network.send(this.name, peer, 'repair-request', REPAIR_REQUEST_BYTES, {});
  }

  /** A peer repairs: it gets everything this replica holds, every object read verified. */
  private async answerRepair(to: string): Promise<void> {
    const replica = this.replica as Replica;
    let transfer: Transfer;
    try {
      transfer = await replica.transferFor(null);
    } catch (error) {
      return this.fail(error);
    }
    this.deps.network.send(this.name, to, 'repair', pushSizeBytes(transfer.heads.length, transfer.pack), { head: transfer.head, pack: transfer.pack } satisfies RepairPayload);
  }

  /** A full pack from a peer: open with it; when every peer answered and the gap stays, adopt this peer's head. */
  private async takeRepair(envelope: Envelope<RepairPayload>): Promise<void> {
    const { head, pack } = envelope.payload;
    const everyPeerAnswered = this.deps.peers.every((peer) => peer === envelope.from || this.repairAnswers.has(peer));
    await this.reopen({ pack }, envelope.from);
    // A full disk or a transient EIO is no reason to give up the local head: only a gap is.
    if (this.repairing && everyPeerAnswered && this.openFailure === 'E_MISSING_OBJECT') await this.reopen({ pack, adoptHead: head }, envelope.from);
  }

  /** Observes the new head into the history, and notifies the world. `settled`: the commit was the owner's settle. */
  private afterCommit(settled = false): void {
    this.observer.observe(this.replica, settled);
    this.deps.onChange();
  }

  // ---------- replication ----------

  /** Anti-entropy: push to every peer that may lack our head (once the pause ends, when paused). */
  antiEntropy(): Promise<void> {
    return this.whenRunning(() => this.antiEntropyNow(), 'anti-entropy');
  }

  private async antiEntropyNow(): Promise<void> {
    if (this.repairing && !this.fs.isDown) return this.askForRepair();
    const replica = this.replica;
    if (!replica || !this.up || this.replicationStopped) return;
    await this.runner.apply({ kind: 'tick' });
    await this.settle();
  }

  private async receive(envelope: Envelope): Promise<void> {
    if (envelope.kind === 'repair' && this.repairing && !this.fs.isDown) return this.takeRepair(envelope as Envelope<RepairPayload>);
    if (!this.up || this.replicationStopped) return;
    if (envelope.kind === 'repair-request') return this.answerRepair(envelope.from);
    const replica = this.replica as Replica;
    this.runner.heard(envelope.from);
    if (envelope.kind === 'heartbeat') return this.runner.receiveHeartbeat(envelope as Envelope<HeartbeatPayload>, replica);
    if (envelope.kind === 'ack') return this.runner.receiveAck(envelope as Envelope<AckPayload>, replica);
    if (envelope.kind === 'push') return this.receivePush(envelope as Envelope<PushPayload>);
    if (isLeaseKind(envelope.kind)) return this.leases.receive(envelope as Envelope<LeasePayload>);
  }

  private async receivePush(envelope: Envelope<PushPayload>): Promise<void> {
    const replica = this.replica as Replica;
    const { heads, pack, vclock } = envelope.payload;
    const fresh = heads.some((head) => !replica.hasCommit(head));
    const mergesBefore = replica.mergeCount;
    let result: ReceiveResult;
    try {
      result = await replica.receive(heads, pack, { merge: this.runner.isMerger() });
    } catch (error) {
      if (error instanceof CrashError) {
        this.deps.probes.hit('crash-mid-merge');
        return this.dropVolatile(this.pendingCrashMode);
      }
      if (error instanceof CorruptObjectError) return this.fail(error);
      if (!(error instanceof MailsimError)) throw error;
      this.deps.probes.hit('pack-refused');
      this.deps.history.append(this.name, 'replica', 'info', 'receive-failed', { from: envelope.from, code: error.code });
      this.deps.network.send(this.name, envelope.from, 'ack', ACK_BYTES, { received: null, head: replica.head } satisfies AckPayload);
      await this.ackBatchCommitted();
      if (fresh && heads.every((head) => replica.hasCommit(head))) await this.keptPartOf(envelope.from, heads, vclock, replica, partialResultOf(error));
      return;
    }
    this.probeMerges(replica, mergesBefore);
    await this.ackBatchCommitted();
    if (fresh && this.deps.recordTransfers === true) this.received.push({ heads, pack });
    this.causality.received(heads, vclock, replica);
    this.recordReceive(result);
    this.deps.network.send(this.name, envelope.from, 'ack', ACK_BYTES, { received: heads, head: result.head } satisfies AckPayload);
    await this.runner.apply({ kind: 'received', from: envelope.from, heads, result: result.kind });
    await this.settle();
  }

  /**
   * A receive failed after a merge or fast-forward moved the head, so it kept the commits
   * (core/replica/receive.ts): the head's new bindings and the pushes it now holds are observed,
   * and the new head goes to the peers, or, with commits still held, the merge wait starts.
   */
  private async keptPartOf(from: string, heads: readonly string[], vclock: VectorClock, replica: Replica, partial: ReceiveResult | undefined): Promise<void> {
    this.causality.received(heads, vclock, replica);
    // The merges that stand are recorded as any receive's are (renumbering, UIDVALIDITY changes).
    if (partial !== undefined) this.recordReceive(partial);
    else {
      this.causality.headMoved(replica);
      this.afterCommit();
    }
    await this.runner.apply({ kind: 'received', from, heads, result: replica.held() ? 'held' : 'merge' });
  }

  /** Two merge commits in one receive or held merge: the head and two or more others merged (only counts). */
  private probeMerges(replica: Replica, mergesBefore: number): void {
    if (replica.mergeCount - mergesBefore >= 2) this.deps.probes.hit('merge-three-heads');
  }

  /** History, metrics and observation of what a receive or a merge did to the head. */
  private recordReceive(result: ReceiveResult): void {
    if (!this.observer.recordReceive(result)) return;
    // Only a moved head can come to hold pushes that were held (a crash since has dropped them).
    if (this.replica) this.causality.headMoved(this.replica);
    this.afterCommit();
  }

  /** The merge wait ran out (./server/replicationRunner.ts): merge what is held, if a merge covering it has not come. */
  private async mergeWait(): Promise<void> {
    const replica = this.replica;
    if (!replica || !this.up || this.replicationStopped || !replica.held()) return;
    const mergesBefore = replica.mergeCount;
    let result: ReceiveResult | null;
    try {
      result = await replica.mergeHeld();
    } catch (error) {
      if (error instanceof CrashError) this.deps.probes.hit('crash-mid-merge');
      // Merges made before the one that failed stand on disk: their changes are recorded.
      const partial = error instanceof CrashError ? undefined : partialResultOf(error);
      if (partial !== undefined) this.observer.recordReceive(partial);
      await this.fail(error);
      await this.ackBatchCommitted();
      return;
    }
    this.probeMerges(replica, mergesBefore);
    if (result?.kind === 'merge') this.deps.probes.hit('held-tip-merged-later');
    await this.ackBatchCommitted();
    if (result === null) return;
    this.recordReceive(result);
    if (result.kind === 'merge') await this.runner.apply({ kind: 'committed', reason: 'merge' });
    await this.settle();
  }

  // ---------- the owner's settle, under its leases ----------

  private async settle(): Promise<void> {
    const replica = this.replica;
    if (!replica || !this.deps.strategy.settle || this.fs.isDown) return;
    // What a real server knows: the leases it holds by its own clock (sim/leases.ts). Which
    // mailbox's lease covers a mailbox is the strategy's rule (core/strategies/owner.ts).
    const leaseFor = (mailbox: string): number | null => this.leases.epochFor(mailbox);
    let settled: boolean;
    try {
      settled = await replica.settle({ node: this.name, leaseFor, probes: this.deps.probes });
    } catch (error) {
      await this.fail(error);
      await this.ackBatchCommitted();
      return;
    }
    await this.ackBatchCommitted();
    if (!settled) return;
    this.deps.metrics.commit();
    this.afterCommit(true);
    this.runner.lastCause = { kind: 'settle', opCount: 1 };
    await this.runner.apply({ kind: 'committed', reason: 'settle' });
  }
}
