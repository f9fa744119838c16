/**
 * `mailsim run`'s progress bar: while the world runs, virtual time against the scenario's
 * duration, client operations so far and events per wall second, on stderr. Only on a
 * terminal and never with --json, so logs, pipes and JSON stay exactly as they were. The
 * simulator reports virtual figures only (it never reads wall time); the rate's wall
 * clock is injected here by the command.
 */
import cliProgress from 'cli-progress';
import type { WorldProgress } from '../sim/world.ts';

export interface RunProgressOptions {
  readonly json: boolean;
  readonly stream: NodeJS.WritableStream & { readonly isTTY?: boolean };
  /** Wall clock in ms, for events per second. */
  readonly wallMs: () => number;
}

export interface RunProgress {
  readonly onProgress: (progress: WorldProgress) => void;
  /** Clears the bar, so the run's report starts on a clean line. */
  stop(): void;
}

/** Where the rate is measured from: the first report, so loading and population do not count. */
interface RateStart {
  readonly eventCount: number;
  readonly wallMs: number;
}

// Payload names avoid cli-progress's own ({duration} is its elapsed wall time). Fits 80 columns.
const FORMAT = 'run [{bar}] {virtual}/{scenarioDuration} s {phase} | {clientOps} client ops | {rate} events/s';
const BAR_SIZE_CHARS = 16;

/** Events per wall second since `start`, as shown ('-' until there is an interval to measure). */
export function eventRate(start: RateStart, eventCount: number, wallMs: number): string {
  const elapsedMs = wallMs - start.wallMs;
  return elapsedMs <= 0 ? '-' : String(Math.round(((eventCount - start.eventCount) * 1000) / elapsedMs));
}

function seconds(timeMs: number): string {
  return (timeMs / 1000).toFixed(1);
}

function payload(progress: WorldProgress, rate: string): Record<string, string> {
  return {
    virtual: seconds(progress.nowMs),
    scenarioDuration: seconds(progress.durationMs),
    clientOps: String(progress.clientOpCount),
    rate,
    // Past durationMs the workload is over and the world runs until the replicas agree.
    phase: progress.nowMs > progress.durationMs ? 'converging' : 'virtual',
  };
}

/** The bar for one run, or null when none may be drawn (--json, or the stream is not a terminal). */
export function startRunProgress(options: RunProgressOptions): RunProgress | null {
  if (options.json || options.stream.isTTY !== true) return null;
  let bar: cliProgress.SingleBar | null = null;
  let rateStart: RateStart | null = null;
  const onProgress = (progress: WorldProgress): void => {
    const wallMs = options.wallMs();
    rateStart ??= { eventCount: progress.eventCount, wallMs };
    const values = payload(progress, eventRate(rateStart, progress.eventCount, wallMs));
    const value = Math.min(progress.nowMs, progress.durationMs);
    if (bar !== null) {
      bar.update(value, values);
      return;
    }
    // Created at the first report, when durationMs is known. The cursor stays visible and
    // line wrapping on, so a Ctrl-C mid-run leaves the terminal as it was.
    bar = new cliProgress.SingleBar(
      { stream: options.stream, format: FORMAT, barsize: BAR_SIZE_CHARS, hideCursor: false, linewrap: true, clearOnComplete: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(Math.max(1, progress.durationMs), value, values);
  };
  return { onProgress, stop: () => bar?.stop() };
}
