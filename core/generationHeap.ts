/**
 * A priority queue of commits, newest generation first: the walk order for painting a
 * commit graph downwards (missing commits, merge bases) without visiting history below
 * the region that matters. A parent's generation is always below its child's, so popping
 * in this order sees every commit after all of its descendants that were queued.
 */
import { assert } from './errors.ts';

/** A binary max-heap of commit ids by generation (ties: larger id first, any fixed order works). */
export class GenerationHeap {
  private readonly items: string[] = [];
  constructor(private readonly generationOf: (id: string) => number) {}

  get size(): number {
    return this.items.length;
  }

  private above(a: string, b: string): boolean {
    const ga = this.generationOf(a);
    const gb = this.generationOf(b);
    return ga > gb || (ga === gb && a > b);
  }

  push(id: string): void {
    const items = this.items;
    items.push(id);
    let at = items.length - 1;
    while (at > 0) {
      const up = (at - 1) >> 1;
      if (!this.above(items[at] as string, items[up] as string)) break;
      [items[at], items[up]] = [items[up] as string, items[at] as string];
      at = up;
    }
  }

  pop(): string {
    const items = this.items;
    assert(items.length > 0, 'pop from an empty heap');
    const top = items[0] as string;
    const last = items.pop() as string;
    if (items.length > 0) {
      items[0] = last;
      let at = 0;
      for (;;) {
        const left = 2 * at + 1;
        const right = left + 1;
        let best = at;
        if (left < items.length && this.above(items[left] as string, items[best] as string)) best = left;
        if (right < items.length && this.above(items[right] as string, items[best] as string)) best = right;
        if (best === at) break;
        [items[at], items[best]] = [items[best] as string, items[at] as string];
        at = best;
      }
    }
    return top;
  }
}
