/**
 * Where the file's faults land, as `mailsim explore` enumerates it. The fault list splits
 * into episodes: a partition, one-way cut or bridge with the heal after it, a crash with the
 * restart of its node after it, and any other fault alone. Each episode lands as written,
 * not at all, or moved (its duration kept) to each of a few points of the run; at most
 * `landedMax` episodes land. Repairs with no fault before them stay as written.
 */
import { assert, MailsimError } from '../../core/errors.ts';
import type { ScheduledFault } from '../config.ts';

/** The points of the run an episode may move to, as fractions of its duration. */
export const PLACEMENT_FRACTIONS = [1 / 3, 2 / 3] as const;
/** Placements enumerated at most: a long fault list must not turn into billions of runs. */
export const PLACEMENTS_MAX = 10_000;

interface Episode {
  readonly faults: readonly ScheduledFault[];
  /** A fault (not a repair alone): it counts against the landed bound and may be left out. */
  readonly disruptive: boolean;
}

function isRepair(fault: ScheduledFault): boolean {
  return fault.fault.kind === 'heal' || fault.fault.kind === 'restart';
}

/** The index of the repair that ends the fault at `start`, or -1. */
function repairOf(faults: readonly ScheduledFault[], start: number, used: ReadonlySet<number>): number {
  const head = (faults[start] as ScheduledFault).fault;
  return faults.findIndex((candidate, i) => {
    if (i <= start || used.has(i)) return false;
    if (head.kind === 'crash') return candidate.fault.kind === 'restart' && candidate.fault.node === head.node;
    return ['partition', 'one-way', 'bridge'].includes(head.kind) && candidate.fault.kind === 'heal';
  });
}

export function episodesOf(faults: readonly ScheduledFault[]): Episode[] {
  const used = new Set<number>();
  const episodes: Episode[] = [];
  faults.forEach((fault, i) => {
    if (used.has(i)) return;
    used.add(i);
    if (isRepair(fault)) return episodes.push({ faults: [fault], disruptive: false });
    const repair = repairOf(faults, i, used);
    if (repair >= 0) used.add(repair);
    return episodes.push({ faults: repair >= 0 ? [fault, faults[repair] as ScheduledFault] : [fault], disruptive: true });
  });
  return episodes;
}

/** Every way one episode can land: as written first, then left out, then moved. */
function episodeOptions(episode: Episode, durationMs: number): (readonly ScheduledFault[])[] {
  if (!episode.disruptive) return [episode.faults];
  const first = episode.faults[0] as ScheduledFault;
  const moved = PLACEMENT_FRACTIONS.map((fraction) => Math.floor(durationMs * fraction))
    .filter((atMs) => atMs !== first.atMs)
    // A repair moved past the run's end would strike in the quiescence phase, which heals everything.
    .map((atMs) => episode.faults.map((f) => ({ atMs: Math.min(durationMs - 1, atMs + (f.atMs - first.atMs)), fault: f.fault })));
  return [episode.faults, [], ...moved];
}

/** Every placement of the fault list with at most `landedMax` faults landing, the file's own first when it fits. */
export function faultPlacements(faults: readonly ScheduledFault[], landedMax: number, durationMs: number): ScheduledFault[][] {
  assert(Number.isInteger(landedMax) && landedMax >= 0, `landed faults bound must be a non-negative integer, got ${landedMax}`);
  let partial: { faults: ScheduledFault[]; landed: number }[] = [{ faults: [], landed: 0 }];
  for (const episode of episodesOf(faults)) {
    const next: typeof partial = [];
    for (const sofar of partial) {
      for (const option of episodeOptions(episode, durationMs)) {
        const landed = sofar.landed + (episode.disruptive && option.length > 0 ? 1 : 0);
        if (landed <= landedMax) next.push({ faults: [...sofar.faults, ...option], landed });
      }
    }
    if (next.length > PLACEMENTS_MAX) throw new MailsimError('E_EXPLORE_BOUNDS', `more than PLACEMENTS_MAX (${PLACEMENTS_MAX}) fault placements: lower --faults or shorten the fault list`, { placementsMax: PLACEMENTS_MAX });
    partial = next;
  }
  return partial.map((p) => [...p.faults].sort((a, b) => a.atMs - b.atMs));
}
