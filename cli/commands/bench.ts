/**
 * mailsim bench store|merge|cluster|sweep|wire|dsync [--json] [--quick]
 * Each benchmark prints its own table (or nothing with --json); here --json prints the figures.
 */
export interface BenchCommandOptions {
  readonly json?: boolean;
  readonly quick?: boolean;
}

type BenchRunner = (options: { json: boolean; quick?: boolean }) => Promise<Record<string, unknown>>;

async function benchRunner(name: string): Promise<BenchRunner> {
  switch (name) {
    case 'store':
      return (await import('../bench/store.ts')).runStoreBench;
    case 'merge':
      return (await import('../bench/merge.ts')).runMergeBench;
    case 'cluster':
      return (await import('../bench/cluster.ts')).runClusterBench;
    case 'wire':
      return (await import('../bench/wire.ts')).runWireBench;
    case 'sweep':
      return (await import('../bench/sweep.ts')).runSweepBench;
    case 'dsync':
      return (await import('../bench/dsync.ts')).runDsyncBench;
    default:
      throw new Error(`assertion failed: commander let through bench ${name}`);
  }
}

export async function benchCommand(name: string, options: BenchCommandOptions): Promise<number> {
  const run = await benchRunner(name);
  const json = options.json === true;
  const figures = await run({ json, quick: options.quick === true });
  if (json) process.stdout.write(`${JSON.stringify({ bench: name, ...figures })}\n`);
  return 0;
}
