/**
 * Merge base: the nearest common ancestor of two commits.
 *
 * Rule: among the *best* common ancestors (common ancestors that are not an ancestor of
 * another common ancestor), pick the one with the greatest generation number (longest
 * parent path from a root), ties broken by the smallest commit id. With a single best
 * ancestor (every non-criss-cross history) this is simply that ancestor. For criss-cross
 * histories (several best ancestors) the choice depends only on the commit graph, not on
 * which side asks or which node computes it, so mergeBase(a,b) = mergeBase(b,a) everywhere,
 * every node merging the same two heads merges from the same base and reaches the same
 * state. Preferring the deepest base keeps the most shared history in the base, which
 * keeps the set of changes the merge must reconcile small.
 *
 * A single base is not enough for a Maildir merge in criss-cross histories: a message
 * delivered in one best ancestor and expunged later on one side looks "new on the other
 * side" from a base that lacks it, and would come back. Replicas should therefore merge from
 * `recursiveMergeBaseState` (git's recursive strategy: the best ancestors merged into one
 * virtual base), which equals the state of `mergeBase` whenever there is a single best
 * ancestor.
 */
import { assert } from './errors.ts';
import { generationHeap } from './binaryHeap.ts';
import { mergeVirtualBase } from './merge/mergeStores.ts';
import type { StoreState } from './state.ts';

/** A history deeper than this is a programmer error in the simulator (named limit). */
export const MERGE_BASE_COMMITS_MAX = 10_000_000;

/** Nearest common ancestor(s) of commits a and b; deterministic single choice for criss-cross (documented). null when unrelated. */
export function mergeBase(a: string, b: string, parentsOf: (id: string) => readonly string[]): string | null {
  return mergeBases(a, b, parentsOf)[0] ?? null;
}

/**
 * Every best common ancestor of a and b (none is an ancestor of another), deepest first
 * (greatest generation), ties by `compare` (commit id when absent). One element except in
 * criss-cross histories; empty when unrelated. The order is a function of the graph only.
 *
 * `generationOf` (longest path from a root, roots 1) lets the search stop at the bases:
 * it paints down from both heads newest generation first, so it visits the commits above
 * the bases and not the history below them. Without it, generations are computed by
 * walking the whole history once.
 */
export function mergeBases(a: string, b: string, parentsOf: (id: string) => readonly string[], generationOf?: (id: string) => number, compare: (x: string, y: string) => number = compareCommitIds): string[] {
  if (a === b) return [a];
  const generation = generationOf ?? memoGenerations(parentsOf);
  const best = paintDownToBases(a, b, parentsOf, generation);
  return best.sort((x, y) => generation(y) - generation(x) || compare(x, y));
}

function compareCommitIds(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

const FROM_A = 1;
const FROM_B = 2;
const STALE = 4;

/**
 * Paints commits reachable from a and from b, newest generation first. A commit painted
 * from both sides is a common ancestor; the first one met on a path is a best one, and it
 * marks everything below it stale. Because parents have lower generations than children,
 * a commit is popped only after every queued descendant, so by then a best ancestor above
 * it has already marked it stale: no best ancestor found is an ancestor of another. The
 * walk ends when only stale commits remain queued.
 */
function paintDownToBases(a: string, b: string, parentsOf: (id: string) => readonly string[], generationOf: (id: string) => number): string[] {
  const flags = new Map<string, number>();
  const queue = generationHeap(generationOf);
  let live = 0;
  const paint = (id: string, add: number): void => {
    const old = flags.get(id);
    if (old === undefined) {
      flags.set(id, add);
      queue.push(id);
      if ((add & STALE) === 0) live++;
      assert(flags.size <= MERGE_BASE_COMMITS_MAX, 'commit graph exceeds MERGE_BASE_COMMITS_MAX');
      return;
    }
    const next = old | add;
    if (next === old) return;
    flags.set(id, next);
    // Still queued (a parent is never popped before its child): only its staleness can change.
    if ((old & STALE) === 0 && (next & STALE) !== 0) live--;
  };
  paint(a, FROM_A);
  paint(b, FROM_B);
  const best: string[] = [];
  while (live > 0) {
    const id = queue.pop();
    let flag = flags.get(id) as number;
    if ((flag & STALE) === 0) {
      live--;
      if ((flag & (FROM_A | FROM_B)) === (FROM_A | FROM_B)) {
        best.push(id);
        flag |= STALE;
        flags.set(id, flag);
      }
    }
    for (const parent of parentsOf(id)) paint(parent, flag);
  }
  return best;
}

/** Generations by a memoised walk of the whole history, for callers that keep none. */
function memoGenerations(parentsOf: (id: string) => readonly string[]): (id: string) => number {
  const known = new Map<string, number>();
  return (id) => {
    const cached = known.get(id);
    if (cached !== undefined) return cached;
    return generationsOf([id], parentsOf, known).get(id) as number;
  };
}

/**
 * The base state for merging commits a and b (see recursiveMergeBaseWith), with the merge made
 * for virtual bases (core/merge/mergeStores.ts mergeVirtualBase: it never mints a UIDVALIDITY, whatever the
 * strategy, so the base holds only UID spaces real commits hold). null when unrelated.
 */
export function recursiveMergeBaseState(
  a: string,
  b: string,
  parentsOf: (id: string) => readonly string[],
  loadState: (id: string) => StoreState | Promise<StoreState>,
  options: MergeBaseOptions<StoreState> = {},
): Promise<StoreState | null> {
  return recursiveMergeBaseWith(a, b, parentsOf, loadState, mergeVirtualBase, { mailboxes: new Map() }, options);
}

/** What a caller that keeps a commit graph can lend the search. */
export interface MergeBaseOptions<S> {
  /** Virtual bases already computed (see MergeBaseMemo). */
  readonly memo?: MergeBaseMemo<S>;
  /** Generation numbers the caller already keeps; without them they are computed by a full walk. */
  readonly generationOf?: (id: string) => number;
  /**
   * Order of best bases of equal generation, which decides how a virtual base is merged (and which
   * bases past MERGE_BASE_BASES_MAX are folded in without a base of their own); commit id when absent. A replica passes an
   * order that does not depend on its layout's tree ids.
   */
  readonly compare?: (x: string, y: string) => number;
}

/**
 * Virtual bases already computed, by (a, b) pair. Histories never change, so a replica can
 * keep one for its life: without it, the recursion recomputes the same inner bases again
 * and again, which grows exponentially with the criss-crosses that many replicas gossiping
 * merges produce.
 */
export type MergeBaseMemo<S> = Map<string, Promise<S | null>>;

/** Entries a memo keeps before it is emptied (named limit). */
export const MERGE_BASE_MEMO_ENTRIES_MAX = 4_096;
/**
 * Recursion depth past which best ancestors are folded into the virtual base without a base
 * of their own. Deeper recursion only refines bases of bases; the limit keeps a
 * pathological history from stalling a replica.
 */
export const MERGE_BASE_DEPTH_MAX = 2;
/**
 * Best common ancestors merged into the virtual base each from its own recursive base,
 * deepest first (named limit). The others are folded in too, from an empty base (their
 * union), never left out: a message that only a left-out ancestor held would have no base
 * version, and the higher MODSEQ would then settle its flags, losing the other side's write.
 */
export const MERGE_BASE_BASES_MAX = 4;

/**
 * The base for merging commits a and b, git-recursive style: with one best common
 * ancestor, its state; with several (criss-cross), a virtual base made by merging them in
 * `mergeBases` order, each pair from its own recursive base (an empty state when unrelated).
 * Every best common ancestor is an ancestor of both heads, so whatever any of them holds both
 * sides have seen: an expunge made after one of them is not undone by merging from another.
 * The result depends only on the graph and the states, so every node computes the same base.
 * null when a and b are unrelated.
 */
export async function recursiveMergeBaseWith<S>(
  a: string,
  b: string,
  parentsOf: (id: string) => readonly string[],
  loadState: (id: string) => S | Promise<S>,
  merge: (base: S, ours: S, theirs: S) => S,
  empty: S,
  options: MergeBaseOptions<S> = {},
  depth = 0,
): Promise<S | null> {
  const memo = options.memo ?? new Map<string, Promise<S | null>>();
  const generationOf = options.generationOf ?? memoGenerations(parentsOf);
  // Depth is part of the key: below MERGE_BASE_DEPTH_MAX the same pair gets a coarser base.
  const key = `${depth} ${a < b ? `${a} ${b}` : `${b} ${a}`}`;
  const known = memo.get(key);
  if (known) return known;
  if (memo.size >= MERGE_BASE_MEMO_ENTRIES_MAX) memo.clear();
  // Memoised as a promise, so concurrent and recursive asks for one pair share one computation.
  const result = (async (): Promise<S | null> => {
    const bases = mergeBases(a, b, parentsOf, generationOf, options.compare);
    const first = bases[0];
    if (first === undefined) return null;
    if (bases.length === 1) return loadState(first);
    const virtualParents = new Map<string, readonly string[]>();
    const virtualStates = new Map<string, S>();
    const virtualGenerations = new Map<string, number>();
    const parents = (id: string): readonly string[] => virtualParents.get(id) ?? parentsOf(id);
    const generation = (id: string): number => virtualGenerations.get(id) ?? generationOf(id);
    const load = (id: string): S | Promise<S> => virtualStates.get(id) ?? loadState(id);
    let virtualId = first;
    let virtualState: S = await loadState(first);
    for (const [index, next] of bases.slice(1).entries()) {
      const recurse = depth < MERGE_BASE_DEPTH_MAX && index + 1 < MERGE_BASE_BASES_MAX;
      const inner = recurse ? await recursiveMergeBaseWith(virtualId, next, parents, load, merge, empty, { memo, generationOf: generation, ...(options.compare ? { compare: options.compare } : {}) }, depth + 1) : null;
      const merged = merge(inner ?? empty, virtualState, await load(next));
      const id = `virtual(${virtualId},${next})`;
      virtualParents.set(id, [virtualId, next]);
      virtualGenerations.set(id, 1 + Math.max(generation(virtualId), generation(next)));
      virtualStates.set(id, merged);
      virtualId = id;
      virtualState = merged;
    }
    return virtualState;
  })();
  memo.set(key, result);
  return result;
}

/** Longest path from a root, for each of `ids` (roots have generation 1). Iterative, memoised. */
function generationsOf(ids: readonly string[], parentsOf: (id: string) => readonly string[], generation = new Map<string, number>()): Map<string, number> {
  for (const start of ids) {
    const stack: string[] = [start];
    while (stack.length > 0) {
      const id = stack[stack.length - 1] as string;
      if (generation.has(id)) {
        stack.pop();
        continue;
      }
      const pending = parentsOf(id).filter((p) => !generation.has(p));
      if (pending.length > 0) {
        stack.push(...pending);
        continue;
      }
      let max = 0;
      for (const p of parentsOf(id)) max = Math.max(max, generation.get(p) ?? 0);
      generation.set(id, max + 1);
      stack.pop();
    }
  }
  return generation;
}
