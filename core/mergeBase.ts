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
 */
import { assert } from './errors.ts';

/** A history deeper than this is a programmer error in the simulator (named limit). */
export const MERGE_BASE_COMMITS_MAX = 10_000_000;

/** Nearest common ancestor(s) of commits a and b; deterministic single choice for criss-cross (documented). null when unrelated. */
export function mergeBase(a: string, b: string, parentsOf: (id: string) => readonly string[]): string | null {
  if (a === b) return a;
  const ancestorsA = ancestorsOf(a, parentsOf);
  if (ancestorsA.has(b)) return b;
  const ancestorsB = ancestorsOf(b, parentsOf);
  if (ancestorsB.has(a)) return a;
  const common: string[] = [];
  for (const id of ancestorsB) if (ancestorsA.has(id)) common.push(id);
  if (common.length === 0) return null;
  const best = bestCommonAncestors(common, parentsOf);
  const generation = generationsOf(best, parentsOf);
  best.sort((x, y) => (generation.get(y) ?? 0) - (generation.get(x) ?? 0) || (x < y ? -1 : x > y ? 1 : 0));
  return best[0] ?? null;
}

/** Every commit reachable from `start`, `start` included. */
function ancestorsOf(start: string, parentsOf: (id: string) => readonly string[]): Set<string> {
  const seen = new Set<string>([start]);
  const stack = [start];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    for (const parent of parentsOf(id)) {
      if (seen.has(parent)) continue;
      seen.add(parent);
      assert(seen.size <= MERGE_BASE_COMMITS_MAX, 'commit graph exceeds MERGE_BASE_COMMITS_MAX');
      stack.push(parent);
    }
  }
  return seen;
}

/** Common ancestors that are not a proper ancestor of another common ancestor. */
function bestCommonAncestors(common: readonly string[], parentsOf: (id: string) => readonly string[]): string[] {
  const commonSet = new Set(common);
  const dominated = new Set<string>();
  // Walk down from every common ancestor's parents; everything reached is dominated.
  const stack: string[] = [];
  for (const id of common) stack.push(...parentsOf(id));
  const seen = new Set<string>();
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    if (commonSet.has(id)) dominated.add(id);
    stack.push(...parentsOf(id));
  }
  return common.filter((id) => !dominated.has(id));
}

/** Longest path from a root, for each of `ids` (roots have generation 1). Iterative, memoised. */
function generationsOf(ids: readonly string[], parentsOf: (id: string) => readonly string[]): Map<string, number> {
  const generation = new Map<string, number>();
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
