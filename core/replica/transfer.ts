/**
 * What a peer lacks, as one thin git pack: the objects written by the commits it lacks (found
 * by diffing a commit's tree against its parents', skipping equal subtrees), changed trees and
 * files as deltas against their versions at the same path in the commit's first parent.
 */
import type { BoundedCache } from '../boundedCache.ts';
import { MODE_TREE, type TreeEntry } from '../objects.ts';
import { MissingObjectError } from '../objectStore.ts';
import { writePackWithStats, type PackInput } from '../pack/packfile.ts';
import { commitsMissing, heldTipsOf } from './commitGraph.ts';
import { info, type ReplicaContext } from './context.ts';

/** Packs kept for the peers that ask for the same commits (named limit). */
export const TRANSFER_MEMO_MAX = 8;

/** What one peer is sent: our heads and a thin pack of what it lacks. */
export interface Transfer {
  readonly head: string;
  readonly heads: readonly string[];
  /** A git pack, version 2 (core/pack/packfile.ts). */
  readonly pack: Uint8Array;
  readonly objectCount: number;
  readonly deltaCount: number;
  readonly commitCount: number;
}

/**
 * What a peer lacks to reach our head and the tips we hold unmerged, as one thin git pack: the
 * objects of every commit not reachable from any head the peer is known to hold (`peerHeads`;
 * heads we do not hold are ignored). A changed tree or file goes as a delta against its
 * version at the same path in the commit's first parent: an earlier entry of this pack, or an
 * object of a commit the peer holds, never sent. `memo`: the last packs made, by what they hold.
 */
export async function transferFor(ctx: ReplicaContext, memo: BoundedCache<Transfer>, peerHeads: string | null | readonly string[]): Promise<Transfer> {
  const head = ctx.head;
  const heads = [head, ...heldTipsOf(ctx.graph, ctx.tips, head)];
  const asked = peerHeads === null ? [] : typeof peerHeads === 'string' ? [peerHeads] : peerHeads;
  const known = asked.filter((id) => ctx.graph.has(id));
  const missing = commitsMissing(ctx.graph, heads, known);
  const key = `${heads.join(',')}/${missing.join(',')}`;
  const memoised = memo.get(key);
  if (memoised !== undefined) return memoised;
  const inputs: PackInput[] = [];
  for (const { id, base } of await objectsOf(ctx, missing)) {
    inputs.push({ object: await ctx.objects.read(id), ...(base === undefined ? {} : { base: await ctx.objects.read(base) }) });
  }
  const packed = writePackWithStats(inputs, ctx.objects.deflateMemo);
  const transfer: Transfer = { head, heads, pack: packed.bytes, objectCount: inputs.length, deltaCount: packed.deltaCount, commitCount: missing.length };
  // Pushing one commit to every peer that held the last head packs it once.
  memo.set(key, transfer);
  return transfer;
}

/** Ids of the objects written by the commits since `since` (each once): what the store grew by. */
export async function objectsWrittenSince(ctx: ReplicaContext, since: string): Promise<string[]> {
  return (await objectsOf(ctx, commitsMissing(ctx.graph, [ctx.head], ctx.graph.has(since) ? [since] : []))).map((object) => object.id);
}

/**
 * Objects commit `id` added over its parents; every one must be present (else
 * MissingObjectError). Walks only directories whose ids differ. A body that left a changed
 * directory of a parent (a flag rename, a move) is not new, so it is not counted.
 */
export async function writtenBy(ctx: ReplicaContext, id: string): Promise<readonly string[]> {
  return (await writes(ctx, id)).written;
}

/** What `commits` wrote, in order, each object once, with the base it may go as a delta against. */
async function objectsOf(ctx: ReplicaContext, commits: readonly string[]): Promise<{ readonly id: string; readonly base?: string }[]> {
  const out: { readonly id: string; readonly base?: string }[] = [];
  const seen = new Set<string>();
  for (const commit of commits) {
    const { written, bases } = await writes(ctx, commit);
    for (const id of [...written, commit]) {
      if (seen.has(id)) continue;
      seen.add(id);
      const base = bases.get(id);
      out.push(base === undefined ? { id } : { id, base });
    }
  }
  return out;
}

/** The objects commit `id` wrote and their delta bases, found by one tree diff and kept. */
async function writes(ctx: ReplicaContext, id: string): Promise<{ readonly written: readonly string[]; readonly bases: ReadonlyMap<string, string> }> {
  const commit = info(ctx, id);
  // The root commit records what it wrote at creation; it has no parent to delta against.
  if (commit.written && commit.parents.length === 0) commit.bases ??= new Map();
  if (commit.written && commit.bases) return { written: commit.written, bases: commit.bases };
  const out: string[] = [];
  const left = new Set<string>();
  const bases = new Map<string, string>();
  const parent = commit.parents[0];
  // A commit differs from its first parent's commit in its ids, date and summary only.
  if (parent !== undefined) bases.set(id, parent);
  const parentTrees = commit.parents.map((p) => info(ctx, p).tree);
  await diffTree(ctx, { out, left, bases }, commit.tree, parentTrees, parentTrees[0]);
  commit.written = out.filter((object) => !left.has(object));
  commit.bases = bases;
  return { written: commit.written, bases };
}

/** What one tree diff collects: objects added, bodies that left a changed directory, delta bases. */
interface TreeDiff {
  readonly out: string[];
  readonly left: Set<string>;
  readonly bases: Map<string, string>;
}

/**
 * Objects tree `id` adds over `parentTrees` (every one must be present, else
 * MissingObjectError), walking only directories whose ids differ. A body that left a changed
 * directory of a parent (a flag rename, a move) is not new, so it lands in `left`. For each
 * object, the first parent's version at the same path (`firstParentTree` here) is its base.
 */
async function diffTree(ctx: ReplicaContext, diff: TreeDiff, id: string, parentTrees: readonly string[], firstParentTree: string | undefined): Promise<void> {
  if (parentTrees.includes(id)) return;
  const entries = await ctx.objects.readTree(id);
  const names = new Map(entries.map((entry) => [entry.name, entry.id]));
  const parents: Map<string, TreeEntry>[] = [];
  for (const parent of parentTrees) {
    const parentEntries = await ctx.objects.readTree(parent);
    for (const entry of parentEntries) if (entry.mode !== MODE_TREE && names.get(entry.name) !== entry.id) diff.left.add(entry.id);
    parents.push(new Map(parentEntries.map((entry) => [entry.name, entry])));
  }
  const first = firstParentTree === undefined ? undefined : parents[parentTrees.indexOf(firstParentTree)];
  for (const entry of entries) {
    const before = parents.map((map) => map.get(entry.name)).filter((e): e is TreeEntry => e !== undefined && e.mode === entry.mode);
    if (before.some((e) => e.id === entry.id)) continue;
    const was = first?.get(entry.name);
    const base = was !== undefined && was.mode === entry.mode ? was.id : undefined;
    if (entry.mode === MODE_TREE) await diffTree(ctx, diff, entry.id, before.map((e) => e.id), base);
    else {
      if (!ctx.objects.has(entry.id)) throw new MissingObjectError(entry.id);
      diff.out.push(entry.id);
      if (base !== undefined) diff.bases.set(entry.id, base);
    }
  }
  diff.out.push(id);
  if (firstParentTree !== undefined) diff.bases.set(id, firstParentTree);
}
