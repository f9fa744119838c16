/**
 * A Map that forgets its older half once it exceeds a limit: the caches of content-addressed
 * data (decoded trees, bodies' Message-IDs, read buckets) that may drop anything at any time.
 */
/** Amortised O(1): no iteration over deleted slots. */
export class BoundedCache<V> {
  private map = new Map<string, V>();
  constructor(private readonly entriesMax: number) {}
  get(key: string): V | undefined {
    return this.map.get(key);
  }
  /** The value under `key`, computed and kept when absent (for caches of pure functions). */
  obtain(key: string, compute: () => V): V {
    const known = this.map.get(key);
    if (known !== undefined) return known;
    const value = compute();
    this.set(key, value);
    return value;
  }
  set(key: string, value: V): void {
    this.map.set(key, value);
    if (this.map.size > this.entriesMax) this.map = new Map([...this.map].slice(this.map.size >> 1));
  }
}

