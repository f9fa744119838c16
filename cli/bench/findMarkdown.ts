/**
 * The results table of `mailsim bench find` as Markdown, written into a document between two
 * marker lines (docs/planted-bugs.md), so a rerun replaces the figures and nothing else.
 */
import { replaceMarkedSection } from '../markdownSection.ts';
import type { BugResult, FindFigures } from './findTypes.ts';

export const FIND_RESULTS_START = '<!-- bench find results: start (written by mailsim bench find --markdown) -->';
export const FIND_RESULTS_END = '<!-- bench find results: end -->';

/** What explore found, in a few words (also the Markdown cell). */
export function exploreCell(found: NonNullable<BugResult['explore']>): string {
  if (found.foundAtSchedule !== null) return `schedule ${found.foundAtSchedule}`;
  const why = found.complete ? 'every schedule within the bounds' : 'budget reached';
  return `not found in ${found.schedules} schedules (${why}${found.errors > 0 ? `, ${found.errors} errors` : ''})`;
}

/** A figure, or beyond the cap: `not found` when no start found the bug, else `>cap` (some starts did not). */
function seedsCell(value: number | null, bug: BugResult, cap: number): string {
  if (value !== null) return String(value);
  return bug.foundIn === 0 ? `not found within ${cap}` : `>${cap}`;
}

function row(bug: BugResult, cap: number, withExplore: boolean): string {
  const perStart = bug.starts.map((s) => (s.seedsToDetection === null ? `>${cap}` : String(s.seedsToDetection))).join(', ');
  const caught = bug.caughtBy.length === 0 ? '-' : `${bug.caughtBy.join(', ')}${bug.expectedCheckerCaught ? '' : ` (expected ${bug.target})`}`;
  const replay = bug.replayCommand === null ? '-' : `\`${bug.replayCommand}\``;
  const probes = bug.probesHit.length === 0 ? '-' : bug.probesHit.map((name) => `\`${name}\``).join(', ');
  const explored = withExplore ? ` ${bug.explore === undefined ? '-' : exploreCell(bug.explore)} |` : '';
  return `| \`${bug.name}\` | ${bug.layer} | ${seedsCell(bug.medianSeeds, bug, cap)} | ${seedsCell(bug.worstSeeds, bug, cap)} | ${perStart} | ${caught} | ${probes} | ${replay} |${explored}`;
}

/** The results section: how it was measured, the table, and the bugs no start found. */
export function findResultsMarkdown(figures: FindFigures): string {
  const missed = figures.bugs.filter((bug) => bug.foundIn === 0);
  const { explore } = figures;
  const lines = [
    `Measured by \`mailsim bench find --cap ${figures.cap} --starts ${figures.startSeeds.length}${explore === undefined ? '' : ` --explore-budget-s ${explore.budgetS}`} --markdown docs/planted-bugs.md\`: ` +
      `${figures.scenario} from seeds ${figures.startSeeds.join(', ')}, up to ${figures.cap} seeds per start. ` +
      `${figures.runs} runs (the runs without the bug that check a detecting seed included) in ${(figures.wallMs / 1000).toFixed(0)} s on ${figures.jobs} workers, ` +
      `${figures.wallMsPerRun} ms of wall time per run, load average ${figures.loadAverage.join(' ')} on ${figures.cores} cores` +
      `${figures.code?.commit ? `, at commit \`${figures.code.commit}\`` : ''}.`,
    ...(explore === undefined
      ? []
      : [
          '',
          `Explore: \`mailsim explore ${explore.scenario} --set mutant=<bug> --depth ${explore.depth} --faults ${explore.faults} --budget-s ${explore.budgetS} --stop-at-first-failure\` for each bug (the library's smallest world), in the same run: the schedule at which it first was not as expected.`,
        ]),
    '',
    `| planted bug | layer | seeds to find (median) | worst | per start | caught by | probes its run hit | replay the first |${explore === undefined ? '' : ' explore finds it at |'}`,
    `|---|---|---|---|---|---|---|---|${explore === undefined ? '' : '---|'}`,
    ...figures.bugs.map((bug) => row(bug, figures.cap, explore !== undefined)),
    '',
  ];
  const unfound = explore === undefined ? missed : missed.filter((bug) => bug.explore?.foundAtSchedule == null);
  if (explore !== undefined && unfound.length < missed.length) {
    lines.push(`Found by explore but by no start of the sweep: ${missed.filter((bug) => !unfound.includes(bug)).map((bug) => `\`${bug.name}\``).join(', ')}.`, '');
  }
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
