/**
 * mailsim bench <name> [--json] [--quick], one of BENCH_NAMES (find also takes --cap, --starts,
 * --bug, --markdown and --explore-budget-s).
 * Each benchmark prints its own table (or nothing with --json); here --json prints the figures.
 * The benchmark modules load lazily, so this file is cheap for the program's help to import.
 */
export interface BenchCommandOptions {
  readonly json?: boolean;
  readonly quick?: boolean;
  /** find: seeds per start at most. */
  readonly cap?: number;
  /** find: how many starting seeds. */
  readonly starts?: number;
  /** find: only these planted bugs. */
  readonly bug?: readonly string[];
  /** find: the document whose results section the figures replace. */
  readonly markdown?: string;
  /** find: also explore the smallest world with each bug on, this many seconds per bug at most. */
  readonly exploreBudgetS?: number;
}

type BenchRunner = (options: { json: boolean; quick?: boolean; cap?: number; starts?: number; bugs?: readonly string[]; markdown?: string; exploreBudgetS?: number }) => Promise<object>;

/** Every benchmark by name: the one list the CLI's choices and help are made from. */
const BENCH_RUNNERS = {
  store: async () => (await import('../bench/store.ts')).runStoreBench,
  merge: async () => (await import('../bench/merge.ts')).runMergeBench,
  cluster: async () => (await import('../bench/cluster.ts')).runClusterBench,
  sweep: async () => (await import('../bench/sweep.ts')).runSweepBench,
  wire: async () => (await import('../bench/wire.ts')).runWireBench,
  dsync: async () => (await import('../bench/dsync.ts')).runDsyncBench,
  start: async () => (await import('../bench/start.ts')).runStartBench,
  clients: async () => (await import('../bench/clients.ts')).runClientsBench,
  find: async () => (await import('../bench/find.ts')).runFindBench,
} satisfies Record<string, () => Promise<BenchRunner>>;

type BenchName = keyof typeof BENCH_RUNNERS;

export const BENCH_NAMES = Object.keys(BENCH_RUNNERS) as BenchName[];

function isBenchName(name: string): name is BenchName {
  return Object.hasOwn(BENCH_RUNNERS, name);
}

export async function benchCommand(name: string, options: BenchCommandOptions): Promise<number> {
  if (!isBenchName(name)) throw new Error(`assertion failed: commander let through bench ${name}`);
  const run: BenchRunner = await BENCH_RUNNERS[name]();
  const json = options.json === true;
  const figures = await run({
    json,
    quick: options.quick === true,
    ...(options.cap === undefined ? {} : { cap: options.cap }),
    ...(options.starts === undefined ? {} : { starts: options.starts }),
    ...(options.bug === undefined ? {} : { bugs: options.bug }),
    ...(options.markdown === undefined ? {} : { markdown: options.markdown }),
    ...(options.exploreBudgetS === undefined ? {} : { exploreBudgetS: options.exploreBudgetS }),
  });
  if (json) process.stdout.write(`${JSON.stringify({ bench: name, ...figures })}\n`);
  return 0;
}
