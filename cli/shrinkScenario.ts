/**
 * A resolved world written back as a scenario in which every field is pinned (nothing left
 * to draw) and the fault schedule is fixed (nemesis: false). Shrink edits this pinned form
 * and tests exactly the file it will write, so the output fails on its own.
 */
import { expectationFor } from '../sim/expectation.ts';
import type { CheckName } from '../sim/checkers/names.ts';
import { isRealReplica } from '../sim/replicaKinds.ts';
import { fanoutDirectories, type LatencyConfig, type ScheduledFault, type ScriptedOp, type SimConfig } from '../sim/config.ts';
import type { Scenario, ScenarioFault, ScenarioScriptOp } from '../scenarios/schema.ts';

/** The simulator's fault record -> the scenario file's fault record (inverse of resolve's faultValue). */
export function scenarioFault({ atMs, fault }: ScheduledFault): ScenarioFault {
  switch (fault.kind) {
    case 'partition':
      return { at: atMs, partition: fault.groups.map((group) => [...group]) };
    case 'one-way':
      return { at: atMs, oneWay: { from: fault.from, to: fault.to } };
    case 'bridge':
      return { at: atMs, bridge: { groups: fault.groups.map((group) => [...group]), via: fault.bridge } };
    case 'heal':
      return { at: atMs, heal: true };
    case 'crash':
      return { at: atMs, crash: fault.node, mode: fault.mode };
    case 'restart':
      return { at: atMs, restart: fault.node };
    case 'skew':
      return { at: atMs, skew: { node: fault.node, offsetMs: fault.offsetMs } };
    case 'jump':
      return { at: atMs, jump: { node: fault.node, deltaMs: fault.deltaMs } };
    case 'pause':
      return { at: atMs, pause: { node: fault.node, durationMs: fault.durationMs } };
    case 'rot':
      return { at: atMs, rot: fault.node };
    case 'misdirect':
      return { at: atMs, misdirect: fault.node };
    case 'eio':
      return { at: atMs, eio: { node: fault.node, op: fault.op } };
    case 'disk-full':
      return { at: atMs, diskFull: fault.node };
    case 'disk-free':
      return { at: atMs, diskFree: fault.node };
  }
}

/** The simulator's scripted operation -> the scenario file's script record. */
export function scenarioScriptOp({ atMs, node, op }: ScriptedOp): ScenarioScriptOp {
  const base = { at: atMs, node };
  switch (op.kind) {
    case 'deliver':
      return { ...base, deliver: { mailbox: op.mailbox, count: op.count } };
    case 'append':
      return { ...base, append: { mailbox: op.mailbox, flags: [...op.flags] } };
    case 'store':
      return { ...base, store: { mailbox: op.mailbox, uid: op.uid, mode: op.mode, flags: [...op.flags] } };
    case 'expunge':
      return { ...base, expunge: { mailbox: op.mailbox, uids: [...op.uids] } };
    case 'move':
      return { ...base, move: { from: op.from, to: op.to, uid: op.uid } };
    case 'copy':
      return { ...base, copy: { from: op.from, to: op.to, uid: op.uid } };
    case 'delete':
      return { ...base, delete: { mailbox: op.mailbox } };
  }
}

/** The layout as a scenario field: SimConfig counts hex digits per fanout level, the file counts directories (16^digits). */
function pinnedLayout(layout: SimConfig['layout']): Scenario['layout'] {
  if (layout.kind === 'fanout') return { kind: 'fanout', width: fanoutDirectories(layout), depth: layout.depth } as Scenario['layout'];
  return { ...layout };
}

/** Every field of `config` as scenario fields; name, description and expect come from `original`. */
export function pinnedScenario(config: SimConfig, original: Scenario): Scenario {
  const { latency } = config.network;
  // The verdict this very run must give (a per-backend expect or a finding's seeds narrow to one).
  const expectation = expectationFor(original.expect, original.finding, config.replica ?? 'git', config.seed);
  const finding = expectation.finding === undefined ? {} : { finding: { summary: expectation.finding.summary, checks: [...expectation.finding.checks] as CheckName[], ...(expectation.finding.source === undefined ? {} : { source: expectation.finding.source }) } };
  const pinned: Scenario = {
    name: original.name ?? 'shrunk',
    description: `Shrunk by mailsim shrink from ${original.name ?? 'a failure'}: every field pinned, fixed faults.`,
    seed: config.seed,
    // A finding's expectation stays per backend (the schema wants it so); a plain one is one verdict.
    expect: expectation.finding === undefined ? expectation.expect : { [config.replica ?? 'git']: expectation.expect },
    ...finding,
    ...(config.realClients === undefined ? {} : { realClients: config.realClients.map((c) => ({ kind: c.kind, server: c.server, syncAtMs: [...c.syncAtMs], edits: c.edits.map((e) => ({ at: e.atMs, action: e.action })) })) }),
    servers: [...config.servers],
    strategy: config.strategy as Scenario['strategy'],
    layout: pinnedLayout(config.layout),
    batch: config.batch === null ? false : { ...config.batch },
    mailboxes: config.mailboxes.map((m) => (m.owner === undefined ? { name: m.name, messages: m.initialMessages } : { name: m.name, messages: m.initialMessages, owner: m.owner })),
    workload: {
      smtpClients: config.workload.smtpClients,
      imapClients: config.workload.imapClients,
      ratesPerSec: { ...config.workload.ratesPerSec },
      messageSizeBytes: { ...config.workload.messageSizeBytes },
      keywords: [...config.workload.keywords],
      opsMax: config.workload.opsMax,
    },
    network: {
      latencyMs: latencyField(latency),
      loss: config.network.loss,
      duplication: config.network.duplication,
      reorder: config.network.reorder,
      ...(config.network.sites ? { sites: { groups: config.network.sites.groups.map((g) => [...g]), latencyMs: latencyField(config.network.sites.latency) } } : {}),
    },
    faults: config.faults.map(scenarioFault),
    nemesis: false,
    clocks: Object.fromEntries(Object.entries(config.clocks).map(([node, clock]) => [node, { ...clock }])),
    durationMs: config.durationMs,
    convergenceBoundMs: config.convergenceBoundMs,
    syncIntervalMs: config.syncIntervalMs,
    checks: [...config.checks] as Scenario['checks'],
    limits: { ...config.limits },
    leases: { ...config.leases },
  };
  if ((config.script ?? []).length > 0) pinned.script = (config.script ?? []).map(scenarioScriptOp);
  if (config.mutant !== null) pinned.mutant = config.mutant as Scenario['mutant'];
  // A schedule mailsim explore found is part of the run: without it the draws are the seed's.
  if (config.choices !== undefined) pinned.choices = [...config.choices];
  if (config.replica !== undefined) {
    pinned.replica = config.replica;
    // A real backend keeps its own storage: a layout is refused there, and the default it resolves to is the same.
    if (isRealReplica(config.replica)) {
      delete pinned.layout;
      delete pinned.leases;
    }
  }
  return pinned;
}

function latencyField(latency: LatencyConfig): { min: number; max: number } | { mean: number; max: number } {
  return latency.kind === 'uniform' ? { min: latency.minMs, max: latency.maxMs } : { mean: latency.meanMs, max: latency.maxMs };
}
