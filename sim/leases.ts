/**
 * The owner lease, as a pure protocol: `step(state, event) -> [state, sends]`, like
 * replication.ts. The owner strategy may hand out UIDs only while its node holds the lease,
 * and everything here is what a real server could know: its own clock and the messages it
 * got. Nothing reads the simulator's reachability or liveness.
 *
 * - A candidate asks every peer for the lease at an epoch (a fencing token). A node promises
 *   the lease at epoch E to one node only, for `durationMs + allowanceMs` by its own clock, and
 *   promises a higher epoch to another node only once its promise has expired by that clock.
 * - The candidate holds the lease once a majority (itself included) promised it, until
 *   `sentMs + durationMs - allowanceMs` by its own clock, counted from when it asked.
 * - allowanceMs = ceil(durationMs x driftPpmMax / 1e6) + 1. With every clock's rate within
 *   1 +- rho, a lease held for D - A local ms ends, in real time, before a promise of D + A
 *   local ms made after the request: (D - A) / (1 - rho) <= (D + A) / (1 + rho) exactly when
 *   A >= D x rho. A clock that drifts beyond the bound, or jumps, voids this (a control shows it).
 * - The holder renews while it is the owner; a node that has heard nothing from the holder
 *   for the failure detector's timeout (heartbeats) asks for the next epoch.
 * - The merge is the fence: a mailbox's owner with the higher epoch wins, and UIDs an older
 *   epoch handed out that clash go back to pending (core/strategies/owner.ts).
 */

export interface LeaseConfig {
  readonly durationMs: number;
  /** The clock drift bound the allowance covers, in parts per million. */
  readonly driftPpmMax: number;
}

/** Test-only faults of the lease (negative controls, sim/checkers/mutants.ts). */
export interface LeaseFaults {
  /** owner-no-fence: a lease, once held, is taken as valid without checking its expiry. */
  readonly noFence?: boolean;
  /** owner-trusts-clock: no drift allowance, in promises or leases. */
  readonly trustsClock?: boolean;
}

/** An owner asks again once less than this share of its lease is left. */
export const LEASE_RENEW_SHARE = 0.5;
/** A request not granted by a majority within this share of the lease is given up (and asked again). */
export const LEASE_REQUEST_TIMEOUT_SHARE = 0.25;
/** Bytes of a lease message: kind, epoch, request id, node name, framing. */
export const LEASE_MESSAGE_BYTES = 32;

interface Promise_ {
  readonly node: string;
  readonly epoch: number;
  readonly untilMs: number;
}

export interface LeaseState {
  readonly node: string;
  readonly peers: readonly string[];
  readonly config: LeaseConfig;
  readonly faults: LeaseFaults;
  /** What this node promised (to itself or a peer), by its own clock. */
  readonly promise: Promise_ | null;
  /** The lease this node holds, by its own clock. */
  readonly held: { readonly epoch: number; readonly untilMs: number } | null;
  readonly request: { readonly epoch: number; readonly id: number; readonly sentMs: number; readonly grants: readonly string[] } | null;
  /** The highest epoch this node has heard of, and who it was promised to. */
  readonly highest: { readonly epoch: number; readonly node: string | null };
  readonly idNext: number;
  /**
   * After a restart this node has forgotten what it promised, so it promises nothing, itself
   * included, until any promise it may have made has expired by its clock.
   */
  readonly quietUntilMs: number;
}

export type LeaseEvent =
  /** Time to act: `want` is the epoch this node should hold (renew or take over), or null. */
  | { readonly kind: 'tick'; readonly nowMs: number; readonly want: number | null }
  | { readonly kind: 'request'; readonly from: string; readonly epoch: number; readonly id: number; readonly nowMs: number }
  | { readonly kind: 'grant'; readonly from: string; readonly epoch: number; readonly id: number }
  | { readonly kind: 'refuse'; readonly from: string; readonly epoch: number; readonly id: number; readonly promised: { readonly epoch: number; readonly node: string } }
  /** The process restarted: `epoch` and `holder` are the owner its durable state records. */
  | { readonly kind: 'restarted'; readonly nowMs: number; readonly epoch: number; readonly holder: string | null };

export type LeaseSend =
  | { readonly kind: 'request'; readonly to: string; readonly epoch: number; readonly id: number }
  | { readonly kind: 'grant'; readonly to: string; readonly epoch: number; readonly id: number }
  | { readonly kind: 'refuse'; readonly to: string; readonly epoch: number; readonly id: number; readonly promised: { readonly epoch: number; readonly node: string } }
  /** The lease was just acquired: the owner may settle now. */
  | { readonly kind: 'acquired'; readonly epoch: number };

export function allowanceMs(config: LeaseConfig, faults: LeaseFaults): number {
  return faults.trustsClock === true ? 0 : Math.ceil((config.durationMs * config.driftPpmMax) / 1_000_000) + 1;
}

export function initialLease(node: string, peers: readonly string[], config: LeaseConfig, faults: LeaseFaults = {}, epoch = 0, holder: string | null = null): LeaseState {
  return { node, peers, config, faults, promise: null, held: null, request: null, highest: { epoch, node: holder }, idNext: 1, quietUntilMs: 0 };
}

/** The epoch of the lease this node holds at `nowMs` by its own clock, or null. */
export function leaseAt(state: LeaseState, nowMs: number): number | null {
  if (state.held === null) return null;
  if (state.held.epoch < state.highest.epoch) return null;
  if (state.faults.noFence !== true && nowMs >= state.held.untilMs) return null;
  return state.held.epoch;
}

/** May this node promise `epoch` to `to` at `nowMs`? One node per epoch; a new node only once the old promise expired. */
function mayPromise(promise: Promise_ | null, to: string, epoch: number, nowMs: number): boolean {
  if (promise === null) return true;
  if (promise.epoch > epoch) return false;
  if (promise.node === to) return true;
  return promise.epoch < epoch && nowMs >= promise.untilMs;
}

function promised(state: LeaseState, to: string, epoch: number, nowMs: number): LeaseState {
  const promise = { node: to, epoch, untilMs: nowMs + state.config.durationMs + allowanceMs(state.config, state.faults) };
  return { ...state, promise, highest: epoch > state.highest.epoch || (epoch === state.highest.epoch && state.highest.node === null) ? { epoch, node: to } : state.highest };
}

function majority(state: LeaseState): number {
  return Math.floor((state.peers.length + 1) / 2) + 1;
}

export function step(state: LeaseState, event: LeaseEvent): [LeaseState, LeaseSend[]] {
  switch (event.kind) {
    case 'restarted': {
      const quietUntilMs = event.nowMs + state.config.durationMs + allowanceMs(state.config, state.faults);
      return [{ ...initialLease(state.node, state.peers, state.config, state.faults, event.epoch, event.holder), idNext: state.idNext, quietUntilMs }, []];
    }
    case 'tick':
      return tick(state, event.nowMs, event.want);
    case 'request': {
      if (event.nowMs < state.quietUntilMs || !mayPromise(state.promise, event.from, event.epoch, event.nowMs)) {
        const promise = state.promise ?? { epoch: state.highest.epoch, node: state.highest.node ?? '' };
        return [state, [{ kind: 'refuse', to: event.from, epoch: event.epoch, id: event.id, promised: { epoch: promise.epoch, node: promise.node } }]];
      }
      const next = promised(state, event.from, event.epoch, event.nowMs);
      // A promise to another node ends this node's own claim at a lower epoch.
      const held = next.held !== null && next.held.epoch < event.epoch ? null : next.held;
      return [{ ...next, held }, [{ kind: 'grant', to: event.from, epoch: event.epoch, id: event.id }]];
    }
    case 'grant': {
      const request = state.request;
      if (request === null || request.id !== event.id || request.grants.includes(event.from)) return [state, []];
      const grants = [...request.grants, event.from];
      if (grants.length < majority(state)) return [{ ...state, request: { ...request, grants } }, []];
      const untilMs = request.sentMs + state.config.durationMs - allowanceMs(state.config, state.faults);
      return [{ ...state, request: null, held: { epoch: request.epoch, untilMs } }, [{ kind: 'acquired', epoch: request.epoch }]];
    }
    case 'refuse': {
      const highest = event.promised.epoch > state.highest.epoch && event.promised.node !== '' ? { epoch: event.promised.epoch, node: event.promised.node } : state.highest;
      const stale = state.request !== null && state.request.id === event.id && event.promised.epoch > state.request.epoch;
      return [{ ...state, highest, request: stale ? null : state.request }, []];
    }
  }
}

function tick(state: LeaseState, nowMs: number, want: number | null): [LeaseState, LeaseSend[]] {
  const { durationMs } = state.config;
  let current = state;
  if (current.request !== null && nowMs - current.request.sentMs >= durationMs * LEASE_REQUEST_TIMEOUT_SHARE) current = { ...current, request: null };
  if (want === null || want < current.highest.epoch || current.request !== null) return [current, []];
  const held = current.held;
  if (held !== null && held.epoch === want && held.untilMs - nowMs > durationMs * LEASE_RENEW_SHARE) return [current, []];
  if (nowMs < current.quietUntilMs || !mayPromise(current.promise, current.node, want, nowMs)) return [current, []];
  const id = current.idNext;
  const next = promised({ ...current, idNext: id + 1 }, current.node, want, nowMs);
  const request = { epoch: want, id, sentMs: nowMs, grants: [current.node] };
  if (request.grants.length >= majority(current)) {
    return [{ ...next, request: null, held: { epoch: want, untilMs: nowMs + durationMs - allowanceMs(current.config, current.faults) } }, [{ kind: 'acquired', epoch: want }]];
  }
  return [{ ...next, request }, current.peers.map((to) => ({ kind: 'request', to, epoch: want, id }) as const)];
}
