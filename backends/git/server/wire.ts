/**
 * What git servers send each other, and what it costs on the wire: a push (the sender's
 * heads and a thin git pack), its acknowledgement, and a heartbeat.
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

export interface HeartbeatPayload {
  readonly head: string;
}
