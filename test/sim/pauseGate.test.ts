// Proves a paused server's events wait in order and run when the pause ends, a timer waits once, overlapping pauses end at the later end, and opening early (a crash) runs what waited at once.
import { describe, expect, it } from 'vitest';
import { PauseGate } from '../../sim/pauseGate.ts';
import { Scheduler } from '../../sim/scheduler.ts';

function setup(): { scheduler: Scheduler; gate: PauseGate; log: string[]; item: (name: string) => () => Promise<void> } {
  const scheduler = new Scheduler({ eventsMax: 10_000, timeMsMax: 1_000_000 });
  const gate = new PauseGate(scheduler, 'a');
  const log: string[] = [];
  return { scheduler, gate, log, item: (name) => async () => void log.push(`${name}@${scheduler.nowMs}`) };
}

describe('PauseGate', () => {
  it('runs at once when not paused; while paused, waits in order and runs at the end; a keyed timer waits once', async () => {
    const { scheduler, gate, log, item } = setup();
    await gate.whenRunning(item('now'));
    gate.pause(100);
    expect(gate.paused).toBe(true);
    await gate.whenRunning(item('m1'));
    await gate.whenRunning(item('tick'), 'timer');
    await gate.whenRunning(item('m2'));
    await gate.whenRunning(item('tick-again'), 'timer');
    expect(log).toEqual(['now@0']);
    await scheduler.run();
    expect(log).toEqual(['now@0', 'm1@100', 'tick@100', 'm2@100']);
    expect(gate.paused).toBe(false);
  });

  it('overlapping pauses end at the later end; opening early runs what waited at once', async () => {
    const { scheduler, gate, log, item } = setup();
    gate.pause(100);
    gate.pause(50);
    scheduler.at(60, 'longer', async () => gate.pause(200));
    await gate.whenRunning(item('x'));
    await scheduler.run(150);
    expect(log).toEqual([]);
    await scheduler.run();
    expect(log).toEqual(['x@260']);
    gate.pause(100);
    await gate.whenRunning(item('y'));
    await gate.open();
    expect(log).toEqual(['x@260', 'y@260']);
  });
});
