/**
 * The seam between the simulator and a replica backend. The simulator (clients, the
 * scripted operations, the nemesis, the world's convergence watch and the checkers) talks
 * to a server only through these interfaces: the IMAP and SMTP operations with their IMAP
 * answers, a snapshot of the mailbox state, crash, pause and recovery. How a backend stores
 * mail and what its replicas send each other is its own business: its messages go over the
 * simulated network as opaque payloads that carry their size in bytes.
 *
 * Backends live above sim/ (backends/): the reference replica's, and real Dovecot driven
 * through doveadm. sim/ never names one.
 */
import type { StoreState } from '../core/state.ts';
import type { StoreResult } from '../core/ops.ts';
import type { FinalReplica } from './checkers/types.ts';
import type { NodeClock } from './clock.ts';
import type { SimConfig } from './config.ts';
import type { History } from './history.ts';
import type { DiskFaultValue, VectorClock } from './historyTypes.ts';
import type { Metrics } from './metrics.ts';
import type { Network } from './network.ts';
import type { Rng } from './rng.ts';
import type { Scheduler } from './scheduler.ts';
import type { UidStrategy } from '../core/strategy.ts';
import type { ProbeSink } from '../core/probes.ts';

/** What a delivery or an APPEND answers: the message's GUID and, once visible, its UID (0 while deferred). */
export interface DeliverAnswer {
  readonly guid: string;
  readonly uid: number;
  readonly uidValidity: number;
  readonly modseq: number;
}

export interface CopyAnswer {
  readonly uidValidity: number;
  readonly sourceUids: number[];
  readonly targetUids: number[];
  /** The copies' GUIDs, where the backend gives a copy a GUID of its own. */
  readonly targetGuids?: string[];
}

/**
 * The IMAP and SMTP operations a client runs against one replica, with their answers. A
 * refusal is an ImapNoError (or another MailsimError); the operation is then not applied.
 */
export interface MailStore {
  readonly node: string;
  /** What IMAP shows: the committed state (an open batch's writes are not in it). */
  readonly committed: StoreState;
  /** The state writes build on: the committed state plus an open batch. */
  readonly state: StoreState;
  deliver(mailbox: string, body: Uint8Array): Promise<DeliverAnswer>;
  append(mailbox: string, body: Uint8Array, flags: readonly string[]): Promise<DeliverAnswer>;
  store(mailbox: string, uids: readonly number[], mode: '+' | '-' | '=', flags: readonly string[]): Promise<StoreResult>;
  expunge(mailbox: string, uids: readonly number[]): Promise<{ expunged: number[]; highestModseq: number }>;
  move(from: string, uids: readonly number[], to: string): Promise<CopyAnswer>;
  copy(from: string, uids: readonly number[], to: string): Promise<CopyAnswer>;
  /** DELETE of a mailbox and its messages: answers the GUIDs it held (as this store saw them). */
  deleteMailbox(mailbox: string): Promise<{ guids: string[] }>;
}

export type Completion<T> = (outcome: { ok: true; value: T; vclock: VectorClock } | { ok: false; error: unknown }) => void;

/** One virtual server as the simulator drives it. */
export interface ReplicaServer {
  readonly name: string;
  readonly clock: NodeClock;
  /** Up: its process runs and its volume is not crashed. */
  readonly up: boolean;
  /** Takes messages (a server repairing its repository does, while it serves no client); `up` when not given. */
  readonly listening?: boolean;
  readonly paused: boolean;
  /** The adapter's causality record of what this server has applied: a second opinion stamped on write answers, never an input to a verdict or a client guarantee. */
  readonly vclock: VectorClock;
  /** The replica's operations and state; null while the server is down. */
  readonly store: MailStore | null;
  /** Test-only mutant: this server stops replicating. */
  replicationStopped: boolean;
  /** Runs `run` now, or once a pause ends; a keyed item (a timer) waits at most once. */
  whenRunning(run: () => Promise<void>, key?: string | null): Promise<void>;
  /**
   * Runs one client write. `complete` runs exactly once: when the write is durable, when it is
   * refused, or with a CrashError (outcome unknown) when the server crashes before answering.
   */
  execute<T>(kind: string, op: (store: MailStore) => Promise<T>, complete: Completion<T>): Promise<void>;
  /** A digest of everything a replica holds: two servers agree when theirs are equal; null while down. */
  contentId(): string | null;
  /** Requests this server still owes an answer to (an open batch): a run does not end while any are owed. */
  owesAnswers?(): boolean;
  /** The end state, for the checkers. */
  final(): FinalReplica;
  /** Before `final`: reads back each message's body where a disk fault may have changed it (FinalReplica.wrongBodies). */
  auditBodies?(): Promise<void>;
  pause(durationMs: number): void;
  /** Ends a pause now (the quiescence phase ends every fault): what waited for the server runs. */
  resume(): Promise<void>;
  crash(mode: 'process' | 'power'): Promise<void>;
  /** Arms a crash at the `writes`-th next write point (mid-commit, mid-merge or mid-sync). */
  armCrash(writes: number, mode: 'process' | 'power'): void;
  /** Takes back an armed crash (the quiescence phase, a restart). */
  disarm(): void;
  /** A disk fault on its volume (sim/diskFaults.ts), its targets drawn from `rng`; a backend on a real disk has none. */
  diskFault?(fault: DiskFaultValue, rng: Rng): Promise<void>;
  restart(): Promise<void>;
  /** Anti-entropy: tell peers what they may lack. */
  antiEntropy(): Promise<void>;
  /** The early-ack mutant: acknowledge before the write is durable. */
  lagDurability(): void;
  /** The lying-clocks-drop-flag mutant: every vector clock this server hands out dominates every other (a backend without clocks ignores it). */
  lieAboutClocks?(): void;
  /** The drop-crashed-acks mutant: a crash forgets the answers it owed for an open batch. */
  dropAnswersOnCrash(): void;
}

/** The initial population, identical on every server. */
export interface InitialMailbox {
  name: string;
  uidValidity: number;
  messages: { body: Uint8Array; flags: string[] }[];
  /** A strategy's data for the mailbox (the owner strategy's owner). */
  strategyData?: Readonly<Record<string, string>>;
}

/** What the world hands a backend to build its servers with. */
export interface BackendDeps {
  readonly config: SimConfig;
  readonly scheduler: Scheduler;
  readonly network: Network;
  readonly history: History;
  readonly metrics: Metrics;
  readonly strategy: UidStrategy;
  /** The world's coverage probes (core/probes.ts): a backend hits them on its rare paths; they only count. */
  readonly probes: ProbeSink;
  /** A node's own fault stream (power-loss fates, crash points). */
  readonly faultRng: (node: string) => Rng;
  /** Keep what each server receives, for export; off in runs that do not ask. */
  readonly recordTransfers: boolean;
  /** Called after every state change, for convergence tracking. */
  readonly onChange: () => void;
}

/** A replica backend: builds one world's servers and holds them with the initial population. */
export interface ReplicaBackend {
  /**
   * A real system's runs are not bit-for-bit deterministic: their history hash covers only
   * what the simulator decided (sim/history.ts scheduleHash).
   */
  readonly real: boolean;
  createServers(deps: BackendDeps, initial: readonly InitialMailbox[]): Promise<ReadonlyMap<string, ReplicaServer>>;
  /** Frees what the world's servers hold outside memory (a backend's directories). */
  dispose?(): Promise<void>;
}
