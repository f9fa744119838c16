/**
 * The digest `mailsim explore` deduplicates worlds by, at a branch point: every server's
 * logical state (up, paused, its replica's head tree, whether it owes answers), the cut
 * links, the messages in flight (link, kind, size, arrival time from now) and the event
 * queue (time from now and label of each event). Not in it: virtual time itself, the rng
 * streams' positions, the clients' memory, the servers' clocks, and the history so far;
 * docs/explore.md says what that means for soundness.
 */
import { createHash } from 'node:crypto';
import type { Network } from '../network.ts';
import type { ReplicaServer } from '../replicaServer.ts';
import type { Scheduler } from '../scheduler.ts';

export interface DigestedWorld {
  readonly servers: ReadonlyMap<string, ReplicaServer>;
  readonly network: Network;
  readonly scheduler: Scheduler;
}

export function worldDigest(world: DigestedWorld): string {
  const nowMs = world.scheduler.nowMs;
  const servers = [...world.servers.values()].map((server) => [server.name, server.up, server.paused, server.contentId(), server.owesAnswers?.() ?? false]);
  const flying = world.network
    .inFlight()
    .map((m) => `${m.from}>${m.to} ${m.kind} ${m.sizeBytes} +${m.atMs - nowMs}`)
    .sort();
  const queue = world.scheduler.pendingEvents().map((e) => `+${e.inMs} ${e.label}`);
  return createHash('sha256').update(JSON.stringify([servers, world.network.cutLinks(), flying, queue])).digest('hex');
}
