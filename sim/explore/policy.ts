/**
 * Which draws `mailsim explore` branches on, by the stream that draws them (sim/world.ts
 * names the streams) and the draw's method. Everything else takes the seed's draw: the
 * initial population, message sizes and bodies, the nemesis (explore runs the file's fault
 * list with the nemesis off), real clients, and every shuffle and raw float.
 */
import type { DrawKind, DrawPoint } from '../rng.ts';

const BRANCHING: Readonly<Record<string, readonly DrawKind[]>> = {
  // Which message is lost, duplicated or held back, and its latency at the link's bounds.
  network: ['chance', 'uniformMs', 'exponentialMs'],
  // When the next operation of each kind arrives, which idle client takes it, which mailbox a delivery goes to.
  workload: ['pick', 'chance', 'exponentialMs'],
  // Which server a client talks to, which mailbox and UID it acts on, which flags it writes.
  clients: ['pick', 'chance'],
  // Whether a crash strikes between operations or at a write point, and at which.
  crash: ['chance', 'int'],
  // What a power loss keeps of each unsynced file.
  power: ['int'],
};

/** The components whose draws may branch, for `explore --branch`. */
export const BRANCHING_COMPONENTS: readonly string[] = Object.keys(BRANCHING);

/**
 * The component a stream belongs to: the first segment of its path, decoded ('crash' for
 * 'crash%2Fa', the stream the world names 'crash/a'; 'network' for 'network/a%3Eb').
 */
export function componentOf(stream: string): string {
  return (decodeURIComponent(stream.split('/')[0] ?? '').split('/')[0]) ?? '';
}

export function isBranching(draw: Pick<DrawPoint, 'stream' | 'kind'>): boolean {
  return BRANCHING[componentOf(draw.stream)]?.includes(draw.kind) === true;
}
