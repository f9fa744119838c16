/**
 * `mailsim bench wire`: the bytes one change costs on the wire as a thin git pack, at 10,000
 * messages with 2 KB bodies, sent to a peer that holds the previous head; beside real git's
 * thin pack for the same commits (`git pack-objects --thin --stdout --revs` on an exported
 * copy, measured in the same run).
 *
 * - unbatched10k: one commit per flag change and per delivery, the default layout;
 * - batched10k: 100 operations per commit;
 * - flat10k: one commit each on a flat `cur/`, with the CPU ms per commit (a flat tree's wire is
 *   cheap, its commits are not);
 * - flat batched and a one-level fanout of 256 folders, for the layout's share of the figure;
 * - flagsApart10k: the flags-apart layout (message files never renamed, flags in index files),
 *   one commit each and 100 per commit, each beside real git's thin pack for the same commits;
 *   flagsApartChunks: bytes and CPU per flag change for several index file counts (what the
 *   default count was chosen from);
 * - the encode and decode time per pack.
 *
 * Targets (cli/bench/targets.ts): unbatched <= 300 B per flag change and <= 1.25x real git's thin pack; batched <= 49 B
 * per flag change (Dovecot dsync's measured figure); <= 2,050 B per 2 KB delivery, unbatched.
 * flags-apart: <= 300 B per flag change, <= 25 B batched, <= 2,050 B per delivery.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Volume } from 'memfs';
import { replicaFsFrom, type PromisesFsLike } from '../../core/fsTypes.ts';
import { Replica, type LayoutSpec } from '../../core/replica/replica.ts';
import { strategyByName } from '../../core/strategies/registry.ts';
import { DEFAULT_LAYOUT } from '../../scenarios/resolve.ts';
import { layoutLabel } from '../../sim/config.ts';
import { PUSH_HEAD_BYTES, PUSH_HEADER_BYTES, pushSizeBytes } from '../../backends/git/server/wire.ts';
import { gitAvailable, gitThinPackBytes, withExportedRepository } from '../gitReference.ts';
import { benchBody, BODY_SIZE_BYTES } from './store.ts';
import { DEFAULT_INDEX_CHUNKS } from '../../core/flagsApart.ts';
import {
  TARGET_BATCHED_BYTES_PER_FLAG_CHANGE, TARGET_BYTES_PER_DELIVERY, TARGET_BYTES_PER_FLAG_CHANGE, TARGET_FLAGS_APART_BATCHED_BYTES_PER_FLAG_CHANGE,
  TARGET_FLAGS_APART_BYTES_PER_DELIVERY, TARGET_FLAGS_APART_BYTES_PER_FLAG_CHANGE, TARGET_GIT_RATIO_MAX,
} from './targets.ts';

export interface WireBenchOptions {
  readonly json: boolean;
  readonly quick?: boolean;
}

export const WIRE_MESSAGES = 10_000;
export const BATCH_OPS = 100;
/** Index file counts compared: half the default, the default, twice and four times it. */
export const FLAGS_APART_CHUNK_COUNTS: readonly number[] = [DEFAULT_INDEX_CHUNKS / 2, DEFAULT_INDEX_CHUNKS, DEFAULT_INDEX_CHUNKS * 2, DEFAULT_INDEX_CHUNKS * 4];
const FLAGS = ['\\Flagged', '\\Answered', '\\Draft', '$Label1'];


interface Step {
  /** Wire bytes of the push: pack plus the stated protocol overhead (backends/git/server/wire.ts). */
  readonly bytes: number;
  readonly packBytes: number;
  readonly encodeMs: number;
  readonly decodeMs: number;
  readonly commit: string;
  readonly parent: string;
}

async function makePair(messages: number, layout: LayoutSpec): Promise<{ a: Replica; b: Replica }> {
  let now = 1_764_326_400_000;
  const make = (node: string) => ({
    node, fs: replicaFsFrom(new Volume().promises as unknown as PromisesFsLike), dir: '/repo', layout,
    strategy: strategyByName('renumber'), clock: () => (now += 7),
  });
  const a = await Replica.create(make('a'), [{ name: 'INBOX', uidValidity: 1, messages: Array.from({ length: messages }, (_, i) => ({ body: benchBody(i), flags: i % 3 === 0 ? ['\\Seen'] : [] })) }]);
  const b = await Replica.cloneFrom(a, make('b'));
  return { a, b };
}

/** Sends a's new commit(s) to b, which holds a's previous head; times the pack's encoding and decoding. */
async function push(a: Replica, b: Replica, parent: string): Promise<Step> {
  let start = performance.now();
  const transfer = await a.transferFor(b.head);
  const encodeMs = performance.now() - start;
  start = performance.now();
  const result = await b.receive(transfer.heads, transfer.pack);
  const decodeMs = performance.now() - start;
  if (result.kind !== 'fast-forward') throw new Error(`bench wire: expected a fast-forward, got ${result.kind}`);
  return { bytes: pushSizeBytes(transfer.heads.length, transfer.pack), packBytes: transfer.pack.length, encodeMs, decodeMs, commit: transfer.head, parent };
}

function flagOp(a: Replica, i: number, messages: number): Promise<unknown> {
  const stride = 7_919; // a prime: walks the whole mailbox in a scattered order
  const uid = 1 + ((i * stride) % messages);
  const pass = Math.floor((i * stride) / messages);
  return a.store('INBOX', [uid], '+', [FLAGS[pass % FLAGS.length] as string]);
}

interface Series { readonly flags: Step[]; readonly deliveries: Step[]; readonly flagCpuMs: number; readonly deliveryCpuMs: number }

/** `count` commits of `op`, `opsPerCommit` operations each, each pushed to b at once; with the CPU ms the commits took. */
async function commits(a: Replica, b: Replica, count: number, opsPerCommit: number, op: (index: number) => Promise<unknown>): Promise<{ steps: Step[]; cpuMs: number }> {
  const steps: Step[] = [];
  let cpuMs = 0;
  let index = 0;
  for (let i = 0; i < count; i++) {
    const parent = a.head;
    const cpu = process.cpuUsage();
    if (opsPerCommit > 1) a.beginBatch();
    for (let k = 0; k < opsPerCommit; k++) await op(index++);
    if (opsPerCommit > 1) await a.flush();
    const used = process.cpuUsage(cpu);
    cpuMs += (used.user + used.system) / 1000;
    steps.push(await push(a, b, parent));
  }
  return { steps, cpuMs };
}

/** `count` commits of flag changes, then of deliveries, `opsPerCommit` operations each. */
async function series(a: Replica, b: Replica, count: number, opsPerCommit: number, messages: number, bodyBase: number): Promise<Series> {
  const flags = await commits(a, b, count, opsPerCommit, (index) => flagOp(a, index, messages));
  const deliveries = await commits(a, b, count, opsPerCommit, (index) => a.deliver('INBOX', benchBody(bodyBase + index)));
  return { flags: flags.steps, deliveries: deliveries.steps, flagCpuMs: flags.cpuMs, deliveryCpuMs: deliveries.cpuMs };
}

/** Real git's thin pack for the same commits, on an exported copy of the sender. */
async function gitBytes(a: Replica, steps: readonly Step[]): Promise<number[] | null> {
  if (!gitAvailable()) return null;
  return withExportedRepository(a, (gitDir) => steps.map((step) => gitThinPackBytes(gitDir, step.commit, step.parent)));
}

const mean = (values: readonly number[]): number => (values.length === 0 ? 0 : values.reduce((x, y) => x + y, 0) / values.length);
const round = (value: number): number => Math.round(value * 100) / 100;
const meanOf = (values: readonly number[] | null, per = 1): number | null => (values === null ? null : round(mean(values) / per));

/**
 * The flags-apart layout: one commit per change and 100 per commit, each beside real git's
 * thin pack for the same commits; `fanoutCpuMsPerFlagCommit` is the default layout's, measured
 * in this run, for comparison.
 */
async function flagsApartCase(count: number, batchedCount: number, fanoutCpuMsPerFlagCommit: number): Promise<Record<string, unknown>> {
  const layout: LayoutSpec = { kind: 'flags-apart' };
  const pair = await makePair(WIRE_MESSAGES, layout);
  const one = await series(pair.a, pair.b, count, 1, WIRE_MESSAGES, 6_000_000);
  const gitFlags = await gitBytes(pair.a, one.flags);
  const gitDeliveries = await gitBytes(pair.a, one.deliveries);
  const batchedPair = await makePair(WIRE_MESSAGES, layout);
  const batched = await series(batchedPair.a, batchedPair.b, batchedCount, BATCH_OPS, WIRE_MESSAGES, 7_000_000);
  const gitBatched = await gitBytes(batchedPair.a, batched.flags);
  const bytesPerFlagChange = round(mean(one.flags.map((s) => s.bytes)));
  const gitFlag = meanOf(gitFlags);
  return {
    layout: layoutLabel(layout),
    indexChunks: DEFAULT_INDEX_CHUNKS,
    bytesPerFlagChange,
    bytesPerDelivery: round(mean(one.deliveries.map((s) => s.bytes))),
    packBytesPerFlagChange: round(mean(one.flags.map((s) => s.packBytes))),
    gitThinPackBytesPerFlagChange: gitFlag,
    gitThinPackBytesPerDelivery: meanOf(gitDeliveries),
    ratioToGitFlagChange: gitFlag === null ? null : round(bytesPerFlagChange / gitFlag),
    cpuMsPerFlagCommit: round(one.flagCpuMs / one.flags.length),
    cpuMsPerDeliveryCommit: round(one.deliveryCpuMs / one.deliveries.length),
    fanoutCpuMsPerFlagCommit,
    batchedBytesPerFlagChange: round(mean(batched.flags.map((s) => s.bytes)) / BATCH_OPS),
    batchedBytesPerDelivery: round(mean(batched.deliveries.map((s) => s.bytes)) / BATCH_OPS),
    gitThinPackBatchedBytesPerFlagChange: meanOf(gitBatched, BATCH_OPS),
    batchedCpuMsPerFlagCommit: round(batched.flagCpuMs / batched.flags.length),
    encodeMsMean: round(mean([...one.flags, ...one.deliveries].map((s) => s.encodeMs))),
    decodeMsMean: round(mean([...one.flags, ...one.deliveries].map((s) => s.decodeMs))),
  };
}

/** Bytes and CPU per flag change, one commit each and 100 per commit, for each index file count. */
async function flagsApartChunks(count: number): Promise<Record<string, number>[]> {
  const rows: Record<string, number>[] = [];
  for (const chunks of FLAGS_APART_CHUNK_COUNTS) {
    const { a, b } = await makePair(WIRE_MESSAGES, { kind: 'flags-apart', chunks });
    const one = await commits(a, b, count, 1, (index) => flagOp(a, index, WIRE_MESSAGES));
    const batched = await commits(a, b, 2, BATCH_OPS, (index) => flagOp(a, count + index, WIRE_MESSAGES));
    rows.push({
      chunks,
      bytesPerFlagChange: round(mean(one.steps.map((s) => s.bytes))),
      cpuMsPerFlagCommit: round(one.cpuMs / count),
      decodeMsPerFlagCommit: round(mean(one.steps.map((s) => s.decodeMs))),
      batchedBytesPerFlagChange: round(mean(batched.steps.map((s) => s.bytes)) / BATCH_OPS),
      batchedCpuMsPerCommit: round(batched.cpuMs / 2),
    });
  }
  return rows;
}

export async function runWireBench(options: WireBenchOptions): Promise<Record<string, unknown>> {
  const count = options.quick ? 10 : 50;
  const layout = DEFAULT_LAYOUT as LayoutSpec;

  const unbatchedPair = await makePair(WIRE_MESSAGES, layout);
  const unbatched = await series(unbatchedPair.a, unbatchedPair.b, count, 1, WIRE_MESSAGES, 1_000_000);
  const gitFlags = await gitBytes(unbatchedPair.a, unbatched.flags);
  const gitDeliveries = await gitBytes(unbatchedPair.a, unbatched.deliveries);

  const batchedPair = await makePair(WIRE_MESSAGES, layout);
  const batched = await series(batchedPair.a, batchedPair.b, Math.max(2, Math.floor(count / 5)), BATCH_OPS, WIRE_MESSAGES, 2_000_000);
  const gitBatchedFlags = await gitBytes(batchedPair.a, batched.flags);

  const flatPair = await makePair(WIRE_MESSAGES, { kind: 'flat' });
  const flat = await series(flatPair.a, flatPair.b, Math.max(2, Math.floor(count / 5)), 1, WIRE_MESSAGES, 3_000_000);
  const gitFlat = await gitBytes(flatPair.a, flat.flags);

  // A flat tree batched: 100 edits share one cur/ delta.
  const flatBatchedPair = await makePair(WIRE_MESSAGES, { kind: 'flat' });
  const flatBatched = await series(flatBatchedPair.a, flatBatchedPair.b, 2, BATCH_OPS, WIRE_MESSAGES, 4_000_000);
  // One level of 256 folders: each change rewrites two trees instead of the default's eight.
  const wide: LayoutSpec = { kind: 'fanout', width: 2, depth: 1 };
  const widePair = await makePair(WIRE_MESSAGES, wide);
  const wideSeries = await series(widePair.a, widePair.b, Math.max(2, Math.floor(count / 5)), 1, WIRE_MESSAGES, 5_000_000);
  const gitWide = await gitBytes(widePair.a, wideSeries.flags);
  const fanoutCpuMsPerFlagCommit = round(unbatched.flagCpuMs / unbatched.flags.length);
  const flagsApart = await flagsApartCase(count, Math.max(2, Math.floor(count / 5)), fanoutCpuMsPerFlagCommit);
  const apartFlag = flagsApart.bytesPerFlagChange as number;
  const apartBatched = flagsApart.batchedBytesPerFlagChange as number;
  const apartDelivery = flagsApart.bytesPerDelivery as number;

  const all = [...unbatched.flags, ...unbatched.deliveries, ...batched.flags, ...batched.deliveries, ...flat.flags, ...flat.deliveries];
  const unbatchedFlag = round(mean(unbatched.flags.map((s) => s.bytes)));
  const gitFlag = gitFlags === null ? null : round(mean(gitFlags));
  const unbatchedDelivery = round(mean(unbatched.deliveries.map((s) => s.bytes)));
  const batchedFlag = round(mean(batched.flags.map((s) => s.bytes)) / BATCH_OPS);
  const summary = {
    layout: layoutLabel(layout),
    messages: WIRE_MESSAGES,
    bodySizeBytes: BODY_SIZE_BYTES,
    commitsPerSeries: count,
    protocolOverheadBytes: `${PUSH_HEADER_BYTES} + ${PUSH_HEAD_BYTES} per head`,
    unbatched10k: {
      bytesPerFlagChange: unbatchedFlag,
      bytesPerDelivery: unbatchedDelivery,
      packBytesPerFlagChange: round(mean(unbatched.flags.map((s) => s.packBytes))),
      gitThinPackBytesPerFlagChange: gitFlag,
      gitThinPackBytesPerDelivery: gitDeliveries === null ? null : round(mean(gitDeliveries)),
      ratioToGitFlagChange: gitFlag === null ? null : round(unbatchedFlag / gitFlag),
    },
    batched10k: {
      opsPerCommit: BATCH_OPS,
      bytesPerFlagChange: batchedFlag,
      bytesPerDelivery: round(mean(batched.deliveries.map((s) => s.bytes)) / BATCH_OPS),
      gitThinPackBytesPerFlagChange: gitBatchedFlags === null ? null : round(mean(gitBatchedFlags) / BATCH_OPS),
    },
    flat10k: {
      bytesPerFlagChange: round(mean(flat.flags.map((s) => s.bytes))),
      bytesPerDelivery: round(mean(flat.deliveries.map((s) => s.bytes))),
      gitThinPackBytesPerFlagChange: gitFlat === null ? null : round(mean(gitFlat)),
      cpuMsPerFlagCommit: round(flat.flagCpuMs / flat.flags.length),
      cpuMsPerDeliveryCommit: round(flat.deliveryCpuMs / flat.deliveries.length),
      fanoutCpuMsPerFlagCommit,
      batchedBytesPerFlagChange: round(mean(flatBatched.flags.map((s) => s.bytes)) / BATCH_OPS),
      batchedBytesPerDelivery: round(mean(flatBatched.deliveries.map((s) => s.bytes)) / BATCH_OPS),
    },
    wide10k: {
      layout: layoutLabel(wide),
      bytesPerFlagChange: round(mean(wideSeries.flags.map((s) => s.bytes))),
      bytesPerDelivery: round(mean(wideSeries.deliveries.map((s) => s.bytes))),
      gitThinPackBytesPerFlagChange: gitWide === null ? null : round(mean(gitWide)),
      cpuMsPerFlagCommit: round(wideSeries.flagCpuMs / wideSeries.flags.length),
    },
    flagsApart10k: flagsApart,
    flagsApartChunks: await flagsApartChunks(Math.max(2, Math.floor(count / 2))),
    packs: {
      encodeMsMean: round(mean(all.map((s) => s.encodeMs))),
      decodeMsMean: round(mean(all.map((s) => s.decodeMs))),
      flatEncodeMsMean: round(mean([...flat.flags, ...flat.deliveries].map((s) => s.encodeMs))),
      flatDecodeMsMean: round(mean([...flat.flags, ...flat.deliveries].map((s) => s.decodeMs))),
    },
    targets: {
      bytesPerFlagChange: { target: TARGET_BYTES_PER_FLAG_CHANGE, met: unbatchedFlag <= TARGET_BYTES_PER_FLAG_CHANGE },
      ratioToGit: { target: TARGET_GIT_RATIO_MAX, met: gitFlag === null ? null : unbatchedFlag <= TARGET_GIT_RATIO_MAX * gitFlag },
      batchedBytesPerFlagChange: { target: TARGET_BATCHED_BYTES_PER_FLAG_CHANGE, met: batchedFlag <= TARGET_BATCHED_BYTES_PER_FLAG_CHANGE },
      bytesPerDelivery: { target: TARGET_BYTES_PER_DELIVERY, met: unbatchedDelivery <= TARGET_BYTES_PER_DELIVERY },
      flagsApartBytesPerFlagChange: { target: TARGET_FLAGS_APART_BYTES_PER_FLAG_CHANGE, met: apartFlag <= TARGET_FLAGS_APART_BYTES_PER_FLAG_CHANGE },
      flagsApartBatchedBytesPerFlagChange: { target: TARGET_FLAGS_APART_BATCHED_BYTES_PER_FLAG_CHANGE, met: apartBatched <= TARGET_FLAGS_APART_BATCHED_BYTES_PER_FLAG_CHANGE },
      flagsApartBytesPerDelivery: { target: TARGET_FLAGS_APART_BYTES_PER_DELIVERY, met: apartDelivery <= TARGET_FLAGS_APART_BYTES_PER_DELIVERY },
    },
    loadAverage: loadavg(),
  };
  if (!options.json) printSummary(summary);
  return summary;
}

function printSummary(summary: Awaited<ReturnType<typeof runWireBench>> & Record<string, any>): void {
  const u = summary.unbatched10k;
  const b = summary.batched10k;
  const f = summary.flat10k;
  const p = summary.packs;
  const git = (value: number | null) => (value === null ? 'git absent' : `${value} B`);
  console.log(`wire, ${summary.messages} messages, ${summary.bodySizeBytes} B bodies, ${summary.layout}; protocol overhead ${summary.protocolOverheadBytes} B`);
  console.log(`unbatched: ${u.bytesPerFlagChange} B per flag change (real git thin pack ${git(u.gitThinPackBytesPerFlagChange)}, x${u.ratioToGitFlagChange ?? '-'}); ${u.bytesPerDelivery} B per delivery (git ${git(u.gitThinPackBytesPerDelivery)})`);
  console.log(`batched ${b.opsPerCommit} per commit: ${b.bytesPerFlagChange} B per flag change (git ${git(b.gitThinPackBytesPerFlagChange)}); ${b.bytesPerDelivery} B per delivery`);
  console.log(`flat: ${f.bytesPerFlagChange} B per flag change (git ${git(f.gitThinPackBytesPerFlagChange)}), ${f.bytesPerDelivery} B per delivery; CPU ${f.cpuMsPerFlagCommit} ms per flag commit (fanout ${f.fanoutCpuMsPerFlagCommit} ms)`);
  console.log(`flat batched ${b.opsPerCommit} per commit: ${f.batchedBytesPerFlagChange} B per flag change, ${f.batchedBytesPerDelivery} B per delivery`);
  const w = summary.wide10k;
  console.log(`${w.layout}: ${w.bytesPerFlagChange} B per flag change (git ${git(w.gitThinPackBytesPerFlagChange)}), ${w.bytesPerDelivery} B per delivery; CPU ${w.cpuMsPerFlagCommit} ms per flag commit`);
  const fa = summary.flagsApart10k;
  console.log(`${fa.layout} (${fa.indexChunks} index files): ${fa.bytesPerFlagChange} B per flag change (git ${git(fa.gitThinPackBytesPerFlagChange)}), ${fa.bytesPerDelivery} B per delivery (git ${git(fa.gitThinPackBytesPerDelivery)}); batched ${fa.batchedBytesPerFlagChange} B per flag change (git ${git(fa.gitThinPackBatchedBytesPerFlagChange)}); CPU ${fa.cpuMsPerFlagCommit} ms per flag commit`);
  for (const row of summary.flagsApartChunks as Record<string, number>[]) console.log(`  ${row.chunks} index files: ${row.bytesPerFlagChange} B per flag change, batched ${row.batchedBytesPerFlagChange} B; CPU ${row.cpuMsPerFlagCommit} ms per flag commit, receive ${row.decodeMsPerFlagCommit} ms`);
  console.log(`packs: encode ${p.encodeMsMean} ms, decode ${p.decodeMsMean} ms (flat: ${p.flatEncodeMsMean} / ${p.flatDecodeMsMean} ms)`);
  for (const [name, target] of Object.entries(summary.targets as Record<string, { target: number; met: boolean | null }>)) console.log(`  ${name}: target ${target.target}, ${target.met === null ? 'not measured' : target.met ? 'met' : 'MISSED'}`);
  console.log(`load average ${summary.loadAverage.map((x: number) => x.toFixed(1)).join(' ')}`);
}
