/**
 * The one list of fault kinds: what a nemesis may draw (scenario `nemesis.kinds`), and the
 * groups the reports count and colour by. Schema, nemesis, config, shrinker and reports read it.
 */
export const NEMESIS_KINDS = ['partition', 'one-way', 'bridge', 'crash-process', 'crash-power', 'skew', 'jump', 'pause'] as const;
export type NemesisKind = (typeof NEMESIS_KINDS)[number];
/**
 * What a nemesis that names no kinds draws from. `pause` came later and must be named, so a
 * scenario that names none keeps the faults (and the history) its seeds always drew.
 */
export const DEFAULT_NEMESIS_KINDS: readonly NemesisKind[] = ['partition', 'one-way', 'bridge', 'crash-process', 'crash-power', 'skew', 'jump'];

/** Fault kinds that cut the network (renumbering is counted over runs that had one). */
export const PARTITION_FAULT_KINDS: readonly string[] = ['partition', 'one-way', 'bridge'];
/** Fault kinds that stop a server (the recorded fault, and the nemesis kinds that draw it). */
export const CRASH_FAULT_KINDS: readonly string[] = ['crash', 'crash-process', 'crash-power'];
