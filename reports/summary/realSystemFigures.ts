/** The real replication systems' bytes per operation, shown beside ours in the efficiency charts. */
import type { RunResult } from '../../sim/resultTypes.ts';
import { weightedMean } from './aggregate.ts';
import { CYRUS_REAL, DSYNC_REAL } from './order.ts';

/**
 * Dovecot dsync, measured once by hand (docs/facts.md): stateful sync of 1,000 messages of about
 * 2 KB. The report shows them only where no run on real Dovecot measured its own, marked as such.
 */
export const DSYNC_BYTES_PER_FLAG_CHANGE = 49;
export const DSYNC_BYTES_PER_DELIVERY = 2_050;

/** A real system the report compares against, and what it shows when the report has no run of it. */
interface RealSystem {
  readonly name: string;
  /** The strategy column's name for runs on it (sim/replicaKinds.ts strategyLabel). */
  readonly strategy: string;
  /** Hand-measured figures, or null: then the system is left out of a report that did not run it. */
  readonly handMeasured: { readonly bytesPerFlagChange: number; readonly bytesPerDelivery: number } | null;
}

export const REAL_SYSTEMS: readonly RealSystem[] = [
  { name: 'Dovecot dsync', strategy: DSYNC_REAL, handMeasured: { bytesPerFlagChange: DSYNC_BYTES_PER_FLAG_CHANGE, bytesPerDelivery: DSYNC_BYTES_PER_DELIVERY } },
  { name: 'Cyrus replication', strategy: CYRUS_REAL, handMeasured: null },
];

export interface RealSystemFigures {
  readonly name: string;
  readonly bytesPerFlagChange: number;
  readonly bytesPerDelivery: number;
  /** Each figure's source: this report's runs on the real system, or the constant measured by hand. */
  readonly flagSource: 'measured' | 'hand-measured';
  readonly deliverySource: 'measured' | 'hand-measured';
  /** Runs of the real system in the report. */
  readonly runCount: number;
}

/**
 * Each real system's bytes from this report's runs of it; a figure no run measured falls back to
 * the hand-measured constant, and a system with neither is left out.
 */
export function realSystemFigures(results: readonly RunResult[]): RealSystemFigures[] {
  const out: RealSystemFigures[] = [];
  for (const system of REAL_SYSTEMS) {
    const runs = results.filter((result) => result.strategy === system.strategy);
    const flag = weightedMean(runs.map((run) => ({ value: run.metrics.wireBytesPerFlagChange, weight: run.metrics.flagChangeCount })));
    const delivery = weightedMean(runs.map((run) => ({ value: run.metrics.wireBytesPerDelivery, weight: run.metrics.deliveryCount })));
    const fallback = system.handMeasured;
    if ((flag === null || delivery === null) && fallback === null) continue;
    out.push({
      name: system.name,
      bytesPerFlagChange: flag === null ? (fallback?.bytesPerFlagChange ?? 0) : Math.round(flag),
      bytesPerDelivery: delivery === null ? (fallback?.bytesPerDelivery ?? 0) : Math.round(delivery),
      flagSource: flag === null ? 'hand-measured' : 'measured',
      deliverySource: delivery === null ? 'hand-measured' : 'measured',
      runCount: runs.length,
    });
  }
  return out;
}
