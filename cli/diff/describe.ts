/**
 * `mailsim diff`'s report: one block per scenario and seed (each backend's verdict and wall
 * time, where its workload parted from the reference's, the differences counted by class,
 * every unexplained one with its replay command), then the counts per class over all seeds.
 */
import { EXIT_AS_EXPECTED, EXIT_NOT_AS_EXPECTED } from '../commands/exitCodes.ts';
import type { Difference } from './compare.ts';
import type { SeedDiff } from './runDiff.ts';

/** Label of the differences no class explains, in counts. */
export const UNEXPLAINED = 'unexplained';

export interface DiffTotals {
  /** `reference vs other` -> class (or `unexplained`) -> count. */
  readonly byPair: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** backend -> wall time of each of its runs, ms. */
  readonly wallMsByReplica: Readonly<Record<string, readonly number[]>>;
  readonly unexplainedCount: number;
}

/** 0 when a class explains every difference, 1 when one is left unexplained. */
export function diffExitCode(totals: DiffTotals): number {
  return totals.unexplainedCount === 0 ? EXIT_AS_EXPECTED : EXIT_NOT_AS_EXPECTED;
}

export function pairLabel(reference: string, other: string): string {
  return `${reference} vs ${other}`;
}

export function diffTotals(seeds: readonly SeedDiff[]): DiffTotals {
  const byPair: Record<string, Record<string, number>> = {};
  const wallMsByReplica: Record<string, number[]> = {};
  let unexplainedCount = 0;
  for (const seed of seeds) {
    for (const run of seed.runs) (wallMsByReplica[run.replica] ??= []).push(run.wallMs);
    for (const pair of seed.pairs) {
      const counts = (byPair[pairLabel(pair.reference, pair.other)] ??= {});
      for (const { diffClass } of pair.differences) {
        const label = diffClass ?? UNEXPLAINED;
        counts[label] = (counts[label] ?? 0) + 1;
        if (diffClass === null) unexplainedCount++;
      }
    }
  }
  return { byPair, wallMsByReplica, unexplainedCount };
}

/** One line naming what differs. */
export function describeDifference(difference: Difference, reference: string, other: string): string {
  switch (difference.kind) {
    case 'presence':
    case 'duplicates':
      return `${difference.kind} ${difference.messageId}: ${difference.reference} cop${plural(difference.reference)} on ${reference}, ${difference.other} on ${other}`;
    case 'mailbox':
      return `mailbox ${difference.messageId}: ${difference.reference.join(',')} on ${reference}, ${difference.other.join(',')} on ${other}`;
    case 'flags':
      return `flags ${difference.messageId} in ${difference.mailbox}: ${flagList(difference.reference)} on ${reference}, ${flagList(difference.other)} on ${other}`;
    case 'renumbered':
      return `renumbered ${difference.messageId} in ${difference.mailbox}: ${yesNo(difference.reference)} on ${reference}, ${yesNo(difference.other)} on ${other}`;
    case 'uid-order':
      return `uid-order in ${difference.mailbox}: ${difference.messageId} before ${difference.otherMessageId} on ${reference}, after it on ${other}`;
    case 'uidvalidity':
      return `uidvalidity of ${difference.mailbox} changed: ${yesNo(difference.reference)} on ${reference}, ${yesNo(difference.other)} on ${other}`;
    case 'replicas':
      return `replicas agree: ${yesNo(difference.reference)} on ${reference}, ${yesNo(difference.other)} on ${other}`;
    case 'verdict':
      return `verdict of ${difference.check}: ${difference.reference} on ${reference}, ${difference.other} on ${other}: ${difference.explanation}`;
  }
}

function plural(count: number): string {
  return count === 1 ? 'y' : 'ies';
}

function flagList(flags: readonly string[]): string {
  return flags.length === 0 ? '(none)' : flags.join(' ');
}

function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}

export function describeSeed(seed: SeedDiff): string {
  const lines = [`${seed.file} seed ${seed.seed}`];
  for (const run of seed.runs) {
    const parts = run.workloadPartsAt === null ? '' : `, workload parts from the reference's at client request ${run.workloadPartsAt + 1}`;
    lines.push(`  ${run.replica.padEnd(11)} ${run.verdict}, ${(run.wallMs / 1000).toFixed(1)} s${parts}`);
  }
  for (const pair of seed.pairs) {
    const counts = new Map<string, number>();
    for (const { diffClass } of pair.differences) counts.set(diffClass ?? UNEXPLAINED, (counts.get(diffClass ?? UNEXPLAINED) ?? 0) + 1);
    const summary = counts.size === 0 ? 'no differences' : [...counts].map(([label, count]) => `${label} ${count}`).join(', ');
    lines.push(`  ${pairLabel(pair.reference, pair.other)}: ${summary}`);
    const replay = seed.runs.find((run) => run.replica === pair.other)?.replayCommand ?? '';
    for (const { difference, diffClass } of pair.differences) {
      if (diffClass !== null) continue;
      lines.push(`    UNEXPLAINED ${describeDifference(difference, pair.reference, pair.other)}`);
      lines.push(`      replay: ${replay}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function describeTotals(totals: DiffTotals, seedCount: number): string {
  const lines = [`over ${seedCount} scenario seed(s):`];
  for (const [pair, counts] of Object.entries(totals.byPair)) {
    const entries = Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1));
    lines.push(`  ${pair}: ${entries.length === 0 ? 'no differences' : entries.map(([label, count]) => `${label} ${count}`).join(', ')}`);
  }
  for (const [replica, times] of Object.entries(totals.wallMsByReplica)) {
    const meanMs = times.reduce((sum, ms) => sum + ms, 0) / times.length;
    lines.push(`  ${replica.padEnd(11)} ${times.length} run(s), ${(meanMs / 1000).toFixed(1)} s each on average`);
  }
  lines.push(totals.unexplainedCount === 0 ? 'every difference is explained' : `${totals.unexplainedCount} difference(s) no class explains`);
  return `${lines.join('\n')}\n`;
}
