/** The price of stable UIDs table: one row per (scenario, strategy) where a scenario ran under several real strategies. */
import type { RunResult } from '../../sim/resultTypes.ts';
import { leaseBytesOf, replicationBytesOf } from '../../sim/wireKinds.ts';
import { compareStrings } from '../merge.ts';
import { groupBy, sum, weightedMean } from './aggregate.ts';
import { CONTROL_STRATEGIES, sortStrategies } from './order.ts';

/** What stable UIDs cost, per scenario that ran under more than one real strategy: one row per (scenario, strategy). */
export interface PriceRow {
  readonly scenarioName: string;
  readonly strategy: string;
  readonly runCount: number;
  readonly deliveryCount: number;
  /** Deliveries stored with no UID yet (invisible until an owner with a lease assigns one), per 1,000 deliveries. */
  readonly deferredPer1000Deliveries: number | null;
  readonly visibilityDelayMsMean: number | null;
  /** The highest per-run p99 of the runs. */
  readonly visibilityDelayMsP99: number | null;
  readonly visibilityDelayMsMax: number | null;
  /** Owner-lease messages, bytes per second per server (mean over runs). */
  readonly leaseBytesPerSecPerServer: number | null;
  /** Lease bytes over replication bytes (pushes and acks), over the runs. */
  readonly leaseShareOfReplication: number | null;
  readonly renumberedPer1000Deliveries: number | null;
  readonly uidValidityResetCount: number;
}

export function priceRows(results: readonly RunResult[]): PriceRow[] {
  const real = results.filter((result) => !CONTROL_STRATEGIES.includes(result.strategy));
  const byScenario = groupBy(real, (result) => result.scenarioName);
  const rows: PriceRow[] = [];
  for (const scenarioName of [...byScenario.keys()].sort(compareStrings)) {
    const runs = byScenario.get(scenarioName) ?? [];
    const byStrategy = groupBy(runs, (result) => result.strategy);
    if (byStrategy.size < 2) continue;
    for (const strategy of sortStrategies(byStrategy.keys())) {
      const group = byStrategy.get(strategy) ?? [];
      const deliveries = sum(group.map((run) => run.metrics.deliveryCount));
      const per1000 = (count: number) => (deliveries === 0 ? null : (count * 1_000) / deliveries);
      const p99s = group.map((run) => run.metrics.visibilityDelayMsP99 ?? null).filter((value): value is number => value !== null);
      const maxes = group.map((run) => run.metrics.visibilityDelayMsMax).filter((value): value is number => value !== null);
      const lease = group.map((run) => run.metrics.leaseBytesPerSecPerServer).filter((value): value is number => typeof value === 'number');
      const replication = sum(group.map((run) => replicationBytesOf(run.metrics.wireBytesByKind)));
      const leaseBytes = sum(group.map((run) => leaseBytesOf(run.metrics.wireBytesByKind)));
      rows.push({
        scenarioName,
        strategy,
        runCount: group.length,
        deliveryCount: deliveries,
        deferredPer1000Deliveries: per1000(sum(group.map((run) => run.metrics.deferredDeliveryCount))),
        visibilityDelayMsMean: weightedMean(group.map((run) => ({ value: run.metrics.visibilityDelayMsMean, weight: run.metrics.deferredDeliveryCount }))),
        visibilityDelayMsP99: p99s.length === 0 ? null : Math.max(...p99s),
        visibilityDelayMsMax: maxes.length === 0 ? null : Math.max(...maxes),
        leaseBytesPerSecPerServer: lease.length === 0 ? null : sum(lease) / lease.length,
        leaseShareOfReplication: replication === 0 ? null : leaseBytes / replication,
        renumberedPer1000Deliveries: per1000(sum(group.map((run) => run.metrics.renumberedMessageCount))),
        uidValidityResetCount: sum(group.map((run) => run.metrics.uidValidityResetCount ?? run.metrics.uidValidityChangeCount)),
      });
    }
  }
  return rows;
}
