// Proves the real-client table groups runs by strategy and programs, scales lost edits per 1,000 edits and redownloads per 1,000 deliveries, and leaves out runs without real clients.
import { describe, expect, it } from 'vitest';
import { realClientRows } from '../../reports/summary/realClientTable.ts';
import type { RunResult } from '../../sim/resultTypes.ts';

function run(strategy: string, metrics: Partial<RunResult['metrics']>): RunResult {
  return { strategy, metrics: { deliveryCount: 10, renumberedMessageCount: 0, uidValidityChangeCount: 0, ...metrics } } as unknown as RunResult;
}

describe('realClientRows', () => {
  it('sums per (strategy, programs) and scales per 1,000', () => {
    const rows = realClientRows([
      run('renumber', { realClientPrograms: ['mbsync'], realClientEditCount: 3, realClientEditsLost: 2, realClientRedownloadBytes: 1_500, renumberedMessageCount: 4 }),
      run('renumber', { realClientPrograms: ['mbsync'], realClientEditCount: 1, realClientEditsLost: 0, realClientRedownloadBytes: 500 }),
      run('reset-validity', { realClientPrograms: ['mbsync'], realClientEditCount: 2, realClientEditsLost: 2, realClientSyncsRefused: 1 }),
      run('renumber', { realClientEditCount: 0 }),
    ]);
    expect(rows.map((row) => [row.strategy, row.programs, row.runCount])).toEqual([['renumber', 'mbsync', 2], ['reset-validity', 'mbsync', 1]]);
    expect(rows[0]).toMatchObject({ editCount: 4, editsLostPer1000Edits: 500, redownloadKBPer1000Deliveries: 100, renumberedPer1000Deliveries: 200 });
    expect(rows[1]).toMatchObject({ syncsRefused: 1, editsLostPer1000Edits: 1_000 });
  });
});
