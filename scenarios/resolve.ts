/**
 * Turns a validated scenario plus a seed into a SimConfig: every field the file gives is
 * kept as written; every field it leaves out is drawn (swarm testing) from
 * Rng.root(seed).stream('swarm'), one named sub-stream per field, so that writing one
 * field into a file never changes the draws of the others.
 *
 * The file's fanout `width` counts directories per level (256, or 4); SimConfig's counts
 * digits of the GUID hash per level (2 hex digits, or 1 base-4 digit), as core/layout.ts does.
 *
 * Layout, batched mode and pauses are drawn too (streams 'layout', 'batch', and 'pause'
 * under 'nemesis'), so sweeps cover group commit and pauses; a real backend has neither a
 * layout nor a batch, so for it they stay off. A file that names them keeps what it names.
 *
 * Not drawn, because researchers compare them side by side: strategy (renumber),
 * convergenceBoundMs (30 s), syncIntervalMs (1 s), checks (all), scheduled faults (none),
 * mutant (none), script (none).
 */
import type {
  ClockConfig,
  LatencyConfig,
  LayoutConfig,
  NemesisConfig,
  NetworkConfig,
  ScheduledFault,
  ScriptedOp,
  SimConfig,
  WorkloadConfig,
} from '../sim/config.ts';
import type { FaultValue } from '../sim/historyTypes.ts';
import { REAL_CLIENT_EDIT_ACTIONS, type RealClientConfig } from '../sim/realClientTypes.ts';
import { Rng } from '../sim/rng.ts';
import { DEFAULT_NEMESIS_KINDS } from '../sim/faultKinds.ts';
import { isRealReplica } from '../sim/replicaKinds.ts';
import type { LoadedScenario } from './loader.ts';
import { CHECK_NAME_LIST, DEFAULT_FANOUT_DEPTH, DEFAULT_FANOUT_WIDTH, NEMESIS_KINDS, fanoutDimensions, fanoutShape, type Scenario, type ScenarioFault, type ScenarioRealClient, type ScenarioScriptOp } from './schema.ts';

export const DEFAULT_STRATEGY = 'renumber';
/** SimConfig's fanout for a file's width and depth; hex layouts name no digitBits (as they always resolved, so run hashes stay put). */
function fanoutLayout(width: number, depth: number): LayoutConfig {
  const shape = fanoutShape(width);
  return shape.digitBits === 4 ? { kind: 'fanout', width: shape.width, depth } : { kind: 'fanout', ...shape, depth };
}

/** The layout when a file names none (or just `fanout`): see DEFAULT_FANOUT_WIDTH in schema.ts. */
export const DEFAULT_LAYOUT: LayoutConfig = fanoutLayout(DEFAULT_FANOUT_WIDTH, DEFAULT_FANOUT_DEPTH);
export const DEFAULT_SYNC_INTERVAL_MS = 1000;
/** The owner lease: 10 s, as leader leases commonly run; take-over waits for it to expire. */
export const DEFAULT_LEASE_DURATION_MS = 10_000;
/**
 * The drift bound the lease allowance covers: ten times the +-100 ppm a scenario's clocks are
 * drawn from when it names none (quartz is specified at tens of ppm).
 */
export const DEFAULT_LEASE_DRIFT_PPM_MAX = 1_000;
export const DEFAULT_CONVERGENCE_BOUND_MS = 30_000;
/** Seed of a scenario that names none. */
export const DEFAULT_SEED = 1;
export const DEFAULT_EVENTS_MAX = 5_000_000;
export const DEFAULT_MESSAGE_SIZE_BYTES_MAX = 1024 * 1024;
/** Virtual time allowed after durationMs + convergenceBoundMs before the run is cut. */
export const TIME_MS_MARGIN = 60_000;

export function defaultSeed(loaded: LoadedScenario): number {
  return loaded.scenario.seed ?? DEFAULT_SEED;
}

/** Two decimals, so drawn rates print cleanly in reports. */
function rate(rng: Rng, min: number, max: number): number {
  return rng.int(Math.round(min * 100), Math.round(max * 100)) / 100;
}

function resolveServers(s: Scenario, rng: Rng): string[] {
  const servers = s.servers ?? rng.int(2, 5);
  return typeof servers === 'number' ? Array.from({ length: servers }, (_, i) => `n${i + 1}`) : [...servers];
}

/** The layouts a file that names none draws from: flat, one level of 256, two of 256, the default, and 4 x 1-8 levels. */
function drawnLayout(rng: Rng): LayoutConfig {
  const kind = rng.int(0, 4);
  if (kind === 0) return { kind: 'flat' };
  if (kind === 1) return fanoutLayout(256, 1);
  if (kind === 2) return fanoutLayout(256, 2);
  if (kind === 3) return DEFAULT_LAYOUT;
  return fanoutLayout(4, rng.int(1, 8));
}

function resolveLayout(layout: Scenario['layout'], rng: Rng | null): LayoutConfig {
  if (layout === undefined) return rng === null ? DEFAULT_LAYOUT : drawnLayout(rng);
  if (layout === 'fanout') return DEFAULT_LAYOUT;
  if (layout === 'flags-apart') return { kind: 'flags-apart' };
  if (layout === 'flat' || layout.kind === 'flat') return { kind: 'flat' };
  if (layout.kind === 'flags-apart') return layout.chunks === undefined ? { kind: 'flags-apart' } : { kind: 'flags-apart', chunks: layout.chunks };
  const { width, depth } = fanoutDimensions(layout);
  return fanoutLayout(width, depth);
}

function resolveMailboxes(s: Scenario, servers: readonly string[], rng: Rng): SimConfig['mailboxes'] {
  const given = s.mailboxes ?? [
    { name: 'INBOX', messages: undefined, owner: undefined },
    { name: 'Archive', messages: undefined, owner: undefined },
  ];
  return given.map((m, i) => {
    const initialMessages = m.messages ?? (m.name === 'INBOX' ? rng.int(50, 300) : rng.int(0, 50));
    // The owner strategy needs an owner per mailbox: spread them over the servers.
    const owner = m.owner ?? (s.strategy === 'owner' ? servers[i % servers.length] : undefined);
    return owner === undefined ? { name: m.name, initialMessages } : { name: m.name, initialMessages, owner };
  });
}

const KEYWORD_POOL = ['$Forwarded', '$Junk', '$NotJunk', 'work', 'todo', 'later'];

/** Batched mode where a file leaves it out: off for half the seeds, else 2-50 operations or 10-2,000 ms per commit. */
function resolveBatch(batch: Scenario['batch'], rng: Rng | null): SimConfig['batch'] {
  if (batch !== undefined) return batch ? { opsMax: batch.opsMax, windowMs: batch.windowMs } : null;
  if (rng === null || rng.chance(0.5)) return null;
  return { opsMax: rng.int(2, 50), windowMs: rng.int(10, 2000) };
}

function resolveWorkload(w: NonNullable<Scenario['workload']>, sizeBytesLimit: number, rng: Rng): WorkloadConfig {
  const r = w.ratesPerSec ?? {};
  const ratesPerSec = {
    deliver: r.deliver ?? rate(rng, 0.5, 5),
    store: r.store ?? rate(rng, 0.5, 8),
    expunge: r.expunge ?? rate(rng, 0, 1),
    move: r.move ?? rate(rng, 0, 1),
    copy: r.copy ?? rate(rng, 0, 0.5),
    append: r.append ?? rate(rng, 0, 0.5),
    select: r.select ?? rate(rng, 0.2, 2),
  };
  const sizeMin = w.messageSizeBytes?.min ?? rng.int(200, 2000);
  const sizeMax = w.messageSizeBytes?.max ?? Math.min(sizeBytesLimit, rng.int(Math.max(sizeMin, 2000), Math.max(sizeMin, 20_000)));
  return {
    smtpClients: w.smtpClients ?? rng.int(1, 3),
    imapClients: w.imapClients ?? rng.int(1, 4),
    ratesPerSec,
    messageSizeBytes: { min: Math.min(sizeMin, sizeMax), max: sizeMax },
    keywords: w.keywords ?? rng.shuffle(KEYWORD_POOL).slice(0, rng.int(0, 3)),
    opsMax: w.opsMax ?? rng.int(200, 500),
  };
}

function resolveLatency(l: NonNullable<Scenario['network']>['latencyMs'], rng: Rng): LatencyConfig {
  if (l !== undefined) return 'mean' in l ? { kind: 'exponential', meanMs: l.mean, maxMs: l.max } : { kind: 'uniform', minMs: l.min, maxMs: l.max };
  if (rng.chance(0.5)) {
    const minMs = rng.int(1, 20);
    return { kind: 'uniform', minMs, maxMs: minMs + rng.int(5, 200) };
  }
  const meanMs = rng.int(5, 80);
  return { kind: 'exponential', meanMs, maxMs: meanMs * rng.int(4, 10) };
}

function resolveNetwork(n: NonNullable<Scenario['network']>, rng: Rng): NetworkConfig {
  return {
    latency: resolveLatency(n.latencyMs, rng.stream('latency')),
    loss: n.loss ?? rng.int(0, 50) / 1000,
    duplication: n.duplication ?? rng.int(0, 20) / 1000,
    reorder: n.reorder ?? rng.int(0, 100) / 1000,
    ...(n.sites ? { sites: { groups: n.sites.groups, latency: resolveLatency(n.sites.latencyMs, rng.stream('site-latency')) } } : {}),
  };
}

function resolveNemesis(n: Scenario['nemesis'], rng: Rng): NemesisConfig | null {
  if (n === false) return null;
  // Left out entirely: a quarter of the seeds run without a nemesis.
  if (n === undefined && rng.chance(0.25)) return null;
  const given = n ?? {};
  // Kinds left out: the default kinds as ever, and pauses on half the seeds (their own stream, so the other draws stay put).
  const kinds = given.kinds ?? [...rng.shuffle(DEFAULT_NEMESIS_KINDS).slice(0, rng.int(1, DEFAULT_NEMESIS_KINDS.length)), ...(rng.stream('pause').chance(0.5) ? ['pause' as const] : [])];
  return {
    intervalMs: given.intervalMs ?? rng.int(3, 15) * 1000,
    kinds: NEMESIS_KINDS.filter((k) => kinds.includes(k)),
    faultDurationMsMax: given.faultDurationMsMax ?? rng.int(2, 15) * 1000,
    skewMsMax: given.skewMsMax ?? rng.int(0, 60) * 1000,
  };
}

function resolveClocks(s: Scenario, servers: readonly string[], rng: Rng): Record<string, ClockConfig> {
  const clocks: Record<string, ClockConfig> = {};
  for (const node of servers) {
    // One stream per node: naming one node's clock leaves the others' draws alone.
    const nodeRng = rng.stream(node);
    const given = s.clocks?.[node];
    clocks[node] = {
      offsetMs: given?.offsetMs ?? nodeRng.int(-2000, 2000),
      driftPpm: given?.driftPpm ?? nodeRng.int(-100, 100),
    };
  }
  return clocks;
}

/** A file fault record -> the simulator's FaultValue. */
export function faultValue(f: ScenarioFault): FaultValue {
  if (f.partition) return { kind: 'partition', groups: f.partition };
  if (f.oneWay) return { kind: 'one-way', from: f.oneWay.from, to: f.oneWay.to };
  if (f.bridge) return { kind: 'bridge', groups: f.bridge.groups, bridge: f.bridge.via };
  if (f.heal) return { kind: 'heal' };
  if (f.crash !== undefined) return { kind: 'crash', node: f.crash, mode: f.mode ?? 'process' };
  if (f.restart !== undefined) return { kind: 'restart', node: f.restart };
  if (f.skew) return { kind: 'skew', node: f.skew.node, offsetMs: f.skew.offsetMs };
  if (f.jump) return { kind: 'jump', node: f.jump.node, deltaMs: f.jump.deltaMs };
  if (f.pause) return { kind: 'pause', node: f.pause.node, durationMs: f.pause.durationMs };
  if (f.rot !== undefined) return { kind: 'rot', node: f.rot };
  if (f.misdirect !== undefined) return { kind: 'misdirect', node: f.misdirect };
  if (f.eio) return { kind: 'eio', node: f.eio.node, op: f.eio.op };
  if (f.diskFull !== undefined) return { kind: 'disk-full', node: f.diskFull };
  if (f.diskFree !== undefined) return { kind: 'disk-free', node: f.diskFree };
  throw new Error('assertion failed: a validated fault has a kind');
}

function scriptedOp(o: ScenarioScriptOp): ScriptedOp {
  const base = { atMs: o.at, node: o.node };
  if (o.deliver) return { ...base, op: { kind: 'deliver', mailbox: o.deliver.mailbox ?? 'INBOX', count: o.deliver.count ?? 1 } };
  if (o.append) return { ...base, op: { kind: 'append', mailbox: o.append.mailbox, flags: o.append.flags ?? [] } };
  if (o.store) return { ...base, op: { kind: 'store', mailbox: o.store.mailbox, uid: o.store.uid, mode: o.store.mode ?? '+', flags: o.store.flags } };
  if (o.expunge) return { ...base, op: { kind: 'expunge', mailbox: o.expunge.mailbox, uids: o.expunge.uids } };
  if (o.move) return { ...base, op: { kind: 'move', ...o.move } };
  if (o.copy) return { ...base, op: { kind: 'copy', ...o.copy } };
  if (o.delete) return { ...base, op: { kind: 'delete', mailbox: o.delete.mailbox } };
  throw new Error('assertion failed: a validated script operation has a kind');
}

/** Distinct virtual times drawn in [fromMs, toMs), ascending. */
function drawTimes(rng: Rng, count: number, fromMs: number, toMs: number): number[] {
  const times = new Set<number>();
  for (let i = 0; i < count; i++) times.add(rng.int(fromMs, Math.max(fromMs, toMs - 1)));
  return [...times].sort((a, b) => a - b);
}

/**
 * A real client with what the file leaves out drawn: its server, 2-6 syncs over the run, and
 * 1-6 edits after its first sync (before it, the local Maildir is empty).
 */
function realClientConfig(c: ScenarioRealClient, servers: readonly string[], durationMs: number, rng: Rng): RealClientConfig {
  const server = c.server ?? rng.stream('server').pick(servers);
  const syncAtMs = c.syncAtMs !== undefined ? [...new Set(c.syncAtMs)].sort((a, b) => a - b) : drawTimes(rng.stream('syncs'), rng.stream('sync-count').int(2, 6), 0, durationMs);
  const firstSyncMs = syncAtMs[0] ?? 0;
  const actions = rng.stream('actions');
  const edits = c.edits !== undefined
    ? c.edits.map((e) => ({ atMs: e.at, action: e.action ?? actions.pick(REAL_CLIENT_EDIT_ACTIONS) }))
    : drawTimes(rng.stream('edits'), rng.stream('edit-count').int(1, 6), firstSyncMs + 1, durationMs).map((atMs) => ({ atMs, action: actions.pick(REAL_CLIENT_EDIT_ACTIONS) }));
  return { kind: c.kind, server, near: c.near ?? server, syncAtMs, edits: byTime(edits) };
}

/** Stable by time: records at the same time keep their file order. */
function byTime<T extends { readonly atMs: number }>(items: readonly T[]): T[] {
  return items.map((item, index) => ({ item, index })).sort((a, b) => a.item.atMs - b.item.atMs || a.index - b.index).map((x) => x.item);
}

/** 30-120 s, and at least 10 s past the last scheduled fault or scripted operation. */
function resolveDuration(s: Scenario, rng: Rng): number {
  const clientTimes = (s.realClients ?? []).flatMap((c) => [...(c.syncAtMs ?? []), ...(c.edits ?? []).map((e) => e.at)]);
  const lastAtMs = Math.max(0, ...(s.faults ?? []).map((f) => f.at), ...(s.script ?? []).map((o) => o.at), ...clientTimes);
  const drawnMs = rng.int(30, 120) * 1000;
  return Math.max(drawnMs, Math.ceil((lastAtMs + 10_000) / 1000) * 1000);
}

export function resolveScenario(loaded: LoadedScenario, seed: number): SimConfig {
  const s = loaded.scenario;
  const swarm = Rng.root(seed).stream('swarm');
  const servers = resolveServers(s, swarm.stream('servers'));
  const durationMs = s.durationMs ?? resolveDuration(s, swarm.stream('duration'));
  const convergenceBoundMs = s.convergenceBoundMs ?? DEFAULT_CONVERGENCE_BOUND_MS;
  const sizeBytesLimit = s.limits?.messageSizeBytesMax ?? DEFAULT_MESSAGE_SIZE_BYTES_MAX;
  const workload = resolveWorkload(s.workload ?? {}, sizeBytesLimit, swarm.stream('workload'));
  const messageSizeBytesMax = Math.max(sizeBytesLimit, workload.messageSizeBytes.max);
  const real = isRealReplica(s.replica);
  return {
    seed,
    servers,
    ...(s.replica === undefined || s.replica === 'git' ? {} : { replica: s.replica }),
    strategy: s.strategy ?? DEFAULT_STRATEGY,
    layout: resolveLayout(s.layout, real ? null : swarm.stream('layout')),
    batch: resolveBatch(s.batch, real ? null : swarm.stream('batch')),
    mailboxes: resolveMailboxes(s, servers, swarm.stream('mailboxes')),
    workload,
    network: resolveNetwork(s.network ?? {}, swarm.stream('network')),
    faults: byTime((s.faults ?? []).map((f): ScheduledFault => ({ atMs: f.at, fault: faultValue(f) }))),
    nemesis: resolveNemesis(s.nemesis, swarm.stream('nemesis')),
    // A real process runs on the machine's clock: its servers' virtual clocks stay true.
    clocks: real ? {} : resolveClocks(s, servers, swarm.stream('clocks')),
    durationMs,
    convergenceBoundMs,
    syncIntervalMs: s.syncIntervalMs ?? DEFAULT_SYNC_INTERVAL_MS,
    checks: s.checks === undefined || s.checks === 'all' ? [...CHECK_NAME_LIST] : [...s.checks],
    limits: {
      eventsMax: s.limits?.eventsMax ?? DEFAULT_EVENTS_MAX,
      timeMsMax: s.limits?.timeMsMax ?? durationMs + convergenceBoundMs + TIME_MS_MARGIN,
      messageSizeBytesMax,
    },
    leases: { durationMs: s.leases?.durationMs ?? DEFAULT_LEASE_DURATION_MS, driftPpmMax: s.leases?.driftPpmMax ?? DEFAULT_LEASE_DRIFT_PPM_MAX },
    mutant: s.mutant ?? null,
    ...(s.choices === undefined ? {} : { choices: [...s.choices] }),
    script: byTime((s.script ?? []).map(scriptedOp)),
    ...(s.realClients === undefined || s.realClients.length === 0 ? {} : { realClients: s.realClients.map((c, i) => realClientConfig(c, servers, durationMs, swarm.stream(`real-client-${i}`))) }),
  };
}
