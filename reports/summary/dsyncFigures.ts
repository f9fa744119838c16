/** Dovecot dsync's bytes per operation, shown beside ours in the efficiency charts. */
import type { RunResult } from '../../sim/resultTypes.ts';
import { weightedMean } from './aggregate.ts';
import { DSYNC_REAL } from './order.ts';

/**
 * Dovecot dsync, measured once by hand (docs/facts.md): stateful sync of 1,000 messages of about
 * 2 KB. The report shows them only where no run on real Dovecot measured its own, marked as such.
 */
export const DSYNC_BYTES_PER_FLAG_CHANGE = 49;
export const DSYNC_BYTES_PER_DELIVERY = 2_050;

export interface DsyncFigures {
  readonly bytesPerFlagChange: number;
  readonly bytesPerDelivery: number;
  /** Each figure's source: this report's runs on real Dovecot, or the constant measured by hand. */
  readonly flagSource: 'measured' | 'hand-measured';
  readonly deliverySource: 'measured' | 'hand-measured';
  /** Runs of `dsync (real)` in the report. */
  readonly runCount: number;
}

/** Real dsync's bytes from this report's stateful runs on Dovecot; each falls back to the hand-measured constant where no run had such operations. */
export function dsyncFigures(results: readonly RunResult[]): DsyncFigures {
  const runs = results.filter((result) => result.strategy === DSYNC_REAL);
  const flag = weightedMean(runs.map((run) => ({ value: run.metrics.wireBytesPerFlagChange, weight: run.metrics.flagChangeCount })));
  const delivery = weightedMean(runs.map((run) => ({ value: run.metrics.wireBytesPerDelivery, weight: run.metrics.deliveryCount })));
  return {
    bytesPerFlagChange: flag === null ? DSYNC_BYTES_PER_FLAG_CHANGE : Math.round(flag),
    bytesPerDelivery: delivery === null ? DSYNC_BYTES_PER_DELIVERY : Math.round(delivery),
    flagSource: flag === null ? 'hand-measured' : 'measured',
    deliverySource: delivery === null ? 'hand-measured' : 'measured',
    runCount: runs.length,
  };
}
