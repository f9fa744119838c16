/**
 * One virtual server whose replica is a real Dovecot store (behind sim/replicaServer.ts).
 * Client operations run through Dovecot (DovecotDriver); replication is dsync: after a
 * write, and at anti-entropy while its state moved since the last session with a peer, the
 * server sends that peer an opening message over the simulated network; the peer answers that
 * it accepts, and when the answer is back (the link carried both ways, as a connection needs)
 * the session runs for real, `doveadm sync` from the opener against the peer's dsync-server,
 * and its stream's bytes, counted by a relay, are the bytes on the wire. A partition, one-way
 * ones included, stops syncs across the cut because their handshakes do not cross it.
 *
 * What the simulator decides is deterministic (the schedule, the faults, who syncs with whom
 * and when); what Dovecot decides is not (GUIDs, UIDVALIDITY, its own timing), and a run's
 * history hash covers the former only (sim/history.ts scheduleHash).
 */
import { MailsimError } from '../../core/errors.ts';
import type { StoreState } from '../../core/state.ts';
import { newBindings } from '../../sim/bindings.ts';
import type { FinalReplica } from '../../sim/checkers/types.ts';
import { NodeClock } from '../../sim/clock.ts';
import { CrashError } from '../../sim/faultyFs.ts';
import type { VectorClock } from '../../sim/historyTypes.ts';
import type { Envelope } from '../../sim/network.ts';
import { PauseGate } from '../../sim/pauseGate.ts';
import type { BackendDeps, Completion, MailStore, ReplicaServer } from '../../sim/replicaServer.ts';
import { mergeClocks, tick } from '../../sim/vclock.ts';
import type { DovecotDriver, DovecotMailbox } from './dovecotDriver.ts';
import { DovecotMailStore } from './dovecotMailStore.ts';
import { contentDigest, storeStateOf } from './dovecotState.ts';
import type { GuidNames } from './guidNames.ts';

/** The opening of a dsync session: a connect and the command line, before the stream (whose bytes the relay counts). */
export const DSYNC_OPEN_BYTES = 64;
/** The peer's answer that it accepts the session; the stream runs once it is back (both directions work). */
export const DSYNC_ACCEPT_BYTES = 32;
/**
 * A drawn crash point n (sim/nemesis.ts draws 0..CRASH_WRITE_POINTS_MAX-1) kills a session
 * after n x this many bytes of its stream; a point beyond the session's end crashes the
 * process as the session ends.
 */
export const DSYNC_CRASH_POINT_BYTES = 512;

/**
 * An opening not answered by a session within this long counts as lost (a connect that timed
 * out): the next write or anti-entropy tick opens again. Well above a WAN round trip (150 ms links).
 */
export const DSYNC_CONNECT_TIMEOUT_MS = 1_000;

interface OpenPayload {
  readonly opener: string;
}

interface AcceptPayload {
  readonly accepter: string;
}

/**
 * How often each pair's stateful session is followed by a full one (`doveadm sync -f`, every
 * message compared). Dovecot's stateful sync can end with success and leave a change behind: it skips
 * a mailbox whose summary (UIDVALIDITY, UIDNEXT, messages, HIGHESTMODSEQ) matches on both
 * sides. Its replicator answered that with a periodic full sync (`replication_full_sync_interval`,
 * a day by default); runs here last a minute, so the interval is 10 s of virtual time.
 */
export const DSYNC_FULL_SYNC_INTERVAL_MS = 10_000;

/** The key of a pair's state: the smaller name runs its sessions. */
function pairKey(a: string, b: string): string {
  return a < b ? `${a}>${b}` : `${b}>${a}`;
}

/** What every server of one cluster shares: the stores and the pairs' dsync states. */
export interface DsyncCluster<Home> {
  readonly driver: DovecotDriver<Home>;
  readonly stateful: boolean;
  readonly servers: Map<string, DsyncServer<Home>>;
  /** The last state of each pair's stateful sessions (`smaller>larger` name: that side runs them). */
  readonly states: Map<string, string>;
  /** When each pair last had a full session (virtual ms); the population's copy is the first. */
  readonly fullAt: Map<string, number>;
  /** The simulator's names for the cluster's messages (guidNames.ts). */
  readonly names: GuidNames;
}

export class DsyncServer<Home> implements ReplicaServer {
  readonly name: string;
  readonly clock: NodeClock;
  readonly home: Home;
  vclock: VectorClock = {};
  replicationStopped = false;
  private readonly deps: BackendDeps;
  private readonly cluster: DsyncCluster<Home>;
  private readonly peers: readonly string[];
  private readonly gate: PauseGate;
  private readonly mailStore: DovecotMailStore<Home>;
  private running = true;
  private mailboxes: readonly DovecotMailbox[] = [];
  private snapshot: StoreState = { mailboxes: new Map() };
  private digest = '';
  /** The digest each peer last synced with us at: no anti-entropy while nothing moved since. */
  private readonly syncedAt = new Map<string, string>();
  /** Openings on the wire, by peer, with what they carry: one session serves every write before it. */
  private readonly opening = new Map<string, { cause: string; opCount: number; sentAtMs: number }>();
  private armedPoint: number | null = null;

  constructor(name: string, home: Home, deps: BackendDeps, cluster: DsyncCluster<Home>) {
    this.name = name;
    this.home = home;
    this.deps = deps;
    this.cluster = cluster;
    this.peers = deps.config.servers.filter((peer) => peer !== name);
    this.clock = new NodeClock(() => deps.scheduler.nowMs, deps.config.clocks[name] ?? { offsetMs: 0, driftPpm: 0 });
    this.gate = new PauseGate(deps.scheduler, name);
    this.mailStore = new DovecotMailStore(this, cluster.driver);
    deps.network.onReceive(name, (envelope) => this.whenRunning(() => this.receive(envelope)));
  }

  get up(): boolean {
    return this.running;
  }

  get paused(): boolean {
    return this.gate.paused;
  }

  get store(): MailStore | null {
    return this.running ? this.mailStore : null;
  }

  /** Dovecot's own GUID of the message at `uid` in `mailbox`, as last read. */
  dovecotGuid(mailbox: string, uid: number): string | undefined {
    return this.mailboxes.find((box) => box.name === mailbox)?.messages.find((m) => m.uid === uid)?.guid;
  }

  get names(): GuidNames {
    return this.cluster.names;
  }

  /** The state as Dovecot last showed it (refreshed after every operation and session). */
  get state(): StoreState {
    return this.snapshot;
  }

  contentId(): string | null {
    return this.running ? this.digest : null;
  }

  final(): FinalReplica {
    return { node: this.name, head: '', treeId: this.digest, state: this.snapshot, ownModseqs: true };
  }

  whenRunning(run: () => Promise<void>, key: string | null = null): Promise<void> {
    return this.gate.whenRunning(run, key);
  }

  pause(durationMs: number): void {
    this.gate.pause(durationMs);
  }

  resume(): Promise<void> {
    return this.gate.open();
  }

  /** Reads the store back through Dovecot, records the UIDs it newly binds, and tells the world. */
  async refresh(): Promise<void> {
    const before = this.snapshot;
    this.mailboxes = await this.cluster.driver.readMailboxes(this.home);
    this.snapshot = storeStateOf(this.mailboxes, this.cluster.names, this.name);
    this.digest = contentDigest(this.mailboxes);
    for (const binding of newBindings(before, this.snapshot)) {
      this.deps.history.append(this.name, 'replica', 'info', 'bind', binding);
      this.deps.metrics.bound(binding, this.deps.scheduler.nowMs);
    }
    this.deps.onChange();
  }

  async execute<T>(kind: string, op: (store: MailStore) => Promise<T>, complete: Completion<T>): Promise<void> {
    if (!this.running) return complete({ ok: false, error: new MailsimError('E_DOWN', `${this.name} is down: connection refused`, {}) });
    let value: T;
    try {
      value = await op(this.mailStore);
    } catch (error) {
      if (!(error instanceof MailsimError)) throw error;
      return complete({ ok: false, error });
    }
    if (this.armedPoint !== null) {
      // The process dies once Dovecot has the write and before the answer: the outcome is unknown to the client.
      await this.crash('process');
      return complete({ ok: false, error: new CrashError(this.name) });
    }
    this.vclock = tick(this.vclock, this.name);
    this.deps.metrics.commit();
    complete({ ok: true, value, vclock: this.vclock });
    this.openAll(kind, 1);
  }

  async crash(mode: 'process' | 'power'): Promise<void> {
    // The schema refuses power crashes for a real backend; a process crash is all a real Dovecot can have here.
    if (!this.running) return;
    this.running = false;
    this.armedPoint = null;
    this.opening.clear();
    this.deps.history.append(this.name, 'replica', 'info', 'down', { mode });
    if (this.gate.paused) await this.gate.open();
  }

  armCrash(writes: number, _mode: 'process' | 'power'): void {
    this.armedPoint = writes;
  }

  disarm(): void {
    this.armedPoint = null;
  }

  lagDurability(): void {
    throw new MailsimError('E_REPLICA_UNSUPPORTED', `${this.name}: the early-ack mutant needs the simulated volume, which a real backend does not have`, {});
  }

  dropAnswersOnCrash(): void {
    throw new MailsimError('E_REPLICA_UNSUPPORTED', `${this.name}: the drop-crashed-acks mutant needs batched mode, which a real backend does not have`, {});
  }

  async restart(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.refresh();
  }

  antiEntropy(): Promise<void> {
    return this.whenRunning(async () => {
      if (!this.running || this.replicationStopped) return;
      for (const peer of this.peers) if (this.syncedAt.get(peer) !== this.digest || this.fullDue(peer)) this.open(peer, 'anti-entropy', 1);
    }, 'anti-entropy');
  }

  /** A stateful pair's periodic full session is due (what this server knows: its pair's last full session). */
  private fullDue(peer: string): boolean {
    return this.cluster.stateful && this.deps.scheduler.nowMs - (this.cluster.fullAt.get(pairKey(this.name, peer)) ?? 0) >= DSYNC_FULL_SYNC_INTERVAL_MS;
  }

  private openAll(cause: string, opCount: number): void {
    if (this.replicationStopped) return;
    for (const peer of this.peers) this.open(peer, cause, opCount);
  }

  private open(peer: string, cause: string, opCount: number): void {
    const nowMs = this.deps.scheduler.nowMs;
    const pending = this.opening.get(peer);
    // The session this opening starts carries every write before it; a lost opening's writes ride on the next one.
    const carried = pending === undefined ? { cause, opCount } : { cause: pending.cause === cause ? cause : 'batch', opCount: pending.opCount + opCount };
    if (pending !== undefined && nowMs - pending.sentAtMs < DSYNC_CONNECT_TIMEOUT_MS) {
      this.opening.set(peer, { ...carried, sentAtMs: pending.sentAtMs });
      return;
    }
    this.opening.set(peer, { ...carried, sentAtMs: nowMs });
    this.deps.network.send(this.name, peer, 'push', DSYNC_OPEN_BYTES, { opener: this.name } satisfies OpenPayload);
  }

  private async receive(envelope: Envelope): Promise<void> {
    if (!this.running || this.replicationStopped) return;
    if (envelope.kind === 'push') {
      // An opening: accept it; the session runs when the acceptance reaches the opener.
      this.deps.network.send(this.name, envelope.from, 'ack', DSYNC_ACCEPT_BYTES, { accepter: this.name } satisfies AcceptPayload);
      return;
    }
    if (envelope.kind !== 'ack') return;
    const peer = this.cluster.servers.get((envelope.payload as AcceptPayload).accepter);
    const carried = this.opening.get(envelope.from);
    // A duplicate or late acceptance finds no opening waiting: one session per opening.
    if (peer === undefined || carried === undefined) return;
    this.opening.delete(envelope.from);
    // A peer that died since it accepted holds no connection: there is no session to run.
    if (!peer.running || peer.replicationStopped) return;
    await peer.session(this, carried);
  }

  private async session(opener: DsyncServer<Home>, carried: { cause: string; opCount: number }): Promise<void> {
    // Whoever opened, the pair's session runs from the same side (the smaller name), so the
    // pair has one state, always the last session's.
    const [from, to] = opener.name < this.name ? [opener, this] : [this, opener];
    const key = pairKey(from.name, to.name);
    const armed = this.armedPoint ?? opener.armedPoint;
    const killAfterBytes = armed === null ? null : armed * DSYNC_CRASH_POINT_BYTES;
    let outcome = await this.cluster.driver.sync(from.home, to.home, { stateful: this.cluster.stateful, full: false, state: this.cluster.states.get(key) ?? '', killAfterBytes });
    if (outcome.ok) this.cluster.states.set(key, outcome.state);
    // The full sync comes after the incremental one, never instead of it: a full sync has no
    // record of which side changed a flag, and joins a message's flags from both sides, so
    // it would put back a flag one side removed while the pair was apart.
    const full = outcome.ok && this.fullDue(opener.name);
    if (full) {
      // The incremental session succeeded, so it was not killed: the crash point stays with it.
      const second = await this.cluster.driver.sync(from.home, to.home, { stateful: true, full: true, state: outcome.state, killAfterBytes: null });
      if (second.ok) {
        this.cluster.states.set(key, second.state);
        this.cluster.fullAt.set(key, this.deps.scheduler.nowMs);
      }
      outcome = { ...second, bytes: outcome.bytes + second.bytes };
    }
    this.deps.network.countStream('push', outcome.bytes);
    const byOp = carried.cause !== 'anti-entropy';
    this.deps.metrics.push(byOp ? carried.cause : 'anti-entropy', outcome.bytes + DSYNC_OPEN_BYTES + DSYNC_ACCEPT_BYTES, byOp ? carried.opCount : 1);
    // What either store holds now is what the session left, complete or torn.
    await opener.refresh();
    await this.refresh();
    // Dovecot can end a session with success and still leave a change behind (it skips a mailbox
    // whose summary matches on both sides), so what the session did is judged by the stores it left.
    const alike = this.digest === opener.digest;
    this.deps.history.append(this.name, 'replica', 'info', 'sync', { with: opener.name, bytes: outcome.bytes, ok: outcome.ok, alike, full });
    if (outcome.ok && alike) {
      // Only now does each side hold every write the other had: the simulator's causality record follows.
      const both = mergeClocks(this.vclock, opener.vclock);
      this.vclock = both;
      opener.vclock = both;
    }
    if (outcome.ok) {
      // Each side synced at the state it now has; what the session left behind waits for a change or the pair's full session.
      this.syncedAt.set(opener.name, this.digest);
      opener.syncedAt.set(this.name, opener.digest);
    }
    if (armed !== null) {
      // The armed process dies: mid-stream when the relay killed it, else as the session ends.
      if (this.armedPoint !== null) await this.crash('process');
      else await opener.crash('process');
    }
  }
}
