/**
 * A sweep's wall-clock time budget (`--time-budget 90s|10m|1h|<seconds>`): once it
 * passes, the sweep starts no new run and lets the runs in flight finish, so a CI job or
 * a nightly slot ends on time with every result it paid for. Wall time is read here, in
 * the CLI, and never reaches the simulator: which runs fit in the budget varies from
 * machine to machine, but each run that does start is as deterministic as ever.
 */
import { CliInputError } from './sweepFiles.ts';

/**
 * The longest budget accepted: a week is past any CI or nightly slot, and stays below
 * setTimeout's 2^31-1 ms ceiling, beyond which Node fires the timer at once.
 */
export const TIME_BUDGET_MS_MAX = 7 * 24 * 3_600_000;

const MS_PER_UNIT: Readonly<Record<string, number>> = { '': 1000, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION = /^(\d+(?:\.\d+)?)(s|m|h)?$/;
const OPTION = '--time-budget';

/** Parses a duration (`90s`, `10m`, `1h`, `1.5h`, or a plain number of seconds) into whole ms. */
export function parseTimeBudget(text: string): number {
  const match = DURATION.exec(text.trim());
  if (match === null) {
    throw new CliInputError(`${OPTION}: expected a duration like 90s, 10m, 1h or a number of seconds, got ${JSON.stringify(text)}`);
  }
  const budgetMs = Math.round(Number(match[1]) * (MS_PER_UNIT[match[2] ?? ''] as number));
  if (budgetMs < 1) throw new CliInputError(`${OPTION}: must be more than 0, got ${JSON.stringify(text)}`);
  if (budgetMs > TIME_BUDGET_MS_MAX) {
    throw new CliInputError(`${OPTION}: must be at most TIME_BUDGET_MS_MAX (${TIME_BUDGET_MS_MAX / 3_600_000} h), got ${JSON.stringify(text)}`);
  }
  return budgetMs;
}

/** The budget in the largest unit that keeps it whole: `90 s`, `10 min`, `2 h`. */
export function describeTimeBudget(budgetMs: number): string {
  if (budgetMs % 3_600_000 === 0) return `${budgetMs / 3_600_000} h`;
  if (budgetMs % 60_000 === 0) return `${budgetMs / 60_000} min`;
  return `${budgetMs / 1000} s`;
}

export interface TimeBudget {
  /** Aborted once the budget has passed. */
  readonly signal: AbortSignal;
  /** Cancels the timer (the sweep ended first). */
  cancel(): void;
}

/** Starts the wall clock; `onExpire` runs once, when the budget passes (not after cancel). */
export function startTimeBudget(budgetMs: number, onExpire: () => void = () => {}): TimeBudget {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort();
    onExpire();
  }, budgetMs);
  // The budget alone must never keep the process alive once the sweep is done.
  timer.unref();
  return { signal: controller.signal, cancel: () => clearTimeout(timer) };
}
