/**
 * The one mutable record of a reference replica, which its pieces share: options, object store,
 * commit graph, head and state, GUID counter, tips, the open batch, and the memos. The Replica
 * class (replica.ts) owns it and runs one change at a time; the pieces (commit.ts, batch.ts,
 * transfer.ts, receive.ts) are free functions over it.
 */
import type { UidIndex } from '../uidIndex.ts';
import type { DeflateMemo } from '../deflateMemo.ts';
import type { ReplicaFs } from '../fsTypes.ts';
import type { StoreState } from '../state.ts';
import type { UidStrategy } from '../strategy.ts';
import type { MergeBaseMemo } from '../mergeBase.ts';
import type { ObjectStore } from '../objectStore.ts';
import { readState, type LayoutCache, type LayoutSpec } from '../layout.ts';
import { infoOf, type CommitGraph, type CommitInfo } from './commitGraph.ts';

export interface ReplicaOptions {
  /** git author name, Maildir host part. */
  node: string;
  fs: ReplicaFs;
  /** Repository root on fs, e.g. '/repo' (a bare repository). */
  dir: string;
  layout: LayoutSpec;
  strategy: UidStrategy;
  /** Node-local wall clock in ms (skewed by the simulator). */
  clock: () => number;
  /** The layout's memo; a world passes one to all its replicas (content-addressed); a clone shares its source's; else each replica has its own. */
  layoutCache?: LayoutCache;
  /** The UID lookup memo; a world passes one to all its replicas, else each has its own. */
  uidIndex?: UidIndex;
  /** Deflated objects and pack entries by id; a world passes one to all its replicas, a clone shares its source's, else each replica has its own. */
  deflateMemo?: DeflateMemo;
  /** The trust-reads mutant (test only): object reads skip the id check. */
  trustReads?: boolean;
}

/** How an open batch ended: committed durably, or its commit failed (its operations rolled back). */
export interface BatchEnds {
  readonly durable: () => void;
  readonly failed: (error: unknown) => void;
}

/** Operations applied to the state but not committed yet, and what to restore if their commit fails. */
export interface OpenBatch {
  readonly startState: StoreState;
  readonly startSeq: number;
  readonly summaries: string[];
  readonly ends: BatchEnds;
}

/** What a replica starts from: its store, graph, head and the head's state. */
export interface ReplicaParts {
  readonly objects: ObjectStore;
  readonly graph: CommitGraph;
  readonly head: string;
  readonly state: StoreState;
}

/** Commit states kept in memory (base, ours, theirs of recent merges). */
export const STATE_CACHE_COMMITS_MAX = 16;

export interface ReplicaContext {
  readonly opts: ReplicaOptions;
  readonly objects: ObjectStore;
  readonly graph: CommitGraph;
  /** UID lookups of this replica's states (core/uidIndex.ts); the world's, shared by its replicas, when given. */
  readonly uidIndex: UidIndex;
  readonly stateCache: Map<string, StoreState>;
  /** Virtual merge bases by commit pair: the history never changes, so they stay valid. */
  readonly mergeBaseMemo: MergeBaseMemo<StoreState>;
  head: string;
  /** The head's state plus the operations of an open batch. */
  state: StoreState;
  /** The GUID counter: the last one this node used. */
  seq: number;
  /**
   * The writes (commits with at most one parent) no other write descends from, sorted. The head's
   * history holds all of them but those held for the designated merger.
   */
  tips: string[];
  /**
   * The open batch: the one record of it. Its owner (a server's group commit) learns how it
   * ended through `ends`, whoever committed it (a flush, or a receive, merge or settle that must
   * build on it).
   */
  batch: OpenBatch | null;
  /** Commits made since create/open/clone (operations, batches, merges, settles). */
  commitCount: number;
  /** Merge commits among them. */
  mergeCount: number;
}

export function info(ctx: ReplicaContext, id: string): CommitInfo {
  return infoOf(ctx.graph, id);
}

export function cacheState(ctx: ReplicaContext, id: string, state: StoreState): void {
  ctx.stateCache.delete(id);
  ctx.stateCache.set(id, state);
  if (ctx.stateCache.size > STATE_CACHE_COMMITS_MAX) ctx.stateCache.delete(ctx.stateCache.keys().next().value as string);
}

export async function stateOf(ctx: ReplicaContext, id: string): Promise<StoreState> {
  const cached = ctx.stateCache.get(id);
  if (cached) return cached;
  const state = await readState(info(ctx, id).tree, ctx.opts.layout, ctx.objects);
  cacheState(ctx, id, state);
  return state;
}
