// Proves batched mode is read-committed: a client never sees an operation before its answer is sent, even when a peer's push commits the open batch early (the wire scenarios found MODSEQ answers going down and a lost flag write before this held).
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../scenarios/loader.ts';
import { runScenario } from '../../scenarios/run.ts';

describe('batched mode', () => {
  it('many clients batching flag changes on two servers that push to each other mid-batch: every check valid', async () => {
    const loaded = await loadScenario('scenarios/wire/flags-fanout-batched.yaml', ['workload.opsMax=400']);
    const { result } = await runScenario(loaded, 1);
    expect(result.checks['modseq']?.verdict).toBe('valid');
    expect(result.checks['no-lost-flags']?.verdict).toBe('valid');
    expect(result.verdict).toBe('valid');
    // The batches are real: fewer commits than operations.
    expect(result.metrics.commitCount).toBeLessThan(result.metrics.clientOpCount / 5);
  });
});
