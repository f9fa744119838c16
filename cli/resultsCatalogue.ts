/**
 * What `mailsim results` reports from each bench's JSON (`mailsim bench NAME --json`): the
 * figures worth reading, where each sits in the JSON, its unit and its target
 * (cli/bench/targets.ts). A bench whose JSON is absent is still listed, as not measured.
 */
import {
  BENCH_RSS_TARGET_MB, CLUSTER_MERGE_COMMITS_PER_2000_OPS_MAX, CLUSTER_OPS_PER_SEC_MIN, MERGE_10K_MS_TARGET,
  MERGE_GROWTH_10K_TO_100K_TARGET, STORE_BYTES_PER_DELIVERY_MAX, STORE_BYTES_PER_FLAG_CHANGE_MAX,
  STORE_FLAG_COMMITS_PER_SEC_MIN, STORE_SPEEDUP_OVER_GIT_CLI_MIN, SWEEP_SPEEDUP_TARGET, TARGET_BATCHED_BYTES_PER_FLAG_CHANGE,
  TARGET_BYTES_PER_DELIVERY, TARGET_BYTES_PER_FLAG_CHANGE, TARGET_FLAGS_APART_BATCHED_BYTES_PER_FLAG_CHANGE, TARGET_FLAGS_APART_BYTES_PER_DELIVERY,
  TARGET_FLAGS_APART_BYTES_PER_FLAG_CHANGE, TARGET_GIT_RATIO_MAX, type Target,
  README_LINES_MAX, REAL_CLIENT_SYNC_MS_TARGET, RUNTIME_DEPENDENCIES_MAX, START_EXIT_CODE, START_WALL_SECONDS_MAX,
} from './bench/targets.ts';

export type FigureValue = number | string | boolean | null;
export type JsonObject = Readonly<Record<string, unknown>>;

export interface FigureSpec {
  readonly label: string;
  /** Appended to a number ('B', 'ms', 'x'); empty for a count. */
  readonly unit: string;
  readonly read: (figures: JsonObject) => FigureValue;
  readonly target?: Target;
}

export interface BenchSpec {
  readonly name: string;
  readonly title: string;
  /** One or two sentences: what the bench does. */
  readonly about: string;
  readonly figures: readonly FigureSpec[];
  /** A JSON path to an array of flat objects shown as a table under the figures ('cases'). */
  readonly detailPath?: string;
  /** The sentence above that table; 'Every case:' when absent. */
  readonly detailTitle?: string;
}

/** The value at a dotted path ('fanout10k.mergeMs'), or null when absent or not a plain value. */
export function valueAt(figures: JsonObject, path: string): FigureValue {
  let node: unknown = figures;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return null;
    node = (node as Record<string, unknown>)[key];
  }
  if (typeof node === 'number') return Number.isFinite(node) ? node : null;
  return typeof node === 'string' || typeof node === 'boolean' ? node : null;
}

const at = (path: string) => (figures: JsonObject): FigureValue => valueAt(figures, path);
const atMost = (bound: number, strict = false): Target => ({ bound, atMost: true, strict });
const atLeast = (bound: number): Target => ({ bound, atMost: false });

/** a / b from two paths, rounded to 2 decimals; null when either is absent. */
const ratio = (numerator: string, denominator: string, scale = 1) => (figures: JsonObject): FigureValue => {
  const a = valueAt(figures, numerator);
  const b = valueAt(figures, denominator);
  if (typeof a !== 'number' || typeof b !== 'number' || b === 0) return null;
  return Math.round((a / b) * scale * 100) / 100;
};

/** A verdict count object ({ valid: 3 }) as text. */
const counts = (path: string) => (figures: JsonObject): FigureValue => {
  const node = figures[path];
  if (node === null || typeof node !== 'object') return null;
  return Object.entries(node as Record<string, unknown>).map(([key, count]) => `${key} ${String(count)}`).join(', ');
};

export const BENCHES: readonly BenchSpec[] = [
  {
    name: 'start',
    title: 'The front door: the default suite behind `npm start`',
    about: 'The library\'s default suite run as `npm start` runs it, in a child process with every core, timed on the wall clock; it must end green. Beside it, the README\'s length and the runtime dependencies a user installs.',
    figures: [
      { label: 'wall time of the default suite', unit: 's', read: at('suite.wallSeconds'), target: atMost(START_WALL_SECONDS_MAX) },
      { label: 'its exit code', unit: '', read: at('suite.exitCode'), target: atMost(START_EXIT_CODE) },
      { label: 'runs, and runs as their file expects', unit: '', read: (figures) => `${String(valueAt(figures, 'suite.runs'))}, ${String(valueAt(figures, 'suite.asExpected'))}` },
      { label: 'load average (1 min) at its start and end', unit: '', read: (figures) => `${String(valueAt(figures, 'suite.loadAverageAtStart'))} -> ${String(valueAt(figures, 'suite.loadAverageAtEnd'))}` },
      { label: 'README lines', unit: '', read: at('readmeLines'), target: atMost(README_LINES_MAX) },
      { label: 'runtime dependencies', unit: '', read: at('runtimeDependencies'), target: atMost(RUNTIME_DEPENDENCIES_MAX) },
    ],
  },
  {
    name: 'store',
    title: 'What a commit costs in the store',
    about: 'Flag-change commits and 2 KB deliveries on one replica of 1,000 and 10,000 messages, flat and fanout; the git CLI making the same flag commits is measured in the same run. Headline figures: 10,000 messages on the default fanout (6 levels of 4).',
    figures: [
      { label: 'flag commits per second', unit: '/s', read: at('fanout10k.flagCommitsPerSec'), target: atLeast(STORE_FLAG_COMMITS_PER_SEC_MIN) },
      { label: 'flag commits per CPU-second', unit: '/s', read: at('fanout10k.flagCommitsPerCpuSec') },
      { label: 'speed-up over git CLI plumbing', unit: 'x', read: at('fanout10k.speedupOverGitCli'), target: atLeast(STORE_SPEEDUP_OVER_GIT_CLI_MIN) },
      { label: 'git CLI plumbing, flag commits per second (reference)', unit: '/s', read: at('fanout10k.gitCliFlagCommitsPerSec') },
      { label: '`git fast-import`, flag commits per second (reference)', unit: '/s', read: at('fanout10k.gitFastImportFlagCommitsPerSec') },
      { label: 'bytes of new objects per flag change', unit: 'B', read: at('fanout10k.bytesPerFlagChange'), target: atMost(STORE_BYTES_PER_FLAG_CHANGE_MAX) },
      { label: 'bytes of new objects per 2 KB delivery', unit: 'B', read: at('fanout10k.bytesPerDelivery'), target: atMost(STORE_BYTES_PER_DELIVERY_MAX) },
    ],
    detailPath: 'cases',
  },
  {
    name: 'wire',
    title: 'What a change costs on the wire',
    about: 'One commit sent as a thin git pack to a peer holding the previous head, 10,000 messages with 2 KB bodies; real git\'s `pack-objects --thin` on an exported copy of the same commits is measured in the same run. The flags-apart figures are the layout that keeps flags in index files (docs/layouts.md).',
    figures: [
      { label: 'bytes per flag change, default layout, one commit each', unit: 'B', read: at('unbatched10k.bytesPerFlagChange'), target: atMost(TARGET_BYTES_PER_FLAG_CHANGE) },
      { label: 'real git thin pack, same flag commits', unit: 'B', read: at('unbatched10k.gitThinPackBytesPerFlagChange') },
      { label: 'ours over real git, per flag change', unit: 'x', read: at('unbatched10k.ratioToGitFlagChange'), target: atMost(TARGET_GIT_RATIO_MAX) },
      { label: 'bytes per flag change, 100 operations per commit', unit: 'B', read: at('batched10k.bytesPerFlagChange'), target: atMost(TARGET_BATCHED_BYTES_PER_FLAG_CHANGE) },
      { label: 'bytes per 2 KB delivery, one commit each', unit: 'B', read: at('unbatched10k.bytesPerDelivery'), target: atMost(TARGET_BYTES_PER_DELIVERY) },
      { label: 'real git thin pack, same deliveries', unit: 'B', read: at('unbatched10k.gitThinPackBytesPerDelivery') },
      { label: 'bytes per flag change, one level of 256 folders', unit: 'B', read: at('wide10k.bytesPerFlagChange') },
      { label: 'bytes per flag change, flat `cur/`', unit: 'B', read: at('flat10k.bytesPerFlagChange') },
      { label: 'bytes per flag change, flat `cur/`, 100 per commit', unit: 'B', read: at('flat10k.batchedBytesPerFlagChange') },
      { label: 'CPU per flag commit, default layout', unit: 'ms', read: at('flat10k.fanoutCpuMsPerFlagCommit') },
      { label: 'CPU per flag commit, flat `cur/`', unit: 'ms', read: at('flat10k.cpuMsPerFlagCommit') },
      { label: 'flags-apart: bytes per flag change, one commit each', unit: 'B', read: at('flagsApart10k.bytesPerFlagChange'), target: atMost(TARGET_FLAGS_APART_BYTES_PER_FLAG_CHANGE) },
      { label: 'flags-apart: real git thin pack, same flag commits', unit: 'B', read: at('flagsApart10k.gitThinPackBytesPerFlagChange') },
      { label: 'flags-apart: bytes per flag change, 100 per commit', unit: 'B', read: at('flagsApart10k.batchedBytesPerFlagChange'), target: atMost(TARGET_FLAGS_APART_BATCHED_BYTES_PER_FLAG_CHANGE) },
      { label: 'flags-apart: real git thin pack, same batched commits', unit: 'B', read: at('flagsApart10k.gitThinPackBatchedBytesPerFlagChange') },
      { label: 'flags-apart: bytes per 2 KB delivery, one commit each', unit: 'B', read: at('flagsApart10k.bytesPerDelivery'), target: atMost(TARGET_FLAGS_APART_BYTES_PER_DELIVERY) },
      { label: 'flags-apart: real git thin pack, same deliveries', unit: 'B', read: at('flagsApart10k.gitThinPackBytesPerDelivery') },
      { label: 'flags-apart: CPU per flag commit', unit: 'ms', read: at('flagsApart10k.cpuMsPerFlagCommit') },
      { label: 'pack build, mean', unit: 'ms', read: at('packs.encodeMsMean') },
      { label: 'pack resolve, verify and store, mean', unit: 'ms', read: at('packs.decodeMsMean') },
    ],
    detailPath: 'flagsApartChunks',
    detailTitle: 'flags-apart by its count of index files (`flagsApartChunks`: fewer commits per series, the first included):',
  },
  {
    name: 'merge',
    title: 'What a merge costs',
    about: 'Two sides that each made 100 divergent operations from a common base; a real `Replica.receive` of the other side\'s pack ending in a merge commit (median of several receives), and the pure state merge.',
    figures: [
      { label: 'receive with merge, 10k messages, fanout', unit: 'ms', read: at('fanout10k.mergeMs'), target: atMost(MERGE_10K_MS_TARGET) },
      { label: 'of which the state merge in it', unit: 'ms', read: at('fanout10k.mergeInReceiveMs') },
      { label: 'receive with merge, 100k messages, fanout', unit: 'ms', read: at('fanout100k.mergeMs') },
      { label: '100k over 10k, fanout', unit: 'x', read: ratio('fanout100k.mergeMs', 'fanout10k.mergeMs'), target: atMost(MERGE_GROWTH_10K_TO_100K_TARGET) },
      { label: 'receive with merge, 10k messages, flat', unit: 'ms', read: at('flat10k.mergeMs') },
      { label: 'receive with merge, 10k messages, flags-apart', unit: 'ms', read: at('flagsApart10k.mergeMs') },
      { label: 'pure state merge, 10k messages (median)', unit: 'ms', read: at('fanout10k.stateMergeMs') },
    ],
    detailPath: 'cases',
  },
  {
    name: 'cluster',
    title: 'A five-server cluster',
    about: '5 servers, 2,000 client operations (300 with `--quick`), a partition every 10 s, 1% loss, duplication and reordering: a LAN case (1-30 ms links), then a WAN case (40-120 ms) in the same process. Mailboxes of 10,000 messages (1,000 with `--quick`).',
    figures: [
      { label: 'LAN: client operations per wall second', unit: '/s', read: at('opsPerSec'), target: atLeast(CLUSTER_OPS_PER_SEC_MIN) },
      { label: 'LAN: the same, after building the populations', unit: '/s', read: at('opsPerSecAfterPopulation') },
      { label: 'LAN: peak RSS', unit: 'MB', read: at('peakRssMB'), target: atMost(BENCH_RSS_TARGET_MB, true) },
      { label: 'LAN: distinct merge commits per 2,000 client operations', unit: '', read: ratio('mergeCommitCount', 'clientOps', 2_000), target: atMost(CLUSTER_MERGE_COMMITS_PER_2000_OPS_MAX, true) },
      { label: 'LAN: bytes on the wire per client operation', unit: 'B', read: at('wireBytesPerOp') },
      { label: 'LAN: verdict', unit: '', read: at('verdict') },
      { label: 'WAN: client operations per wall second', unit: '/s', read: at('wan.opsPerSec') },
      { label: 'WAN: peak RSS of the process, both cases', unit: 'MB', read: at('wan.peakRssMB'), target: atMost(BENCH_RSS_TARGET_MB, true) },
      { label: 'WAN: distinct merge commits per 2,000 client operations', unit: '', read: ratio('wan.mergeCommitCount', 'wan.clientOps', 2_000) },
      { label: 'WAN: bytes on the wire per client operation', unit: 'B', read: at('wan.wireBytesPerOp') },
      { label: 'WAN: verdict', unit: '', read: at('wan.verdict') },
    ],
  },
  {
    name: 'sweep',
    title: 'Parallel sweeps',
    about: 'The same small sweep with one worker thread and with two; beside it, pure CPU work on one thread and on two shows what the machine allowed at that moment.',
    figures: [
      { label: 'speed-up of `--jobs 2` over `--jobs 1`', unit: 'x', read: at('speedup'), target: atLeast(SWEEP_SPEEDUP_TARGET) },
      { label: 'pure CPU work, 2 threads over 1 (reference)', unit: 'x', read: at('machineSpeedup') },
      { label: 'cores used with 2 jobs', unit: '', read: at('jobs2CoresUsed') },
      { label: 'same history hashes with 1 and 2 jobs', unit: '', read: at('identicalHashes') },
    ],
  },
  {
    name: 'dsync',
    title: 'Real Dovecot dsync on the same workload',
    about: '`scenarios/concurrent-flags.yaml` under `replica: dsync` several times (a real process is not bit-for-bit deterministic), beside one run of the reference replica on the same file and seed.',
    figures: [
      { label: 'runs', unit: '', read: at('runs') },
      { label: 'verdicts', unit: '', read: counts('verdicts') },
      { label: 'distinct history hashes', unit: '', read: at('distinctHistoryHashes') },
      { label: 'dsync: bytes per flag change (mean)', unit: 'B', read: at('bytesPerFlagChange.mean') },
      { label: 'dsync: bytes per delivery (mean)', unit: 'B', read: at('bytesPerDelivery.mean') },
      { label: 'reference replica: bytes per flag change', unit: 'B', read: at('reference.bytesPerFlagChange') },
      { label: 'reference replica: bytes per delivery', unit: 'B', read: at('reference.bytesPerDelivery') },
      { label: 'wall time per run (mean)', unit: 'ms', read: at('wallMsPerRun.mean') },
    ],
  },
  {
    name: 'clients',
    title: 'One real-client sync',
    about: 'mbsync and offlineimap against a server with 100 messages in INBOX, a sync a second with an offline edit and new mail between syncs ([real-clients.md](real-clients.md#cost)); wall time moves with the load, CPU much less.',
    figures: [
      { label: 'mbsync: wall ms per sync (median)', unit: 'ms', read: at('byClient.mbsync.syncMs.median'), target: atMost(REAL_CLIENT_SYNC_MS_TARGET) },
      { label: 'mbsync: fastest sync', unit: 'ms', read: at('byClient.mbsync.syncMs.min') },
      { label: 'mbsync: CPU per sync, program and Dovecot (mean)', unit: 'ms', read: at('byClient.mbsync.programCpuMs') },
      { label: 'mbsync: CPU per sync, mailsim (mean)', unit: 'ms', read: at('byClient.mbsync.driverCpuMs') },
      { label: 'offlineimap: wall ms per sync (median)', unit: 'ms', read: at('byClient.offlineimap.syncMs.median') },
      { label: 'offlineimap: CPU per sync, program and Dovecot (mean)', unit: 'ms', read: at('byClient.offlineimap.programCpuMs') },
      { label: 'load average during the bench', unit: '', read: at('loadAverage') },
    ],
  },
];

/** The command that measures a bench, for a figure this run did not measure. */
export function benchCommand(name: string): string {
  return `npx mailsim bench ${name} --json > DIR/bench-${name}.json`;
}
