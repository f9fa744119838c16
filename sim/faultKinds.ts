/**
 * The one list of fault kinds: what a nemesis may draw (scenario `nemesis.kinds`), and the
 * groups the reports count and colour by. Schema, nemesis, config, shrinker and reports read it.
 */
export const NEMESIS_KINDS = ['partition', 'one-way', 'bridge', 'crash-process', 'crash-power', 'skew', 'jump', 'pause', 'rot', 'misdirect', 'eio-read', 'eio-write', 'disk-full'] as const;
export type NemesisKind = (typeof NEMESIS_KINDS)[number];
/**
 * What a nemesis that names no kinds draws from. `pause` came later and must be named, so a
 * scenario that names none keeps the faults (and the history) its seeds always drew.
 */
export const DEFAULT_NEMESIS_KINDS: readonly NemesisKind[] = ['partition', 'one-way', 'bridge', 'crash-process', 'crash-power', 'skew', 'jump'];

/**
 * The disk faults, drawn only when a scenario names them (scenarios/swarm-5-disk.yaml), so
 * the seeds of every file that names none draw what they always drew.
 */
export const DISK_NEMESIS_KINDS: readonly NemesisKind[] = ['rot', 'misdirect', 'eio-read', 'eio-write', 'disk-full'];
/** Recorded disk faults (the reports colour them as one group). */
export const DISK_FAULT_KINDS: readonly string[] = ['rot', 'misdirect', 'eio', 'disk-full', 'disk-free'];

/** Fault kinds that cut the network (renumbering is counted over runs that had one). */
export const PARTITION_FAULT_KINDS: readonly string[] = ['partition', 'one-way', 'bridge'];
/** Fault kinds that stop a server (the recorded fault, and the nemesis kinds that draw it). */
export const CRASH_FAULT_KINDS: readonly string[] = ['crash', 'crash-process', 'crash-power'];
