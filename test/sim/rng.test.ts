// Proves the seeded Rng: named streams are independent (adding a component never shifts another's draws), draws are pinned per seed, and the helpers stay in range with the right distribution.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from '../../sim/rng.ts';

function draws(rng: Rng, count: number): number[] {
  return Array.from({ length: count }, () => rng.next());
}

describe('Rng streams', () => {
  it('gives the same draws for the same seed and stream name', () => {
    expect(draws(Rng.root(7).stream('net'), 20)).toEqual(draws(Rng.root(7).stream('net'), 20));
  });

  it('pins the draws of one seed, so saved failure files keep replaying after a dependency bump', () => {
    const rng = Rng.root(42).stream('net');
    expect([rng.next(), rng.next(), rng.int(0, 1000), rng.int(0, 1000)]).toEqual([0.22550114593468606, 0.6253508911468089, 995, 992]);
  });

  it('gives different draws for different seeds and different names', () => {
    const base = draws(Rng.root(7).stream('net'), 10);
    expect(draws(Rng.root(8).stream('net'), 10)).not.toEqual(base);
    expect(draws(Rng.root(7).stream('clients'), 10)).not.toEqual(base);
    expect(draws(Rng.root(7), 10)).not.toEqual(base);
  });

  it('keeps a stream unchanged when other components are added or draw first', () => {
    const alone = draws(Rng.root(3).stream('net'), 50);

    const root = Rng.root(3);
    const clients = root.stream('clients');
    draws(clients, 1000);
    draws(root, 17);
    const nemesis = root.stream('nemesis');
    const net = root.stream('net');
    const interleaved: number[] = [];
    for (let i = 0; i < 50; i++) {
      interleaved.push(net.next());
      nemesis.next();
      clients.int(0, 9);
    }
    expect(interleaved).toEqual(alone);
  });

  it('keeps nested streams apart from flat names that spell the same path', () => {
    const nested = draws(Rng.root(1).stream('a').stream('b'), 10);
    expect(draws(Rng.root(1).stream('a/b'), 10)).not.toEqual(nested);
    expect(draws(Rng.root(1).stream('a').stream('b'), 10)).toEqual(nested);
  });

  it('refuses a seed that is not a safe integer', () => {
    expect(() => Rng.root(1.5)).toThrow(/seed/);
    expect(() => Rng.root(Number.NaN)).toThrow(/seed/);
  });
});

describe('Rng helpers', () => {
  it('int stays in [min, max] inclusive and reaches both ends', () => {
    const rng = Rng.root(11).stream('int');
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = rng.int(-3, 3);
      expect(Number.isInteger(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(-3);
      expect(v).toBeLessThanOrEqual(3);
      seen.add(v);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    expect(rng.int(5, 5)).toBe(5);
  });

  it('int refuses an empty or fractional range', () => {
    const rng = Rng.root(1);
    expect(() => rng.int(3, 2)).toThrow(/range/);
    expect(() => rng.int(0, 1.5)).toThrow(/range/);
    // Wider than the generator's 32-bit resolution: most values could never be drawn.
    expect(() => rng.int(0, 2 ** 32)).toThrow(/2\^32/);
    expect(rng.int(0, 2 ** 32 - 1)).toBeLessThan(2 ** 32);
  });

  it('int stays in range for arbitrary seeds and bounds (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: -1000, max: 1000 }), fc.nat(1000), (seed, min, span) => {
        const v = Rng.root(seed).stream('p').int(min, min + span);
        return Number.isInteger(v) && v >= min && v <= min + span;
      }),
    );
  });

  it('chance(0) never fires, chance(1) always fires, chance(0.3) fires near 30%', () => {
    const rng = Rng.root(5).stream('chance');
    let zero = 0;
    let one = 0;
    let third = 0;
    const trials = 10_000;
    for (let i = 0; i < trials; i++) {
      if (rng.chance(0)) zero++;
      if (rng.chance(1)) one++;
      if (rng.chance(0.3)) third++;
    }
    expect(zero).toBe(0);
    expect(one).toBe(trials);
    // 0.3 * 10000 = 3000, sigma = sqrt(10000 * 0.3 * 0.7) ~ 46; allow 5 sigma.
    expect(Math.abs(third - 3000)).toBeLessThan(230);
  });

  it('chance refuses a ratio outside [0, 1]', () => {
    const rng = Rng.root(1);
    expect(() => rng.chance(1.1)).toThrow(/ratio/);
    expect(() => rng.chance(-0.1)).toThrow(/ratio/);
    expect(() => rng.chance(Number.NaN)).toThrow(/ratio/);
  });

  it('pick returns every element in time and refuses an empty list', () => {
    const rng = Rng.root(9).stream('pick');
    const items = ['a', 'b', 'c', 'd'] as const;
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add(rng.pick(items));
    expect([...seen].sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(() => rng.pick([])).toThrow(/empty/);
  });

  it('shuffle returns a new permutation and leaves its input alone', () => {
    const rng = Rng.root(9).stream('shuffle');
    const input = Array.from({ length: 20 }, (_, i) => i);
    const frozen = input.slice();
    const out = rng.shuffle(input);
    expect(out).not.toBe(input);
    expect(input).toEqual(frozen);
    expect(out.slice().sort((a, b) => a - b)).toEqual(frozen);
    expect(out).not.toEqual(frozen);
  });

  it('shuffle puts each element first about equally often', () => {
    const rng = Rng.root(21).stream('shuffle');
    const firsts = [0, 0, 0, 0];
    const trials = 8000;
    for (let i = 0; i < trials; i++) {
      const first = rng.shuffle([0, 1, 2, 3])[0] as number;
      firsts[first] = (firsts[first] as number) + 1;
    }
    // Expected 2000 each, sigma ~ 39; allow 5 sigma.
    for (const count of firsts) expect(Math.abs(count - 2000)).toBeLessThan(200);
  });

  it('uniformMs gives integers in [min, max]', () => {
    const rng = Rng.root(4).stream('lat');
    let sum = 0;
    for (let i = 0; i < 5000; i++) {
      const v = rng.uniformMs(10, 30);
      expect(Number.isInteger(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(10);
      expect(v).toBeLessThanOrEqual(30);
      sum += v;
    }
    expect(Math.abs(sum / 5000 - 20)).toBeLessThan(0.5);
  });

  it('exponentialMs gives capped integers with about the requested mean', () => {
    const rng = Rng.root(4).stream('exp');
    let sum = 0;
    let capped = 0;
    const trials = 20_000;
    for (let i = 0; i < trials; i++) {
      const v = rng.exponentialMs(20, 1000);
      expect(Number.isInteger(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1000);
      sum += v;
    }
    // Mean 20, sigma of the mean 20/sqrt(20000) ~ 0.14; allow a wide margin for rounding.
    expect(Math.abs(sum / trials - 20)).toBeLessThan(1);
    for (let i = 0; i < 1000; i++) if (rng.exponentialMs(20, 25) === 25) capped++;
    // P(X > 25) = e^-1.25 ~ 0.29: the cap must bite often, never be exceeded.
    expect(capped).toBeGreaterThan(200);
    expect(() => rng.exponentialMs(0, 10)).toThrow(/mean/);
  });
});
