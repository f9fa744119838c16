/**
 * Turns a run's counters and history into the report's metrics and timeline.
 * Replication cost per operation is the mean size of the push an operation's commit
 * caused, per peer: what one replica pays to tell another about one change.
 */
import { layoutLabel, type SimConfig } from './config.ts';
import type { HistoryRecord } from './historyTypes.ts';
import { mean, quantile, type Metrics } from './metrics.ts';
import type { Network } from './network.ts';
import { leaseBytesOf, replicationBytesOf } from './wireKinds.ts';
import { isRealReplica, strategyLabel } from './replicaKinds.ts';
import type { RunMetrics, Timeline } from './resultTypes.ts';
import type { Scheduler } from './scheduler.ts';
import { judgeRealClients } from './checkers/realClientJudge.ts';

/** The timeline keeps at most this many client operations. */
export const TIMELINE_OPS_MAX = 2_000;

export function buildMetrics(
  config: SimConfig,
  metrics: Metrics,
  network: Network,
  scheduler: Scheduler,
  convergence: { readonly startMs: number; readonly convergedAtMs: number | null; readonly rounds: number },
  cpuMs: number | null,
  history: readonly HistoryRecord[] = [],
): RunMetrics {
  const realClients = judgeRealClients(history);
  const wireBytesByKind = network.wireBytesByKind();
  const wireBytesTotal = Object.values(wireBytesByKind).reduce((a, b) => a + b, 0);
  const opPushes = ['deliver', 'append', 'store', 'expunge', 'move', 'copy', 'batch'];
  const opBytes = opPushes.reduce((sum, k) => sum + (metrics.pushBytesByCause.get(k) ?? 0), 0);
  const opCount = opPushes.reduce((sum, k) => sum + (metrics.pushOpsByCause.get(k) ?? 0), 0);
  const leaseBytes = leaseBytesOf(wireBytesByKind);
  const replicationBytes = replicationBytesOf(wireBytesByKind);
  return {
    wireBytesByKind,
    wireBytesTotal,
    clientOpCount: metrics.clientOpCount,
    deliveryCount: metrics.deliveryCount,
    flagChangeCount: metrics.flagChangeCount,
    wireBytesPerFlagChange: metrics.bytesPerPush('store'),
    wireBytesPerDelivery: metrics.bytesPerPush('deliver'),
    wireBytesPerOp: opCount === 0 ? null : Math.round(opBytes / opCount),
    minBytesPerFlagChange: mean(metrics.flagDeltaBytes),
    minBytesPerDelivery: mean(metrics.deliveryCompressedBytes),
    commitCount: metrics.commitCount,
    mergeCount: metrics.mergeCount,
    mergeCommitCount: metrics.mergeCommits.size,
    renumberedUidCount: metrics.renumberedUidCount,
    renumberedMessageCount: metrics.renumberedMessageCount,
    uidValidityChangeCount: metrics.uidValidityChangeCount,
    uidValidityResetCount: metrics.uidValidityResets.size,
    deferredDeliveryCount: metrics.deferredDeliveryCount,
    visibilityDelayMsMean: mean(metrics.visibilityDelaysMs),
    visibilityDelayMsMax: metrics.visibilityDelaysMs.length === 0 ? null : Math.max(...metrics.visibilityDelaysMs),
    visibilityDelayMsP99: quantile([...metrics.visibilityDelaysMs].sort((a, b) => a - b), 0.99),
    leaseBytesPerSecPerServer: scheduler.nowMs === 0 ? 0 : Math.round((leaseBytes * 1000) / scheduler.nowMs / Math.max(1, config.servers.length) * 10) / 10,
    leaseShareOfReplication: replicationBytes === 0 ? null : Math.round((leaseBytes / replicationBytes) * 1e6) / 1e6,
    convergenceTimeMs: convergence.convergedAtMs === null ? null : convergence.convergedAtMs - convergence.startMs,
    syncRounds: convergence.rounds,
    cpuMsPerOp: cpuMs === null || metrics.clientOpCount === 0 ? null : Math.round((cpuMs / metrics.clientOpCount) * 1000) / 1000,
    simTimeMs: scheduler.nowMs,
    eventCount: scheduler.eventCount,
    // A real backend has its own storage: its runs get an efficiency row of their own.
    layout: isRealReplica(config.replica) ? strategyLabel(config.replica, config.strategy) : layoutLabel(config.layout),
    batched: config.batch !== null,
    messagesPerMailbox: Math.max(0, ...config.mailboxes.map((m) => m.initialMessages)),
    realClientEditCount: realClients.edits.length,
    realClientPrograms: [...new Set(history.filter((record) => record.f === 'client-sync').map((record) => record.process.replace(/-\d+$/, '')))].sort(),
    realClientEditsLost: realClients.edits.filter((e) => e.fate === 'lost').length,
    realClientEditsMisapplied: realClients.misapplied.length,
    realClientSyncsRefused: realClients.syncsRefused,
    realClientDuplicates: realClients.duplicates,
    realClientRedownloadBytes: realClients.redownloadBytes,
  };
}

/** Fault intervals (a partition until its heal, a crash until its restart) and client ops. */
export function buildTimeline(config: SimConfig, history: readonly HistoryRecord[], endMs: number): Timeline {
  const faults: { kind: string; nodes: string[]; startMs: number; endMs: number | null; label: string }[] = [];
  const openPartitions: typeof faults = [];
  const openCrashes = new Map<string, (typeof faults)[number]>();
  const invokes = new Map<string, HistoryRecord>();
  const ops: { node: string; process: string; f: string; startMs: number; endMs: number; outcome: 'ok' | 'fail' | 'info' }[] = [];
  for (const record of history) {
    if (record.process === 'nemesis') {
      const value = record.value as { kind: string; node?: string; groups?: string[][]; from?: string; to?: string; bridge?: string; offsetMs?: number; deltaMs?: number; mode?: string };
      if (value.kind === 'heal') {
        for (const open of openPartitions.splice(0)) open.endMs = record.timeMs;
      } else if (value.kind === 'restart' && value.node) {
        const open = openCrashes.get(value.node);
        if (open) open.endMs = record.timeMs;
        openCrashes.delete(value.node);
      } else if (value.kind === 'partition' || value.kind === 'one-way' || value.kind === 'bridge') {
        const nodes = value.kind === 'one-way' ? [value.from ?? '', value.to ?? ''] : [...config.servers];
        const label = value.kind === 'one-way' ? `${value.from} -/-> ${value.to}` : value.kind === 'bridge' ? `bridge via ${value.bridge}: ${JSON.stringify(value.groups)}` : JSON.stringify(value.groups);
        const fault = { kind: value.kind, nodes, startMs: record.timeMs, endMs: null, label };
        faults.push(fault);
        openPartitions.push(fault);
      } else if (value.kind === 'crash' && value.node) {
        const fault = { kind: 'crash', nodes: [value.node], startMs: record.timeMs, endMs: null, label: `${value.mode} crash` };
        faults.push(fault);
        openCrashes.set(value.node, fault);
      } else if (value.node) {
        const durationMs = (value as { durationMs?: number }).durationMs;
        const label = value.kind === 'skew' ? `skew ${value.offsetMs} ms` : value.kind === 'pause' ? `pause ${durationMs} ms` : value.kind === 'jump' ? `jump ${value.deltaMs} ms` : value.kind === 'eio' ? `EIO on ${(value as { op?: string }).op}` : value.kind;
        faults.push({ kind: value.kind, nodes: [value.node], startMs: record.timeMs, endMs: value.kind === 'pause' ? record.timeMs + (durationMs ?? 0) : record.timeMs, label });
      }
      continue;
    }
    if (record.process === 'net' || record.process === 'replica') continue;
    if (record.type === 'invoke') {
      invokes.set(record.process, record);
      continue;
    }
    const start = invokes.get(record.process);
    invokes.delete(record.process);
    if (!start || ops.length >= TIMELINE_OPS_MAX) continue;
    ops.push({ node: record.node, process: record.process, f: record.f, startMs: start.timeMs, endMs: record.timeMs, outcome: record.type as 'ok' | 'fail' | 'info' });
  }
  return { nodes: [...config.servers], faults, ops, endMs };
}
