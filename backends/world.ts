/**
 * A run on the backend its config names (`replica:`, sim/replicaKinds.ts): what scenarios,
 * the CLI and tests call. The simulator itself (sim/world.ts) takes the backend as a value.
 */
import type { SimConfig } from '../sim/config.ts';
import { simulate, type WorldOptions, type WorldOutcome } from '../sim/world.ts';
import { backendFor } from './registry.ts';

export type { WorldOptions, WorldOutcome } from '../sim/world.ts';

export interface RunOptions extends WorldOptions {
  /**
   * Keep what a real backend holds outside memory (its Maildirs) after the run, for export;
   * the caller then calls the outcome's `dispose`. Without it, it is removed when the run ends.
   */
  readonly keepStores?: boolean;
}

export interface RunOutcome extends WorldOutcome {
  /** Removes what the backend kept outside memory (nothing for the reference replica). */
  readonly dispose: () => Promise<void>;
}

export async function runWorld(config: SimConfig, options: RunOptions = {}): Promise<RunOutcome> {
  const backend = await backendFor(config.replica ?? 'git');
  const clients = config.realClients ?? [];
  // Loaded only when asked for: a run without real clients never touches their code.
  const realClients = clients.length === 0 ? null : await (await import('./realClients/realClientDriver.ts')).createRealClientRun(clients);
  const dispose = async (): Promise<void> => {
    await backend.dispose?.();
  };
  let outcome: WorldOutcome;
  try {
    outcome = await simulate(config, backend, realClients === null ? options : { ...options, realClientDriver: realClients });
  } catch (error) {
    await dispose();
    throw error;
  } finally {
    await realClients?.dispose();
  }
  if (options.keepStores !== true) await dispose();
  return { ...outcome, dispose };
}
