/**
 * What git servers send each other, and what it costs on the wire: a push (the sender's
 * heads and a thin git pack), its acknowledgement, a heartbeat, and the repair of a damaged
 * repository (a request, answered with a full pack).
 */
import type { VectorClock } from '../../../sim/historyTypes.ts';

/**
 * The protocol overhead a push pays besides its pack: a message kind, a head count and the
 * pack's length (8 B), then each head the receiver should take as a 20-byte id. A real git
 * push spends more on its ref advertisement (about 62 B per ref); this protocol sends heads
 * instead of asking for refs.
 */
export const PUSH_HEADER_BYTES = 8;
export const PUSH_HEAD_BYTES = 20;

/** Bytes on the wire of a push of `pack` that names `headCount` heads. */
export function pushSizeBytes(headCount: number, pack: Uint8Array): number {
  return PUSH_HEADER_BYTES + PUSH_HEAD_BYTES * headCount + pack.length;
}
export const ACK_BYTES = 72;
/** A heartbeat carries the sender's head: 20-byte id plus framing. */
export const HEARTBEAT_BYTES = 48;

export interface PushPayload {
  /** The sender's tips; the receiver makes their merge itself. */
  readonly heads: readonly string[];
  /** A thin git pack (core/pack/packfile.ts): its bytes are the bytes on the wire. */
  readonly pack: Uint8Array;
  /** The simulator's causality record for the checkers; no real server sends it, so it is not counted. */
  readonly vclock: VectorClock;
}

export interface AckPayload {
  /** The heads taken, or null when the push was refused. */
  readonly received: readonly string[] | null;
  readonly head: string;
}

/** A repair request: a replica whose repository is damaged asks for everything (kind, sender, framing). */
export const REPAIR_REQUEST_BYTES = 48;

/** A repair: everything the sender holds as one full pack (core/pack/packfile.ts), and its head. */
export interface RepairPayload {
  readonly head: string;
  readonly pack: Uint8Array;
}

export interface HeartbeatPayload {
  readonly head: string;
}
