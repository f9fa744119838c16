/** What `mailsim bench find` reports (cli/bench/find.ts), as --json prints it. Types only. */
import type { CodeIdentity } from '../../sim/resultTypes.ts';

/** One search: one bug from one starting seed. */
export interface StartResult {
  readonly start: number;
  /** Seeds run up to and including the one that found the bug; null: not within the cap. */
  readonly seedsToDetection: number | null;
  readonly seed: number | null;
  /** The checks that failed the detecting run. */
  readonly caughtBy: readonly string[];
  /** The coverage probes the detecting run hit (core/probes.ts), by name. */
  readonly probesHit: readonly string[];
  /** Seeds that failed with the bug but also without it, so they did not count. */
  readonly failsWithoutBug: readonly number[];
}

export interface BugResult {
  readonly name: string;
  readonly layer: string;
  readonly target: string;
  readonly description: string;
  readonly starts: readonly StartResult[];
  /** Over the starts; null when it is beyond the cap (more than half, or any, were not found). */
  readonly medianSeeds: number | null;
  readonly worstSeeds: number | null;
  readonly foundIn: number;
  /** The checks of the first detection, in start order; [] when none. */
  readonly caughtBy: readonly string[];
  /** The probes the first detection's run hit; [] when none was found. */
  readonly probesHit: readonly string[];
  readonly expectedCheckerCaught: boolean;
  /** The command that replays the first detection, in start order. */
  readonly replayCommand: string | null;
  /** `mailsim explore` on the smallest world with the bug on; absent without --explore-budget-s. */
  readonly explore?: ExploreFind;
}

/** What explore found for one bug. */
export interface ExploreFind {
  /** Schedules run (up to and including the first not as expected). */
  readonly schedules: number;
  /** The 1-based schedule that first was not as expected; null: none within the bounds. */
  readonly foundAtSchedule: number | null;
  /** Every schedule within the bounds ran (no find, no budget end). */
  readonly complete: boolean;
  readonly elapsedS: number;
  /** Schedules that stopped with an error instead of a verdict. */
  readonly errors: number;
}

export interface FindExploreBounds {
  readonly scenario: string;
  readonly depth: number;
  readonly faults: number;
  /** Wall-clock budget per bug. */
  readonly budgetS: number;
}

export interface FindFigures {
  /** The code the runs ran (commit, source hash); absent from figures written before it was recorded. */
  readonly code?: CodeIdentity;
  readonly scenario: string;
  readonly cap: number;
  readonly startSeeds: readonly number[];
  readonly jobs: number;
  readonly cores: number;
  readonly runs: number;
  readonly wallMs: number;
  /** Wall time over runs: what one more seed costs the whole bench on this machine now. */
  readonly wallMsPerRun: number;
  /** Mean wall time of one run in its worker. */
  readonly runWallMsMean: number;
  readonly loadAverage: readonly number[];
  readonly bugs: readonly BugResult[];
  /** The explore bounds, when explore ran too. */
  readonly explore?: FindExploreBounds;
}
