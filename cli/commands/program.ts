/**
 * The mailsim command line: every command registered with commander, and one top-level
 * handler that turns errors into a single line on stderr and an exit code. Command
 * modules are imported lazily so `--help` answers at once and a broken module only
 * breaks its own command.
 */
import { Argument, Command, CommanderError, InvalidArgumentError } from 'commander';
import { MailsimError } from '../../core/errors.ts';
import { EXIT_BAD_INPUT_OR_UNKNOWN } from './exitCodes.ts';
import { collect, parseJobs, parseNonNegativeInt, parsePositiveInt, parseProbeList, parseReplicas, parseSeed, parseSeedCount, STARTS_MAX, SWEEP_SEEDS_MAX } from './options.ts';
import { parseTimeBudget } from '../timeBudget.ts';
import { scenarioLibraryPath } from '../packageRoot.ts';
import { BENCH_NAMES } from './bench.ts';
import { BRANCHING_COMPONENTS } from '../../sim/explore/policy.ts';

const DEBUG_ENV = 'MAILSIM_DEBUG';

/** explore's defaults: small enough that the library's small world runs every schedule in minutes. */
const EXPLORE_DEPTH_DEFAULT = 10;
const EXPLORE_FAULTS_DEFAULT = 2;
const EXPLORE_BUDGET_S_DEFAULT = 600;
const EXPLORE_FAULTS_MAX = 64;
/** Deeper than this the tree is far beyond any budget (a scenario's `choices:` holds up to 10,000). */
const EXPLORE_DEPTH_MAX = 1_000;
const EXPLORE_BUDGET_S_MAX = 7 * 24 * 3600;

/** One line for stderr: a MailsimError is the user's to fix; anything else is ours. */
export function describeError(error: unknown, debug: boolean): string {
  if (debug && error instanceof Error && error.stack !== undefined) return `mailsim: ${error.stack}`;
  if (error instanceof MailsimError) return `mailsim: ${firstLine(error.message)} [${error.code}]`;
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return `mailsim: unexpected error: ${firstLine(message)} (rerun with ${DEBUG_ENV}=1 for the stack)`;
}

/** The first line of a message; further lines (a scenario's other problems) are counted. */
function firstLine(text: string): string {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const first = lines[0] ?? '(no message)';
  return lines.length > 1 ? `${first} (and ${lines.length - 1} more)` : first;
}

type SetExit = (code: number) => void;

const SET_FLAGS = '--set <path=value>';
const SET_HELP = 'override a scenario field, VALUE read as YAML (repeatable)';
const HISTORY_FLAGS = '--history <file>';
const HISTORY_HELP = 'write the whole history, one JSON record a line (docs/history-format.md)';
const FINALS_FLAGS = '--finals <file>';
const FINALS_HELP = "write every replica's final state as JSON (docs/history-format.md)";
const TIME_BUDGET_FLAGS = '--time-budget <duration>';
const TIME_BUDGET_HELP = 'wall-clock budget (90s, 10m, 1h or seconds): after it no new run starts; runs in flight finish';

function addRun(program: Command, setExit: SetExit): void {
  program
    .command('run')
    .description('run one scenario with one seed and check it')
    .argument('<file>', 'scenario file (.yaml, .yml or .json)')
    .option('--seed <n>', 'seed (default: the scenario\'s seed, else 1)', parseSeed)
    .option(SET_FLAGS, SET_HELP, collect, [])
    .option('--out <dir>', 'where a failure file goes', 'out')
    .option(HISTORY_FLAGS, HISTORY_HELP)
    .option(FINALS_FLAGS, FINALS_HELP)
    .option('--json', 'print the whole run result as one JSON object')
    .action(async (file: string, options) => {
      const { runCommand } = await import('./run.ts');
      setExit(await runCommand(file, options));
    });
}

function addSweep(program: Command, setExit: SetExit): void {
  program
    .command('sweep')
    .description('run a scenario (or every scenario in a folder) over many seeds in worker threads')
    .argument('<path>', 'scenario file, or a folder searched recursively for *.yaml, *.yml, *.json')
    .requiredOption('--seeds <n>', 'how many seeds per scenario', parseSeedCount)
    .option('--from <s>', 'first seed', parseSeed, 1)
    .option(SET_FLAGS, SET_HELP, collect, [])
    .option('--jobs <n>', 'worker threads (default: CPU cores)', parseJobs)
    .option('--shard <i/N>', 'run only shard i of N (0 <= i < N); auto/N reads JOB_COMPLETION_INDEX')
    .option(TIME_BUDGET_FLAGS, TIME_BUDGET_HELP, parseTimeBudget)
    .option('--out <dir>', 'where results.jsonl, errors.jsonl and failure files go', 'out')
    .option('--json', 'print a JSON summary on stdout')
    .option('--require-probes [names]', 'exit 1 when a coverage probe was never hit: every probe, or the comma-separated names (docs/probes.md)', parseProbeList)
    .addHelpText('after', '\nShards: seed number k (0-based, counted from --from) belongs to shard k mod N.\nWithout --shard, MAILSIM_SHARD (same syntax) is used when set. Ctrl-C keeps every finished run.')
    .action(async (path: string, options) => {
      const { sweepCommand } = await import('./sweep.ts');
      setExit(await sweepCommand(path, options));
    });
}

/** explore --branch: a comma-separated list of the components whose draws may branch. */
function parseBranch(text: string): string[] {
  const known = BRANCHING_COMPONENTS;
  const names = text.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const unknown = names.filter((name) => !known.includes(name));
  if (names.length === 0 || unknown.length > 0) throw new InvalidArgumentError(`--branch takes a comma-separated list of ${known.join(', ')}; got ${JSON.stringify(text)}`);
  return [...new Set(names)];
}

function addExplore(program: Command, setExit: SetExit): void {
  program
    .command('explore')
    .description('run every schedule of a small world within bounds: each fault placement, each choice of the first branching draws')
    .argument('<file>', 'scenario file (.yaml, .yml or .json)')
    .option('--seed <n>', "seed for every draw past --depth (default: the scenario's seed, else 1)", parseSeed)
    .option(SET_FLAGS, SET_HELP, collect, [])
    .option('--depth <n>', 'branching draws enumerated per schedule; later draws are the seed\'s', (text: string) => parseNonNegativeInt(text, '--depth', EXPLORE_DEPTH_MAX), EXPLORE_DEPTH_DEFAULT)
    .option('--faults <n>', "how many of the file's faults may land in one schedule", (text: string) => parseNonNegativeInt(text, '--faults', EXPLORE_FAULTS_MAX), EXPLORE_FAULTS_DEFAULT)
    .option('--budget-s <n>', 'wall-clock budget in seconds: after it no new schedule starts', (text: string) => parseNonNegativeInt(text, '--budget-s', EXPLORE_BUDGET_S_MAX), EXPLORE_BUDGET_S_DEFAULT)
    .option('--branch <components>', `decide only these components' draws, comma-separated: ${BRANCHING_COMPONENTS.join(', ')} (default: all)`, parseBranch)
    .option('--no-dedup', 'explore a world reached two ways every time (dedup by world digest is on by default)')
    .option('--stop-at-first-failure', 'stop after the first schedule that is not as expected (the summary says at which)')
    .option('--out <dir>', 'where failure files go (failures/ under it)', 'out')
    .option('--json', 'print the summary as one JSON object')
    .action(async (file: string, options) => {
      const { exploreCommand } = await import('./explore.ts');
      setExit(await exploreCommand(file, options));
    });
}

function addDiff(program: Command, setExit: SetExit): void {
  program
    .command('diff')
    .description('run scenarios once per replica backend and compare their end states message by message, each difference in a named class')
    .argument('<files...>', 'scenario files')
    .option('--seeds <n>', 'how many seeds per file', parseSeedCount, 1)
    .option('--seed-start <s>', "first seed (default: each file's seed, else 1)", parseSeed)
    .option('--replicas <list>', "backends to compare, the first the reference (default: the file's compareReplicas)", parseReplicas)
    .option(SET_FLAGS, SET_HELP, collect, [])
    .option('--out <dir>', 'where diff.json (the whole report) goes', 'out')
    .option('--json', 'print the whole report as one JSON object')
    .option('--markdown <file>', 'replace the results section of this document (docs/diff.md) with the counts per class')
    .addHelpText('after', '\nExit codes: 0 every difference is explained by a class (docs/diff.md), 1 one is not (printed with its replay command), 2 bad input or a backend not installed here.')
    .action(async (files: string[], options) => {
      const { diffCommand } = await import('./diff.ts');
      setExit(await diffCommand(files, options));
    });
}

function addReplayShrinkExport(program: Command, setExit: SetExit): void {
  program
    .command('replay')
    .description('rerun a failure file and compare the history hash')
    .argument('<failure>', 'failure file written by run or sweep')
    .option(HISTORY_FLAGS, HISTORY_HELP)
    .option(FINALS_FLAGS, FINALS_HELP)
    .option('--json', 'print the replay as one JSON object')
    .action(async (file: string, options) => {
      const { replayCommand } = await import('./replay.ts');
      setExit(await replayCommand(file, options));
    });
  program
    .command('shrink')
    .description('minimise a failure: fewer faults, smaller workload, same checker failing')
    .argument('<failure>', 'failure file, or a scenario file (then --seed picks the run)')
    .option('--seed <n>', 'seed, when shrinking a scenario file', parseSeed)
    .option(SET_FLAGS, `${SET_HELP}, when shrinking a scenario file`, collect, [])
    .option('--out <file>', 'where the minimal scenario (YAML) goes', 'out/shrunk.yaml')
    .option('--json', 'print what shrink reached as one JSON object')
    .action(async (file: string, options) => {
      const { shrinkCommand } = await import('./shrink.ts');
      setExit(await shrinkCommand(file, options));
    });
  program
    .command('export')
    .description('run a scenario, then write one node\'s replica to a real git repository')
    .argument('<file>', 'scenario file')
    .option('--seed <n>', "seed (default: the scenario's seed, else 1)", parseSeed)
    .requiredOption('--node <name>', 'server whose replica to export')
    .requiredOption('--to <dir>', 'target directory (created; must be empty)')
    .option(SET_FLAGS, SET_HELP, collect, [])
    .action(async (file: string, options) => {
      const { exportCommand } = await import('./export.ts');
      setExit(await exportCommand(file, options));
    });
}

function addBench(program: Command, setExit: SetExit): void {
  program
    .command('bench')
    .description(`measure speed and bytes: ${BENCH_NAMES.join(', ')}`)
    .addArgument(new Argument('<name>', 'which benchmark').choices(BENCH_NAMES))
    .option('--json', 'print the figures as one JSON object')
    .option('--quick', 'a smaller, faster measurement')
    .option('--cap <n>', 'find: seeds per start at most (default 1000, quick 50)', (text: string) => parsePositiveInt(text, '--cap', SWEEP_SEEDS_MAX))
    .option('--starts <n>', 'find: starting seeds (default 4, quick 2)', (text: string) => parsePositiveInt(text, '--starts', STARTS_MAX))
    .option('--bug <name>', 'find: only this planted bug (repeatable)', (value: string, previous: readonly string[] = []) => [...previous, value])
    .option('--markdown <file>', 'find: replace the results section of this document (docs/planted-bugs.md)')
    .option('--explore-budget-s <n>', 'find: also run explore on the smallest library world with each bug on, at most this many seconds per bug', (text: string) => parsePositiveInt(text, '--explore-budget-s', EXPLORE_BUDGET_S_MAX))
    .action(async (name: string, options) => {
      const { benchCommand } = await import('./bench.ts');
      setExit(await benchCommand(name, options));
    });
}

function addHashes(program: Command, setExit: SetExit): void {
  program
    .command('hashes')
    .description('check the history hash of every reference-replica run of the default suite against the pinned file (or rewrite it)')
    .option('--dir <dir>', 'scenario folder (default: the scenario library shipped with mailsim)')
    .option('--file <file>', 'the pinned hashes', 'reports/baselines/hashes.json')
    .option('--write', 'rewrite the pinned file with the hashes of this code (for a change meant to alter histories)')
    .option('--jobs <n>', 'worker threads (default: CPU cores)', parseJobs)
    .action(async (options) => {
      const { hashesCommand } = await import('./hashes.ts');
      setExit(await hashesCommand({ ...options, dir: options.dir ?? scenarioLibraryPath() }));
    });
}

function addSuite(program: Command, setExit: SetExit): void {
  program
    .command('suite')
    .description('run the scenario library (controls included) as its suite.yaml plans, the quick default tier or --full, and write the reports')
    .option('--dir <dir>', 'scenario folder (default: the scenario library shipped with mailsim)')
    .option('--full', 'the full suite: every file, every backend, more seeds (the evidence run); default: the quick tier of the folder\'s suite.yaml')
    .option('--seeds <n>', 'seeds per scenario (default: the tier\'s, or 2 without a suite.yaml)', parseSeedCount)
    .option('--jobs <n>', 'worker threads (default: CPU cores)', parseJobs)
    .option(TIME_BUDGET_FLAGS, TIME_BUDGET_HELP, parseTimeBudget)
    .option('--out <dir>', 'where results.jsonl and failure files go', 'out/suite')
    .option('--reports <dir>', 'where index.html and summary.md go', 'reports/latest')
    .action(async (options) => {
      const { suiteCommand } = await import('./suite.ts');
      setExit(await suiteCommand({ ...options, dir: options.dir ?? scenarioLibraryPath() }));
    });
}

function addResults(program: Command, setExit: SetExit): void {
  program
    .command('results')
    .description('write docs/results.md from the JSON that benches, sweeps and the suite wrote into a folder')
    .argument('<dir>', 'folder of bench --json outputs, results.jsonl files and a mutation report')
    .option('--out <file>', 'the Markdown file to write', 'docs/results.md')
    .action(async (dir: string, options) => {
      const { resultsCommand } = await import('./results.ts');
      setExit(await resultsCommand(dir, options));
    });
}

/** Builds the program. Exit codes are reported through setExit, never by process.exit. */
export async function buildProgram(setExit: SetExit, version: string): Promise<Command> {
  const program = new Command('mailsim')
    .description('deterministic simulation and verification of mail servers that keep Maildir folders in git')
    .version(version, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  addRun(program, setExit);
  addSweep(program, setExit);
  addExplore(program, setExit);
  addDiff(program, setExit);
  addReplayShrinkExport(program, setExit);
  addBench(program, setExit);
  addSuite(program, setExit);
  addHashes(program, setExit);
  addResults(program, setExit);
  await addReportCommands(program, setExit);
  return program;
}

async function addReportCommands(program: Command, setExit: SetExit): Promise<void> {
  const { registerReportCommands } = await import('./reportCommands.ts');
  registerReportCommands(program, setExit);
}

/** Runs the CLI on argv (without node and script) and returns the exit code. */
export async function runCli(argv: readonly string[], version: string): Promise<number> {
  let exitCode = 0;
  const debug = process.env[DEBUG_ENV] === '1';
  try {
    const program = await buildProgram((code) => { exitCode = code; }, version);
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has already printed its one-line message (or the help / version).
      return error.exitCode === 0 ? 0 : EXIT_BAD_INPUT_OR_UNKNOWN;
    }
    process.stderr.write(`${describeError(error, debug)}\n`);
    return EXIT_BAD_INPUT_OR_UNKNOWN;
  }
}
