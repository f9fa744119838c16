/**
 * The commit graph of a replica: every commit it knows by id, with its tree, parents, date,
 * author and generation (1 + its parents' highest). Ancestry, topological order, the writes no
 * other write descends from (tips), and the commits one set of heads has that another lacks.
 * Pure functions over the graph, which is only ever extended (parents before children).
 */
import { createHash } from 'node:crypto';
import { assert } from '../errors.ts';
import { generationHeap } from '../binaryHeap.ts';
import type { CommitData } from '../objects.ts';

export interface CommitInfo {
  readonly tree: string;
  readonly parents: readonly string[];
  readonly timeMs: number;
  readonly author: string;
  readonly generation: number;
  /** The replica's GUID counter after this commit (commits by a node only). */
  readonly seq: number;
  /** The commit's name by what it logically is, whatever layout its trees have (logicalIdOf). */
  readonly logicalId: string;
  /** Objects this commit added over its parents; computed by tree diff when not recorded. */
  written?: readonly string[];
  /** For those objects (and the commit), the first parent's version at the same path: a delta base for packs. */
  bases?: ReadonlyMap<string, string>;
}

export type CommitGraph = Map<string, CommitInfo>;

const SEQ_TRAILER = /\nMailsim-Seq: (\d+)$/;

/** A node's commit message: the summary, then its GUID counter as a trailer (read back by open). */
export function withSeqTrailer(summary: string, seq: number): string {
  return `${summary}\n\nMailsim-Seq: ${seq}`;
}

function seqOf(commit: CommitData): number {
  const match = SEQ_TRAILER.exec(commit.message);
  return match ? Number(match[1]) : 0;
}

export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A commit's name by its history alone: author, date and message of a write, and its parents'
 * logical ids, never a tree id, so the same commit under another layout (or bucket count) has
 * the same one. A merge's message names its parents by commit id, so a merge is named by its
 * date and parents only. Orders heads where the order reaches the merged state (compareLogical).
 */
export function logicalIdOf(graph: ReadonlyMap<string, CommitInfo>, commit: { readonly parents: readonly string[]; readonly author: string; readonly timeMs: number; readonly message: string }): string {
  const parents = commit.parents.map((parent) => infoOf(graph, parent).logicalId).sort(compareIds);
  const what = commit.parents.length > 1 ? 'merge' : `${commit.author}\n${commit.message}`;
  return createHash('sha1').update(`${parents.join(' ')}\n${commit.timeMs}\n${what}`).digest('hex');
}

/** Commits by logical id, then (two commits of one history that differ only in content) by id. */
export function compareLogical(graph: ReadonlyMap<string, CommitInfo>): (a: string, b: string) => number {
  return (a, b) => compareIds(infoOf(graph, a).logicalId, infoOf(graph, b).logicalId) || compareIds(a, b);
}

export function infoOf(graph: ReadonlyMap<string, CommitInfo>, id: string): CommitInfo {
  const info = graph.get(id);
  assert(info !== undefined, `unknown commit ${id}`);
  return info;
}

/** Parents before children. */
function topological(commits: ReadonlyMap<string, CommitData>): string[] {
  const order: string[] = [];
  const done = new Set<string>();
  const visit = (start: string): void => {
    const stack: { id: string; expanded: boolean }[] = [{ id: start, expanded: false }];
    while (stack.length > 0) {
      const top = stack.pop() as { id: string; expanded: boolean };
      if (done.has(top.id)) continue;
      if (top.expanded) {
        done.add(top.id);
        order.push(top.id);
        continue;
      }
      stack.push({ id: top.id, expanded: true });
      for (const parent of (commits.get(top.id) as CommitData).parents) if (commits.has(parent) && !done.has(parent)) stack.push({ id: parent, expanded: false });
    }
  };
  for (const id of [...commits.keys()].sort(compareIds)) visit(id);
  return order;
}

/** Adds decoded `commits` (each parent in `graph` or among them) to `graph`, parents first; returns their ids in that order. */
export function addToGraph(graph: CommitGraph, commits: ReadonlyMap<string, CommitData>): string[] {
  const order = topological(commits);
  for (const id of order) {
    const commit = commits.get(id) as CommitData;
    const generation = 1 + Math.max(0, ...commit.parents.map((parent) => infoOf(graph, parent).generation));
    graph.set(id, { tree: commit.tree, parents: commit.parents, timeMs: commit.timeMs, author: commit.author, generation, seq: seqOf(commit), logicalId: logicalIdOf(graph, commit) });
  }
  return order;
}

/** Is `a` an ancestor of `b` (or equal)? Walks back from b, never below a's generation. */
export function isAncestor(graph: ReadonlyMap<string, CommitInfo>, a: string, b: string): boolean {
  const floor = infoOf(graph, a).generation;
  const seen = new Set<string>();
  const stack = [b];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (id === a) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const parent of infoOf(graph, id).parents) if (infoOf(graph, parent).generation >= floor) stack.push(parent);
  }
  return false;
}

/** Commits reachable from some of `heads` but from none of `peers`, oldest first (paint by generation, newest first). */
export function commitsMissing(graph: ReadonlyMap<string, CommitInfo>, heads: readonly string[], peers: readonly string[]): string[] {
  const FROM_HEAD = 1;
  const FROM_PEER = 2;
  const flags = new Map<string, number>();
  const queue = generationHeap((id) => infoOf(graph, id).generation);
  let headOnly = 0;
  const enqueue = (id: string, flag: number) => {
    flags.set(id, flag);
    if (flag === FROM_HEAD) headOnly++;
    queue.push(id);
  };
  for (const head of heads) if (!peers.includes(head) && !flags.has(head)) enqueue(head, FROM_HEAD);
  for (const peer of peers) if (!flags.has(peer)) enqueue(peer, FROM_PEER);
  const missing: string[] = [];
  while (headOnly > 0) {
    const id = queue.pop();
    const flag = flags.get(id) as number;
    if (flag === FROM_HEAD) {
      headOnly--;
      missing.push(id);
    }
    for (const parent of infoOf(graph, id).parents) {
      const old = flags.get(parent);
      if (old === undefined) enqueue(parent, flag);
      else if (old === FROM_HEAD && flag === FROM_PEER) {
        flags.set(parent, FROM_PEER);
        headOnly--;
      }
    }
  }
  return missing.sort((x, y) => infoOf(graph, x).generation - infoOf(graph, y).generation || compareIds(x, y));
}

/**
 * The writes (commits with at most one parent) no other write descends from, sorted, of a graph
 * whose insertion order is parents first.
 */
export function tipsOf(graph: ReadonlyMap<string, CommitInfo>): string[] {
  const belowWrite = new Set<string>();
  const tips: string[] = [];
  for (const [id, info] of [...graph].reverse()) {
    const write = info.parents.length <= 1;
    if (write && !belowWrite.has(id)) tips.push(id);
    if (write || belowWrite.has(id)) for (const parent of info.parents) belowWrite.add(parent);
  }
  return tips.sort(compareIds);
}

/** The tips after commit `id` joined the graph: a write replaces the tips it descends from. */
export function tipsWith(graph: ReadonlyMap<string, CommitInfo>, tips: readonly string[], id: string): string[] {
  if (infoOf(graph, id).parents.length > 1) return [...tips];
  return [...tips.filter((tip) => !isAncestor(graph, tip, id)), id].sort(compareIds);
}

/** The tips not in `head`'s history: commits held, waiting for a merge. */
export function heldTipsOf(graph: ReadonlyMap<string, CommitInfo>, tips: readonly string[], head: string): string[] {
  return tips.filter((tip) => !isAncestor(graph, tip, head));
}
