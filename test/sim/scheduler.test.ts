// Proves the Scheduler: events run in (timeMs, insertion seq) order, ties by insertion, async handlers finish before the next event, time never goes back, and eventsMax/timeMsMax fail with an error naming the bound.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LimitError } from '../../core/errors.ts';
import { Scheduler } from '../../sim/scheduler.ts';

const roomy = { eventsMax: 1_000_000, timeMsMax: 1_000_000_000 };

describe('Scheduler ordering', () => {
  it('runs events at equal times in insertion order', async () => {
    const s = new Scheduler(roomy);
    const order: string[] = [];
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) s.at(10, name, () => void order.push(name));
    await s.run();
    expect(order).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
  });

  it('runs events by time first, then insertion order, for arbitrary schedules (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }), async (times) => {
        const s = new Scheduler(roomy);
        const order: number[] = [];
        times.forEach((t, i) => s.at(t, `e${i}`, () => void order.push(i)));
        await s.run();
        // Array.prototype.sort is stable, so equal times keep insertion order.
        const expected = times.map((t, i) => ({ t, i })).sort((a, b) => a.t - b.t).map((e) => e.i);
        expect(order).toEqual(expected);
      }),
    );
  });

  it('runs an event scheduled for "now" by a handler after the events already queued for now', async () => {
    const s = new Scheduler(roomy);
    const order: string[] = [];
    s.at(5, 'first', () => {
      order.push('first');
      s.after(0, 'spawned', () => void order.push('spawned'));
    });
    s.at(5, 'second', () => void order.push('second'));
    await s.run();
    expect(order).toEqual(['first', 'second', 'spawned']);
  });

  it('lets an async handler run to completion, awaits included, before the next event', async () => {
    const s = new Scheduler(roomy);
    const order: string[] = [];
    s.at(1, 'slow', async () => {
      order.push('slow:start');
      for (let i = 0; i < 5; i++) await Promise.resolve();
      await new Promise<void>((resolve) => queueMicrotask(resolve));
      order.push('slow:end');
    });
    s.at(1, 'fast', () => void order.push('fast'));
    await s.run();
    expect(order).toEqual(['slow:start', 'slow:end', 'fast']);
  });

  it('advances virtual time to each event and reports it to handlers', async () => {
    const s = new Scheduler(roomy);
    const seen: number[] = [];
    for (const t of [30, 10, 20]) s.at(t, `t${t}`, () => void seen.push(s.nowMs));
    await s.run();
    expect(seen).toEqual([10, 20, 30]);
    expect(s.eventCount).toBe(3);
    expect(s.pendingCount).toBe(0);
  });

  it('run(untilMs) stops before later events and moves time to untilMs', async () => {
    const s = new Scheduler(roomy);
    const seen: number[] = [];
    for (const t of [5, 15, 25]) s.at(t, `t${t}`, () => void seen.push(t));
    await s.run(20);
    expect(seen).toEqual([5, 15]);
    expect(s.nowMs).toBe(20);
    expect(s.pendingCount).toBe(1);
    await s.run();
    expect(seen).toEqual([5, 15, 25]);
  });

  it('stop() ends the run after the current event', async () => {
    const s = new Scheduler(roomy);
    const seen: string[] = [];
    s.at(1, 'a', () => {
      seen.push('a');
      s.stop();
    });
    s.at(2, 'b', () => void seen.push('b'));
    await s.run();
    expect(seen).toEqual(['a']);
    expect(s.pendingCount).toBe(1);
  });

  it('rounds relative delays to integer ms and clamps negative delays to now', async () => {
    const s = new Scheduler(roomy);
    const seen: number[] = [];
    s.at(10, 'base', () => {
      s.after(2.6, 'frac', () => void seen.push(s.nowMs));
      s.after(-5, 'neg', () => void seen.push(s.nowMs));
    });
    await s.run();
    expect(seen).toEqual([10, 13]);
  });
});

describe('Scheduler time never goes backwards', () => {
  it('refuses an event in the past', async () => {
    const s = new Scheduler(roomy);
    s.at(50, 'later', () => undefined);
    await s.run();
    expect(s.nowMs).toBe(50);
    expect(() => s.at(49, 'past', () => undefined)).toThrow(/past/);
  });

  it('refuses a fractional or non-finite time', () => {
    const s = new Scheduler(roomy);
    expect(() => s.at(1.5, 'frac', () => undefined)).toThrow(/integer/);
    expect(() => s.at(Number.NaN, 'nan', () => undefined)).toThrow(/integer/);
    expect(() => s.after(Number.NaN, 'nan', () => undefined)).toThrow(/integer/);
  });
});

describe('Scheduler bounds', () => {
  it('fails with an error naming eventsMax when a run exceeds it', async () => {
    const s = new Scheduler({ eventsMax: 100, timeMsMax: 1_000_000 });
    const tick = (): void => s.after(1, 'tick', tick);
    s.at(0, 'tick', tick);
    const error = await s.run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LimitError);
    expect((error as LimitError).data.limit).toBe('eventsMax');
    expect((error as LimitError).message).toMatch(/eventsMax/);
    expect(s.eventCount).toBe(100);
  });

  it('allows exactly eventsMax events', async () => {
    const s = new Scheduler({ eventsMax: 3, timeMsMax: 1_000_000 });
    for (let i = 0; i < 3; i++) s.at(i, `e${i}`, () => undefined);
    await expect(s.run()).resolves.toBeUndefined();
    expect(s.eventCount).toBe(3);
  });

  it('fails with an error naming timeMsMax when an event lies beyond it, and runs nothing past it', async () => {
    const s = new Scheduler({ eventsMax: 1_000_000, timeMsMax: 1000 });
    const seen: number[] = [];
    s.at(1000, 'edge', () => void seen.push(1000));
    s.at(1001, 'beyond', () => void seen.push(1001));
    const error = await s.run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LimitError);
    expect((error as LimitError).data.limit).toBe('timeMsMax');
    expect((error as LimitError).message).toMatch(/timeMsMax/);
    expect(seen).toEqual([1000]);
    expect(s.nowMs).toBe(1000);
  });
});
