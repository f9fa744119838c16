/**
 * What a pause fault does to one server: for a while it handles no event. Messages, client
 * requests and its own timers wait here, in order (a timer at most once, as an expired timer
 * fires once when a stopped process resumes), and run when the pause ends. The server's clock
 * runs on meanwhile; that is the server's business, not this gate's.
 */
import type { Scheduler } from './scheduler.ts';

export class PauseGate {
  private pausedUntilMs: number | null = null;
  private readonly waiting: { readonly key: string | null; readonly run: () => Promise<void> }[] = [];

  constructor(
    private readonly scheduler: Scheduler,
    private readonly label: string,
  ) {}

  get paused(): boolean {
    return this.pausedUntilMs !== null;
  }

  /** Pauses for durationMs from now; pauses that overlap end at the later end. */
  pause(durationMs: number): void {
    const untilMs = this.scheduler.nowMs + durationMs;
    if (this.pausedUntilMs !== null && this.pausedUntilMs >= untilMs) return;
    this.pausedUntilMs = untilMs;
    this.scheduler.at(untilMs, `resume ${this.label}`, () => (this.pausedUntilMs === untilMs ? this.open() : Promise.resolve()));
  }

  /** Runs `run` now, or once the pause ends; a keyed item (a timer) waits at most once. */
  whenRunning(run: () => Promise<void>, key: string | null = null): Promise<void> {
    if (this.pausedUntilMs === null) return run();
    if (key === null || !this.waiting.some((item) => item.key === key)) this.waiting.push({ key, run });
    return Promise.resolve();
  }

  /** Ends the pause now (its end, or a crash that ended the paused process): what waited runs, in order. */
  async open(): Promise<void> {
    this.pausedUntilMs = null;
    while (this.waiting.length > 0 && this.pausedUntilMs === null) {
      const item = this.waiting.shift() as { run: () => Promise<void> };
      await item.run();
    }
  }
}
