/** The runs whose timelines the report draws. */
import type { RunResult, Timeline, Verdict } from '../../sim/resultTypes.ts';
import { runKey } from '../merge.ts';
import { idOf, isUnexpected } from './aggregate.ts';

export const TIMELINES_FAILING_MAX = 8;
export const TIMELINES_OTHER_MAX = 3;

export interface TimelineRun {
  readonly id: string;
  readonly key: string;
  readonly scenarioName: string;
  readonly strategy: string;
  readonly seed: number;
  readonly verdict: Verdict;
  readonly expect: 'valid' | 'invalid';
  readonly unexpected: boolean;
  readonly replayCommand: string;
  readonly timeline: Timeline;
}

/** Failing runs first (unexpected verdicts), then a few others from different scenarios. */
export function selectTimelines(results: readonly RunResult[], ids: ReadonlyMap<RunResult, string>): TimelineRun[] {
  const withTimeline = results.filter((result) => result.timeline !== undefined);
  const failing = withTimeline.filter(isUnexpected).slice(0, TIMELINES_FAILING_MAX);
  const others: RunResult[] = [];
  const seenScenarios = new Set<string>();
  for (const result of withTimeline) {
    if (others.length >= TIMELINES_OTHER_MAX) break;
    if (isUnexpected(result) || seenScenarios.has(result.scenarioName)) continue;
    seenScenarios.add(result.scenarioName);
    others.push(result);
  }
  return [...failing, ...others].map((result) => ({
    id: idOf(ids, result),
    key: runKey(result),
    scenarioName: result.scenarioName,
    strategy: result.strategy,
    seed: result.seed,
    verdict: result.verdict,
    expect: result.expect,
    unexpected: isUnexpected(result),
    replayCommand: result.replayCommand,
    timeline: result.timeline as Timeline,
  }));
}
