/**
 * The replica backends by name (sim/replicaKinds.ts). A backend is made fresh per run: a
 * real one owns directories and processes for that run alone.
 */
import type { ReplicaBackend } from '../sim/replicaServer.ts';
import type { ReplicaKind } from '../sim/replicaKinds.ts';
import { gitBackend } from './git/gitBackend.ts';

export async function backendFor(kind: ReplicaKind): Promise<ReplicaBackend> {
  switch (kind) {
    case 'git':
      return gitBackend;
    case 'dsync':
    case 'dsync-plain':
      throw new Error(`replica ${kind} is not built yet`);
  }
}
