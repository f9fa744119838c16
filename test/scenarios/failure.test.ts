// Proves that a failure file is self-contained: the scenario text as run round-trips to the same scenario and config, and broken failure files are refused with the file named.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { failureFileFor, parseFailureFile, scenarioText } from '../../scenarios/failure.ts';
import { loadScenario, parseScenarioText, ScenarioError } from '../../scenarios/loader.ts';
import { resolveScenario } from '../../scenarios/resolve.ts';
import type { RunResult } from '../../sim/resultTypes.ts';
import type { WorldOutcome } from '../../sim/world.ts';

const root = new URL('../../scenarios/', import.meta.url).pathname;
const files = [
  ...readdirSync(root).filter((f) => f.endsWith('.yaml') && f !== 'suite.yaml').map((f) => join(root, f)),
  ...readdirSync(join(root, 'controls')).map((f) => join(root, 'controls', f)),
];

function fakeRun(): { result: RunResult; outcome: WorldOutcome } {
  const result = {
    mailsimVersion: '0.1.0',
    verdict: 'invalid',
    expect: 'valid',
    historyHash: 'abc123',
    checks: {
      'uid-stable': { verdict: 'invalid', count: 1, evidence: [3], explanation: 'x' },
      convergence: { verdict: 'valid', count: 0, evidence: [], explanation: 'y' },
      modseq: { verdict: 'unknown', count: 0, evidence: [], explanation: 'z' },
    },
  } as unknown as RunResult;
  const outcome = {
    faultsAsRun: [
      { atMs: 10, fault: { kind: 'partition', groups: [['a'], ['b']] } },
      { atMs: 20, fault: { kind: 'crash', node: 'a', mode: 'power' } },
      { atMs: 30, fault: { kind: 'heal' } },
    ],
  } as unknown as WorldOutcome;
  return { result, outcome };
}

describe('scenarioText', () => {
  it('round-trips every library scenario to an equal scenario and an equal resolved config', async () => {
    for (const file of files) {
      const loaded = await loadScenario(file);
      const again = parseScenarioText(scenarioText(loaded.scenario), file);
      expect(again.scenario, file).toEqual(loaded.scenario);
      expect(resolveScenario(again, 9), file).toEqual(resolveScenario(loaded, 9));
    }
  });
});

describe('failure files', () => {
  it('embed the scenario as run (overrides applied), the seed, the faults as run and the failed checks', () => {
    const loaded = parseScenarioText('name: f\nservers: [a, b]\nstrategy: renumber\n', 'f.yaml', ['strategy=keep-uids']);
    const { result, outcome } = fakeRun();
    const failure = failureFileFor(loaded, 77, result, outcome);
    expect(failure).toMatchObject({
      scenarioFile: 'f.yaml',
      seed: 77,
      overrides: ['strategy=keep-uids'],
      verdict: 'invalid',
      expect: 'valid',
      historyHash: 'abc123',
      failedChecks: ['uid-stable', 'modseq'],
    });
    expect(failure.faults).toHaveLength(3);
    const { failure: back, loaded: replay } = parseFailureFile(JSON.stringify(failure), 'out/failures/f-77.json');
    expect(back).toEqual(failure);
    expect(replay.scenario.strategy).toBe('keep-uids');
    expect(replay.overrides).toEqual(['strategy=keep-uids']);
    expect(resolveScenario(replay, 77)).toEqual(resolveScenario(loaded, 77));
  });

  it('refuses text that is not JSON, a wrong shape, an unknown fault kind, and a broken embedded scenario', () => {
    const { result, outcome } = fakeRun();
    const good = failureFileFor(parseScenarioText('servers: [a, b]\n', 'f.yaml'), 1, result, outcome);
    const refuse = (text: string): ScenarioError => {
      try {
        parseFailureFile(text, 'ff.json');
      } catch (error) {
        expect(error).toBeInstanceOf(ScenarioError);
        return error as ScenarioError;
      }
      throw new Error('expected a refusal');
    };
    expect(refuse('{').data).toMatchObject({ file: 'ff.json', reason: expect.stringMatching(/not a failure file/) });
    expect(refuse(JSON.stringify({ ...good, seed: 'x' })).data).toMatchObject({ file: 'ff.json', path: 'seed' });
    expect(refuse(JSON.stringify({ ...good, faults: [{ atMs: 1, fault: { kind: 'meteor' } }] })).data).toMatchObject({ path: 'faults.0.fault' });
    expect(refuse(JSON.stringify({ ...good, scenarioText: 'servers: 99\n' })).data).toMatchObject({ file: 'f.yaml', path: 'servers' });
  });
});
