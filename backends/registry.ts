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
    case 'dsync-plain': {
      // Loaded only when asked for: a run of the reference replica never touches Dovecot's code.
      const { dsyncBackend } = await import('./dovecot/dsyncBackend.ts');
      return dsyncBackend(kind === 'dsync');
    }
    case 'cyrus': {
      const { cyrusBackend } = await import('./cyrus/cyrusBackend.ts');
      return cyrusBackend();
    }
  }
}
