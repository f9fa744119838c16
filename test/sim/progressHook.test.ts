// Proves the onProgress hook only reads: a run with it has the same history hash as a run without, it reports virtual time moving forward with counts that grow, and the scheduler's observer fires every N events and refuses one that schedules.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../scenarios/loader.ts';
import { runScenario } from '../../scenarios/run.ts';
import { Scheduler } from '../../sim/scheduler.ts';
import type { WorldProgress } from '../../sim/world.ts';

const scenario = new URL('../../scenarios/partition-both-deliver.yaml', import.meta.url).pathname;
const SEED = 11;

describe('WorldOptions.onProgress', () => {
  it('leaves the history hash unchanged and sees nowMs increase', async () => {
    const loaded = await loadScenario(scenario);
    const without = await runScenario(loaded, SEED);
    const seen: WorldProgress[] = [];
    const withHook = await runScenario(loaded, SEED, { onProgress: (progress) => seen.push(progress) });

    expect(withHook.result.historyHash).toBe(without.result.historyHash);
    expect(withHook.result.metrics).toEqual(without.result.metrics);

    // partition-both-deliver runs ~1,500 events, so the hook is called several times.
    expect(seen.length).toBeGreaterThanOrEqual(3);
    for (const [index, progress] of seen.entries()) {
      expect(progress.durationMs).toBe(loaded.scenario.durationMs);
      const previous = seen[index - 1];
      if (previous === undefined) continue;
      expect(progress.nowMs).toBeGreaterThan(previous.nowMs);
      expect(progress.eventCount).toBeGreaterThan(previous.eventCount);
      expect(progress.clientOpCount).toBeGreaterThanOrEqual(previous.clientOpCount);
    }
    const last = seen[seen.length - 1] as WorldProgress;
    expect(last.eventCount).toBeLessThanOrEqual(without.result.metrics.eventCount);
    expect(last.clientOpCount).toBeLessThanOrEqual(without.result.metrics.clientOpCount);
    expect(last.clientOpCount).toBeGreaterThan(0);
  });
});

describe('Scheduler.observe', () => {
  const roomy = { eventsMax: 1_000, timeMsMax: 1_000_000 };

  it('is called after every N-th event, between events', async () => {
    const scheduler = new Scheduler(roomy);
    const ran: string[] = [];
    for (let index = 0; index < 7; index++) scheduler.at(index * 10, `e${index}`, () => void ran.push(`e${index}`));
    scheduler.observe(3, () => ran.push(`observed at ${scheduler.eventCount} events, ${scheduler.nowMs} ms`));
    await scheduler.run();
    expect(ran).toEqual(['e0', 'e1', 'e2', 'observed at 3 events, 20 ms', 'e3', 'e4', 'e5', 'observed at 6 events, 50 ms', 'e6']);
  });

  it('fails an assertion when the observer schedules an event', async () => {
    const scheduler = new Scheduler(roomy);
    scheduler.at(0, 'e0', () => {});
    scheduler.observe(1, () => scheduler.after(5, 'sneaky', () => {}));
    await expect(scheduler.run()).rejects.toThrow(/observer scheduled or stopped: it may only read/);
  });
});
