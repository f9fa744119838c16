/**
 * A fully resolved world: everything the simulator needs, nothing drawn later except
 * through the seeded rng streams. `scenarios/` turns a scenario file plus a seed into one.
 */
import type { NemesisKind } from './faultKinds.ts';
import type { FaultValue } from './historyTypes.ts';

/** As core's LayoutSpec: `width` digits per level, each of `digitBits` bits (4, hex, when absent); flags-apart's `chunks` index files per mailbox. */
export type LayoutConfig =
  | { readonly kind: 'flat' }
  | { readonly kind: 'fanout'; readonly width: number; readonly depth: number; readonly digitBits?: 1 | 2 | 4 }
  | { readonly kind: 'flags-apart'; readonly chunks?: number };

/** Directories per level of a fanout (what scenario files call its width): 256 for two hex digits. */
export function fanoutDirectories(layout: { readonly width: number; readonly digitBits?: 1 | 2 | 4 }): number {
  return 2 ** ((layout.digitBits ?? 4) * layout.width);
}

/** How reports name a layout: `flat`, `fanout-<directories per level>x<levels>` (fanout-4x6), `flags-apart` (or `flags-apart-<chunks>` when it names its index files). */
export function layoutLabel(layout: LayoutConfig): string {
  if (layout.kind === 'flat') return 'flat';
  if (layout.kind === 'flags-apart') return layout.chunks === undefined ? 'flags-apart' : `flags-apart-${layout.chunks}`;
  return `fanout-${fanoutDirectories(layout)}x${layout.depth}`;
}

export type LatencyConfig =
  | { readonly kind: 'uniform'; readonly minMs: number; readonly maxMs: number }
  | { readonly kind: 'exponential'; readonly meanMs: number; readonly maxMs: number };

export interface NetworkConfig {
  readonly latency: LatencyConfig;
  /** Chances in [0, 1]. */
  readonly loss: number;
  readonly duplication: number;
  /** Links deliver in order; this is the chance that a message is held back by three more times its latency draw, so later messages overtake it. */
  readonly reorder: number;
  /** Servers in sites: links between two sites have this latency instead (a WAN). */
  readonly sites?: { readonly groups: readonly (readonly string[])[]; readonly latency: LatencyConfig };
}

/** A scheduled fault, as it ran: replay and shrink work on lists of these. */
export interface ScheduledFault {
  readonly atMs: number;
  readonly fault: FaultValue;
}

/**
 * A client operation placed at an exact time on one server (scenario `script:`), for
 * scenarios that must make a precise point (dsync-uid-clash). Runs besides the random
 * workload. `uid`s are as the chosen server sees them at `atMs`; a refusal is recorded as fail.
 */
export type ScriptedOpValue =
  | { readonly kind: 'deliver'; readonly mailbox: string; readonly count: number }
  | { readonly kind: 'append'; readonly mailbox: string; readonly flags: readonly string[] }
  | { readonly kind: 'store'; readonly mailbox: string; readonly uid: number; readonly mode: '+' | '-' | '='; readonly flags: readonly string[] }
  | { readonly kind: 'expunge'; readonly mailbox: string; readonly uids: readonly number[] }
  | { readonly kind: 'move'; readonly from: string; readonly to: string; readonly uid: number }
  | { readonly kind: 'copy'; readonly from: string; readonly to: string; readonly uid: number }
  | { readonly kind: 'delete'; readonly mailbox: string };

export interface ScriptedOp {
  readonly atMs: number;
  readonly node: string;
  readonly op: ScriptedOpValue;
}

export interface NemesisConfig {
  /** Mean time between faults drawn by the nemesis. */
  readonly intervalMs: number;
  readonly kinds: readonly NemesisKind[];
  /** How long a partition or crash lasts before its heal or restart. */
  readonly faultDurationMsMax: number;
  readonly skewMsMax: number;
}

export interface WorkloadConfig {
  readonly smtpClients: number;
  readonly imapClients: number;
  /** Client operations per second of virtual time, by kind, across all clients of that kind. */
  readonly ratesPerSec: {
    readonly deliver: number;
    readonly store: number;
    readonly expunge: number;
    readonly move: number;
    readonly copy: number;
    readonly append: number;
    readonly select: number;
  };
  readonly messageSizeBytes: { readonly min: number; readonly max: number };
  /** Keywords clients may set besides the system flags. */
  readonly keywords: readonly string[];
  /** Stop issuing client operations after this many (0: no limit but duration). */
  readonly opsMax: number;
}

export interface ClockConfig {
  readonly offsetMs: number;
  readonly driftPpm: number;
}

export interface SimLimits {
  readonly eventsMax: number;
  readonly timeMsMax: number;
  readonly messageSizeBytesMax: number;
}

import type { ReplicaKind } from './replicaKinds.ts';
import type { RealClientConfig } from './realClientTypes.ts';

export interface SimConfig {
  readonly seed: number;
  readonly servers: readonly string[];
  /** The replica backend (sim/replicaKinds.ts); absent = the reference replica, 'git'. */
  readonly replica?: ReplicaKind;
  readonly strategy: string;
  readonly layout: LayoutConfig;
  /** Batched mode: group up to opsMax operations or windowMs per commit and push. */
  readonly batch: { readonly opsMax: number; readonly windowMs: number } | null;
  readonly mailboxes: readonly { readonly name: string; readonly initialMessages: number; readonly owner?: string }[];
  readonly workload: WorkloadConfig;
  readonly network: NetworkConfig;
  readonly faults: readonly ScheduledFault[];
  readonly nemesis: NemesisConfig | null;
  readonly clocks: Readonly<Record<string, ClockConfig>>;
  /** Client operations and faults happen in [0, durationMs); then the quiescence phase. */
  readonly durationMs: number;
  /** After the last heal, replicas must agree within this bound. */
  readonly convergenceBoundMs: number;
  readonly syncIntervalMs: number;
  readonly checks: readonly string[];
  readonly limits: SimLimits;
  /** The owner strategy's leases: their length and the clock drift bound their allowance covers (sim/leases.ts). */
  readonly leases: { readonly durationMs: number; readonly driftPpmMax: number };
  /** Test-only hook: a named fault injected into a good strategy (checker negative controls). */
  readonly mutant: string | null;
  /** A schedule `mailsim explore` found: the alternative taken at each branching draw, null for the seed's own (sim/explore/trail.ts). */
  readonly choices?: readonly (number | null)[];
  /** Optional (added by scenarios/): exact client operations, in atMs order; absent or [] = none. */
  readonly script?: readonly ScriptedOp[];
  /** Optional (added by scenarios/): real IMAP client programs and their users (sim/realClients.ts); absent or [] = none. */
  readonly realClients?: readonly RealClientConfig[];
}
