/**
 * `mailsim diff --markdown FILE`: the counts per class, per scenario file and pair of
 * backends, with each backend's verdicts and every unexplained difference, written between
 * two marker lines of a document (docs/diff.md), so the figures there come from the command
 * that measured them and a rerun replaces them.
 */
import { readMarkedDocument, replaceMarkedSection, type MarkedSection } from '../markdownSection.ts';
import { describeDifference, pairLabel, UNEXPLAINED } from './describe.ts';
import type { SeedDiff } from './runDiff.ts';

/**
 * The marker lines of the section for one list of scenario files: a document can hold one
 * section per list, so runs of different lengths (a slow file with fewer seeds) each write
 * their own.
 */
export function diffSection(files: readonly string[]): MarkedSection {
  const key = files.join(' ');
  return { option: '--markdown', startMarker: `<!-- diff results: start ${key} (written by mailsim diff --markdown) -->`, endMarker: `<!-- diff results: end ${key} -->` };
}

export interface DiffRunStamp {
  /** The command line that measured it, as a user would type it. */
  readonly command: string;
  readonly commit: string;
  readonly wallMs: number;
  readonly cores: number;
  readonly loadAverageStart: readonly number[];
  readonly loadAverageEnd: readonly number[];
}

const code = (text: string): string => `\`${text}\``;

function seedRange(seeds: readonly number[]): string {
  if (seeds.length === 0) return 'none';
  const sorted = [...seeds].sort((a, b) => a - b);
  const contiguous = sorted.every((seed, i) => i === 0 || seed === (sorted[i - 1] as number) + 1);
  return contiguous && sorted.length > 1 ? `${sorted[0]}-${sorted[sorted.length - 1]}` : sorted.join(', ');
}

function verdictCell(seeds: readonly SeedDiff[], replica: string): string {
  const runs = seeds.flatMap((seed) => seed.runs.filter((run) => run.replica === replica));
  const invalid = runs.filter((run) => run.verdict === 'invalid').length;
  const failed = [...new Set(runs.flatMap((run) => run.failedChecks ?? []))].sort();
  const meanS = runs.reduce((sum, run) => sum + run.wallMs, 0) / Math.max(1, runs.length) / 1000;
  return `${runs.length - invalid} valid, ${invalid} invalid${failed.length > 0 ? ` (${failed.join(', ')})` : ''}; ${meanS.toFixed(1)} s a run`;
}

function fileSection(file: string, seeds: readonly SeedDiff[]): string[] {
  const replicas = [...new Set(seeds.flatMap((seed) => seed.runs.map((run) => run.replica)))];
  const pairs = [...new Set(seeds.flatMap((seed) => seed.pairs.map((pair) => pairLabel(pair.reference, pair.other))))];
  const counts = new Map<string, Map<string, number>>();
  for (const seed of seeds) {
    for (const pair of seed.pairs) {
      const byClass = counts.get(pairLabel(pair.reference, pair.other)) ?? new Map<string, number>();
      for (const { diffClass } of pair.differences) byClass.set(diffClass ?? UNEXPLAINED, (byClass.get(diffClass ?? UNEXPLAINED) ?? 0) + 1);
      counts.set(pairLabel(pair.reference, pair.other), byClass);
    }
  }
  const classes = [...new Set([...counts.values()].flatMap((byClass) => [...byClass.keys()]))].sort((a, b) => (a === UNEXPLAINED ? 1 : b === UNEXPLAINED ? -1 : a < b ? -1 : 1));
  const lines = [`### ${code(file)}, seeds ${seedRange(seeds.map((seed) => seed.seed))}`, '', '| backend | runs |', '|---|---|'];
  for (const replica of replicas) lines.push(`| ${code(replica)} | ${verdictCell(seeds, replica)} |`);
  lines.push('', `| pair | ${classes.map(code).join(' | ')} |`, `|---|${classes.map(() => '---:').join('|')}|`);
  for (const pair of pairs) lines.push(`| ${pair} | ${classes.map((label) => String(counts.get(pair)?.get(label) ?? 0)).join(' | ')} |`);
  const unexplained = seeds.flatMap((seed) =>
    seed.pairs.flatMap((pair) =>
      pair.differences
        .filter((d) => d.diffClass === null)
        .map((d) => `- seed ${seed.seed}, ${pairLabel(pair.reference, pair.other)}: ${describeDifference(d.difference, pair.reference, pair.other)}; replay ${code(seed.runs.find((run) => run.replica === pair.other)?.replayCommand ?? '')}`),
    ),
  );
  if (unexplained.length > 0) lines.push('', 'Unexplained:', '', ...unexplained);
  lines.push('');
  return lines;
}

/** The results section: how it was measured, then one part per scenario file. */
export function diffResultsMarkdown(seeds: readonly SeedDiff[], stamp: DiffRunStamp): string {
  const files = [...new Set(seeds.map((seed) => seed.file))];
  const load = (values: readonly number[]): string => values.join(', ');
  const lines = [
    `Measured by ${code(stamp.command)} at commit ${code(stamp.commit)}, ${(stamp.wallMs / 60_000).toFixed(1)} min on ${stamp.cores} cores, load average ${load(stamp.loadAverageStart)} at the start and ${load(stamp.loadAverageEnd)} at the end. ` +
      'Counts are differences between the reference (`git`) and each real backend, over every seed; a class is explained in the table above.',
    '',
    ...files.flatMap((file) => fileSection(file, seeds.filter((seed) => seed.file === file))),
  ];
  return lines.join('\n');
}

/** Refuses a document with no section for these files before any run starts. */
export async function checkDiffMarkdown(path: string, files: readonly string[]): Promise<void> {
  await readMarkedDocument(path, diffSection(files));
}

export async function writeDiffMarkdown(path: string, files: readonly string[], seeds: readonly SeedDiff[], stamp: DiffRunStamp): Promise<void> {
  await replaceMarkedSection(path, diffSection(files), diffResultsMarkdown(seeds, stamp));
}
