/** The efficiency table and its bar charts: bytes on the wire per operation, by layout (and by mailbox size). */
import type { RunResult } from '../../sim/resultTypes.ts';
import { compareStrings } from '../merge.ts';
import { groupBy, sum, weightedMean } from './aggregate.ts';

export interface EfficiencyRow {
  /** Layout as reported ('flat', 'fanout'...), with ' batched' appended for batched runs. */
  readonly layout: string;
  /** Messages per mailbox bucket, or 'all'. */
  readonly sizeBucket: string;
  readonly runCount: number;
  readonly flagChangeCount: number;
  readonly deliveryCount: number;
  readonly bytesPerFlagChange: number | null;
  readonly minBytesPerFlagChange: number | null;
  readonly bytesPerDelivery: number | null;
  readonly minBytesPerDelivery: number | null;
  readonly bytesPerOp: number | null;
  /** Real git's thin pack for the same commits (runs of scenarios with gitReference), per operation; null when none measured. */
  readonly gitBytesPerFlagChange: number | null;
  readonly gitBytesPerDelivery: number | null;
  /** Ours over the same runs as the git figures (the row's other runs measured no git reference). */
  readonly bytesPerFlagChangeOnGitRuns: number | null;
  readonly bytesPerDeliveryOnGitRuns: number | null;
}

export function layoutLabel(result: RunResult): string {
  return result.metrics.batched ? `${result.metrics.layout} batched` : result.metrics.layout;
}

/** Mailbox size buckets by powers of ten, so swarm-drawn sizes still group. */
export function sizeBucket(messagesPerMailbox: number): string {
  if (messagesPerMailbox < 100) return '< 100 msgs';
  if (messagesPerMailbox < 1_000) return '100–999 msgs';
  if (messagesPerMailbox < 10_000) return '1k–9.9k msgs';
  return '≥ 10k msgs';
}

/** Display order of the size buckets ('all' first). */
export const SIZE_BUCKETS: readonly string[] = ['all', '< 100 msgs', '100–999 msgs', '1k–9.9k msgs', '≥ 10k msgs'];

export function sizeRank(bucket: string): number {
  return SIZE_BUCKETS.indexOf(bucket);
}

export function efficiencyRows(results: readonly RunResult[], bucketOf: (result: RunResult) => string): EfficiencyRow[] {
  const groups = groupBy(results, (result) => `${layoutLabel(result)}\u0000${bucketOf(result)}`);
  const rows = [...groups.values()].map((runs): EfficiencyRow => {
    const first = runs[0] as RunResult;
    const byFlags = (pick: (run: RunResult) => number | null) =>
      weightedMean(runs.map((run) => ({ value: pick(run), weight: run.metrics.flagChangeCount })));
    const byDeliveries = (pick: (run: RunResult) => number | null) =>
      weightedMean(runs.map((run) => ({ value: pick(run), weight: run.metrics.deliveryCount })));
    return {
      layout: layoutLabel(first),
      sizeBucket: bucketOf(first),
      runCount: runs.length,
      flagChangeCount: sum(runs.map((run) => run.metrics.flagChangeCount)),
      deliveryCount: sum(runs.map((run) => run.metrics.deliveryCount)),
      bytesPerFlagChange: byFlags((run) => run.metrics.wireBytesPerFlagChange),
      minBytesPerFlagChange: byFlags((run) => run.metrics.minBytesPerFlagChange),
      bytesPerDelivery: byDeliveries((run) => run.metrics.wireBytesPerDelivery),
      minBytesPerDelivery: byDeliveries((run) => run.metrics.minBytesPerDelivery),
      bytesPerOp: weightedMean(runs.map((run) => ({ value: run.metrics.wireBytesPerOp, weight: run.metrics.clientOpCount }))),
      gitBytesPerFlagChange: byFlags((run) => run.gitReference?.bytesPerFlagChange ?? null),
      gitBytesPerDelivery: byDeliveries((run) => run.gitReference?.bytesPerDelivery ?? null),
      bytesPerFlagChangeOnGitRuns: byFlags((run) => (run.gitReference?.bytesPerFlagChange == null ? null : run.metrics.wireBytesPerFlagChange)),
      bytesPerDeliveryOnGitRuns: byDeliveries((run) => (run.gitReference?.bytesPerDelivery == null ? null : run.metrics.wireBytesPerDelivery)),
    };
  });
  return rows.sort((a, b) => compareStrings(a.layout, b.layout) || sizeRank(a.sizeBucket) - sizeRank(b.sizeBucket));
}
