/**
 * The explore half of `mailsim bench find`: for each planted bug, `mailsim explore` on the
 * library's smallest world with the bug on, stopped at the first schedule that is not as
 * expected. A bug found there is found by enumeration, not by luck of the seed; one not found
 * within the bounds is a finding about the world or the bounds.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scenarioLibraryPath } from '../packageRoot.ts';
import { exploreWorld } from '../commands/explore.ts';
import type { ExploreFind, FindExploreBounds } from './findTypes.ts';

/** The library's smallest world: two servers, one partition, a few client operations, one crash. */
export const FIND_EXPLORE_SCENARIO = 'explore-two-servers.yaml';
/** Enumeration bounds: explore's own defaults. */
const EXPLORE_DEPTH = 10;
const EXPLORE_FAULTS = 2;

export function findExploreBounds(budgetS: number): FindExploreBounds {
  return { scenario: join(scenarioLibraryPath(), FIND_EXPLORE_SCENARIO), depth: EXPLORE_DEPTH, faults: EXPLORE_FAULTS, budgetS };
}

/** Explores the small world with `bug` on until the first schedule not as expected, or the bounds or budget end. */
export async function exploreForBug(bug: string, bounds: FindExploreBounds): Promise<ExploreFind> {
  const out = await mkdtemp(join(tmpdir(), 'mailsim-bench-find-explore-'));
  try {
    const { summary } = await exploreWorld(bounds.scenario, {
      set: [`mutant=${bug}`],
      depth: bounds.depth,
      faults: bounds.faults,
      budgetS: bounds.budgetS,
      dedup: true,
      out,
      stopAtFirstFailure: true,
    });
    return { schedules: summary.schedules, foundAtSchedule: summary.firstFailureSchedule, complete: summary.complete, elapsedS: summary.elapsedS, errors: summary.errors };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}
