// Proves, in whole cluster runs, that each scheduled disk fault strikes and is handled: rot and misdirected writes are found at the next open and repaired from a peer, EIO and ENOSPC fail the operations they struck (SMTP retries elsewhere), and every run stays valid on every checker.
import { describe, expect, it } from 'vitest';
import { runWorld } from '../../backends/world.ts';
import { checkFailed } from '../../sim/checkers/failedChecks.ts';
import type { ScheduledFault } from '../../sim/config.ts';
import type { HistoryRecord } from '../../sim/historyTypes.ts';
import { smallWorld } from './fixtures/smallWorld.ts';

const RUN_TIMEOUT_MS = 300_000;

async function run(faults: readonly ScheduledFault[]): Promise<{ history: readonly HistoryRecord[]; failed: string[] }> {
  const outcome = await runWorld(smallWorld({ seed: 5, faults: [...faults] }));
  const failed = Object.entries(outcome.checks).filter(([, r]) => checkFailed(r)).map(([name, r]) => `${name}: ${r.explanation}`);
  return { history: outcome.history, failed };
}

const records = (history: readonly HistoryRecord[], f: string, node = 'a'): HistoryRecord[] => history.filter((r) => r.f === f && r.node === node && r.process === 'replica');

/** A restart after the fault: the open reads and checks every object file. */
const restartA: ScheduledFault[] = [
  { atMs: 6_000, fault: { kind: 'crash', node: 'a', mode: 'process' } },
  { atMs: 7_000, fault: { kind: 'restart', node: 'a' } },
];

/** Writes on a that failed with `code`. */
const failedWith = (history: readonly HistoryRecord[], code: string): HistoryRecord[] =>
  history.filter((r) => r.type === 'fail' && r.node === 'a' && String((r.value as { reason?: string }).reason).includes(code));

describe('disk faults in cluster runs', () => {
  it('rot: the open after a restart finds the rotten objects and repairs from a peer', { timeout: RUN_TIMEOUT_MS }, async () => {
    const rots: ScheduledFault[] = [1_000, 1_500, 2_000, 2_500].map((atMs) => ({ atMs, fault: { kind: 'rot', node: 'a' } }));
    const { history, failed } = await run([...rots, ...restartA]);
    expect(records(history, 'disk-fault')).toHaveLength(4);
    expect(records(history, 'damaged').length).toBeGreaterThan(0);
    expect(records(history, 'repaired').length).toBeGreaterThan(0);
    expect(failed).toEqual([]);
  });

  it('misdirected writes: found damaged at the next open and repaired; no acknowledged message lost', { timeout: RUN_TIMEOUT_MS }, async () => {
    const misdirects: ScheduledFault[] = [1_000, 2_000, 3_000, 4_000].map((atMs) => ({ atMs, fault: { kind: 'misdirect', node: 'a' } }));
    const { history, failed } = await run([...misdirects, ...restartA]);
    expect(records(history, 'damaged').length).toBeGreaterThan(0);
    expect(records(history, 'repaired').length).toBeGreaterThan(0);
    expect(failed).toEqual([]);
  });

  it('EIO on write: the struck operation fails, nothing is acknowledged that was not stored', { timeout: RUN_TIMEOUT_MS }, async () => {
    const eios: ScheduledFault[] = Array.from({ length: 8 }, (_, i) => ({ atMs: 1_000 + i * 500, fault: { kind: 'eio', node: 'a', op: 'write' } }));
    const { history, failed } = await run(eios);
    expect(failedWith(history, 'EIO').length).toBeGreaterThan(0);
    expect(failed).toEqual([]);
  });

  it('EIO on read at open: the server opens again and serves', { timeout: RUN_TIMEOUT_MS }, async () => {
    const { history, failed } = await run([{ atMs: 6_500, fault: { kind: 'eio', node: 'a', op: 'read' } }, ...restartA]);
    expect(records(history, 'damaged')).toHaveLength(1);
    expect(records(history, 'repaired')).toHaveLength(1);
    expect(failed).toEqual([]);
  });

  it('ENOSPC: while the disk is full every write on it fails (SMTP retries elsewhere), then it takes writes again', { timeout: RUN_TIMEOUT_MS }, async () => {
    const { history, failed } = await run([{ atMs: 1_000, fault: { kind: 'disk-full', node: 'a' } }, { atMs: 5_000, fault: { kind: 'disk-free', node: 'a' } }]);
    const refused = failedWith(history, 'ENOSPC');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((r) => r.timeMs >= 1_000 && r.timeMs < 5_000)).toBe(true);
    expect(history.some((r) => r.type === 'ok' && r.node === 'a' && r.f !== 'select' && r.timeMs >= 5_000)).toBe(true);
    expect(failed).toEqual([]);
  });
});
