/**
 * The kinds of message on the simulated wire, as Network counts their bytes: replication
 * (`push`, `ack`), the failure detector (`heartbeat`) and the owner leases (`lease-request`,
 * `lease-grant`, `lease-refuse`). The run's metrics and the report both read the counts
 * through these helpers.
 */
export const LEASE_KIND_PREFIX = 'lease-';

export function isLeaseKind(kind: string): boolean {
  return kind.startsWith(LEASE_KIND_PREFIX);
}

/** Bytes of lease messages in a run's per-kind byte counts. */
export function leaseBytesOf(bytesByKind: Readonly<Record<string, number>>): number {
  return Object.entries(bytesByKind).filter(([kind]) => isLeaseKind(kind)).reduce((sum, [, bytes]) => sum + bytes, 0);
}

/** Bytes of replication proper (pushes and their acks) in a run's per-kind byte counts. */
export function replicationBytesOf(bytesByKind: Readonly<Record<string, number>>): number {
  return (bytesByKind['push'] ?? 0) + (bytesByKind['ack'] ?? 0);
}
