/**
 * Seeded randomness for one run. A root generator derives an independent child stream per
 * named component (by seeding a fresh generator with `<parent seed>/<name>`), so adding a
 * component or a draw in one component never shifts another component's draws.
 * This is the only place randomness enters the simulator.
 *
 * A run may carry a choice source (`mailsim explore`, or a scenario's `choices:`): every
 * draw still consumes the generator exactly as without one, then the source may replace the
 * drawn value by one of a few alternatives (sim/explore/). Without a source every draw is
 * exactly the generator's, so normal runs and their history hashes are unchanged.
 */
import seedrandom from 'seedrandom';
import { assert } from '../core/errors.ts';

/** The widest span int() can draw evenly: the generator has 32 bits of resolution. */
const INT_SPAN_MAX = 2 ** 32;

/** The draw methods a choice source can branch on. */
export type DrawKind = 'int' | 'chance' | 'pick' | 'uniformMs' | 'exponentialMs';

/** One draw a choice source is asked about: its stream's path ('network/a%3Eb'), its method, how many alternatives it has. */
export interface DrawPoint {
  readonly stream: string;
  readonly kind: DrawKind;
  readonly arity: number;
}

/** Decides draws: the index of the alternative to take, or null for the generator's own draw. */
export interface ChoiceSource {
  choose(draw: DrawPoint): number | null;
}

/** An int draw wider than this many values branches only at its bounds. */
const INT_ALTERNATIVES_ALL_MAX = 3;

export class Rng {
  readonly seedText: string;
  /** The stream's name below the root ('' for the root, 'clients/imap-0' for a child). */
  readonly path: string;
  private readonly prng: seedrandom.PRNG;
  private readonly chooser: ChoiceSource | null;

  private constructor(seedText: string, path: string, chooser: ChoiceSource | null, prng?: seedrandom.PRNG) {
    this.seedText = seedText;
    this.path = path;
    this.chooser = chooser;
    this.prng = prng ?? seedrandom.alea(seedText);
  }

  static root(seed: number, chooser: ChoiceSource | null = null): Rng {
    assert(Number.isSafeInteger(seed), `seed must be a safe integer, got ${seed}`);
    return new Rng(`mailsim:${seed}`, '', chooser);
  }

  /**
   * An independent stream derived by name; the same name always gives the same stream.
   * The name is percent-encoded so a name holding '/' cannot collide with a nested
   * stream ('a/b' vs 'a' then 'b'); plain names ('net', 'smtp-0') are unchanged.
   */
  stream(name: string): Rng {
    const encoded = encodeURIComponent(name);
    return new Rng(`${this.seedText}/${encoded}`, this.path === '' ? encoded : `${this.path}/${encoded}`, this.chooser);
  }

  /**
   * The same generator, drawing on, with no choice source: for draws that only fill in
   * content (a message body's words), which no schedule depends on.
   */
  unchosen(): Rng {
    return this.chooser === null ? this : new Rng(this.seedText, this.path, null, this.prng);
  }

  /** A float in [0, 1). Never a choice: it is raw material for the other draws. */
  next(): number {
    return this.prng();
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    const natural = this.rawInt(min, max);
    if (this.chooser === null) return natural;
    const all = max - min + 1 <= INT_ALTERNATIVES_ALL_MAX;
    return this.chosen('int', natural, all ? Array.from({ length: max - min + 1 }, (_, i) => min + i) : [min, max]);
  }

  /** True with probability `ratio` (0 never, 1 always). */
  chance(ratio: number): boolean {
    assert(ratio >= 0 && ratio <= 1, `chance ratio out of [0,1]: ${ratio}`);
    if (ratio === 0) return false;
    if (ratio === 1) return true;
    const natural = this.prng() < ratio;
    return this.chooser === null ? natural : this.chosen('chance', natural, [false, true]);
  }

  pick<T>(items: readonly T[]): T {
    assert(items.length > 0, 'pick from an empty list');
    const natural = items[this.rawInt(0, items.length - 1)] as T;
    // Equal items are one alternative: picking either gives the same run.
    return this.chooser === null ? natural : this.chosen('pick', natural, [...new Set(items)]);
  }

  /** A shuffled copy (Fisher-Yates). Never a choice: its callers (the nemesis, keyword sets) are not enumerated. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.rawInt(0, i);
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  }

  /** Uniform integer latency in [minMs, maxMs]. */
  uniformMs(minMs: number, maxMs: number): number {
    const [min, max] = [Math.round(minMs), Math.round(maxMs)];
    const natural = this.rawInt(min, max);
    return this.chooser === null ? natural : this.chosen('uniformMs', natural, [min, max]);
  }

  /** Exponentially distributed integer latency with the given mean, capped at maxMs. */
  exponentialMs(meanMs: number, maxMs: number): number {
    assert(meanMs > 0, `exponential mean must be positive: ${meanMs}`);
    const draw = -Math.log(1 - this.prng()) * meanMs;
    const natural = Math.min(Math.round(maxMs), Math.round(draw));
    return this.chooser === null ? natural : this.chosen('exponentialMs', natural, [0, Math.round(maxMs)]);
  }

  private rawInt(min: number, max: number): number {
    assert(Number.isInteger(min) && Number.isInteger(max) && min <= max, `bad int range [${min}, ${max}]`);
    // alea yields multiples of 2^-32: a wider span would silently skip most of its values.
    assert(max - min < INT_SPAN_MAX, `int range [${min}, ${max}] wider than 2^32 values`);
    return min + Math.floor(this.prng() * (max - min + 1));
  }

  /**
   * Asks the choice source about a draw with these alternatives (a continuous draw offers
   * its bounds, the values that change the order of events); one alternative is no choice.
   */
  private chosen<T>(kind: DrawKind, natural: T, alternatives: readonly T[]): T {
    const distinct = [...new Set(alternatives)];
    if (distinct.length < 2 || this.chooser === null) return natural;
    const index = this.chooser.choose({ stream: this.path, kind, arity: distinct.length });
    if (index === null) return natural;
    assert(Number.isInteger(index) && index >= 0 && index < distinct.length, `choice ${index} out of ${distinct.length} alternatives`);
    return distinct[index] as T;
  }
}
