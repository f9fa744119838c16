/**
 * Seeded randomness for one run. A root generator derives an independent child stream per
 * named component (by seeding a fresh generator with `<parent seed>/<name>`), so adding a
 * component or a draw in one component never shifts another component's draws.
 * This is the only place randomness enters the simulator.
 */
import seedrandom from 'seedrandom';
import { assert } from '../core/errors.ts';

/** The widest span int() can draw evenly: the generator has 32 bits of resolution. */
const INT_SPAN_MAX = 2 ** 32;

export class Rng {
  readonly seedText: string;
  private readonly prng: seedrandom.PRNG;

  private constructor(seedText: string) {
    this.seedText = seedText;
    this.prng = seedrandom.alea(seedText);
  }

  static root(seed: number): Rng {
    assert(Number.isSafeInteger(seed), `seed must be a safe integer, got ${seed}`);
    return new Rng(`mailsim:${seed}`);
  }

  /**
   * An independent stream derived by name; the same name always gives the same stream.
   * The name is percent-encoded so a name holding '/' cannot collide with a nested
   * stream ('a/b' vs 'a' then 'b'); plain names ('net', 'smtp-0') are unchanged.
   */
  stream(name: string): Rng {
    return new Rng(`${this.seedText}/${encodeURIComponent(name)}`);
  }

  /** A float in [0, 1). */
  next(): number {
    return this.prng();
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    assert(Number.isInteger(min) && Number.isInteger(max) && min <= max, `bad int range [${min}, ${max}]`);
    // alea yields multiples of 2^-32: a wider span would silently skip most of its values.
    assert(max - min < INT_SPAN_MAX, `int range [${min}, ${max}] wider than 2^32 values`);
    return min + Math.floor(this.prng() * (max - min + 1));
  }

  /** True with probability `ratio` (0 never, 1 always). */
  chance(ratio: number): boolean {
    assert(ratio >= 0 && ratio <= 1, `chance ratio out of [0,1]: ${ratio}`);
    if (ratio === 0) return false;
    if (ratio === 1) return true;
    return this.prng() < ratio;
  }

  pick<T>(items: readonly T[]): T {
    assert(items.length > 0, 'pick from an empty list');
    return items[this.int(0, items.length - 1)] as T;
  }

  /** A shuffled copy (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  }

  /** Uniform integer latency in [minMs, maxMs]. */
  uniformMs(minMs: number, maxMs: number): number {
    return this.int(Math.round(minMs), Math.round(maxMs));
  }

  /** Exponentially distributed integer latency with the given mean, capped at maxMs. */
  exponentialMs(meanMs: number, maxMs: number): number {
    assert(meanMs > 0, `exponential mean must be positive: ${meanMs}`);
    const draw = -Math.log(1 - this.prng()) * meanMs;
    return Math.min(Math.round(maxMs), Math.round(draw));
  }
}
