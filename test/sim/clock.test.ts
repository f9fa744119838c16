// Proves NodeClock: local time = epoch + virtual time + offset + drift (ppm), forward and backward jumps and skew faults move it, and two skewed nodes disagree by exactly their skew.
import { describe, expect, it } from 'vitest';
import { EPOCH_MS, NodeClock } from '../../sim/clock.ts';

function clockAt(config: { offsetMs: number; driftPpm: number }): { clock: NodeClock; set: (ms: number) => void } {
  let trueMs = 0;
  return { clock: new NodeClock(() => trueMs, config), set: (ms) => (trueMs = ms) };
}

describe('NodeClock', () => {
  it('starts at the epoch and follows virtual time when it has no skew', () => {
    const { clock, set } = clockAt({ offsetMs: 0, driftPpm: 0 });
    expect(clock.nowMs()).toBe(EPOCH_MS);
    set(12_345);
    expect(clock.nowMs()).toBe(EPOCH_MS + 12_345);
    expect(new Date(EPOCH_MS).toISOString()).toBe('2026-11-01T00:00:00.000Z');
  });

  it('adds a constant offset', () => {
    const { clock, set } = clockAt({ offsetMs: -250, driftPpm: 0 });
    set(1000);
    expect(clock.nowMs()).toBe(EPOCH_MS + 750);
  });

  it('drifts by driftPpm parts per million of virtual time, fast or slow', () => {
    const fast = clockAt({ offsetMs: 0, driftPpm: 100 });
    const slow = clockAt({ offsetMs: 0, driftPpm: -100 });
    for (const c of [fast, slow]) c.set(3_600_000);
    // One hour at 100 ppm is 360 ms.
    expect(fast.clock.nowMs() - EPOCH_MS).toBe(3_600_000 + 360);
    expect(slow.clock.nowMs() - EPOCH_MS).toBe(3_600_000 - 360);
    // Under a millisecond of drift rounds toward zero: no drift before 10 s at 100 ppm.
    fast.set(9_999);
    expect(fast.clock.nowMs() - EPOCH_MS).toBe(9_999);
  });

  it('never runs backwards under drift alone, even a strong negative one', () => {
    const { clock, set } = clockAt({ offsetMs: 7, driftPpm: -400_000 });
    let previous = -Infinity;
    for (let t = 0; t <= 5000; t++) {
      set(t);
      const now = clock.nowMs();
      expect(now).toBeGreaterThanOrEqual(previous);
      previous = now;
    }
  });

  it('jumps forward and backward as faults; a backward jump makes local time repeat', () => {
    const { clock, set } = clockAt({ offsetMs: 0, driftPpm: 0 });
    set(1000);
    const before = clock.nowMs();
    clock.jump(60_000);
    expect(clock.nowMs()).toBe(before + 60_000);
    expect(clock.currentOffsetMs).toBe(60_000);
    clock.jump(-120_000);
    expect(clock.nowMs()).toBe(before - 60_000);
    expect(clock.currentOffsetMs).toBe(-60_000);
    set(1500);
    // Virtual time moved on 500 ms; the local clock still reads earlier than before the jumps.
    expect(clock.nowMs()).toBe(before - 60_000 + 500);
    expect(clock.nowMs()).toBeLessThan(before);
  });

  it('setOffset replaces the offset rather than adding to it (a skew fault)', () => {
    const { clock, set } = clockAt({ offsetMs: 100, driftPpm: 0 });
    set(10);
    clock.jump(5);
    clock.setOffset(-30);
    expect(clock.currentOffsetMs).toBe(-30);
    expect(clock.nowMs()).toBe(EPOCH_MS + 10 - 30);
  });

  it('keeps drift independent of jumps and offsets: drift accrues on virtual time only', () => {
    const { clock, set } = clockAt({ offsetMs: 0, driftPpm: 1000 });
    clock.jump(1_000_000);
    set(1000);
    expect(clock.nowMs()).toBe(EPOCH_MS + 1000 + 1_000_000 + 1);
  });

  it('two nodes on the same virtual time disagree by exactly their skew', () => {
    let trueMs = 0;
    const a = new NodeClock(() => trueMs, { offsetMs: 500, driftPpm: 0 });
    const b = new NodeClock(() => trueMs, { offsetMs: -200, driftPpm: 0 });
    for (const t of [0, 1, 999, 123_456]) {
      trueMs = t;
      expect(a.nowMs() - b.nowMs()).toBe(700);
    }
  });
});
