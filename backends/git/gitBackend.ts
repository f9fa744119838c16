/**
 * The reference replica as a backend (sim/replicaServer.ts): every server a git replica on
 * its own simulated volume, replicating by thin packs with the designated-merger protocol
 * (./replication.ts). Deterministic: everything it reads is injected by the world.
 */
import { DeflateMemo } from '../../core/deflateMemo.ts';
import { LayoutCache } from '../../core/layout.ts';
import { replicaFsFrom } from '../../core/fsTypes.ts';
import { Replica } from '../../core/replica/replica.ts';
import { UidIndex } from '../../core/uidIndex.ts';
import type { BackendDeps, InitialMailbox, ReplicaBackend, ReplicaServer } from '../../sim/replicaServer.ts';
import { newVolumeFs } from '../../sim/volume.ts';
import { GitServer } from './gitServer.ts';

export const gitBackend: ReplicaBackend = {
  real: false,
  async createServers(deps: BackendDeps, initial: readonly InitialMailbox[]): Promise<ReadonlyMap<string, ReplicaServer>> {
    const { config } = deps;
    // One layout memo, one UID lookup memo and one deflate memo for every replica of this world (content-addressed), gone with it.
    const layoutCache = new LayoutCache();
    const uidIndex = new UidIndex();
    const deflateMemo = new DeflateMemo();
    const servers = new Map<string, GitServer>();
    for (const name of config.servers) {
      servers.set(name, new GitServer(name, {
        config, scheduler: deps.scheduler, network: deps.network, history: deps.history, metrics: deps.metrics,
        strategy: deps.strategy, probes: deps.probes, layoutCache, uidIndex, deflateMemo,
        faultRng: deps.faultRng(name),
        peers: config.servers.filter((p) => p !== name),
        recordTransfers: deps.recordTransfers,
        onChange: deps.onChange,
      }));
    }
    const first = servers.values().next().value as GitServer;
    const seed = await Replica.create({ ...first.options(), node: 'mailsim', fs: replicaFsFrom(newVolumeFs()) }, initial);
    for (const server of servers.values()) await server.start(seed);
    return servers;
  },
};

/** The git replica behind a server of this backend (export, the git reference); null for another backend's server. */
export function gitReplicaOf(server: ReplicaServer): Replica | null {
  return server instanceof GitServer ? server.replica : null;
}

/** The packs a server of this backend received and stored, in order (recordTransfers). */
export function gitTransfersOf(server: ReplicaServer): readonly Uint8Array[] {
  return server instanceof GitServer ? server.transfers() : [];
}
