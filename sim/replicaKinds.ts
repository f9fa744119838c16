/**
 * The one list of replica backends a scenario may name (`replica:`): the schema, the
 * backend registry (backends/registry.ts), the reports and the docs read it.
 * - `git`: the reference replica (core/), deterministic, with a UID strategy.
 * - `dsync`: real Dovecot, one Maildir per server, replicated by stateful `doveadm sync`.
 * - `dsync-plain`: the same with stateless syncs (the known lost-flag case, docs/facts.md#dovecot-dsync).
 * - `cyrus`: real Cyrus IMAP, one instance per server, replicated by `sync_client` from the
 *   master to its replicas (docs/replica-backends.md#cyrus).
 */
import { DISK_NEMESIS_KINDS } from './faultKinds.ts';

export const REPLICA_KINDS = ['git', 'dsync', 'dsync-plain', 'cyrus'] as const;
export type ReplicaKind = (typeof REPLICA_KINDS)[number];

/** Real processes: their runs cannot be bit-for-bit deterministic (docs/replica-backends.md). */
export function isRealReplica(kind: ReplicaKind | undefined): boolean {
  return kind === 'dsync' || kind === 'dsync-plain' || kind === 'cyrus';
}

/**
 * Fault kinds a real process cannot be given: its clock is the machine's (skew, jumps), and
 * a power loss with torn writes, or a disk fault, needs the simulator's volume under it. A file
 * that asks for them under a real backend is refused when loaded.
 */
export const REAL_REPLICA_REFUSED_KINDS: readonly string[] = ['skew', 'jump', 'crash-power', ...DISK_NEMESIS_KINDS];

/** What the report's strategy column names a run: the UID strategy of the reference replica, or the real system. */
export function strategyLabel(kind: ReplicaKind | undefined, strategy: string): string {
  if (kind === 'dsync') return 'dsync (real)';
  if (kind === 'dsync-plain') return 'dsync-plain (real)';
  if (kind === 'cyrus') return 'cyrus (real)';
  return strategy;
}
