/** The machine a figure was measured on: its cores and its load average, to two decimals. */
import { availableParallelism, loadavg } from 'node:os';

export function loadAverageNow(): number[] {
  return loadavg().map((load) => Math.round(load * 100) / 100);
}

export function machineLoad(): { cores: number; loadAverage: number[] } {
  return { cores: availableParallelism(), loadAverage: loadAverageNow() };
}
