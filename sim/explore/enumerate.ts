/**
 * Stateless model checking: every schedule of a world within bounds, depth first. Each
 * schedule is a fresh run from the start with a prefix of choices (./trail.ts); after it, the
 * deepest decided draw with an untried alternative is advanced and the rest dropped. Pure:
 * the caller runs the world and gives the clock the budget is measured on.
 */
import { ChoiceTrail, SeenWorlds, type Choices, type TrailStep } from './trail.ts';

export interface EnumerateBounds {
  /** Branching draws enumerated per schedule. */
  readonly depth: number;
  /** Stop starting schedules once this much of `clockMs` has passed. */
  readonly budgetMs: number;
  /** Explore a world reached two ways once (./trail.ts). */
  readonly dedup: boolean;
  /** Decide only these components' draws (./policy.ts); absent: every component's. */
  readonly components?: readonly string[];
}

export interface EnumerateOutcome {
  readonly schedules: number;
  /** False when the budget ran out before every schedule ran. */
  readonly complete: boolean;
}

/** The next schedule's prefix after one that decided `steps`; null when none is left. */
export function nextPrefix(steps: readonly TrailStep[]): Choices | null {
  for (let at = steps.length - 1; at >= 0; at--) {
    const step = steps[at] as TrailStep;
    if (step.index !== null && step.index + 1 < step.arity) return [...steps.slice(0, at).map((s) => s.index), step.index + 1];
  }
  return null;
}

export interface Enumeration {
  readonly bounds: EnumerateBounds;
  readonly seen: SeenWorlds;
  readonly clockMs: () => number;
  readonly startMs: number;
}

export function startEnumeration(bounds: EnumerateBounds, clockMs: () => number): Enumeration {
  return { bounds, seen: new SeenWorlds(), clockMs, startMs: clockMs() };
}

/** What a schedule's runner answers: 'stop' ends the enumeration after it (incomplete). */
export type ScheduleVerdict = 'go-on' | 'stop';

/** Runs every schedule of one world (one fault placement) that the budget allows, or until `run` says stop. */
export async function enumerateSchedules(enumeration: Enumeration, run: (trail: ChoiceTrail) => Promise<ScheduleVerdict>): Promise<EnumerateOutcome> {
  const { bounds, seen, clockMs, startMs } = enumeration;
  let prefix: Choices | null = [];
  let schedules = 0;
  while (prefix !== null) {
    if (clockMs() - startMs >= bounds.budgetMs) return { schedules, complete: false };
    const trail = new ChoiceTrail({ prefix, depth: bounds.depth, seen, dedup: bounds.dedup, ...(bounds.components === undefined ? {} : { components: bounds.components }) });
    const verdict = await run(trail);
    schedules++;
    if (verdict === 'stop') return { schedules, complete: false };
    prefix = nextPrefix(trail.steps);
  }
  return { schedules, complete: true };
}
