/**
 * The simulated network: messages between named nodes, each with a byte size, a latency
 * drawn per link, loss, duplication and reordering, and partitions that are symmetric,
 * one-way or bridged. A message is dropped if its link is cut when it is sent or when it
 * would arrive, or if the receiver is down. Every send, delivery and drop is recorded.
 * A payload travels as a value (sim/wirePayload.ts): each delivery gets its own frozen copy.
 */
import { assert } from '../core/errors.ts';
import type { LatencyConfig, NetworkConfig } from './config.ts';
import type { History } from './history.ts';
import type { Rng } from './rng.ts';
import type { Scheduler } from './scheduler.ts';
import { wireCopy } from './wirePayload.ts';

export interface Envelope<P = unknown> {
  readonly id: number;
  readonly from: string;
  readonly to: string;
  readonly kind: string;
  readonly sizeBytes: number;
  readonly payload: P;
}

export type Receiver = (envelope: Envelope) => void | Promise<void>;

/** Extra delay, as a multiple of the link's latency draw, for a reordered message. */
const REORDER_DELAY_FACTOR = 3;

export class Network {
  private readonly nodes: readonly string[];
  private readonly config: NetworkConfig;
  private readonly scheduler: Scheduler;
  private readonly rng: Rng;
  private readonly linkRngs = new Map<string, Rng>();
  private readonly history: History;
  private readonly receivers = new Map<string, Receiver>();
  private readonly linkConfig = new Map<string, LatencyConfig>();
  /** Cut directed links, as 'from>to'. */
  private readonly cut = new Set<string>();
  private isUp: (node: string) => boolean = () => true;
  private idNext = 1;
  private readonly bytesByKind = new Map<string, number>();
  /** Per directed link, when its last in-order message arrives. */
  private readonly lastArrivalMs = new Map<string, number>();
  /** Messages scheduled to arrive and not arrived yet (a duplicate is a second entry). */
  private readonly flying = new Set<{ readonly envelope: Envelope; readonly atMs: number }>();

  constructor(nodes: readonly string[], config: NetworkConfig, scheduler: Scheduler, rng: Rng, history: History) {
    this.nodes = nodes;
    this.config = config;
    this.scheduler = scheduler;
    this.rng = rng;
    this.history = history;
    const sites = config.sites;
    if (sites) {
      const siteOf = new Map<string, number>();
      sites.groups.forEach((group, index) => group.forEach((node) => siteOf.set(node, index)));
      for (const from of nodes) for (const to of nodes) if (siteOf.get(from) !== siteOf.get(to)) this.setLinkLatency(from, to, sites.latency);
    }
  }

  setLiveness(isUp: (node: string) => boolean): void {
    this.isUp = isUp;
  }

  /** Overrides the latency of the directed link from -> to. */
  setLinkLatency(from: string, to: string, latency: LatencyConfig): void {
    this.linkConfig.set(`${from}>${to}`, latency);
  }

  onReceive(node: string, receiver: Receiver): void {
    this.receivers.set(node, receiver);
  }

  canReach(from: string, to: string): boolean {
    return from === to || !this.cut.has(`${from}>${to}`);
  }

  /** Bytes sent (before loss), by message kind. Duplicates count: they cross the wire. */
  wireBytesByKind(): Record<string, number> {
    return Object.fromEntries([...this.bytesByKind.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  /**
   * Bytes of a stream a backend ran over an open link between two of its servers (a real
   * dsync session, after its opening message crossed): counted with the link's messages of
   * that kind, though no envelope of the simulator's carries them.
   */
  countStream(kind: string, sizeBytes: number): void {
    this.countBytes(kind, sizeBytes);
  }

  send<P>(from: string, to: string, kind: string, sizeBytes: number, payload: P): void {
    assert(this.nodes.includes(from) && this.nodes.includes(to), `send between unknown nodes ${from} -> ${to}`);
    const envelope: Envelope<P> = Object.freeze({ id: this.idNext++, from, to, kind, sizeBytes, payload: wireCopy(payload) });
    const meta = { id: envelope.id, from, to, kind, sizeBytes };
    this.history.append(from, 'net', 'info', 'send', meta);
    this.countBytes(kind, sizeBytes);
    if (!this.canReach(from, to)) return this.drop(envelope, 'partition');
    const rng = this.linkRng(from, to);
    if (rng.chance(this.config.loss)) return this.drop(envelope, 'loss');
    this.schedule(envelope);
    if (rng.chance(this.config.duplication)) {
      this.countBytes(kind, sizeBytes);
      this.history.append(from, 'net', 'info', 'duplicate', meta);
      this.schedule(envelope);
    }
  }

  /** Symmetric partition: nodes in different groups cannot talk. Unlisted nodes form one more group. */
  partition(groups: readonly (readonly string[])[]): void {
    const groupOf = this.groupIndex(groups);
    for (const a of this.nodes) for (const b of this.nodes) if (groupOf(a) !== groupOf(b)) this.cut.add(`${a}>${b}`);
  }

  /** One-way: messages from `from` to `to` are lost; `from` still hears `to`. */
  oneWay(from: string, to: string): void {
    assert(this.nodes.includes(from) && this.nodes.includes(to), `one-way cut between unknown nodes ${from} -> ${to}`);
    this.cut.add(`${from}>${to}`);
  }

  /** Bridge: like a partition, but `bridge` talks to every node on every side. */
  bridge(groups: readonly (readonly string[])[], bridge: string): void {
    assert(this.nodes.includes(bridge), `bridge through unknown node ${bridge}`);
    this.partition(groups);
    for (const other of this.nodes) {
      this.cut.delete(`${bridge}>${other}`);
      this.cut.delete(`${other}>${bridge}`);
    }
  }

  /** The messages in flight, as (from, to, kind, size, arrival time): what a world digest needs of the network. */
  inFlight(): { readonly from: string; readonly to: string; readonly kind: string; readonly sizeBytes: number; readonly atMs: number }[] {
    return [...this.flying].map(({ envelope, atMs }) => ({ from: envelope.from, to: envelope.to, kind: envelope.kind, sizeBytes: envelope.sizeBytes, atMs }));
  }

  /** The cut directed links, as 'from>to', sorted. */
  cutLinks(): string[] {
    return [...this.cut].sort();
  }

  heal(): void {
    this.cut.clear();
  }

  get partitioned(): boolean {
    return this.cut.size > 0;
  }

  private groupIndex(groups: readonly (readonly string[])[]): (node: string) => number {
    const index = new Map<string, number>();
    groups.forEach((group, i) =>
      group.forEach((node) => {
        // An unknown or repeated name would silently leave a node on the wrong side of the cut.
        assert(this.nodes.includes(node), `partition names unknown node ${node}`);
        assert(!index.has(node), `partition lists node ${node} in two groups`);
        index.set(node, i);
      }),
    );
    return (node) => index.get(node) ?? groups.length;
  }

  /** Each directed link has its own stream, so traffic on one link never shifts another's draws. */
  private linkRng(from: string, to: string): Rng {
    const name = `${from}>${to}`;
    let rng = this.linkRngs.get(name);
    if (rng === undefined) this.linkRngs.set(name, (rng = this.rng.stream(name)));
    return rng;
  }

  private latencyMs(from: string, to: string): number {
    const latency = this.linkConfig.get(`${from}>${to}`) ?? this.config.latency;
    const rng = this.linkRng(from, to);
    return latency.kind === 'uniform' ? rng.uniformMs(latency.minMs, latency.maxMs) : rng.exponentialMs(latency.meanMs, latency.maxMs);
  }

  /**
   * A link delivers in order, as a TCP connection does: a message never arrives before one
   * sent earlier on the same link. Only a reordered message (the `reorder` chance) is held
   * back, by three more times its latency draw, so later messages overtake it.
   */
  private schedule(envelope: Envelope): void {
    const link = `${envelope.from}>${envelope.to}`;
    const delayMs = Math.max(1, this.latencyMs(envelope.from, envelope.to));
    let atMs = this.scheduler.nowMs + delayMs;
    if (this.linkRng(envelope.from, envelope.to).chance(this.config.reorder)) atMs += REORDER_DELAY_FACTOR * delayMs;
    else {
      atMs = Math.max(atMs, this.lastArrivalMs.get(link) ?? 0);
      this.lastArrivalMs.set(link, atMs);
    }
    const flight = { envelope, atMs };
    this.flying.add(flight);
    this.scheduler.at(atMs, `net ${envelope.kind} ${link}`, () => {
      this.flying.delete(flight);
      return this.arrive(envelope);
    });
  }

  private async arrive(envelope: Envelope): Promise<void> {
    if (!this.canReach(envelope.from, envelope.to)) return this.drop(envelope, 'partition');
    if (!this.isUp(envelope.to)) return this.drop(envelope, 'down');
    const receiver = this.receivers.get(envelope.to);
    if (!receiver) return this.drop(envelope, 'no-receiver');
    this.history.append(envelope.to, 'net', 'info', 'deliver', { id: envelope.id, from: envelope.from, to: envelope.to, kind: envelope.kind });
    await receiver(Object.freeze({ ...envelope, payload: wireCopy(envelope.payload) }));
  }

  private drop(envelope: Envelope, reason: string): void {
    this.history.append(envelope.from, 'net', 'info', 'drop', { id: envelope.id, from: envelope.from, to: envelope.to, kind: envelope.kind, reason });
  }

  private countBytes(kind: string, sizeBytes: number): void {
    this.bytesByKind.set(kind, (this.bytesByKind.get(kind) ?? 0) + sizeBytes);
  }
}
