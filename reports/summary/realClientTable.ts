/**
 * What a split brain costs the people who read the mail, judged by real client programs: one
 * row per (strategy, programs) over the runs where a real client synced. Lost edits and
 * refused syncs are the price a strategy makes users pay; misapplied edits and duplicates
 * are damage (the real-clients checker calls them invalid).
 */
import type { RunResult } from '../../sim/resultTypes.ts';
import { compareStrings } from '../merge.ts';
import { groupBy, sum } from './aggregate.ts';
import { strategyRank } from './order.ts';

export interface RealClientRow {
  readonly strategy: string;
  /** The programs, joined: 'mbsync', 'offlineimap', 'mbsync+offlineimap'. */
  readonly programs: string;
  readonly runCount: number;
  readonly editCount: number;
  readonly editsLostPer1000Edits: number | null;
  readonly editsMisapplied: number;
  readonly syncsRefused: number;
  readonly duplicates: number;
  readonly redownloadKBPer1000Deliveries: number | null;
  readonly renumberedPer1000Deliveries: number | null;
  readonly uidValidityResetCount: number;
}

const per1000 = (count: number, of: number): number | null => (of === 0 ? null : (count * 1_000) / of);

export function realClientRows(results: readonly RunResult[]): RealClientRow[] {
  const withClients = results.filter((result) => (result.metrics.realClientPrograms ?? []).length > 0);
  const groups = groupBy(withClients, (result) => `${result.strategy}\u0000${(result.metrics.realClientPrograms ?? []).join('+')}`);
  const rows: RealClientRow[] = [];
  for (const runs of groups.values()) {
    const first = runs[0];
    if (first === undefined) continue;
    const edits = sum(runs.map((run) => run.metrics.realClientEditCount ?? 0));
    const deliveries = sum(runs.map((run) => run.metrics.deliveryCount));
    const redownloadKB = sum(runs.map((run) => run.metrics.realClientRedownloadBytes ?? 0)) / 1_000;
    rows.push({
      strategy: first.strategy,
      programs: (first.metrics.realClientPrograms ?? []).join('+'),
      runCount: runs.length,
      editCount: edits,
      editsLostPer1000Edits: per1000(sum(runs.map((run) => run.metrics.realClientEditsLost ?? 0)), edits),
      editsMisapplied: sum(runs.map((run) => run.metrics.realClientEditsMisapplied ?? 0)),
      syncsRefused: sum(runs.map((run) => run.metrics.realClientSyncsRefused ?? 0)),
      duplicates: sum(runs.map((run) => run.metrics.realClientDuplicates ?? 0)),
      redownloadKBPer1000Deliveries: per1000(redownloadKB, deliveries),
      renumberedPer1000Deliveries: per1000(sum(runs.map((run) => run.metrics.renumberedMessageCount)), deliveries),
      uidValidityResetCount: sum(runs.map((run) => run.metrics.uidValidityResetCount ?? run.metrics.uidValidityChangeCount)),
    });
  }
  return rows.sort((a, b) => strategyRank(a.strategy) - strategyRank(b.strategy) || compareStrings(a.strategy, b.strategy) || compareStrings(a.programs, b.programs));
}
