/**
 * mailsim explore FILE [--seed N] [--set PATH=VALUE]... [--depth N] [--faults N] [--budget-s N]
 *                      [--no-dedup] [--out DIR] [--json]
 * Runs every schedule of a small world within bounds (docs/explore.md): each placement of
 * the file's faults (sim/explore/faultPlacement.ts), and under each every choice of the first
 * --depth branching draws (sim/explore/enumerate.ts). Each schedule not as the file expects
 * is saved as a failure file holding its choices, for `mailsim replay` and `mailsim shrink`.
 * Exit 0 when every schedule run was as expected, 1 when one was not, 2 on bad input, an
 * unknown verdict or a schedule that stopped with an error.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { RunOutcome } from '../../backends/world.ts';
import { MailsimError } from '../../core/errors.ts';
import { failureFileFor } from '../../scenarios/failure.ts';
import { loadScenario, type LoadedScenario } from '../../scenarios/loader.ts';
import { defaultSeed, resolveScenario } from '../../scenarios/resolve.ts';
import { runScenario } from '../../scenarios/run.ts';
import type { ScheduledFault } from '../../sim/config.ts';
import { enumerateSchedules, startEnumeration, type Enumeration, type ScheduleVerdict } from '../../sim/explore/enumerate.ts';
import { faultPlacements } from '../../sim/explore/faultPlacement.ts';
import { BRANCHING_COMPONENTS } from '../../sim/explore/policy.ts';
import type { ChoiceTrail } from '../../sim/explore/trail.ts';
import { isAsExpected } from '../../sim/expectation.ts';
import type { RunResult } from '../../sim/resultTypes.ts';
import { codeIdentity, type CodeIdentity } from '../codeIdentity.ts';
import { loadAverageNow, machineLoad } from '../machineLoad.ts';
import { CliInputError } from '../sweepFiles.ts';
import { failurePath } from '../sweepTask.ts';
import { EXIT_AS_EXPECTED, EXIT_BAD_INPUT_OR_UNKNOWN, EXIT_NOT_AS_EXPECTED } from './exitCodes.ts';

export interface ExploreCommandOptions {
  readonly seed?: number;
  readonly set: readonly string[];
  readonly depth: number;
  readonly faults: number;
  readonly budgetS: number;
  readonly dedup: boolean;
  /** Components whose draws are decided (sim/explore/policy.ts); absent: all. */
  readonly branch?: readonly string[];
  readonly out: string;
  readonly json?: boolean;
  /** Stop after the first schedule that is not as expected (how soon explore finds a bug). */
  readonly stopAtFirstFailure?: boolean;
}

/** Failure files written at most: a broken strategy fails most schedules, and a few show it. */
export const EXPLORE_FAILURE_FILES_MAX = 20;
/** Failing schedules named in the summary at most. */
const FAILURES_LISTED_MAX = 5;

/** What `explore --json` prints. */
export interface ExploreSummary {
  readonly scenario: string;
  readonly seed: number;
  readonly overrides: readonly string[];
  readonly bounds: { readonly depth: number; readonly faults: number; readonly budgetS: number; readonly dedup: boolean; readonly branch: readonly string[] };
  /** Fault placements within --faults, and how many had a schedule run before the budget ended. */
  readonly placements: number;
  readonly placementsRun: number;
  readonly schedules: number;
  /** Every schedule within the bounds ran. */
  readonly complete: boolean;
  /** Distinct world digests met at branch points (sim/explore/worldDigest.ts). */
  readonly distinctStates: number;
  readonly elapsedS: number;
  readonly statesPerSec: number;
  readonly schedulesPerSec: number;
  readonly asExpected: number;
  readonly notAsExpected: number;
  /** The 1-based count of the first schedule not as expected; null when none was. */
  readonly firstFailureSchedule: number | null;
  readonly unknown: number;
  /** Schedules that stopped with an error (a limit, a replica that could not reopen) instead of a verdict. */
  readonly errors: number;
  readonly firstError: string | null;
  readonly failureFiles: readonly string[];
  /** The code that ran (commit, source hash) and the machine's cores and load average at start and end: a wall time means little without them. */
  readonly code: CodeIdentity;
  readonly cores: number;
  readonly loadAverageStart: readonly number[];
  readonly loadAverageEnd: readonly number[];
}

interface Tally {
  schedules: number;
  placementsRun: number;
  asExpected: number;
  notAsExpected: number;
  firstFailureSchedule: number | null;
  unknown: number;
  errors: number;
  firstError: string | null;
  complete: boolean;
  readonly failureFiles: string[];
}

interface ExploreContext {
  readonly loaded: LoadedScenario;
  readonly seed: number;
  readonly out: string;
  readonly code: CodeIdentity;
  readonly tally: Tally;
  readonly stopAtFirstFailure: boolean;
}

function refuseUnexplorable(loaded: LoadedScenario, file: string): void {
  const s = loaded.scenario;
  if ((s.replica ?? 'git') !== 'git') throw new CliInputError(`${file}: explore runs the reference replica only (replica: git), not ${s.replica ?? ''}`);
  if ((s.realClients ?? []).length > 0) throw new CliInputError(`${file}: explore cannot enumerate real clients' schedules (they run real programs)`);
  if (s.choices !== undefined) throw new CliInputError(`${file}: the scenario already pins its choices; run or replay it instead`);
}

async function saveFailure(context: ExploreContext, placement: number, trail: ChoiceTrail, result: RunResult, outcome: RunOutcome): Promise<void> {
  const { loaded, seed, out, tally } = context;
  if (tally.failureFiles.length >= EXPLORE_FAILURE_FILES_MAX) return;
  const choices = trail.choices();
  const pinned: LoadedScenario = { ...loaded, scenario: { ...loaded.scenario, choices } };
  // The placement and choices go into the name's digest, so each schedule keeps its own file.
  const path = failurePath(out, loaded.file, [...loaded.overrides, `explore placement ${placement} choices ${JSON.stringify(choices)}`], seed);
  await mkdir(join(out, 'failures'), { recursive: true });
  await writeFile(path, `${JSON.stringify(failureFileFor(pinned, seed, { ...result, code: context.code }, outcome), null, 2)}\n`);
  tally.failureFiles.push(path);
}

/**
 * One schedule. One that stops with a typed error is counted and the enumeration goes on:
 * it is what that schedule does (a run would exit 2 on it), not bad input to explore.
 */
async function runSchedule(context: ExploreContext, placement: number, faults: readonly ScheduledFault[], trail: ChoiceTrail): Promise<ScheduleVerdict> {
  const { tally } = context;
  // Every schedule ends as expected, not as expected, or with an error: this one is the next.
  const ordinal = tally.asExpected + tally.notAsExpected + tally.errors + 1;
  let ran: Awaited<ReturnType<typeof runScenario>>;
  try {
    ran = await runScenario(context.loaded, context.seed, { faults, choices: trail });
  } catch (error) {
    if (!(error instanceof MailsimError)) throw error;
    tally.errors++;
    tally.firstError ??= `[${error.code}] ${error.message.split('\n')[0] ?? ''} (fault placement ${placement}, choices ${JSON.stringify(trail.choices())})`;
    return 'go-on';
  }
  const { result, outcome } = ran;
  if (result.verdict === 'unknown') tally.unknown++;
  if (isAsExpected(result)) {
    tally.asExpected++;
    return 'go-on';
  }
  tally.notAsExpected++;
  tally.firstFailureSchedule ??= ordinal;
  await saveFailure(context, placement, trail, result, outcome);
  return context.stopAtFirstFailure ? 'stop' : 'go-on';
}

async function explorePlacements(context: ExploreContext, placements: readonly ScheduledFault[][], enumeration: Enumeration): Promise<void> {
  const { tally } = context;
  for (const [index, faults] of placements.entries()) {
    const outcome = await enumerateSchedules(enumeration, (trail) => runSchedule(context, index, faults, trail));
    tally.schedules += outcome.schedules;
    if (outcome.schedules > 0) tally.placementsRun++;
    if (!outcome.complete) return;
  }
  tally.complete = true;
}

function exitCode(tally: Tally): number {
  if (tally.unknown > 0 || tally.errors > 0) return EXIT_BAD_INPUT_OR_UNKNOWN;
  return tally.notAsExpected > 0 ? EXIT_NOT_AS_EXPECTED : EXIT_AS_EXPECTED;
}

/** Explores the file's world within the bounds: the summary and the exit code the command gives. */
export async function exploreWorld(file: string, options: Omit<ExploreCommandOptions, 'json'>): Promise<{ readonly summary: ExploreSummary; readonly exitCode: number }> {
  const atStart = machineLoad();
  const loaded = await loadScenario(file, options.set);
  refuseUnexplorable(loaded, file);
  const seed = options.seed ?? defaultSeed(loaded);
  const config = resolveScenario(loaded, seed);
  const placements = faultPlacements(config.faults, options.faults, config.durationMs);
  const tally: Tally = { schedules: 0, placementsRun: 0, asExpected: 0, notAsExpected: 0, firstFailureSchedule: null, unknown: 0, errors: 0, firstError: null, complete: false, failureFiles: [] };
  const context: ExploreContext = { loaded, seed, out: options.out, code: codeIdentity(), tally, stopAtFirstFailure: options.stopAtFirstFailure === true };
  const branch = options.branch ?? BRANCHING_COMPONENTS;
  const enumeration = startEnumeration({ depth: options.depth, budgetMs: options.budgetS * 1000, dedup: options.dedup, components: branch }, () => performance.now());
  await explorePlacements(context, placements, enumeration);
  const elapsedS = (performance.now() - enumeration.startMs) / 1000;
  const summary: ExploreSummary = {
    scenario: file,
    seed,
    overrides: [...options.set],
    bounds: { depth: options.depth, faults: options.faults, budgetS: options.budgetS, dedup: options.dedup, branch: [...branch] },
    placements: placements.length,
    placementsRun: tally.placementsRun,
    schedules: tally.schedules,
    complete: tally.complete,
    distinctStates: enumeration.seen.size,
    elapsedS: Number(elapsedS.toFixed(2)),
    statesPerSec: Number((enumeration.seen.size / Math.max(elapsedS, 1e-3)).toFixed(1)),
    schedulesPerSec: Number((tally.schedules / Math.max(elapsedS, 1e-3)).toFixed(2)),
    asExpected: tally.asExpected,
    notAsExpected: tally.notAsExpected,
    firstFailureSchedule: tally.firstFailureSchedule,
    unknown: tally.unknown,
    errors: tally.errors,
    firstError: tally.firstError,
    failureFiles: tally.failureFiles,
    code: context.code,
    cores: atStart.cores,
    loadAverageStart: atStart.loadAverage,
    loadAverageEnd: loadAverageNow(),
  };
  return { summary, exitCode: exitCode(tally) };
}

export async function exploreCommand(file: string, options: ExploreCommandOptions): Promise<number> {
  const { summary, exitCode: code } = await exploreWorld(file, options);
  process.stdout.write(options.json === true ? `${JSON.stringify(summary)}\n` : describeExplore(summary));
  return code;
}

function describeExplore(s: ExploreSummary): string {
  const { depth, faults, budgetS, dedup, branch } = s.bounds;
  const lines = [
    `explore ${s.scenario} seed ${s.seed}: depth ${depth} (${branch.join(', ')}), at most ${faults} fault(s) landing, budget ${budgetS} s, dedup ${dedup ? 'on' : 'off'}`,
    `  fault placements:  ${s.placementsRun} of ${s.placements}`,
    `  schedules run:     ${s.schedules} (${s.schedulesPerSec}/s)`,
    `  distinct states:   ${s.distinctStates} (${s.statesPerSec}/s)`,
    `  time:              ${s.elapsedS} s, ${s.complete ? 'every schedule within the bounds ran' : 'BUDGET REACHED: not every schedule ran'}`,
  ];
  const bad = s.notAsExpected;
  const clean = s.errors === 0 ? 'verdict: every schedule as expected' : 'verdict: every schedule that ended was as expected';
  lines.push(bad === 0 ? clean : `verdict: ${bad} schedule(s) NOT AS EXPECTED${s.unknown > 0 ? ` (${s.unknown} unknown)` : ''}, the first at schedule ${s.firstFailureSchedule ?? '?'}`);
  if (s.errors > 0) lines.push(`  ${s.errors} schedule(s) stopped with an error; the first: ${s.firstError ?? ''}`);
  for (const path of s.failureFiles.slice(0, FAILURES_LISTED_MAX)) lines.push(`  failure saved: ${path}; replay: mailsim replay ${path}`);
  if (s.failureFiles.length > FAILURES_LISTED_MAX) lines.push(`  ... and ${s.failureFiles.length - FAILURES_LISTED_MAX} more failure file(s) under ${s.failureFiles[0]?.replace(/\/[^/]*$/, '') ?? ''}`);
  return `${lines.join('\n')}\n`;
}
