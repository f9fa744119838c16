/**
 * Faults: the scheduled ones from the scenario and the ones a nemesis draws from its own
 * rng stream (network cuts, crashes, clocks, pauses, and the disk faults of sim/diskFaults.ts). Every fault applied is recorded (history record of process 'nemesis') and
 * kept in `asRun`, so a failure can be replayed with the nemesis off and shrunk.
 * A crash either strikes between operations or is armed at a write point of the node's
 * next operation or merge (drawn from the node's crash stream, so replay draws the same).
 */
import type { NemesisConfig, ScheduledFault } from './config.ts';
import type { History } from './history.ts';
import type { FaultValue } from './historyTypes.ts';
import type { Network } from './network.ts';
import type { Rng } from './rng.ts';
import type { Scheduler } from './scheduler.ts';
import type { ReplicaServer } from './replicaServer.ts';

/** An armed crash strikes at one of the first this-many write points of the next operation. */
export const CRASH_WRITE_POINTS_MAX = 12;

export interface NemesisDeps {
  readonly scheduler: Scheduler;
  readonly network: Network;
  readonly history: History;
  readonly servers: ReadonlyMap<string, ReplicaServer>;
  readonly crashRng: (node: string) => Rng;
  /** A node's disk fault stream (sim/diskFaults.ts): targets of rot and misdirected writes. */
  readonly diskRng: (node: string) => Rng;
}

export class Nemesis {
  readonly asRun: ScheduledFault[] = [];
  private readonly deps: NemesisDeps;

  constructor(deps: NemesisDeps) {
    this.deps = deps;
  }

  schedule(faults: readonly ScheduledFault[]): void {
    for (const fault of faults) this.deps.scheduler.at(fault.atMs, `fault ${fault.fault.kind}`, () => this.apply(fault.fault, true));
  }

  /** Draws faults until `endMs` with exponential gaps; partitions and crashes end after a drawn duration. */
  drawn(config: NemesisConfig, rng: Rng, endMs: number): void {
    const nodes = [...this.deps.servers.keys()];
    let atMs = rng.exponentialMs(config.intervalMs, config.intervalMs * 10);
    while (atMs < endMs && config.kinds.length > 0) {
      const kind = rng.pick(config.kinds);
      const durationMs = rng.int(1, Math.max(1, config.faultDurationMsMax));
      const endAt = Math.min(endMs, atMs + durationMs);
      const node = rng.pick(nodes);
      const shuffled = rng.shuffle(nodes);
      const cut = rng.int(1, Math.max(1, nodes.length - 1));
      const groups = [shuffled.slice(0, cut), shuffled.slice(cut)];
      const faults: ScheduledFault[] = [];
      if (kind === 'partition') faults.push({ atMs, fault: { kind: 'partition', groups } }, { atMs: endAt, fault: { kind: 'heal' } });
      if (kind === 'one-way' && nodes.length >= 2) faults.push({ atMs, fault: { kind: 'one-way', from: shuffled[0] as string, to: shuffled[1] as string } }, { atMs: endAt, fault: { kind: 'heal' } });
      if (kind === 'bridge' && nodes.length >= 3) {
        const bridge = shuffled[0] as string;
        const rest = shuffled.slice(1);
        const half = Math.ceil(rest.length / 2);
        faults.push({ atMs, fault: { kind: 'bridge', groups: [rest.slice(0, half), rest.slice(half)], bridge } }, { atMs: endAt, fault: { kind: 'heal' } });
      }
      if (kind === 'crash-process' || kind === 'crash-power') {
        faults.push({ atMs, fault: { kind: 'crash', node, mode: kind === 'crash-power' ? 'power' : 'process' } }, { atMs: endAt, fault: { kind: 'restart', node } });
      }
      if (kind === 'skew') faults.push({ atMs, fault: { kind: 'skew', node, offsetMs: rng.int(-config.skewMsMax, config.skewMsMax) } });
      if (kind === 'jump') faults.push({ atMs, fault: { kind: 'jump', node, deltaMs: rng.int(-config.skewMsMax, config.skewMsMax) } });
      if (kind === 'pause') faults.push({ atMs, fault: { kind: 'pause', node, durationMs } });
      if (kind === 'rot' || kind === 'misdirect') faults.push({ atMs, fault: { kind, node } });
      if (kind === 'eio-read' || kind === 'eio-write') faults.push({ atMs, fault: { kind: 'eio', node, op: kind === 'eio-read' ? 'read' : 'write' } });
      if (kind === 'disk-full') faults.push({ atMs, fault: { kind: 'disk-full', node } }, { atMs: endAt, fault: { kind: 'disk-free', node } });
      this.schedule(faults);
      atMs = endAt + rng.exponentialMs(config.intervalMs, config.intervalMs * 10);
    }
  }

  /** Applies one fault now. `recorded` faults go into `asRun` (quiescence repairs do not). */
  async apply(fault: FaultValue, recorded: boolean): Promise<void> {
    const { network, history, scheduler } = this.deps;
    if (recorded) this.asRun.push({ atMs: scheduler.nowMs, fault });
    const server = 'node' in fault ? this.deps.servers.get(fault.node) : undefined;
    history.append(server?.name ?? 'all', 'nemesis', 'info', fault.kind, fault);
    switch (fault.kind) {
      case 'partition':
        network.partition(fault.groups);
        break;
      case 'one-way':
        network.oneWay(fault.from, fault.to);
        break;
      case 'bridge':
        network.bridge(fault.groups, fault.bridge);
        break;
      case 'heal':
        network.heal();
        break;
      case 'crash': {
        if (!server?.up) break;
        const rng = this.deps.crashRng(fault.node);
        if (rng.chance(0.5)) await server.crash(fault.mode);
        else server.armCrash(rng.int(0, CRASH_WRITE_POINTS_MAX - 1), fault.mode);
        break;
      }
      case 'restart':
        if (!server) break;
        server.disarm();
        await server.restart();
        break;
      case 'skew':
        server?.clock.setOffset(fault.offsetMs);
        break;
      case 'jump':
        server?.clock.jump(fault.deltaMs);
        break;
      case 'pause':
        server?.pause(fault.durationMs);
        break;
      case 'rot':
      case 'misdirect':
      case 'eio':
      case 'disk-full':
      case 'disk-free':
        await server?.diskFault?.(fault, this.deps.diskRng(fault.node));
        break;
    }
  }
}
