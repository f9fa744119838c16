/**
 * A server's local wall clock: virtual time plus an offset, a drift in parts per million,
 * and jumps (faults). Components read time only through their node's clock. The local
 * clock may run backwards after a backward jump; virtual time never does.
 */
import type { ClockConfig } from './config.ts';

/** Virtual time 0 is this wall-clock instant (2026-11-01T00:00:00Z), so Maildir names look real. */
export const EPOCH_MS = 1_793_491_200_000;

export class NodeClock {
  private offsetMs: number;
  private readonly driftPpm: number;
  private readonly trueNowMs: () => number;

  constructor(trueNowMs: () => number, config: ClockConfig) {
    this.trueNowMs = trueNowMs;
    this.offsetMs = config.offsetMs;
    this.driftPpm = config.driftPpm;
  }

  /** The node's idea of the current wall time in ms since the epoch. */
  nowMs(): number {
    const trueMs = this.trueNowMs();
    return EPOCH_MS + trueMs + this.offsetMs + Math.trunc((trueMs * this.driftPpm) / 1_000_000);
  }

  /**
   * The node's monotonic clock (CLOCK_MONOTONIC): it runs at the node's drifted rate but
   * jumps and skew faults never move it, as setting the wall clock never moves a monotonic
   * one. Timeouts and leases are measured with it.
   */
  monotonicMs(): number {
    const trueMs = this.trueNowMs();
    return trueMs + Math.trunc((trueMs * this.driftPpm) / 1_000_000);
  }

  /** Moves the clock by deltaMs (positive: forward, negative: backward). */
  jump(deltaMs: number): void {
    this.offsetMs += deltaMs;
  }

  /** Sets the offset outright (a skew fault). */
  setOffset(offsetMs: number): void {
    this.offsetMs = offsetMs;
  }

  get currentOffsetMs(): number {
    return this.offsetMs;
  }
}
