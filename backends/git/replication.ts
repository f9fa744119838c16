/**
 * The replication protocol as a pure step: `step(state, event) -> [state, sends]`, in the
 * style of xstate's `transition`. The state is what one server believes of each peer (the
 * heads it holds, the newest one it confirmed, the head it last announced, when it was last
 * heard from) and whose turn anti-entropy is. Events are what happened (a local commit, a
 * message from a peer, a push that went out, a tick), with the facts about the local replica
 * the runner looked up (does it hold this commit?). Sends are what the runner must do: push
 * what a peer lacks, heartbeat, arm the merge wait. The runner (./server/replicationRunner.ts) does the I/O.
 */
import type { ReceiveKind } from '../../core/replica/replica.ts';

/** Heads remembered per peer as already held by it (named limit). */
export const KNOWN_HEADS_MAX = 16;
/** A peer silent for this long counts as unreachable (owner failover, the designated merger). */
export const PEER_TIMEOUT_MS = 5_000;

export interface PeerView {
  /**
   * Heads we assume the peer holds, newest last (optimistic: added when we push, and when it
   * pushes to us). Several, because what we push back holds both what we pushed the peer and
   * what it pushed us.
   */
  readonly known: readonly string[];
  /** A head the peer is known to hold: it acknowledged it, announced it, or pushed it to us. */
  readonly confirmed: string;
  /** Its head as its last heartbeat announced it. */
  readonly announced: string | null;
  readonly lastHeardMs: number;
}

export interface ReplicationState {
  readonly self: string;
  /** Peers in a fixed order (anti-entropy takes them in turn). */
  readonly peerNames: readonly string[];
  readonly peers: ReadonlyMap<string, PeerView>;
  readonly antiEntropyRound: number;
}

export type ReplicationEvent =
  /** A local commit (client operation, batch, settle): every peer may lack it. */
  | { readonly kind: 'committed'; readonly reason: string }
  /** The anti-entropy timer. */
  | { readonly kind: 'tick' }
  /** Any message from a peer arrived. */
  | { readonly kind: 'heard'; readonly from: string; readonly nowMs: number }
  /** A heartbeat announced `head`; `held`: our replica holds that commit. */
  | { readonly kind: 'heartbeat'; readonly from: string; readonly head: string; readonly held: boolean }
  /** The peer refused our push; its head is `head` (`held`: we hold it). */
  | { readonly kind: 'refused'; readonly from: string; readonly head: string; readonly held: boolean }
  /** The peer took our push; `heldReceived`: which of the heads it took we hold. */
  | { readonly kind: 'acked'; readonly from: string; readonly head: string; readonly held: boolean; readonly heldReceived: readonly string[] }
  /** We pushed `heads` to a peer (`nothing`: it lacked nothing, so it holds our head `head`). */
  | { readonly kind: 'pushed'; readonly to: string; readonly heads: readonly string[]; readonly head: string; readonly nothing: boolean }
  /** We took a push of `heads` from a peer, with the replica's answer. */
  | { readonly kind: 'received'; readonly from: string; readonly heads: readonly string[]; readonly result: ReceiveKind }
  /** Our process crashed: what peers announced may no longer be what we hold. */
  | { readonly kind: 'crashed' };

export type ReplicationSend =
  /** Push `to` what it lacks beyond `known`. */
  | { readonly kind: 'push'; readonly to: string; readonly known: readonly string[]; readonly reason: string }
  | { readonly kind: 'heartbeat'; readonly to: string }
  /** Held commits: merge them if no covering merge arrives in time. */
  | { readonly kind: 'arm-merge-wait' };

export function initialReplication(self: string, peerNames: readonly string[], rootHead: string): ReplicationState {
  const peers = new Map<string, PeerView>();
  for (const peer of peerNames) peers.set(peer, { known: [rootHead], confirmed: rootHead, announced: null, lastHeardMs: 0 });
  return { self, peerNames: [...peerNames], peers, antiEntropyRound: 0 };
}

export function step(state: ReplicationState, event: ReplicationEvent): [ReplicationState, ReplicationSend[]] {
  switch (event.kind) {
    case 'committed':
      return [state, state.peerNames.map((to) => pushOf(state, to, event.reason))];
    case 'tick': {
      const peer = state.peerNames[state.antiEntropyRound % Math.max(1, state.peerNames.length)];
      const sends: ReplicationSend[] = state.peerNames.map((to) => ({ kind: 'heartbeat', to }));
      // Gossip: each round pushes to one peer, in turn.
      if (peer !== undefined) sends.push(pushOf(state, peer, 'anti-entropy'));
      return [{ ...state, antiEntropyRound: state.antiEntropyRound + 1 }, sends];
    }
    case 'heard':
      return [update(state, event.from, (view) => ({ ...view, lastHeardMs: event.nowMs })), []];
    case 'heartbeat':
      // What it announces is what it has now (after a power loss that may be less than we
      // assumed); a head we lack means it may lack ours: fall back to what it surely has.
      return [update(state, event.from, (view) => (event.held ? { ...view, announced: event.head, confirmed: event.head, known: [event.head] } : { ...view, announced: event.head, known: [view.confirmed] })), []];
    case 'refused': {
      const next = update(state, event.from, (view) => (event.held ? confirm(view, event.head) : { ...view, known: [view.confirmed] }));
      return [next, [pushOf(next, event.from, 'anti-entropy')]];
    }
    case 'acked':
      return [update(state, event.from, (view) => (event.held ? confirm(view, event.head) : { ...view, confirmed: event.heldReceived.at(-1) ?? view.confirmed })), []];
    case 'pushed':
      // Optimistic: the next push sends only what this one did not. A lost push is repaired by
      // the peer's refusal (it lacks a parent) or its next heartbeat, which names its head.
      return [update(state, event.to, (view) => (event.nothing ? assume(view, event.head) : event.heads.reduce(assume, view))), []];
    case 'received': {
      const next = update(state, event.from, (view) => event.heads.reduce(confirm, view));
      // A merge goes to every peer at once: they adopt it (only the designated merger merges),
      // so it does not beget merges. The sender of what we hold and it lacks gets it.
      if (event.result === 'merge') return [next, next.peerNames.map((to) => pushOf(next, to, 'merge'))];
      if (event.result === 'ahead') return [next, [pushOf(next, event.from, 'anti-entropy')]];
      if (event.result === 'held') return [next, [{ kind: 'arm-merge-wait' }]];
      return [next, []];
    }
    case 'crashed': {
      const peers = new Map<string, PeerView>();
      for (const [name, view] of state.peers) peers.set(name, { ...view, announced: null });
      return [{ ...state, peers }, []];
    }
  }
}

/**
 * The designated merger: the smallest name among this server and the peers heard from within
 * PEER_TIMEOUT_MS. Nothing of the simulator's knowledge enters: only what arrived.
 */
export function isMerger(state: ReplicationState, nowMs: number): boolean {
  return state.peerNames.every((peer) => peer > state.self || !heardWithin(state, peer, nowMs));
}

/** Peers not heard from within PEER_TIMEOUT_MS. */
export function silentPeers(state: ReplicationState, nowMs: number): string[] {
  return state.peerNames.filter((peer) => !heardWithin(state, peer, nowMs));
}

export function heardWithin(state: ReplicationState, peer: string, nowMs: number): boolean {
  return nowMs - (state.peers.get(peer)?.lastHeardMs ?? 0) <= PEER_TIMEOUT_MS;
}

function pushOf(state: ReplicationState, to: string, reason: string): ReplicationSend {
  return { kind: 'push', to, known: state.peers.get(to)?.known ?? [], reason };
}

function update(state: ReplicationState, peer: string, change: (view: PeerView) => PeerView): ReplicationState {
  const view = state.peers.get(peer);
  if (view === undefined) return state;
  const peers = new Map(state.peers);
  peers.set(peer, change(view));
  return { ...state, peers };
}

function assume(view: PeerView, head: string): PeerView {
  return { ...view, known: [...view.known.filter((id) => id !== head), head].slice(-KNOWN_HEADS_MAX) };
}

function confirm(view: PeerView, head: string): PeerView {
  return { ...assume(view, head), confirmed: head };
}
