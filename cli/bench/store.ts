/**
 * `mailsim bench store`: commit speed and bytes of new objects of the reference replica,
 * flat and fanout, at 1,000 and 10,000 messages: flag-change commits and 2 KB deliveries.
 * Reference measured in the same run: the real git CLI making the same flag-change commits
 * (rename of one Maildir entry) with plumbing (update-index, write-tree, commit-tree,
 * update-ref) and with one `git fast-import` stream.
 *
 * Targets at 10k fanout (cli/bench/targets.ts): >= 1,000 flag commits/s and >= 20x the git CLI
 * plumbing; <= 2 KB of new objects per flag change; <= 2.5 KB per 2 KB delivery.
 */
import { layoutLabel } from '../../sim/config.ts';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import * as nodeFs from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { deflateSync } from 'node:zlib';
import { Volume } from 'memfs';
import { replicaFsFrom, type PromisesFsLike } from '../../core/fsTypes.ts';
import { Replica, type LayoutSpec } from '../../core/replica/replica.ts';
import { exportReplica } from '../../core/export.ts';
import { strategyByName } from '../../core/strategies/registry.ts';
import { STORE_BYTES_PER_DELIVERY_MAX, STORE_BYTES_PER_FLAG_CHANGE_MAX, STORE_FLAG_COMMITS_PER_SEC_MIN, STORE_SPEEDUP_OVER_GIT_CLI_MIN } from './targets.ts';

export interface StoreBenchOptions {
  readonly json: boolean;
  readonly quick?: boolean;
}

/** The fanout measured: 4 entries per level, 6 levels (4,096 leaves; ~2.4 messages per leaf at 10k). */
export const BENCH_FANOUT: LayoutSpec = { kind: 'fanout', width: 1, depth: 6, digitBits: 2 };
/** Also measured: hex digits, 16 entries per level, 3 levels (the same 4,096 leaves). */
export const BENCH_FANOUT_HEX: LayoutSpec = { kind: 'fanout', width: 1, depth: 3 };
export const BODY_SIZE_BYTES = 2048;
const PASS_FLAGS = ['\\Flagged', '\\Answered', '\\Draft', '$Label1'];

interface CaseResult {
  messages: number;
  layout: string;
  flagCommitsPerSec: number;
  /** Commits per second of this process's CPU time: what one dedicated core would do on a shared machine. */
  flagCommitsPerCpuSec: number;
  bytesPerFlagChange: number;
  deliveriesPerSec: number;
  bytesPerDelivery: number;
}

const SYLLABLES = ['ka', 'lo', 'mi', 'ter', 'an', 'vel', 'so', 'ri', 'pa', 'nu', 'gre', 'tho', 'ex', 'ul', 'dar', 'fin', 'que', 'bo', 'sta', 'wen', 'ci', 'mor', 'ja', 'pli'];

/**
 * A deterministic ~2 KB message: headers, then text of random syllable words with some
 * digits and punctuation. It deflates to about half its size, as plain-text mail does
 * (a body from a small vocabulary would compress far better and flatter the byte figures).
 */
export function benchBody(index: number, sizeBytes = BODY_SIZE_BYTES): Uint8Array {
  let state = (index * 2654435761) >>> 0 || 1;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 8;
  const word = () => Array.from({ length: 1 + (next() % 3) }, () => SYLLABLES[next() % SYLLABLES.length]).join('');
  let text = [
    `Received: from mx${next() % 50}.example.test (mx.example.test [10.${next() % 256}.${next() % 256}.${next() % 256}])`,
    `Message-ID: <bench${index}.${next()}@mailsim.test>`,
    `Date: Sat, 28 Nov 2026 ${String(next() % 24).padStart(2, '0')}:${String(next() % 60).padStart(2, '0')}:00 +0000`,
    `From: ${word()} <${word()}@example.test>`,
    `To: ${word()}@example.test`,
    `Subject: ${word()} ${word()} ${index}`,
    '',
    '',
  ].join('\r\n');
  while (text.length < sizeBytes - 2) {
    const roll = next() % 20;
    text += roll === 0 ? `${next() % 10_000} ` : roll === 1 ? '.\r\n' : `${word()} `;
  }
  return new TextEncoder().encode(`${text.slice(0, sizeBytes - 2)}\r\n`);
}

async function makeReplica(messages: number, layout: LayoutSpec): Promise<Replica> {
  let now = 1_764_326_400_000;
  const vol = new Volume();
  return Replica.create(
    { node: 'bench', fs: replicaFsFrom(vol.promises as unknown as PromisesFsLike), dir: '/repo', layout, strategy: strategyByName('renumber'), clock: () => (now += 7) },
    [{ name: 'INBOX', uidValidity: 1, messages: Array.from({ length: messages }, (_, i) => ({ body: benchBody(i), flags: i % 3 === 0 ? ['\\Seen'] : [] })) }],
  );
}

/** Bytes of the deflated objects written since `since` (each object counted once). */
async function bytesSince(replica: Replica, since: string): Promise<number> {
  let bytes = 0;
  for (const id of await replica.objectsWrittenSince(since)) bytes += (await replica.readObjectDeflated(id)).length;
  return bytes;
}

async function measureCase(messages: number, layout: LayoutSpec, flagCommits: number, deliveries: number): Promise<CaseResult> {
  const replica = await makeReplica(messages, layout);
  const stride = Math.max(1, Math.floor(messages / flagCommits));
  let since = replica.head;
  let start = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < flagCommits; i++) {
    // Each pass over the mailbox adds another flag, so every store changes something and no tree repeats.
    const pass = Math.floor((i * stride) / messages);
    await replica.store('INBOX', [1 + ((i * stride) % messages)], '+', [PASS_FLAGS[pass % PASS_FLAGS.length] as string]);
  }
  const flagMs = performance.now() - start;
  const flagCpu = process.cpuUsage(cpu);
  const flagBytes = await bytesSince(replica, since);
  since = replica.head;
  const bodies = Array.from({ length: deliveries }, (_, i) => benchBody(1_000_000 + i));
  start = performance.now();
  for (const body of bodies) await replica.deliver('INBOX', body);
  const deliverMs = performance.now() - start;
  const deliverBytes = await bytesSince(replica, since);
  return {
    messages,
    layout: layoutLabel(layout),
    flagCommitsPerSec: round(flagCommits / (flagMs / 1000)),
    flagCommitsPerCpuSec: round(flagCommits / ((flagCpu.user + flagCpu.system) / 1e6)),
    bytesPerFlagChange: round(flagBytes / flagCommits),
    deliveriesPerSec: round(deliveries / (deliverMs / 1000)),
    bytesPerDelivery: round(deliverBytes / deliveries),
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

interface GitReference {
  plumbingFlagCommitsPerSec: number;
  fastImportFlagCommitsPerSec: number;
}

/** The git CLI making the same flag changes (rename `<name>:2,` to `<name>:2,F`) on the same tree, in a temp dir. */
async function measureGit(messages: number, layout: LayoutSpec, plumbingCommits: number, fastImportCommits: number): Promise<GitReference> {
  const tmp = await mkdtemp(join(tmpdir(), 'mailsim-bench-git-'));
  try {
    const replica = await makeReplica(messages, layout);
    await exportReplica(replica, replicaFsFrom(nodeFs as unknown as PromisesFsLike), tmp);
    const gitDir = join(tmp, 'repo.git');
    const env = { ...process.env, GIT_DIR: gitDir, GIT_INDEX_FILE: join(tmp, 'index'), GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'b@x', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'b@x' };
    const git = (args: string[], input?: string) => execFileSync('git', args, { env, input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }).trim();
    git(['read-tree', 'HEAD']);
    const files = git(['ls-files', '-s']).split('\n').map((line) => {
      const [meta, path] = line.split('\t') as [string, string];
      return { blob: meta.split(' ')[1] as string, path };
    }).filter((file) => file.path.includes(':2,') && !file.path.endsWith('F'));
    const rename = (path: string) => path.replace(/:2,([A-Z]*)$/, (_, flags: string) => `:2,${[...flags, 'F'].sort().join('')}`);
    let head = git(['rev-parse', 'HEAD']);
    let start = performance.now();
    for (let i = 0; i < plumbingCommits; i++) {
      const file = files[i % files.length] as { blob: string; path: string };
      git(['update-index', '--index-info'], `0 ${'0'.repeat(40)}\t${file.path}\n100644 ${file.blob}\t${rename(file.path)}\n`);
      const tree = git(['write-tree']);
      head = git(['commit-tree', tree, '-p', head, '-m', 'flag']);
      git(['update-ref', 'refs/heads/main', head]);
    }
    const plumbingMs = performance.now() - start;
    const stream: string[] = [];
    for (let i = 0; i < fastImportCommits; i++) {
      const file = files[(plumbingCommits + i) % files.length] as { blob: string; path: string };
      stream.push('commit refs/heads/main', `committer bench <b@x> ${1_764_326_400 + i} +0000`, 'data 4', 'flag');
      if (i === 0) stream.push(`from ${head}`);
      stream.push(`D ${file.path}`, `M 100644 ${file.blob} ${rename(file.path)}`, '');
    }
    start = performance.now();
    const result = spawnSync('git', ['fast-import', '--quiet', '--force'], { env, input: `${stream.join('\n')}\n`, encoding: 'utf8' });
    const fastImportMs = performance.now() - start;
    if (result.status !== 0) throw new Error(`git fast-import failed: ${result.stderr}`);
    return { plumbingFlagCommitsPerSec: round(plumbingCommits / (plumbingMs / 1000)), fastImportFlagCommitsPerSec: round(fastImportCommits / (fastImportMs / 1000)) };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

export async function runStoreBench(options: StoreBenchOptions): Promise<Record<string, unknown>> {
  const sizes = options.quick ? [1_000, 10_000] : [1_000, 10_000];
  const flagCommits = options.quick ? 200 : 2_000;
  const deliveries = options.quick ? 100 : 1_000;
  const cases: CaseResult[] = [];
  for (const messages of sizes) {
    for (const layout of [{ kind: 'flat' } as LayoutSpec, BENCH_FANOUT_HEX, BENCH_FANOUT]) {
      const flat = layout.kind === 'flat';
      cases.push(await measureCase(messages, layout, flat ? Math.min(flagCommits, 200) : flagCommits, flat ? Math.min(deliveries, 100) : deliveries));
    }
  }
  const git = await measureGit(10_000, BENCH_FANOUT, options.quick ? 10 : 40, options.quick ? 100 : 1_000);
  const fanout10k = cases.find((c) => c.messages === 10_000 && c.layout === layoutLabel(BENCH_FANOUT)) as CaseResult;
  const summary = {
    fanout10k: {
      flagCommitsPerSec: fanout10k.flagCommitsPerSec,
      flagCommitsPerCpuSec: fanout10k.flagCommitsPerCpuSec,
      bytesPerFlagChange: fanout10k.bytesPerFlagChange,
      bytesPerDelivery: fanout10k.bytesPerDelivery,
      deliveriesPerSec: fanout10k.deliveriesPerSec,
      gitCliFlagCommitsPerSec: git.plumbingFlagCommitsPerSec,
      gitFastImportFlagCommitsPerSec: git.fastImportFlagCommitsPerSec,
      speedupOverGitCli: round(fanout10k.flagCommitsPerSec / git.plumbingFlagCommitsPerSec),
      speedupOverGitFastImport: round(fanout10k.flagCommitsPerSec / git.fastImportFlagCommitsPerSec),
    },
    targets: {
      flagCommitsPerSec: { target: STORE_FLAG_COMMITS_PER_SEC_MIN, met: fanout10k.flagCommitsPerSec >= STORE_FLAG_COMMITS_PER_SEC_MIN },
      speedupOverGitCli: { target: STORE_SPEEDUP_OVER_GIT_CLI_MIN, met: fanout10k.flagCommitsPerSec >= STORE_SPEEDUP_OVER_GIT_CLI_MIN * git.plumbingFlagCommitsPerSec },
      bytesPerFlagChange: { target: STORE_BYTES_PER_FLAG_CHANGE_MAX, met: fanout10k.bytesPerFlagChange <= STORE_BYTES_PER_FLAG_CHANGE_MAX },
      bytesPerDelivery: { target: STORE_BYTES_PER_DELIVERY_MAX, met: fanout10k.bytesPerDelivery <= STORE_BYTES_PER_DELIVERY_MAX },
    },
    loadAverage: loadavg(),
    bodySizeBytes: BODY_SIZE_BYTES,
    bodyDeflatedBytes: deflateSync(benchBody(1)).length,
    fanout: BENCH_FANOUT,
    cases,
  };
  if (!options.json) printTable(summary.cases, summary.fanout10k);
  return summary;
}

function printTable(cases: readonly CaseResult[], fanout10k: Record<string, number>): void {
  const header = ['messages', 'layout', 'flag commits/s', 'per CPU-s', 'B/flag change', 'deliveries/s', 'B/2KB delivery'];
  const rows = cases.map((c) => [String(c.messages), c.layout, String(c.flagCommitsPerSec), String(c.flagCommitsPerCpuSec), String(c.bytesPerFlagChange), String(c.deliveriesPerSec), String(c.bytesPerDelivery)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] as number)).join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  console.log(`load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} cores (wall-time rates suffer on a shared machine)`);
  console.log(`git CLI plumbing: ${fanout10k.gitCliFlagCommitsPerSec} flag commits/s (x${fanout10k.speedupOverGitCli}); git fast-import: ${fanout10k.gitFastImportFlagCommitsPerSec}/s (x${fanout10k.speedupOverGitFastImport})`);
}
