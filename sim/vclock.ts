/**
 * Vector clocks a backend adapter may keep, one per server: a server ticks its entry on every
 * acknowledged client write and merges the sender's clock when it has applied a replication
 * push. They are stamped on write answers as a second opinion only: no checker and no client
 * guarantee decides by them (sim/checkers/historyCausality.ts, sim/sessionMemory.ts).
 */
import type { VectorClock } from './historyTypes.ts';

export function tick(clock: VectorClock, node: string): VectorClock {
  return { ...clock, [node]: (clock[node] ?? 0) + 1 };
}

export function mergeClocks(a: VectorClock, b: VectorClock): VectorClock {
  const out: Record<string, number> = { ...a };
  for (const [node, count] of Object.entries(b)) out[node] = Math.max(out[node] ?? 0, count);
  return out;
}
