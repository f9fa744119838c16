/**
 * Vector clock order. A node missing from a clock counts as 0. The checkers' clocks are
 * built from the history (./historyCausality.ts); the clocks a backend stamps on ok write
 * records are compared with the same functions, as a second opinion only.
 */
import type { VectorClock } from '../historyTypes.ts';

export type ClockOrder = 'before' | 'after' | 'concurrent' | 'equal';

/** How `a` relates to `b`: 'before' means a happened before b (a < b). */
export function compare(a: VectorClock, b: VectorClock): ClockOrder {
  let less = false;
  let greater = false;
  for (const node of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[node] ?? 0;
    const y = b[node] ?? 0;
    if (x < y) less = true;
    else if (x > y) greater = true;
    if (less && greater) return 'concurrent';
  }
  if (less) return 'before';
  if (greater) return 'after';
  return 'equal';
}

export function happenedBefore(a: VectorClock, b: VectorClock): boolean {
  return compare(a, b) === 'before';
}

/** The elements no other element happened after (the causally last ones), in input order. */
export function causallyLast<T>(items: readonly T[], clockOf: (item: T) => VectorClock): T[] {
  return items.filter((item) => !items.some((other) => happenedBefore(clockOf(item), clockOf(other))));
}

/** Pointwise maximum: the clock of an event that has seen both. */
export function mergeClocks(a: VectorClock, b: VectorClock): VectorClock {
  const out: Record<string, number> = { ...a };
  for (const [node, count] of Object.entries(b)) out[node] = Math.max(out[node] ?? 0, count);
  return out;
}
