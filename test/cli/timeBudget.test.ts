// Proves --time-budget reads 90s / 10m / 1h / plain seconds, refuses anything else with a typed error naming the option, fires once when the budget passes, and that a drained pool lets runs in flight finish but starts no new one.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runInWorkers } from '../../cli/sweepPool.ts';
import { CliInputError } from '../../cli/sweepFiles.ts';
import { describeTimeBudget, parseTimeBudget, startTimeBudget, TIME_BUDGET_MS_MAX } from '../../cli/timeBudget.ts';
import type { EchoTask } from './fixtures/echoTask.ts';

describe('parseTimeBudget', () => {
  it.each([
    ['90s', 90_000],
    ['10m', 600_000],
    ['1h', 3_600_000],
    ['1.5h', 5_400_000],
    ['0.25s', 250],
    ['45', 45_000],
    [' 3s ', 3_000],
  ])('reads %j as %i ms', (text, budgetMs) => {
    expect(parseTimeBudget(text)).toBe(budgetMs);
  });

  it('accepts exactly TIME_BUDGET_MS_MAX and refuses one second more', () => {
    expect(parseTimeBudget(`${TIME_BUDGET_MS_MAX / 1000}`)).toBe(TIME_BUDGET_MS_MAX);
    expect(() => parseTimeBudget(`${TIME_BUDGET_MS_MAX / 1000 + 1}`)).toThrow(/--time-budget: must be at most TIME_BUDGET_MS_MAX/);
  });

  it.each(['', 'soon', '5x', '10 m', '1h30m', '-5s', '1e3', '.5s', 's', '5S', '1d', '0', '0s', '0.0001s'])('refuses %j with E_INPUT naming --time-budget', (text) => {
    let caught: unknown;
    try {
      parseTimeBudget(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CliInputError);
    expect((caught as CliInputError).code).toBe('E_INPUT');
    expect((caught as CliInputError).message).toMatch(/^--time-budget: /);
    expect((caught as CliInputError).message).toContain(JSON.stringify(text));
  });
});

describe('describeTimeBudget', () => {
  it('uses the largest unit that keeps the figure whole', () => {
    expect(describeTimeBudget(90_000)).toBe('90 s');
    expect(describeTimeBudget(600_000)).toBe('10 min');
    expect(describeTimeBudget(7_200_000)).toBe('2 h');
    expect(describeTimeBudget(5_400_000)).toBe('90 min');
    expect(describeTimeBudget(250)).toBe('0.25 s');
  });
});

describe('startTimeBudget', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('aborts its signal and calls onExpire once, when the budget passes', () => {
    vi.useFakeTimers();
    const onExpire = vi.fn();
    const budget = startTimeBudget(3_000, onExpire);
    vi.advanceTimersByTime(2_999);
    expect(budget.signal.aborted).toBe(false);
    expect(onExpire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(budget.signal.aborted).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect(onExpire).toHaveBeenCalledTimes(1);
  });

  it('never fires once cancelled', () => {
    vi.useFakeTimers();
    const onExpire = vi.fn();
    const budget = startTimeBudget(3_000, onExpire);
    budget.cancel();
    vi.advanceTimersByTime(10_000);
    expect(budget.signal.aborted).toBe(false);
    expect(onExpire).not.toHaveBeenCalled();
  });
});

describe('runInWorkers drained by a budget', () => {
  const taskModule = new URL('./fixtures/echoTask.ts', import.meta.url);

  it('lets both runs in flight finish and starts none of the rest', async () => {
    // Three parties: the two tasks in flight, and this test, which counts itself in only
    // after draining, so the drain provably comes while both are still running.
    const barrier = { counter: new SharedArrayBuffer(4), parties: 3 };
    const cell = new Int32Array(barrier.counter);
    const drain = new AbortController();
    const tasks: EchoTask[] = [{ n: 1, barrier }, { n: 2, barrier }, { n: 3 }, { n: 4 }];
    const seen: number[] = [];
    const pool = runInWorkers<EchoTask, { metPeers: boolean }>({
      taskModule,
      tasks,
      jobs: 2,
      drain: drain.signal,
      onOutcome: (task, outcome) => {
        expect(outcome.ok && outcome.value.metPeers).toBe(true);
        seen.push(task.n);
      },
    });
    await vi.waitFor(() => expect(Atomics.load(cell, 0)).toBe(2), { timeout: 15_000, interval: 20 });
    drain.abort();
    Atomics.add(cell, 0, 1);
    Atomics.notify(cell, 0);
    expect(await pool).toEqual({ completed: 2, interrupted: false });
    expect(seen.sort()).toEqual([1, 2]);
  });
});
