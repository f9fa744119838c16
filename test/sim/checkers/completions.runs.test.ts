// Proves on real runs that every request ends: the batched crash scenario answers every request once (some with an unknown outcome), its control is caught, and a run never ends with a batch open. Slow tier: whole simulated runs.
import { checkFailed } from '../../../sim/checkers/failedChecks.ts';
import { describe, expect, it } from 'vitest';
import { runWorld } from '../../../backends/world.ts';
import { loadScenario } from '../../../scenarios/loader.ts';
import { resolveScenario } from '../../../scenarios/resolve.ts';

const RUN_TIMEOUT_MS = 300_000;

async function runFile(file: string, seed?: number) {
  const loaded = await loadScenario(file);
  return runWorld(resolveScenario(loaded, seed ?? loaded.scenario.seed ?? 1));
}

function clientRecordCounts(history: Awaited<ReturnType<typeof runWorld>>['history']): { invokes: number; completions: number } {
  const client = history.filter((r) => !['nemesis', 'net', 'replica'].includes(r.process));
  const invokes = client.filter((r) => r.type === 'invoke').length;
  return { invokes, completions: client.length - invokes };
}

describe('completions (a swarm run that ends with a batch open)', () => {
  // swarm-5 seed 392 draws batching; an SMTP retry opens a batch during the quiescence phase.
  // The run must not end before that batch is committed and answered (it once did: the request
  // was never answered and the replicas' trees agreed while their states did not).
  it('swarm-5 seed 392: every request ends and the replicas converge', { timeout: RUN_TIMEOUT_MS }, async () => {
    const outcome = await runFile('scenarios/swarm-5.yaml', 392);
    expect(outcome.checks.completions?.verdict, outcome.checks.completions?.explanation).toBe('valid');
    expect(outcome.checks.convergence?.verdict, outcome.checks.convergence?.explanation).toBe('valid');
  });
});

describe('completions (real runs: batched mode, a power crash at 4 s and a process crash at 15 s)', () => {
  it('every request of scenarios/batch-crash.yaml ends, some with an unknown outcome, and every checker is valid', { timeout: RUN_TIMEOUT_MS }, async () => {
    const outcome = await runFile('scenarios/batch-crash.yaml');
    const counts = clientRecordCounts(outcome.history);
    expect(counts.completions).toBe(counts.invokes);
    expect(outcome.history.some((r) => r.type === 'info' && r.process.startsWith('smtp-'))).toBe(true);
    const failed = Object.entries(outcome.checks).filter(([, r]) => checkFailed(r)).map(([name, r]) => `${name}: ${r.explanation}`);
    expect(failed).toEqual([]);
    expect(outcome.checks.completions?.judgedCount).toBe(counts.invokes);
  });

  it('negative control drop-crashed-acks (controls/batch-crash-drops-acks.yaml) is invalid: requests in the crashed batch never end', { timeout: RUN_TIMEOUT_MS }, async () => {
    const outcome = await runFile('scenarios/controls/batch-crash-drops-acks.yaml');
    const counts = clientRecordCounts(outcome.history);
    const result = outcome.checks.completions;
    expect(result?.verdict, result?.explanation).toBe('invalid');
    expect(result?.count).toBe(counts.invokes - counts.completions);
    expect(result?.count).toBeGreaterThan(0);
    expect(result?.explanation).toMatch(/never got an ok, fail or info/);
  });
});
