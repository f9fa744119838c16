/**
 * The discrete-event scheduler: virtual time in integer ms and a queue ordered by
 * (timeMs, insertion seq), so ties never depend on the engine. One event runs to
 * completion, awaits included, before the next starts. Time never goes backwards.
 */
import { BinaryHeap } from '../core/binaryHeap.ts';
import { assert, LimitError } from '../core/errors.ts';

export interface SchedulerLimits {
  readonly eventsMax: number;
  readonly timeMsMax: number;
}

type Handler = () => void | Promise<void>;

interface QueuedEvent {
  readonly timeMs: number;
  readonly seq: number;
  readonly label: string;
  readonly handler: Handler;
}

function before(a: QueuedEvent, b: QueuedEvent): boolean {
  return a.timeMs < b.timeMs || (a.timeMs === b.timeMs && a.seq < b.seq);
}

export class Scheduler {
  private readonly heap = new BinaryHeap<QueuedEvent>(before);
  private seqNext = 0;
  private timeMs = 0;
  private stopped = false;
  private eventsRun = 0;
  private readonly limits: SchedulerLimits;
  private observer: { readonly everyEvents: number; readonly notify: () => void } | null = null;

  constructor(limits: SchedulerLimits) {
    this.limits = limits;
  }

  get nowMs(): number {
    return this.timeMs;
  }

  get eventCount(): number {
    return this.eventsRun;
  }

  get pendingCount(): number {
    return this.heap.size;
  }

  /** The events waiting, as (time from now, label), earliest first: what a world digest needs of the queue. */
  pendingEvents(): { readonly inMs: number; readonly label: string }[] {
    return [...this.heap.values()]
      .sort((a, b) => (before(a, b) ? -1 : 1))
      .map((event) => ({ inMs: event.timeMs - this.timeMs, label: event.label }));
  }

  /** Schedules `handler` at absolute virtual time `timeMs` (never in the past). */
  at(timeMs: number, label: string, handler: Handler): void {
    assert(Number.isInteger(timeMs), `event time must be an integer ms, got ${timeMs} (${label})`);
    assert(timeMs >= this.timeMs, `event ${label} scheduled in the past: ${timeMs} < ${this.timeMs}`);
    this.heap.push({ timeMs, seq: this.seqNext++, label, handler });
  }

  after(delayMs: number, label: string, handler: Handler): void {
    this.at(this.timeMs + Math.max(0, Math.round(delayMs)), label, handler);
  }

  stop(): void {
    this.stopped = true;
  }

  /**
   * Calls `notify` after every `everyEvents`-th event (a progress display). The observer
   * only reads: it runs synchronously between two events and must not schedule or stop,
   * so a run with one has the same history as a run without.
   */
  observe(everyEvents: number, notify: () => void): void {
    assert(Number.isInteger(everyEvents) && everyEvents >= 1, `observe every ${everyEvents} events: must be a positive integer`);
    this.observer = { everyEvents, notify };
  }

  /** Runs events in order until the queue is empty, `untilMs` is passed, or stop() is called. */
  async run(untilMs = Number.POSITIVE_INFINITY): Promise<void> {
    this.stopped = false;
    while (!this.stopped && this.heap.size > 0) {
      const next = this.heap.peek() as QueuedEvent;
      if (next.timeMs > untilMs) break;
      this.heap.pop();
      if (next.timeMs > this.limits.timeMsMax) throw new LimitError('timeMsMax', next.timeMs, this.limits.timeMsMax);
      if (this.eventsRun >= this.limits.eventsMax) throw new LimitError('eventsMax', this.eventsRun + 1, this.limits.eventsMax);
      assert(next.timeMs >= this.timeMs, `time went backwards: ${next.timeMs} < ${this.timeMs}`);
      this.timeMs = next.timeMs;
      this.eventsRun++;
      await next.handler();
      if (this.observer !== null && this.eventsRun % this.observer.everyEvents === 0) this.notifyObserver(this.observer.notify);
    }
    if (!this.stopped && untilMs !== Number.POSITIVE_INFINITY && untilMs > this.timeMs) this.timeMs = untilMs;
  }

  private notifyObserver(notify: () => void): void {
    const seqBefore = this.seqNext;
    const stoppedBefore = this.stopped;
    notify();
    assert(this.seqNext === seqBefore && this.stopped === stoppedBefore, 'a scheduler observer scheduled or stopped: it may only read');
  }
}
