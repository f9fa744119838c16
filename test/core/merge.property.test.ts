// Proves with fast-check that renumber, owner and reset-validity converge, lose and duplicate nothing, merge flags by the rules and never rebind a UID on a replica over random ops and sync orders on 2-5 replicas, and that each known-bad control breaks one of these properties.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { strategyByName } from '../../core/strategies/registry.ts';
import { ModelViolation, ReplicaModel, type Op } from './mergeModel.ts';

const replica = fc.nat({ max: 4 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('deliver' as const), r: replica, box: fc.nat(), flags: fc.nat({ max: 15 }) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('store' as const), r: replica, pick: fc.nat(), add: fc.boolean(), flag: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('expunge' as const), r: replica, pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('move' as const), r: replica, pick: fc.nat(), box: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('copy' as const), r: replica, pick: fc.nat(), box: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('create' as const), r: replica, box: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), r: replica, box: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rename' as const), r: replica, box: fc.nat(), to: fc.nat() }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('sync' as const), from: replica, to: replica }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('settle' as const), r: replica, quorum: fc.boolean(), unreachable: fc.nat({ max: 31 }) }) },
);

const scenarioArb = fc.record({
  replicas: fc.integer({ min: 2, max: 5 }),
  skewMs: fc.array(fc.integer({ min: -5_000, max: 5_000 }), { minLength: 5, maxLength: 5 }),
  ops: fc.array(opArb, { maxLength: 40, size: 'max' }),
});

type Scenario = { replicas: number; skewMs: number[]; ops: Op[] };

/**
 * The mutation run (vitest.mutation.config.ts) sets MAILSIM_PROPERTY_QUICK: each mutant of the
 * merge then meets the same 30 scenarios per strategy (a fixed seed, so a mutant's fate does not
 * change between runs) in well under a second, and the known-bad controls, which test the
 * strategies rather than the merge and take seconds, are left out. Otherwise every run draws
 * new scenarios.
 */
const QUICK = process.env['MAILSIM_PROPERTY_QUICK'] === '1';
const PROPERTY_RUNS = QUICK ? { numRuns: 30, seed: 20261207 } : { numRuns: 150 };

async function runScenario(strategyName: string, scenario: Scenario, checkUids = true): Promise<ReplicaModel> {
  const model = new ReplicaModel(strategyByName(strategyName), scenario.replicas, scenario.skewMs, checkUids);
  for (const op of scenario.ops) await model.apply(op);
  await model.converge();
  model.checkFinal();
  return model;
}

describe.each(['renumber', 'owner', 'reset-validity'])('merge properties with strategy %s', (name) => {
  it('converges to one state with no lost, duplicated or resurrected message, flags by the rules, no UID rebound', async () => {
    const totals = { merges: 0, crissCross: 0, renumbered: 0 };
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        const model = await runScenario(name, scenario);
        totals.merges += model.merges;
        totals.crissCross += model.crissCrossMerges;
        totals.renumbered += model.renumbered;
      }),
      PROPERTY_RUNS,
    );
    // The runs did exercise real merges, criss-cross bases and UID settlement.
    expect(totals.merges).toBeGreaterThan(QUICK ? 20 : 100);
    expect(totals.crissCross).toBeGreaterThan(0);
    expect(totals.renumbered).toBeGreaterThan(0);
  }, 120_000);
});

describe.skipIf(QUICK).each([
  ['naive-git', false, /never created \(a duplicate\?\)|expunged but back/],
  ['naive-git', true, /bound to|used twice|never created \(a duplicate\?\)|expunged but back/],
  ['lww-wallclock', true, /last write set it/],
  ['keep-uids', true, /bound to|used twice/],
] as const)('known-bad control %s (UID checks %s)', (name, checkUids, expected) => {
  it('breaks a merge property and fast-check finds a counterexample', async () => {
    const result = await fc.check(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        await runScenario(name, scenario, checkUids);
      }),
      { numRuns: 300 },
    );
    expect(result.failed).toBe(true);
    const error = result.errorInstance;
    expect(error).toBeInstanceOf(ModelViolation);
    console.log(`${name}: counterexample (seed ${result.seed}): ${(error as Error).message}\n  ${JSON.stringify(result.counterexample)}`);
    expect((error as Error).message).toMatch(expected);
  }, 120_000);
});
