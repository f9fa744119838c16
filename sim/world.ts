/**
 * One run: N servers on the simulated network, clients, faults, then a quiescence phase
 * that heals every fault and restarts every server, running until all replicas agree or
 * the convergence bound passes. The outcome is the history, the final replica states, the
 * checkers' verdicts and the metrics. A pure function of (config, code): the same config
 * gives the same history hash.
 */
import { ownerData } from '../core/strategies/owner.ts';
import { strategyByName } from '../core/strategies/registry.ts';
import { withProbes } from '../core/strategies/withProbes.ts';
import { ProbeCounts } from '../core/probes.ts';
import { overallVerdict, runChecks } from './checkers/index.ts';
import type { FinalReplica } from './checkers/types.ts';
import { EPOCH_MS } from './clock.ts';
import type { ScheduledFault, SimConfig } from './config.ts';
import { ImapClient, SmtpClient, messageBody } from './clients.ts';
import { History, realClientHash, scheduleHash } from './history.ts';
import type { HistoryRecord } from './historyTypes.ts';
import { Metrics } from './metrics.ts';
import { withMutant } from './mutants.ts';
import { Network } from './network.ts';
import { Nemesis } from './nemesis.ts';
import type { InitialMailbox, ReplicaBackend, ReplicaServer } from './replicaServer.ts';
import type { CheckResult, RunMetrics, Timeline, Verdict } from './resultTypes.ts';
import { Rng } from './rng.ts';
import { Scheduler } from './scheduler.ts';
import { buildMetrics, buildTimeline } from './summaries.ts';
import { runScript } from './script.ts';
import { startRealClients } from './realClients.ts';
import type { RealClientDriver } from './realClientDriver.ts';
import { MailsimError } from '../core/errors.ts';
import { ChoiceTrail } from './explore/trail.ts';
import { worldDigest } from './explore/worldDigest.ts';

export interface WorldOutcome {
  readonly history: readonly HistoryRecord[];
  readonly historyHash: string;
  readonly finals: readonly FinalReplica[];
  readonly checks: Readonly<Record<string, CheckResult>>;
  readonly verdict: Verdict;
  readonly metrics: RunMetrics;
  readonly timeline: Timeline;
  readonly faultsAsRun: readonly ScheduledFault[];
  /** The servers as the run left them, for what a backend can export (its stores, what it received). */
  readonly servers: ReadonlyMap<string, ReplicaServer>;
  /** How often each coverage probe was hit (core/probes.ts); only the probes hit. Never part of the history hash. */
  readonly probes: Readonly<Record<string, number>>;
}

export interface WorldOptions {
  /** CPU time source for the cpuMsPerOp metric, injected by the caller (never read here). */
  readonly cpuMs?: () => number;
  /** Called once every server holds the initial population, before any event runs (benchmarks time the phases). */
  readonly onPopulated?: () => void;
  /** Keep what each server receives (the git backend's packs), for `mailsim export` (they cost memory, so only when asked). */
  readonly recordTransfers?: boolean;
  /** Called every PROGRESS_EVERY_EVENTS events with virtual figures only (the caller adds wall time); it only reads. */
  readonly onProgress?: (progress: WorldProgress) => void;
  /** Runs the config's real client programs (backends/realClients/); needed when it names any. */
  readonly realClientDriver?: RealClientDriver;
  /** Decides the run's branching draws (`mailsim explore`); else the config's `choices`, else none. */
  readonly choices?: ChoiceTrail;
}

/** How far a run has got, in virtual time and counts: what a progress bar shows. */
export interface WorldProgress {
  readonly nowMs: number;
  readonly durationMs: number;
  readonly eventCount: number;
  readonly clientOpCount: number;
}

/**
 * Events between two onProgress calls. The library's scenarios run several hundred events
 * per wall second (git work dominates), so a bar moves a few times a second; a call costs
 * one small object, and the bar itself limits how often it redraws.
 */
const PROGRESS_EVERY_EVENTS = 250;

/** The UIDVALIDITY of the n-th initial mailbox: seconds at virtual time 0, plus n. */
export function initialUidValidity(index: number): number {
  return Math.floor(EPOCH_MS / 1000) + index;
}

/** Quiescence ends once replicas have agreed for this many sync intervals. */
const STABLE_INTERVALS = 2;

/** One run of `config` on the servers `backend` builds. */
export async function simulate(config: SimConfig, backend: ReplicaBackend, options: WorldOptions = {}): Promise<WorldOutcome> {
  const cpuStartMs = options.cpuMs?.() ?? 0;
  const choices = options.choices ?? (config.choices === undefined ? null : ChoiceTrail.replaying(config.choices));
  const root = Rng.root(config.seed, choices);
  const scheduler = new Scheduler(config.limits);
  const history = new History(() => scheduler.nowMs);
  const network = new Network(config.servers, config.network, scheduler, root.stream('network'), history);
  const metrics = new Metrics();
  // This world's own probe counts: worlds sharing a process never share them.
  const probes = new ProbeCounts();
  const strategy = withProbes(withMutant(strategyByName(config.strategy), config.mutant), probes);
  const servers = new Map<string, ReplicaServer>();
  const convergence = new ConvergenceTracker(servers, () => scheduler.nowMs);
  network.setLiveness((node) => {
    const server = servers.get(node);
    return server?.listening ?? server?.up ?? false;
  });
  const built = await backend.createServers({
    config, scheduler, network, history, metrics, strategy, probes,
    faultRng: (node) => root.stream(`power/${node}`),
    recordTransfers: options.recordTransfers === true,
    onChange: () => convergence.update(),
  }, initialPopulation(config, root.stream('population')));
  for (const [name, server] of built) servers.set(name, server);
  choices?.watch(() => worldDigest({ servers, network, scheduler }));
  options.onPopulated?.();
  if (config.mutant === 'early-ack') for (const server of servers.values()) server.lagDurability();
  if (config.mutant === 'lying-clocks-drop-flag') for (const server of servers.values()) server.lieAboutClocks?.();
  if (config.mutant === 'drop-crashed-acks') for (const server of servers.values()) server.dropAnswersOnCrash();

  const crashStreams = new Map(config.servers.map((name) => [name, root.stream(`crash/${name}`)]));
  const diskStreams = new Map(config.servers.map((name) => [name, root.stream(`disk/${name}`)]));
  const nemesis = new Nemesis({ scheduler, network, history, servers, crashRng: (node) => crashStreams.get(node) as Rng, diskRng: (node) => diskStreams.get(node) as Rng });
  nemesis.schedule(config.faults);
  if (config.nemesis) nemesis.drawn(config.nemesis, root.stream('nemesis'), config.durationMs);
  if (config.mutant === 'stop-sync') stopSyncAfterFirstFault(scheduler, servers, config);
  const clientDeps = { config, scheduler, history, metrics, probes, servers: [...servers.values()], rng: root.stream('clients') };
  startWorkload(config, clientDeps, root.stream('workload'));
  runScript(config, clientDeps);
  const realClients = config.realClients ?? [];
  if (realClients.length > 0) {
    if (options.realClientDriver === undefined) throw new MailsimError('E_NO_REAL_CLIENTS', 'the scenario names real clients but no driver runs them (run it through backends/world.ts)', {});
    // IMAP is a conversation: a client reaches a server only when both directions are open.
    startRealClients(realClients, options.realClientDriver, clientDeps, root.stream('real-clients'), (from, to) => network.canReach(from, to) && network.canReach(to, from));
  }
  startAntiEntropy(config, scheduler, servers, metrics);
  if (options.onProgress) scheduler.observe(PROGRESS_EVERY_EVENTS, () => options.onProgress?.({ nowMs: scheduler.nowMs, durationMs: config.durationMs, eventCount: scheduler.eventCount, clientOpCount: metrics.clientOpCount }));

  await scheduler.run(config.durationMs);
  await quiesce(nemesis, servers, network);
  convergence.start(scheduler.nowMs);
  const deadlineMs = scheduler.nowMs + config.convergenceBoundMs;
  await runUntilQuiet(config, scheduler, convergence, deadlineMs);

  for (const server of servers.values()) await server.auditBodies?.();
  const finals = finalReplicas(servers);
  const checks = runChecks({
    history: history.records,
    finals,
    strategy: { name: strategy.name, mayResetValidity: strategy.mayResetValidity },
    convergence: { lastHealMs: convergence.startMs, convergedAtMs: convergence.convergedAtMs, boundMs: config.convergenceBoundMs, syncRounds: convergence.rounds },
  }, config.checks);
  const cpuMs = options.cpuMs ? options.cpuMs() - cpuStartMs : null;
  return {
    history: history.records,
    historyHash: backend.real ? scheduleHash(history.records) : realClients.length > 0 ? realClientHash(history.records) : history.hash(),
    finals,
    checks,
    verdict: overallVerdict(checks),
    metrics: buildMetrics(config, metrics, network, scheduler, convergence, cpuMs, history.records),
    timeline: buildTimeline(config, history.records, scheduler.nowMs),
    faultsAsRun: nemesis.asRun,
    servers,
    probes: probes.snapshot(),
  };
}

/** Tracks when all replicas last came to hold the same tree, after quiescence began. */
export class ConvergenceTracker {
  startMs = 0;
  convergedAtMs: number | null = null;
  rounds = 0;
  private active = false;
  private readonly servers: ReadonlyMap<string, ReplicaServer>;
  private readonly now: () => number;

  constructor(servers: ReadonlyMap<string, ReplicaServer>, now: () => number) {
    this.servers = servers;
    this.now = now;
  }

  start(nowMs: number): void {
    this.active = true;
    this.startMs = nowMs;
    this.update();
  }

  agree(): boolean {
    let content: string | null = null;
    for (const server of this.servers.values()) {
      // An open batch is state the tree does not hold yet, and requests not yet answered.
      if (server.owesAnswers?.() === true) return false;
      const id = server.contentId();
      if (id === null) return false;
      if (content !== null && id !== content) return false;
      content = id;
    }
    return true;
  }

  update(): void {
    if (!this.active) return;
    const agree = this.agree();
    if (agree && this.convergedAtMs === null) this.convergedAtMs = this.now();
    if (!agree) this.convergedAtMs = null;
  }
}

/** The initial population, identical on every server; its bodies are drawn from `rng`. */
function initialPopulation(config: SimConfig, rng: Rng): InitialMailbox[] {
  return config.mailboxes.map((mailbox, index) => ({
    name: mailbox.name,
    uidValidity: initialUidValidity(index),
    strategyData: config.strategy === 'owner' ? ownerData(mailbox.owner ?? (config.servers[0] as string), 1) : undefined,
    messages: Array.from({ length: mailbox.initialMessages }, (_, i) => ({
      body: messageBody(`<p${i}.${mailbox.name}@mailsim.test>`, rng.int(config.workload.messageSizeBytes.min, config.workload.messageSizeBytes.max), rng),
      flags: i % 3 === 0 ? ['\\Seen'] : [],
    })),
  }));
}

function startWorkload(config: SimConfig, deps: ConstructorParameters<typeof SmtpClient>[1], rng: Rng): void {
  const smtp = Array.from({ length: config.workload.smtpClients }, (_, i) => new SmtpClient(i, deps));
  const imap = Array.from({ length: config.workload.imapClients }, (_, i) => new ImapClient(i, deps));
  const mailboxNames = config.mailboxes.map((m) => m.name);
  let issued = 0;
  const budgetLeft = (): boolean => config.workload.opsMax === 0 || issued < config.workload.opsMax;
  for (const [kind, ratePerSec] of Object.entries(config.workload.ratesPerSec).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (ratePerSec <= 0) continue;
    const stream = rng.stream(kind);
    const meanGapMs = 1000 / ratePerSec;
    const arrive = async (): Promise<void> => {
      if (!budgetLeft()) return;
      // Draw the next arrival first, so what this operation draws never shifts the schedule.
      const gapMs = Math.max(1, stream.exponentialMs(meanGapMs, meanGapMs * 20));
      if (deps.scheduler.nowMs + gapMs < config.durationMs) deps.scheduler.after(gapMs, `arrive ${kind}`, arrive);
      const pool = kind === 'deliver' ? smtp : imap;
      const idle = pool.filter((client) => !client.busy);
      if (idle.length > 0) {
        issued++;
        const client = stream.pick(idle);
        if (client instanceof SmtpClient) {
          const mailbox = stream.chance(0.8) ? (mailboxNames[0] as string) : stream.pick(mailboxNames);
          await client.send(mailbox, stream.int(config.workload.messageSizeBytes.min, config.workload.messageSizeBytes.max));
        } else await client.run(kind as Parameters<ImapClient['run']>[0]);
      }
    };
    deps.scheduler.after(Math.max(1, stream.exponentialMs(meanGapMs, meanGapMs * 20)), `arrive ${kind}`, arrive);
  }
}

function startAntiEntropy(config: SimConfig, scheduler: Scheduler, servers: ReadonlyMap<string, ReplicaServer>, metrics: Metrics): void {
  const list = [...servers.values()];
  const stagger = Math.max(1, Math.floor(config.syncIntervalMs / Math.max(1, list.length)));
  list.forEach((server, index) => {
    const tickFn = async (): Promise<void> => {
      await server.antiEntropy();
      scheduler.after(config.syncIntervalMs, `sync ${server.name}`, tickFn);
    };
    scheduler.at(config.syncIntervalMs + index * stagger, `sync ${server.name}`, tickFn);
  });
}

function stopSyncAfterFirstFault(scheduler: Scheduler, servers: ReadonlyMap<string, ReplicaServer>, config: SimConfig): void {
  const last = [...servers.values()].at(-1) as ReplicaServer;
  const firstFaultMs = Math.min(config.durationMs / 4, ...config.faults.map((f) => f.atMs));
  scheduler.at(Math.max(0, Math.floor(firstFaultMs)), 'mutant stop-sync', () => {
    last.replicationStopped = true;
  });
}

/** Heals the network, ends pauses and restarts every server: the quiescence phase begins. */
async function quiesce(nemesis: Nemesis, servers: ReadonlyMap<string, ReplicaServer>, network: Network): Promise<void> {
  if (network.partitioned) await nemesis.apply({ kind: 'heal' }, false);
  for (const server of servers.values()) {
    // A pause that outlasts the run would leave the requests it holds unanswered when the run ends.
    if (server.paused) await server.resume();
    server.disarm();
    if (!server.up) await nemesis.apply({ kind: 'restart', node: server.name }, false);
  }
}

async function runUntilQuiet(config: SimConfig, scheduler: Scheduler, convergence: ConvergenceTracker, deadlineMs: number): Promise<void> {
  const checkEveryMs = config.syncIntervalMs;
  const watch = (): void => {
    convergence.rounds++;
    convergence.update();
    const at = convergence.convergedAtMs;
    if (at !== null && scheduler.nowMs - at >= STABLE_INTERVALS * config.syncIntervalMs) return scheduler.stop();
    if (scheduler.nowMs >= deadlineMs) return scheduler.stop();
    scheduler.after(checkEveryMs, 'quiescence watch', watch);
  };
  scheduler.after(checkEveryMs, 'quiescence watch', watch);
  await scheduler.run();
  if (convergence.convergedAtMs !== null && convergence.convergedAtMs > deadlineMs) convergence.convergedAtMs = null;
}

function finalReplicas(servers: ReadonlyMap<string, ReplicaServer>): FinalReplica[] {
  return [...servers.values()].map((server) => server.final());
}
