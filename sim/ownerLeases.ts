/**
 * A server's runner for the owner leases (sim/leases.ts), one per mailbox with a recorded
 * owner: it feeds the protocol the server's ticks, lease messages and restarts, with the
 * server's monotonic clock, and sends what the protocol says. What it knows of its peers is
 * what the failure detector heard (the server's heartbeats); nothing here reads the simulator.
 */
import { ownerOf } from '../core/strategies/owner.ts';
import type { StoreState } from '../core/state.ts';
import type { SimConfig } from './config.ts';
import { initialLease, leaseAt, LEASE_MESSAGE_BYTES, step, type LeaseEvent, type LeaseFaults, type LeaseSend, type LeaseState } from './leases.ts';
import type { Envelope, Network } from './network.ts';
import type { Scheduler } from './scheduler.ts';
import { LEASE_KIND_PREFIX } from './wireKinds.ts';
import type { ProbeSink } from '../core/probes.ts';

/** An owner-strategy server acts on its leases this often, as a share of the lease (renewals, take-overs). */
export const LEASE_TICK_SHARE = 0.25;

export interface LeasePayload {
  /** The mailbox whose owner the lease is for. */
  readonly key: string;
  readonly epoch: number;
  readonly id: number;
  readonly promised?: { readonly epoch: number; readonly node: string };
}

export interface OwnerLeasesDeps {
  readonly name: string;
  readonly peers: readonly string[];
  readonly config: SimConfig;
  readonly scheduler: Scheduler;
  readonly network: Network;
  /** The node's monotonic clock (wall-clock jumps never move it). */
  readonly monotonicMs: () => number;
  /** The committed state, or null while the server is down. */
  readonly committed: () => StoreState | null;
  /** Has the failure detector heard from `peer` lately? */
  readonly heard: (peer: string) => boolean;
  /** Runs `run` now, or when a pause ends (a timer waits once). */
  readonly whenRunning: (run: () => Promise<void>, key: string) => Promise<void>;
  /** A lease was acquired: the server settles (the owner may assign now). */
  readonly acquired: () => Promise<void>;
  /** Is the server paused now (a probe's input only: the tick waits through whenRunning either way)? */
  readonly paused: () => boolean;
  /** The world's coverage probes (core/probes.ts); they only count. */
  readonly probes: ProbeSink;
}

export class OwnerLeases {
  private readonly leases = new Map<string, LeaseState>();
  /** A renewal came due while this holder was paused (a probe's input only). */
  private renewalWaited = false;

  constructor(private readonly deps: OwnerLeasesDeps) {}

  private faults(): LeaseFaults {
    const mutant = this.deps.config.mutant;
    // The lease's negative controls (sim/checkers/mutants.ts, judged by lease-exclusive).
    return { noFence: mutant === 'owner-no-fence', trustsClock: mutant === 'owner-trusts-clock' };
  }

  private leaseOf(key: string): LeaseState {
    let lease = this.leases.get(key);
    if (lease === undefined) {
      const recorded = ownerOf(this.deps.committed()?.mailboxes.get(key));
      lease = initialLease(this.deps.name, this.deps.peers, this.deps.config.leases, this.faults(), recorded?.epoch ?? 0, recorded?.node ?? null);
      this.leases.set(key, lease);
    }
    return lease;
  }

  /** The epoch of the lease this node holds for `key` now, by its monotonic clock. */
  epochFor(key: string): number | null {
    const lease = this.leases.get(key);
    return lease === undefined ? null : leaseAt(lease, this.deps.monotonicMs());
  }

  /** Holds some lease now, by its monotonic clock (one it renews on its ticks). */
  private holdsAny(): boolean {
    for (const key of this.leases.keys()) if (this.epochFor(key) !== null) return true;
    return false;
  }

  /** Starts the periodic tick. */
  start(): void {
    const everyMs = Math.max(1, Math.round(this.deps.config.leases.durationMs * LEASE_TICK_SHARE));
    this.deps.scheduler.after(everyMs, `lease ${this.deps.name}`, async () => {
      if (this.deps.paused() && this.holdsAny()) {
        this.deps.probes.hit('pause-across-lease-renewal');
        this.renewalWaited = true;
      }
      await this.deps.whenRunning(() => this.tickAfterPause(), 'lease-tick');
      this.start();
    });
  }

  /** The tick, noting first whether a renewal that waited out a pause finds its lease gone. */
  private tickAfterPause(): Promise<void> {
    if (this.renewalWaited && !this.holdsAny()) this.deps.probes.hit('lease-lost-in-pause');
    this.renewalWaited = false;
    return this.tick();
  }

  /**
   * What each lease should do: the recorded (or newest known) owner renews; when the owner has
   * been silent past the failure detector's timeout, the smallest-named node still heard from
   * asks for the next epoch. Only heartbeats and lease messages decide this: nothing else.
   */
  private async tick(): Promise<void> {
    const committed = this.deps.committed();
    if (committed === null) return;
    const { name, peers } = this.deps;
    for (const [key, mailbox] of [...committed.mailboxes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const recorded = ownerOf(mailbox);
      if (recorded === undefined) continue;
      const lease = this.leaseOf(key);
      const top = lease.highest.epoch > recorded.epoch && lease.highest.node !== null ? { node: lease.highest.node, epoch: lease.highest.epoch } : recorded;
      const held = this.epochFor(key);
      let want: number | null = null;
      if (top.node === name) want = top.epoch;
      else if (held !== null && held >= top.epoch) want = held;
      else if (!this.deps.heard(top.node)) {
        const live = [name, ...peers.filter((peer) => peer !== top.node && this.deps.heard(peer))].sort();
        if (live[0] === name) want = top.epoch + 1;
      }
      await this.step(key, { kind: 'tick', nowMs: this.deps.monotonicMs(), want });
    }
  }

  /** A new process has forgotten its promises: it promises nothing until they would have expired. */
  restarted(committed: StoreState): void {
    for (const [key, lease] of this.leases) {
      const recorded = ownerOf(committed.mailboxes.get(key));
      this.leases.set(key, step(lease, { kind: 'restarted', nowMs: this.deps.monotonicMs(), epoch: recorded?.epoch ?? 0, holder: recorded?.node ?? null })[0]);
    }
  }

  receive(envelope: Envelope<LeasePayload>): Promise<void> {
    const { key, epoch, id, promised } = envelope.payload;
    const from = envelope.from;
    if (envelope.kind === `${LEASE_KIND_PREFIX}request`) return this.step(key, { kind: 'request', from, epoch, id, nowMs: this.deps.monotonicMs() });
    if (envelope.kind === `${LEASE_KIND_PREFIX}grant`) return this.step(key, { kind: 'grant', from, epoch, id });
    return this.step(key, { kind: 'refuse', from, epoch, id, promised: promised ?? { epoch, node: '' } });
  }

  private async step(key: string, event: LeaseEvent): Promise<void> {
    const [next, sends] = step(this.leaseOf(key), event);
    this.leases.set(key, next);
    let acquired = false;
    for (const send of sends) {
      if (send.kind === 'acquired') {
        acquired = true;
        continue;
      }
      this.send(key, send);
    }
    if (acquired) await this.deps.acquired();
  }

  private send(key: string, send: Exclude<LeaseSend, { kind: 'acquired' }>): void {
    const payload: LeasePayload = { key, epoch: send.epoch, id: send.id, ...(send.kind === 'refuse' ? { promised: send.promised } : {}) };
    this.deps.network.send(this.deps.name, send.to, `${LEASE_KIND_PREFIX}${send.kind}`, LEASE_MESSAGE_BYTES, payload);
  }
}
