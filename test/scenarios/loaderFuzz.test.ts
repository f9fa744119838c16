// Proves the loader's promise on hostile input: library scenario files mutated at random (huge, negative, fractional and wrong-typed values, removed and misplaced fields) are either accepted (and resolve into a world) or refused with a ScenarioError naming the file; nothing else escapes (no RangeError, no TypeError). Also the bad inputs found by hand: strict JSON for .json files, integers past Number.MAX_SAFE_INTEGER.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse as parseYaml, stringify } from 'yaml';
import { parseScenarioText, ScenarioError } from '../../scenarios/loader.ts';
import { resolveScenario } from '../../scenarios/resolve.ts';

const LIBRARY = join(import.meta.dirname, '../../scenarios');
const FILES = readdirSync(LIBRARY).filter((name) => name.endsWith('.yaml')).map((name) => ({ name, data: parseYaml(readFileSync(join(LIBRARY, name), 'utf8')) as unknown }));

const hostileValue = fc.oneof(
  fc.constantFrom(1e20, -1, 0, 0.5, Number.MAX_SAFE_INTEGER + 2, -1e300, 2 ** 53, 1e308, '', 'x'.repeat(300), '__proto__', null, true, [], {}, [[]], { a: { b: {} } }),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.string({ maxLength: 20 }),
);

/** Every path to a value in a plain YAML document. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((item, i) => paths(item, [...prefix, i]))];
  if (value !== null && typeof value === 'object') return [prefix, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))];
  return [prefix];
}

function mutate(data: unknown, path: readonly (string | number)[], replacement: unknown, remove: boolean): unknown {
  if (path.length === 0) return remove ? {} : replacement;
  const copy = structuredClone(data) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (remove) delete parent[last];
  else parent[last] = replacement;
  return copy;
}

function accepted(text: string, file: string): boolean {
  try {
    // An accepted file must also resolve into a world (scenario + seed), with no exception.
    resolveScenario(parseScenarioText(text, file), 1);
    return true;
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    expect(error.message).toContain(file);
    return false;
  }
}

describe('the scenario loader on mutated library files', () => {
  it('accepts or refuses with a ScenarioError, never anything else', () => {
    const caseArb = fc.nat(FILES.length - 1).chain((index) => {
      const file = FILES[index] as { name: string; data: unknown };
      const all = paths(file.data);
      return fc.record({ file: fc.constant(file), mutations: fc.array(fc.record({ at: fc.nat(all.length - 1), value: hostileValue, remove: fc.boolean() }), { minLength: 1, maxLength: 3 }) });
    });
    fc.assert(
      fc.property(caseArb, ({ file, mutations }) => {
        let data = file.data;
        for (const m of mutations) {
          const all = paths(data);
          data = mutate(data, all[m.at % all.length] as (string | number)[], m.value, m.remove);
        }
        accepted(stringify(data), file.name);
        accepted(JSON.stringify(data), file.name.replace(/\.yaml$/, '.json'));
      }),
      { numRuns: 400, seed: 20261201 },
    );
  });

  it('a .json file is strict JSON: a trailing comma is refused with the file and line', () => {
    let caught: unknown = null;
    try {
      parseScenarioText('{"servers": 3,\n "strategy": "renumber",\n}', 'trailing.json');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ScenarioError);
    expect((caught as ScenarioError).message).toMatch(/trailing\.json:3: JSON syntax error/);
    expect(accepted('{"servers": 3,\n "strategy": "renumber"\n}', 'strict.json')).toBe(true);
  });

  it('an integer past Number.MAX_SAFE_INTEGER is refused with its field, not a RangeError', () => {
    for (const text of ['servers: 100000000000000000000', 'durationMs: 1e300', 'workload: {opsMax: 9007199254740993}']) {
      expect(accepted(text, 'big.yaml')).toBe(false);
    }
  });
});
