/**
 * A binary heap ordered by `first(a, b)`: true when `a` must come out before `b`. The
 * order must be strict and total (break ties, e.g. by id or insertion number), so what
 * comes out never depends on the engine. Used for the simulator's event queue and for
 * walking commit graphs newest generation first.
 */
import { assert } from './errors.ts';

export class BinaryHeap<T> {
  private readonly items: T[] = [];
  constructor(private readonly first: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  /** Every item, in no particular order (a read-only view: do not keep it across a push or pop). */
  values(): readonly T[] {
    return this.items;
  }

  /** The item that pop() would return; undefined when empty. */
  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const items = this.items;
    items.push(item);
    let at = items.length - 1;
    while (at > 0) {
      const up = (at - 1) >> 1;
      if (!this.first(items[at] as T, items[up] as T)) break;
      [items[at], items[up]] = [items[up] as T, items[at] as T];
      at = up;
    }
  }

  pop(): T {
    const items = this.items;
    assert(items.length > 0, 'pop from an empty heap');
    const top = items[0] as T;
    const last = items.pop() as T;
    if (items.length > 0) {
      items[0] = last;
      let at = 0;
      for (;;) {
        const left = 2 * at + 1;
        const right = left + 1;
        let best = at;
        if (left < items.length && this.first(items[left] as T, items[best] as T)) best = left;
        if (right < items.length && this.first(items[right] as T, items[best] as T)) best = right;
        if (best === at) break;
        [items[at], items[best]] = [items[best] as T, items[at] as T];
        at = best;
      }
    }
    return top;
  }
}

/**
 * Commit ids, newest generation first (ties: the larger id), the walk order for painting a
 * commit graph downwards (missing commits, merge bases) without visiting history below the
 * region that matters. A parent's generation is below its child's, so popping in this order
 * sees every commit after all of its queued descendants.
 */
export function generationHeap(generationOf: (id: string) => number): BinaryHeap<string> {
  return new BinaryHeap<string>((a, b) => {
    const ga = generationOf(a);
    const gb = generationOf(b);
    return ga > gb || (ga === gb && a > b);
  });
}
