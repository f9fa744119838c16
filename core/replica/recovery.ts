/**
 * Opening a replica from its files after a restart or crash: every object file read and
 * verified (torn ones deleted, core/objectStore.ts), the commit graph rebuilt from the head,
 * and the objects no commit reaches pruned. It costs O(store).
 */
import { decodeCommit, decodeTree, type CommitData } from '../objects.ts';
import { MissingObjectError, ObjectStore } from '../objectStore.ts';
import { readState } from '../layout.ts';
import { addToGraph, infoOf, type CommitGraph, type CommitInfo } from './commitGraph.ts';
import type { ReplicaOptions, ReplicaParts } from './context.ts';

export async function recoverReplica(opts: ReplicaOptions): Promise<ReplicaParts> {
  const objects = new ObjectStore(opts.fs, opts.dir, opts.layoutCache, opts.deflateMemo);
  const commits = new Map<string, CommitData>();
  const children = new Map<string, string[]>();
  await objects.recover((object) => {
    if (object.type === 'commit') commits.set(object.id, decodeCommit(object.id, object.content));
    else if (object.type === 'tree') children.set(object.id, decodeTree(object.id, object.content).map((entry) => entry.id));
  });
  const head = await objects.readRef();
  const graph = graphFrom(head, commits);
  // Objects of a commit the crash lost are whole but belong to no commit; a later commit that
  // needs them must write (and so record) them again, or transfers would miss them.
  await objects.prune(reachableObjects(graph, children));
  const state = await readState(infoOf(graph, head).tree, opts.layout, objects);
  return { objects, graph, head, state };
}

/** The graph of the commits `head` reaches (each must be among `commits`, else MissingObjectError). */
function graphFrom(head: string, commits: ReadonlyMap<string, CommitData>): CommitGraph {
  const reachable = new Map<string, CommitData>();
  const stack = [head];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (reachable.has(id)) continue;
    const commit = commits.get(id);
    if (!commit) throw new MissingObjectError(id);
    reachable.set(id, commit);
    stack.push(...commit.parents);
  }
  const graph: CommitGraph = new Map();
  addToGraph(graph, reachable);
  return graph;
}

/** Every object reachable from the commits of `graph` (commits, trees, blobs). */
function reachableObjects(graph: ReadonlyMap<string, CommitInfo>, children: ReadonlyMap<string, readonly string[]>): Set<string> {
  const seen = new Set<string>(graph.keys());
  const stack = [...graph.values()].map((info) => info.tree);
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const child of children.get(id) ?? []) if (!seen.has(child)) stack.push(child);
  }
  return seen;
}
