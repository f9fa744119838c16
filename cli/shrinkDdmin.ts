/**
 * Delta debugging (ddmin): the smallest sublist of `items` (1-minimal: removing any one
 * item makes the failure go away) for which `fails` still holds, found by testing
 * complements and subsets at growing granularity. Order is kept. Every distinct subset is
 * tested at most once, and at most `testsMax` times in all (then the best so far is kept).
 */
export const DDMIN_TESTS_MAX = 400;

export interface DdminResult<T> {
  readonly items: readonly T[];
  readonly tests: number;
  /** true when testsMax stopped the search before it was 1-minimal. */
  readonly exhausted: boolean;
}

function split(indexes: readonly number[], parts: number): number[][] {
  const chunks: number[][] = [];
  let start = 0;
  for (let part = 0; part < parts; part++) {
    const end = start + Math.floor((indexes.length - start) / (parts - part));
    chunks.push(indexes.slice(start, end));
    start = end;
  }
  return chunks.filter((chunk) => chunk.length > 0);
}

export async function ddmin<T>(
  items: readonly T[],
  fails: (subset: readonly T[]) => Promise<boolean>,
  testsMax: number = DDMIN_TESTS_MAX,
): Promise<DdminResult<T>> {
  const cache = new Map<string, boolean>();
  let tests = 0;
  const test = async (indexes: readonly number[]): Promise<boolean | null> => {
    const key = indexes.join(',');
    const known = cache.get(key);
    if (known !== undefined) return known;
    if (tests >= testsMax) return null;
    tests++;
    const result = await fails(indexes.map((index) => items[index] as T));
    cache.set(key, result);
    return result;
  };
  let current = items.map((_, index) => index);
  if ((await test([])) === true) return { items: [], tests, exhausted: false };
  let parts = 2;
  while (current.length >= 2) {
    const chunks = split(current, Math.min(parts, current.length));
    const next = await reduceOnce(current, chunks, test);
    if (next === 'exhausted') return { items: current.map((i) => items[i] as T), tests, exhausted: true };
    if (next !== null) {
      current = next.indexes;
      parts = next.subset ? 2 : Math.max(parts - 1, 2);
      continue;
    }
    if (parts >= current.length) break;
    parts = Math.min(parts * 2, current.length);
  }
  return { items: current.map((i) => items[i] as T), tests, exhausted: false };
}

async function reduceOnce(
  current: readonly number[],
  chunks: readonly number[][],
  test: (indexes: readonly number[]) => Promise<boolean | null>,
): Promise<{ indexes: number[]; subset: boolean } | null | 'exhausted'> {
  for (const chunk of chunks) {
    const result = await test(chunk);
    if (result === null) return 'exhausted';
    if (result) return { indexes: chunk, subset: true };
  }
  if (chunks.length <= 2) {
    // With two chunks each complement is the other chunk, already tested.
    return null;
  }
  for (const chunk of chunks) {
    const inChunk = new Set(chunk);
    const complement = current.filter((index) => !inChunk.has(index));
    const result = await test(complement);
    if (result === null) return 'exhausted';
    if (result) return { indexes: complement, subset: false };
  }
  return null;
}
