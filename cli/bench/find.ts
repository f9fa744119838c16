/**
 * mailsim bench find: how many seeds of a swarm a sweep needs to find each planted bug
 * (sim/checkers/mutants.ts, `planted`). For each bug and each of several starting seeds it
 * runs scenarios/swarm-5.yaml with `--set mutant=<bug>` on seed after seed until a run is not
 * as expected, up to a cap, in the sweep's worker pool (cli/sweepPool.ts, cli/sweepTask.ts).
 *
 * A few seeds of swarm-5 fail without any bug. So a seed that fails with the bug counts only
 * once the same seed without it is as expected; otherwise the search goes on past it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { loadAverageNow } from '../machineLoad.ts';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MUTANTS, PLANTED_BUG_NAMES, type MutantSpec } from '../../sim/checkers/mutants.ts';
import { failedCheckNames } from '../../sim/checkers/failedChecks.ts';
import { MailsimError } from '../../core/errors.ts';
import { isAsExpected } from '../../sim/expectation.ts';
import type { RunResult } from '../../sim/resultTypes.ts';
import { runInWorkers, type TaskOutcome } from '../sweepPool.ts';
import type { RunTask } from '../sweepTask.ts';
import { codeIdentity } from '../codeIdentity.ts';
import { scenarioLibraryPath } from '../packageRoot.ts';
import { exploreCell, writeFindMarkdown } from './findMarkdown.ts';
import type { BugResult, FindFigures, StartResult } from './findTypes.ts';
import { exploreForBug, findExploreBounds } from './findExplore.ts';

export const FIND_SCENARIO = 'swarm-5.yaml';
const CAP_FULL = 1000;
const STARTS_FULL = 4;
const CAP_QUICK = 50;
const STARTS_QUICK = 2;
/** Starting seeds are 1, 1 + spacing, ...: the quick form's seeds are a prefix of the full form's. */
const START_SPACING_SEEDS = 1000;
const TASK_MODULE = new URL('../sweepTask.ts', import.meta.url);

export interface FindOptions {
  readonly json: boolean;
  readonly quick?: boolean;
  readonly cap?: number;
  readonly starts?: number;
  /** Only these planted bugs (default: every one). */
  readonly bugs?: readonly string[];
  /** A Markdown file whose results section the figures replace (docs/planted-bugs.md). */
  readonly markdown?: string;
  /** Also explore the smallest world with each bug on, this many seconds per bug at most. */
  readonly exploreBudgetS?: number;
}

interface Search {
  readonly bug: string;
  readonly start: number;
  /** Index of the next seed to run (0-based from start). */
  next: number;
  /** Lowest failing index of the current phase, not yet checked against the run without the bug. */
  candidate: Detection | null;
  found: Detection | null;
  done: boolean;
  readonly failsWithoutBug: number[];
}

/** A seed's run that was not as expected: the checks that failed it, or the error that stopped it. */
interface Detection {
  readonly index: number;
  readonly caughtBy: readonly string[];
  /** The coverage probes the detecting run hit, by name (core/probes.ts). */
  readonly probesHit: readonly string[];
}

type FindTask = RunTask & { readonly search: number; readonly index: number };

interface Pool {
  runs: number;
  runWallMs: number;
  readonly outDir: string;
  readonly jobs: number;
  readonly code: ReturnType<typeof codeIdentity>;
  readonly file: string;
}

/** The checks that failed a run ([] when it was as expected); a run that could not finish fails as `error`. */
function failedBy(outcome: TaskOutcome<RunResult>): readonly string[] {
  if (!outcome.ok) return [`error (${outcome.code ?? outcome.error.split('\n')[0]})`];
  return isAsExpected(outcome.value) ? [] : failedCheckNames(outcome.value.checks);
}

/** Progress on stderr, so stdout stays free for --json. */
function note(line: string): void {
  process.stderr.write(`bench find: ${line}\n`);
}

/** The probes a run hit, in name order ([] for a run that could not finish). */
function probesHitBy(outcome: TaskOutcome<RunResult>): readonly string[] {
  if (!outcome.ok) return [];
  return Object.entries(outcome.value.probes ?? {}).filter(([, hits]) => hits > 0).map(([name]) => name).sort();
}

async function runTasks(pool: Pool, tasks: readonly FindTask[], onResult: (task: FindTask, failed: readonly string[], probesHit: readonly string[]) => void, skip?: (task: FindTask) => boolean): Promise<void> {
  const onOutcome = (task: FindTask, outcome: TaskOutcome<RunResult>): void => {
    pool.runs++;
    pool.runWallMs += outcome.wallMs ?? 0;
    onResult(task, failedBy(outcome), probesHitBy(outcome));
  };
  await runInWorkers<FindTask, RunResult>({ taskModule: TASK_MODULE, tasks, jobs: pool.jobs, onOutcome, ...(skip ? { skip } : {}) });
}

/** Runs every open search from its next seed until each has a candidate or reaches the cap. */
async function searchPhase(pool: Pool, searches: Search[], cap: number): Promise<void> {
  const tasks: FindTask[] = [];
  searches.forEach((search, index) => {
    if (search.done) return;
    for (let i = search.next; i < cap; i++) {
      tasks.push({ file: pool.file, overrides: [`mutant=${search.bug}`], seed: search.start + i, outDir: pool.outDir, code: pool.code, search: index, index: i });
    }
  });
  // Tasks start in order, so every seed below a failing one has started: the lowest failure is the first.
  const skip = (task: FindTask): boolean => {
    const candidate = (searches[task.search] as Search).candidate;
    return candidate !== null && task.index > candidate.index;
  };
  await runTasks(pool, tasks, (task, failed, probesHit) => {
    const search = searches[task.search] as Search;
    if (failed.length === 0 || (search.candidate !== null && search.candidate.index < task.index)) return;
    search.candidate = { index: task.index, caughtBy: failed, probesHit };
  }, skip);
  for (const search of searches) {
    if (!search.done && search.candidate === null) {
      search.next = cap;
      search.done = true;
      note(`${search.bug} from seed ${search.start}: not found within ${cap} seeds`);
    }
  }
}

/** Runs each candidate's seed without the bug: as expected there, the bug found it; else the search goes on. */
async function confirmPhase(pool: Pool, searches: Search[], baseline: Map<number, boolean>): Promise<void> {
  const seeds = [...new Set(searches.flatMap((s) => (s.candidate ? [s.start + s.candidate.index] : [])))].filter((seed) => !baseline.has(seed));
  const tasks = seeds.map((seed): FindTask => ({ file: pool.file, overrides: ['mutant=null'], seed, outDir: pool.outDir, code: pool.code, search: -1, index: -1 }));
  await runTasks(pool, tasks, (task, failed) => baseline.set(task.seed as number, failed.length === 0));
  for (const search of searches) {
    if (!search.candidate) continue;
    const { index } = search.candidate;
    if (baseline.get(search.start + index) === true) {
      search.found = search.candidate;
      search.done = true;
      note(`${search.bug} from seed ${search.start}: found at seed ${search.start + index} (${index + 1} seeds), caught by ${search.found.caughtBy.join(', ')}`);
    } else {
      search.failsWithoutBug.push(search.start + index);
      search.next = index + 1;
    }
    search.candidate = null;
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function replayCommandFor(file: string, seed: number, bug: string): string {
  return `mailsim run ${file} --seed ${seed} --set mutant=${bug}`;
}

function bugResult(bug: string, searches: readonly Search[], file: string): BugResult {
  const spec = MUTANTS[bug as keyof typeof MUTANTS] as MutantSpec;
  const starts = searches.map((s): StartResult => ({
    start: s.start,
    seedsToDetection: s.found ? s.found.index + 1 : null,
    seed: s.found ? s.start + s.found.index : null,
    caughtBy: s.found?.caughtBy ?? [],
    probesHit: s.found?.probesHit ?? [],
    failsWithoutBug: s.failsWithoutBug,
  }));
  const counts = starts.map((s) => s.seedsToDetection ?? Number.POSITIVE_INFINITY);
  const finite = (value: number): number | null => (Number.isFinite(value) ? value : null);
  const first = starts.find((s) => s.seed !== null);
  return {
    name: bug,
    layer: spec.planted ?? 'unknown',
    target: spec.target,
    description: spec.description,
    starts,
    medianSeeds: finite(median(counts)),
    worstSeeds: finite(Math.max(...counts)),
    foundIn: starts.filter((s) => s.seed !== null).length,
    caughtBy: first?.caughtBy ?? [],
    probesHit: first?.probesHit ?? [],
    expectedCheckerCaught: first?.caughtBy.includes(spec.target) ?? false,
    replayCommand: first?.seed == null ? null : replayCommandFor(file, first.seed, bug),
  };
}

function chosenBugs(requested: readonly string[] | undefined): string[] {
  if (requested === undefined || requested.length === 0) return [...PLANTED_BUG_NAMES];
  const unknown = requested.filter((name) => !(PLANTED_BUG_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) throw new MailsimError('E_BAD_OPTION', `bench find: not a planted bug: ${unknown.join(', ')} (planted: ${PLANTED_BUG_NAMES.join(', ')})`, { unknown });
  return [...requested];
}

function describeBug(bug: BugResult, cap: number): string {
  const seeds = bug.starts.map((s) => (s.seedsToDetection === null ? `>${cap}` : String(s.seedsToDetection))).join(', ');
  const verdict = bug.medianSeeds === null ? `not found within ${cap} (found from ${bug.foundIn} of ${bug.starts.length} starts)` : `median ${bug.medianSeeds}, worst ${bug.worstSeeds ?? `>${cap}`}`;
  const caught = bug.caughtBy.length > 0 ? `; caught by ${bug.caughtBy.join(', ')}${bug.expectedCheckerCaught ? '' : ` (expected ${bug.target})`}; replay: ${bug.replayCommand}` : '';
  const explored = bug.explore === undefined ? '' : `; explore: ${exploreCell(bug.explore)}`;
  return `  ${bug.name} [${bug.layer}]: ${verdict} (seeds per start: ${seeds})${caught}${explored}`;
}

export async function runFindBench(options: FindOptions): Promise<FindFigures> {
  const quick = options.quick === true;
  const cap = options.cap ?? (quick ? CAP_QUICK : CAP_FULL);
  const startCount = options.starts ?? (quick ? STARTS_QUICK : STARTS_FULL);
  if (cap < 1 || startCount < 1) throw new MailsimError('E_BAD_OPTION', 'bench find: --cap and --starts must be at least 1', { cap, starts: startCount });
  const bugs = chosenBugs(options.bugs);
  const spacing = Math.max(START_SPACING_SEEDS, cap);
  const startSeeds = Array.from({ length: startCount }, (_, k) => 1 + k * spacing);
  const file = join(scenarioLibraryPath(), FIND_SCENARIO);
  const dir = await mkdtemp(join(tmpdir(), 'mailsim-bench-find-'));
  const pool: Pool = { runs: 0, runWallMs: 0, outDir: dir, jobs: availableParallelism(), code: codeIdentity(), file };
  const searches: Search[] = bugs.flatMap((bug) => startSeeds.map((start): Search => ({ bug, start, next: 0, candidate: null, found: null, done: false, failsWithoutBug: [] })));
  const baseline = new Map<number, boolean>();
  const startMs = performance.now();
  try {
    while (searches.some((s) => !s.done)) {
      await searchPhase(pool, searches, cap);
      await confirmPhase(pool, searches, baseline);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const exploreBounds = options.exploreBudgetS === undefined ? undefined : findExploreBounds(options.exploreBudgetS);
  const explored = new Map<string, BugResult['explore']>();
  if (exploreBounds !== undefined) {
    for (const bug of bugs) {
      const found = await exploreForBug(bug, exploreBounds);
      explored.set(bug, found);
      note(`${bug}: explore ${found.foundAtSchedule === null ? `did not find it in ${found.schedules} schedules` : `found it at schedule ${found.foundAtSchedule}`} (${found.elapsedS} s)`);
    }
  }
  const wallMs = Math.round(performance.now() - startMs);
  const figures: FindFigures = {
    code: pool.code,
    scenario: file,
    cap,
    startSeeds,
    jobs: pool.jobs,
    cores: availableParallelism(),
    runs: pool.runs,
    wallMs,
    wallMsPerRun: Math.round(wallMs / Math.max(1, pool.runs)),
    runWallMsMean: Math.round(pool.runWallMs / Math.max(1, pool.runs)),
    loadAverage: loadAverageNow(),
    bugs: bugs.map((bug) => {
      const result = bugResult(bug, searches.filter((s) => s.bug === bug), file);
      const found = explored.get(bug);
      return found === undefined ? result : { ...result, explore: found };
    }),
    ...(exploreBounds === undefined ? {} : { explore: exploreBounds }),
  };
  if (options.markdown !== undefined) await writeFindMarkdown(options.markdown, figures);
  if (!options.json) {
    const lines = [
      `bench find: ${bugs.length} planted bugs, ${file} from seeds ${startSeeds.join(', ')}, up to ${cap} seeds each`,
      ...figures.bugs.map((bug) => describeBug(bug, cap)),
      `  ${figures.runs} runs in ${(wallMs / 1000).toFixed(1)} s on ${figures.jobs} workers: ${figures.wallMsPerRun} ms of wall time per run (${figures.runWallMsMean} ms each in its worker); load average ${figures.loadAverage.join(' ')}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return figures;
}
