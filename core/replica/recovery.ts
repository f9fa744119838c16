/**
 * Opening a replica from its files after a restart or crash: every object file read and
 * verified (torn ones deleted, core/objectStore.ts), the commit graph rebuilt from the head,
 * and the objects no commit reaches pruned. It costs O(store). A repository the disk damaged
 * (an object the head reaches is gone or fails its id check) does not open: MissingObjectError,
 * until a peer's full pack supplies what it lacks (RepairSupply).
 */
import { decodeCommit, decodeTree, type CommitData, type EncodedObject } from '../objects.ts';
import { readPack } from '../pack/packfile.ts';
import { MissingObjectError, ObjectStore } from '../objectStore.ts';
import { readState } from '../layout.ts';
import { addToGraph, infoOf, type CommitGraph, type CommitInfo } from './commitGraph.ts';
import type { ReplicaOptions, ReplicaParts } from './context.ts';

/**
 * What a peer sent a replica whose repository is damaged: a full pack of everything it holds
 * (every object verified on arrival), and, when no peer could fill the gap, the head to adopt.
 */
export interface RepairSupply {
  readonly pack: Uint8Array;
  /** Give up the local head and take this one (held in `pack`): the local commits the damage took are lost. */
  readonly adoptHead?: string;
}

export async function recoverReplica(opts: ReplicaOptions, supply?: RepairSupply): Promise<ReplicaParts> {
  const objects = new ObjectStore(opts.fs, opts.dir, opts.layoutCache, opts.deflateMemo);
  objects.verifyReads = opts.trustReads !== true;
  const commits = new Map<string, CommitData>();
  const children = new Map<string, string[]>();
  const index = (object: EncodedObject): void => {
    if (object.type === 'commit') commits.set(object.id, decodeCommit(object.id, object.content));
    else if (object.type === 'tree') children.set(object.id, decodeTree(object.id, object.content).map((entry) => entry.id));
  };
  await objects.recover(index);
  if (supply !== undefined) await takeSupply(objects, supply, index);
  const head = await objects.readRef();
  const graph = graphFrom(head, commits);
  // Objects of a commit the crash lost are whole but belong to no commit; a later commit that
  // needs them must write (and so record) them again, or transfers would miss them.
  const reachable = reachableObjects(graph, children);
  // A body the head reaches whose file rotted or could not be read: the state alone reads no
  // body, so this is where the damage shows.
  for (const id of reachable) if (!objects.has(id)) throw new MissingObjectError(id);
  await objects.prune(reachable);
  const state = await readState(infoOf(graph, head).tree, opts.layout, objects);
  return { objects, graph, head, state };
}

/** Writes what a peer supplied that the store lacks (every object verified by readPack), and adopts its head if told to. */
async function takeSupply(objects: ObjectStore, supply: RepairSupply, index: (object: EncodedObject) => void): Promise<void> {
  for (const object of await readPack(supply.pack, () => undefined)) {
    if (objects.has(object.id)) continue;
    objects.put(object);
    index(object);
  }
  await objects.writeStaged();
  if (supply.adoptHead !== undefined) await objects.updateRef(supply.adoptHead);
  else await objects.fs.sync();
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
