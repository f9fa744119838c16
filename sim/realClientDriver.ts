/**
 * The seam the simulator drives real client programs through. The programs themselves
 * (mbsync, offlineimap) run outside sim/ (backends/realClients/); the simulator hands the
 * driver a server at each sync and gets back, as plain data keyed by Message-ID, what the
 * program did (./realClientTypes.ts).
 */
import type { ReplicaServer } from './replicaServer.ts';
import type { RealClientEditAction, RealSyncReport } from './realClientTypes.ts';

/** One message of a client's local Maildir. */
export interface LocalMessage {
  readonly messageId: string;
  readonly flags: readonly string[];
}

/** Runs the real programs: one local Maildir and sync state per client for the whole run. */
export interface RealClientDriver {
  /** The messages in client `index`'s local Maildir, by Message-ID (sorted), with their system flags. */
  localMessages(index: number): Promise<readonly LocalMessage[]>;
  /** The user's offline edit of the local message with `messageId`. */
  edit(index: number, messageId: string, action: RealClientEditAction): Promise<void>;
  /** One sync of client `index` with `server` (its state as the replica holds it now). */
  sync(index: number, server: ReplicaServer): Promise<RealSyncReport>;
}
