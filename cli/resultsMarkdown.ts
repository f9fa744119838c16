/**
 * docs/results.md from what `mailsim results` read: a pure function of the parsed inputs and
 * the stamp (commit, date, machine), so the file is the same for the same inputs.
 */
import { EXPLORE_TARGET_FAULTS_MIN, EXPLORE_WALL_SECONDS_MAX, meetsTarget, MUTATION_SCORE_CHECKERS_MIN_PERCENT, MUTATION_SCORE_MERGE_FILE_MIN_PERCENT, MUTATION_SCORE_MERGE_MIN_PERCENT, type Target } from './bench/targets.ts';
import { BENCHES, benchCommand, type BenchSpec, type FigureValue, type JsonObject } from './resultsCatalogue.ts';
import { MERGE_SCOPE, UNEXPECTED_RUNS_LISTED_MAX, type MutationScore, type RunSetSummary } from './resultsRuns.ts';
import { DISK_FAULT_KINDS } from '../sim/faultKinds.ts';
import type { ExploreSummary } from './commands/explore.ts';

export interface ResultsStamp {
  /** `git rev-parse HEAD`, or 'no git'. */
  readonly commit: string;
  readonly dateIso: string;
  readonly cores: number;
  readonly memoryBytes: number;
  readonly loadAverageStart: readonly number[];
  readonly loadAverageEnd: readonly number[];
}

/** Where one figure set came from: its file in the input folder and the command that wrote it. */
export interface InputSource {
  readonly file: string;
  /** The exact command, from the `<file>.command` beside it; null when none was recorded. */
  readonly command: string | null;
}

type ExploreStampKeys = 'code' | 'cores' | 'loadAverageStart' | 'loadAverageEnd';
/** An `explore --json` summary; one written before explore stamped its summaries lacks the stamp. */
export type ExploreFigures = Omit<ExploreSummary, ExploreStampKeys> & Partial<Pick<ExploreSummary, ExploreStampKeys>>;

export interface ResultsInputs {
  readonly stamp: ResultsStamp;
  readonly benches: readonly (InputSource & { readonly name: string; readonly figures: JsonObject })[];
  /** One per `explore-*.json`, in file name order. */
  readonly explores: readonly (InputSource & { readonly summary: ExploreFigures })[];
  readonly runSets: readonly (InputSource & { readonly summary: RunSetSummary })[];
  readonly mutation: (InputSource & { readonly scores: readonly MutationScore[] }) | null;
}

export const RESULTS_TITLE = '# Measured results';
const NOT_MEASURED = 'not measured in this run';
const NOT_MEASURED_SENTENCE = 'Not measured in this run';
const SUITE_COMMAND = 'npx mailsim suite --full';
const MUTATION_COMMAND = 'npm run mutation';
/** The small world the explore target is about, and the command that measures it. */
const EXPLORE_WORLD_FILE = 'explore-two-servers.yaml';
const EXPLORE_COMMAND = `npx mailsim explore scenarios/${EXPLORE_WORLD_FILE} --depth 10 --faults 2 --json > DIR/explore-two-servers-depth10.json`;

/** 12345.678 -> '12,345.68'; booleans as yes/no. */
export function formatValue(value: FigureValue, unit: string): string {
  if (value === null) return '-';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string') return value;
  const text = value.toLocaleString('en-US', { maximumFractionDigits: 2 });
  if (unit === '') return text;
  return unit === 'x' || unit === '/s' || unit === '%' ? `${text}${unit}` : `${text} ${unit}`;
}

function targetText(target: Target, unit: string): string {
  const sign = target.atMost ? (target.strict === true ? '<' : '<=') : target.strict === true ? '>' : '>=';
  return `${sign} ${formatValue(target.bound, unit)}`;
}

function metText(value: FigureValue, target: Target | undefined): string {
  if (target === undefined) return '';
  if (typeof value !== 'number') return '-';
  return meetsTarget(value, target) ? 'met' : '**missed**';
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const row = (cells: readonly string[]): string => `| ${cells.map(cell).join(' | ')} |`;
const table = (header: readonly string[], rows: readonly (readonly string[])[]): string[] => [row(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(row)];
const code = (text: string): string => `\`${text}\``;

function commandLine(source: InputSource): string {
  return source.command === null ? `Input ${code(source.file)} (its command was not recorded).` : `Measured by ${code(source.command)}.`;
}

function header(stamp: ResultsStamp): string[] {
  const load = (values: readonly number[]): string => values.map((value) => value.toFixed(2)).join(', ');
  const memoryGb = (stamp.memoryBytes / 1e9).toFixed(1);
  return [
    RESULTS_TITLE,
    '',
    'Written by `mailsim results` from the JSON the benches and sweeps wrote; `npm run results` measures the quick forms of the benches and regenerates this file. Do not edit it by hand. Wall-clock rates on a shared machine move by 10-20% from run to run; a ratio against a reference measured in the same run holds better. What each figure means and why the targets are what they are: [design-notes.md](design-notes.md).',
    '',
    ...table(['', ''], [
      ['commit', stamp.commit === 'no git' ? 'no git' : code(stamp.commit)],
      ['date', stamp.dateIso],
      ['machine', `${stamp.cores} cores, ${memoryGb} GB memory`],
      ['load average (1, 5, 15 min) at start', load(stamp.loadAverageStart)],
      ['load average (1, 5, 15 min) at end', load(stamp.loadAverageEnd)],
    ]),
    ...(busy(stamp) ? ['', `**The machine was busy**: its load average was above its ${stamp.cores} cores. Wall-clock rates here are far below what a quiet machine gives; byte counts, CPU-time figures and ratios against a reference measured in the same run are not affected as much.`] : []),
  ];
}

/** Other work ran beside the measurements: a 1-minute load average above the core count at start or end. */
export function busy(stamp: ResultsStamp): boolean {
  return Math.max(stamp.loadAverageStart[0] ?? 0, stamp.loadAverageEnd[0] ?? 0) > stamp.cores;
}

/** The 1-minute load average a bench recorded when it finished (an array from node:os, or one number). */
function benchLoad(figures: JsonObject): FigureValue {
  const load = figures.loadAverage;
  const first = Array.isArray(load) ? (load[0] as unknown) : load;
  return typeof first === 'number' ? Math.round(first * 100) / 100 : null;
}

/** The flat objects of an array (a bench's `cases`) as a table, their keys as columns, under `title`. */
function detailTable(figures: JsonObject, path: string, title: string): string[] {
  const items = figures[path];
  if (!Array.isArray(items) || items.length === 0) return [];
  const objects = items.filter((item): item is Record<string, unknown> => item !== null && typeof item === 'object');
  const keys = [...new Set(objects.flatMap((item) => Object.keys(item).filter((key) => typeof item[key] !== 'object')))];
  const shown = (value: unknown): string => (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' ? formatValue(value, '') : '-');
  return ['', title, '', ...table(keys, objects.map((item) => keys.map((key) => shown(item[key]))))];
}

function benchSection(spec: BenchSpec, input: ResultsInputs['benches'][number] | undefined): string[] {
  const skipped = input?.figures.skipped;
  const source = input === undefined
    ? `${NOT_MEASURED_SENTENCE}: ${code(benchCommand(spec.name))} measures it.`
    : typeof skipped === 'string' ? `${commandLine(input)} ${NOT_MEASURED_SENTENCE}: the bench was skipped (${skipped}).` : commandLine(input);
  const figures = input?.figures ?? {};
  const rows = spec.figures.map((figure) => {
    const value = figure.read(figures);
    return [figure.label, value === null ? NOT_MEASURED : formatValue(value, figure.unit), figure.target === undefined ? '' : targetText(figure.target, figure.unit), metText(value, figure.target)];
  });
  const load = benchLoad(figures);
  if (load !== null) rows.push(['load average (1 min) when the bench finished', formatValue(load, ''), '', '']);
  const details = spec.detailPath === undefined ? [] : detailTable(figures, spec.detailPath, spec.detailTitle ?? 'Every case:');
  return ['', `## ${spec.title} (${code(`mailsim bench ${spec.name}`)})`, '', spec.about, '', source, '', ...table(['figure', 'measured', 'target', 'met?'], rows), ...details];
}

function runSetSection(input: ResultsInputs['runSets'][number]): string[] {
  const s = input.summary;
  const seeds = s.seedMin === null ? '-' : s.seedMin === s.seedMax ? String(s.seedMin) : `${s.seedMin}-${s.seedMax}`;
  const disk = DISK_FAULT_KINDS.filter((kind) => (s.faultsByKind[kind] ?? 0) > 0).map((kind) => `${kind} ${formatValue(s.faultsByKind[kind] ?? 0, '')}`);
  const rows: string[][] = [
    ['made at commit', s.commits.length === 0 ? 'not recorded' : s.commits.map(code).join(', ')],
    ['runs', formatValue(s.runs, '')],
    ['scenario files, seeds', `${s.scenarioCount}, ${seeds}`],
    ['runs as their file expects', formatValue(s.asExpected, '')],
    ['of them expected invalid and caught (controls, known findings)', formatValue(s.expectedInvalidCaught, '')],
    ['verdicts', Object.entries(s.verdicts).map(([verdict, count]) => `${verdict} ${count}`).join(', ')],
    ['client operations', formatValue(s.clientOps, '')],
    ['bytes on the wire per client operation', formatValue(s.wireBytesPerOp, 'B')],
    ['bytes per flag change (weighted by flag changes)', formatValue(s.wireBytesPerFlagChange, 'B')],
    ['bytes per delivery (weighted by deliveries)', formatValue(s.wireBytesPerDelivery, 'B')],
    ['distinct merge commits per client commit', formatValue(s.mergeCommitsPerClientCommit, '')],
    ['messages renumbered per 1,000 deliveries', formatValue(s.renumberedPer1000Deliveries, '')],
    ['UIDVALIDITY resets', formatValue(s.uidValidityResets, '')],
    ...(disk.length > 0 ? [['disk faults that struck (from the runs\' timelines)', disk.join(', ')]] : []),
  ];
  const judged = s.judged.map((row) => [row.name, `${formatValue(row.judgedRunCount, '')} of ${formatValue(row.runCount, '')}`, `${formatValue(row.judgedTotal, '')} ${row.judgedWhat}`, formatValue(row.validCount, '')]);
  const lines = ['', `### ${code(input.file)}`, '', commandLine(input), '', ...table(['', ''], rows),
    '', 'What each checker judged (a check with nothing to judge says not-applicable, never valid):', '', ...table(['checker', 'runs that judged something', 'judged in all', 'valid'], judged)];
  if (s.probes !== null) {
    const never = s.probes.filter((probe) => probe.runs === 0).map((probe) => code(probe.name));
    lines.push('', `Coverage probes ([probes.md](probes.md)): ${s.probes.length - never.length} of ${s.probes.length} hit.`, '', ...table(['probe', 'hits', 'runs that hit it'], s.probes.filter((probe) => probe.runs > 0).map((probe) => [code(probe.name), formatValue(probe.hits, ''), formatValue(probe.runs, '')])));
    if (never.length > 0) lines.push('', `Never hit: ${never.join(', ')}.`);
  }
  if (s.notAsExpected.length === 0) return lines;
  const listed = s.notAsExpected.slice(0, UNEXPECTED_RUNS_LISTED_MAX);
  const more = s.notAsExpected.length - listed.length;
  return [...lines, '', 'Not as expected (replay each with its command):', '', ...listed.map((run) => `- ${run.scenario} seed ${run.seed}: ${run.verdict}; ${code(run.replayCommand)}`), ...(more > 0 ? [`- and ${more} more`] : [])];
}

function runsSection(runSets: ResultsInputs['runSets']): string[] {
  const lines = ['', '## Scenario runs (suite and sweeps)', '', 'Every run checked against what its scenario file expects; the wire figures are sums over the runs, not means of runs.'];
  if (runSets.length === 0) return [...lines, '', `The full suite: ${NOT_MEASURED}; ${code(SUITE_COMMAND)} measures it (into \`out/suite/results.jsonl\`; give that file to \`mailsim results\`).`];
  return [...lines, ...runSets.flatMap(runSetSection)];
}

function exploreBounds(s: ExploreFigures): string {
  const { depth, faults, budgetS, dedup, branch } = s.bounds;
  const overrides = s.overrides.map((set) => `; --set ${set}`).join('');
  return `depth ${depth}; faults ${faults}; budget ${formatValue(budgetS, 's')}; branch ${branch.join(', ')}; dedup ${dedup ? 'on' : 'off'}; seed ${s.seed}${overrides}`;
}

/** The verdict in words; a schedule with an unknown verdict is one not as expected. */
function exploreVerdict(s: ExploreFigures): string {
  const parts: string[] = [];
  const unknown = s.unknown > 0 ? `, ${formatValue(s.unknown, '')} unknown` : '';
  if (s.notAsExpected > 0) parts.push(`${formatValue(s.notAsExpected, '')} not as expected (the first at schedule ${s.firstFailureSchedule ?? '?'}${unknown})`);
  if (s.errors > 0) parts.push(`${formatValue(s.errors, '')} stopped with an error`);
  if (!s.complete) parts.push(parts.length === 0 ? `budget reached, all ${formatValue(s.schedules, '')} run as expected` : 'budget reached');
  return parts.length === 0 ? 'every schedule as expected' : parts.join('; ');
}

function exploreRow(input: ResultsInputs['explores'][number]): string[] {
  const s = input.summary;
  const placements = s.placementsRun === s.placements ? formatValue(s.placements, '') : `${formatValue(s.placementsRun, '')} of ${formatValue(s.placements, '')}`;
  const commit = s.code === undefined ? 'not recorded' : s.code.commit === null ? `no git (source ${s.code.sourceSha256})` : code(s.code.commit);
  const first = (load: readonly number[] | undefined): string => formatValue(load?.[0] ?? null, '');
  const load = s.cores === undefined ? 'not recorded' : `${s.cores} cores, ${first(s.loadAverageStart)} -> ${first(s.loadAverageEnd)}`;
  return [code(s.scenario), exploreBounds(s), placements, formatValue(s.schedules, ''), formatValue(s.distinctStates, ''), formatValue(s.statesPerSec, '/s'),
    formatValue(s.elapsedS, 's'), exploreVerdict(s), commit, load, input.command === null ? `not recorded (${code(input.file)})` : code(input.command)];
}

/** The target holds for a run of the small world with both its faults free to land that ran every schedule, each as expected, in time. */
function exploreTargetRows(explores: ResultsInputs['explores']): string[][] {
  const target: Target = { bound: EXPLORE_WALL_SECONDS_MAX, atMost: true };
  const wanted = `every schedule run and as expected, ${targetText(target, 's')}`;
  const ofWorld = explores.filter(({ summary }) => summary.scenario.split('/').pop() === EXPLORE_WORLD_FILE && summary.bounds.faults >= EXPLORE_TARGET_FAULTS_MIN);
  if (ofWorld.length === 0) return [[`${code(EXPLORE_WORLD_FILE)}: every schedule within the bounds`, NOT_MEASURED, wanted, '-']];
  return ofWorld.map(({ summary: s }) => {
    const met = s.complete && s.notAsExpected === 0 && s.errors === 0 && meetsTarget(s.elapsedS, target);
    const overrides = s.overrides.map((set) => `, --set ${set}`).join('');
    return [`${code(EXPLORE_WORLD_FILE)}, depth ${s.bounds.depth}, faults ${s.bounds.faults}${overrides}: every schedule within the bounds`, `${formatValue(s.elapsedS, 's')}, ${exploreVerdict(s)}`, wanted, met ? 'met' : '**missed**'];
  });
}

function exploreSection(explores: ResultsInputs['explores']): string[] {
  const lines = ['', '## Every schedule of a small world (`mailsim explore`)', '',
    `Each placement of a file's faults combined with every choice of the first \`--depth\` branching draws, one \`mailsim explore --json\` summary a row ([explore.md](explore.md)). The target: explore on a two-server world with one partition, at most 6 client operations and one crash runs every schedule within the bounds in at most ${EXPLORE_WALL_SECONDS_MAX / 60} minutes.`];
  const targets = ['', ...table(['figure', 'measured', 'target', 'met?'], exploreTargetRows(explores))];
  if (explores.length === 0) return [...lines, '', `${NOT_MEASURED_SENTENCE}: ${code(EXPLORE_COMMAND)} measures it.`, ...targets];
  const header = ['scenario file', 'bounds', 'placements', 'schedules', 'distinct states', 'states/s', 'wall time', 'verdict', 'made at commit', 'cores, load (1 min) at start -> end', 'command'];
  return [...lines, '', ...table(header, explores.map(exploreRow)), ...targets];
}

function mutationSection(mutation: ResultsInputs['mutation']): string[] {
  const lines = ['', '## Mutation testing (`npm run mutation`)', '', 'Stryker mutates `sim/checkers/` and `core/merge/` and runs their in-process tests against each mutant; a mutant is detected when a test fails or times out.'];
  if (mutation === null) return [...lines, '', `${NOT_MEASURED_SENTENCE}: ${code(MUTATION_COMMAND)} measures it (into \`reports/mutation/mutation.json\`, which \`npm run results\` reads).`];
  const targetOf = (scope: string): Target | undefined => {
    if (scope === 'sim/checkers') return { bound: MUTATION_SCORE_CHECKERS_MIN_PERCENT, atMost: false };
    if (scope === MERGE_SCOPE) return { bound: MUTATION_SCORE_MERGE_MIN_PERCENT, atMost: false };
    return scope.startsWith(`${MERGE_SCOPE}/`) ? { bound: MUTATION_SCORE_MERGE_FILE_MIN_PERCENT, atMost: false } : undefined;
  };
  const rows = mutation.scores.map((score) => {
    const targeted = targetOf(score.scope);
    return [score.scope, formatValue(score.mutants, ''), formatValue(score.detected, ''), formatValue(score.scorePercent, '%'), targeted === undefined ? '' : targetText(targeted, '%'), metText(score.scorePercent, targeted)];
  });
  return [...lines, '', commandLine(mutation), '', ...table(['mutated', 'mutants', 'detected', 'score', 'target', 'met?'], rows)];
}

export function renderResultsMarkdown(inputs: ResultsInputs): string {
  const byName = new Map(inputs.benches.map((bench) => [bench.name, bench]));
  return [
    ...header(inputs.stamp),
    ...BENCHES.flatMap((spec) => benchSection(spec, byName.get(spec.name))),
    ...exploreSection(inputs.explores),
    ...runsSection(inputs.runSets),
    ...mutationSection(inputs.mutation),
    '',
  ].join('\n');
}
