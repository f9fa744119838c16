/**
 * The results table of `mailsim bench find` as Markdown, written into a document between two
 * marker lines (docs/planted-bugs.md), so a rerun replaces the figures and nothing else.
 */
import { replaceMarkedSection } from '../markdownSection.ts';
import type { BugResult, FindFigures } from './findTypes.ts';

export const FIND_RESULTS_START = '<!-- bench find results: start (written by mailsim bench find --markdown) -->';
export const FIND_RESULTS_END = '<!-- bench find results: end -->';

/** A figure, or beyond the cap: `not found` when no start found the bug, else `>cap` (some starts did not). */
function seedsCell(value: number | null, bug: BugResult, cap: number): string {
  if (value !== null) return String(value);
  return bug.foundIn === 0 ? `not found within ${cap}` : `>${cap}`;
}

function row(bug: BugResult, cap: number): string {
  const perStart = bug.starts.map((s) => (s.seedsToDetection === null ? `>${cap}` : String(s.seedsToDetection))).join(', ');
  const caught = bug.caughtBy.length === 0 ? '-' : `${bug.caughtBy.join(', ')}${bug.expectedCheckerCaught ? '' : ` (expected ${bug.target})`}`;
  const replay = bug.replayCommand === null ? '-' : `\`${bug.replayCommand}\``;
  return `| \`${bug.name}\` | ${bug.layer} | ${seedsCell(bug.medianSeeds, bug, cap)} | ${seedsCell(bug.worstSeeds, bug, cap)} | ${perStart} | ${caught} | ${replay} |`;
}

/** The results section: how it was measured, the table, and the bugs no start found. */
export function findResultsMarkdown(figures: FindFigures): string {
  const missed = figures.bugs.filter((bug) => bug.foundIn === 0);
  const lines = [
    `Measured by \`mailsim bench find --cap ${figures.cap} --starts ${figures.startSeeds.length} --markdown docs/planted-bugs.md\`: ` +
      `${figures.scenario} from seeds ${figures.startSeeds.join(', ')}, up to ${figures.cap} seeds per start. ` +
      `${figures.runs} runs (the runs without the bug that check a detecting seed included) in ${(figures.wallMs / 1000).toFixed(0)} s on ${figures.jobs} workers, ` +
      `${figures.wallMsPerRun} ms of wall time per run, load average ${figures.loadAverage.join(' ')} on ${figures.cores} cores.`,
    '',
    '| planted bug | layer | seeds to find (median) | worst | per start | caught by | replay the first |',
    '|---|---|---|---|---|---|---|',
    ...figures.bugs.map((bug) => row(bug, figures.cap)),
    '',
  ];
  if (missed.length > 0) {
    lines.push(
      `Not found from any start within ${figures.cap} seeds: ${missed.map((bug) => `\`${bug.name}\``).join(', ')}. ` +
        'Each is a finding about the harness at this cap: swarm-5 does not reach the path the bug breaks, or no checker judges what it breaks there.',
      '',
    );
  }
  return lines.join('\n');
}

/** Replaces the section between the markers in `path` with the results. */
export async function writeFindMarkdown(path: string, figures: FindFigures): Promise<void> {
  await replaceMarkedSection(path, { option: '--markdown', startMarker: FIND_RESULTS_START, endMarker: FIND_RESULTS_END }, findResultsMarkdown(figures));
}
