/**
 * The result of one run, as JSON. Reports, the gate and `mailsim report` read only this.
 * Sweeps write one RunResult per line (JSON Lines).
 */
import type { Finding } from './expectation.ts';

export type Verdict = 'valid' | 'invalid' | 'unknown';

/**
 * A check's verdict: a run's, or `not-applicable` when the check judged nothing (no moves to
 * judge, no leases...). A check that judged nothing cannot fail, so it never says `valid`;
 * `not-applicable` leaves the run's verdict to the other checks.
 */
export type CheckVerdict = Verdict | 'not-applicable';

export interface CheckResult {
  readonly verdict: CheckVerdict;
  /** How many things the check judged (bindings, acknowledged messages, written flag pairs...); 0 exactly when it had nothing to judge. */
  readonly judgedCount: number;
  /** What `judgedCount` counts, a plural noun phrase for display ('acknowledged moves'). */
  readonly judgedWhat: string;
  /** How many violations (0 when valid). */
  readonly count: number;
  /** Indexes of the first violating history records (at most 10). */
  readonly evidence: readonly number[];
  /** One line: what was violated, or what was checked. */
  readonly explanation: string;
  /** Costs a checker reports without failing (uidvalidity resets allowed by the strategy...). */
  readonly costs?: Readonly<Record<string, number>>;
}

export interface RunMetrics {
  /** Bytes on the simulated wire, by message kind ('push', 'head', 'sync-request'...). */
  readonly wireBytesByKind: Readonly<Record<string, number>>;
  readonly wireBytesTotal: number;
  readonly clientOpCount: number;
  readonly deliveryCount: number;
  readonly flagChangeCount: number;
  /** Replication bytes attributed to flag changes and deliveries (see sim/metrics). */
  readonly wireBytesPerFlagChange: number | null;
  readonly wireBytesPerDelivery: number | null;
  readonly wireBytesPerOp: number | null;
  /** The floor: GUID plus flag delta for a flag change; compressed body for a delivery. */
  readonly minBytesPerFlagChange: number | null;
  readonly minBytesPerDelivery: number | null;
  readonly commitCount: number;
  /** Merges made, counted on every replica that made one. */
  readonly mergeCount: number;
  /** Distinct merge commits made anywhere in the cluster. */
  readonly mergeCommitCount: number;
  /** UIDs merges reassigned, summed over the replicas that made each merge (a merge every replica makes counts once per replica). */
  readonly renumberedUidCount: number;
  /** Messages whose UID changed (same mailbox and UIDVALIDITY, another UID) on some replica, each counted once. */
  readonly renumberedMessageCount: number;
  /** UIDVALIDITY changes reported by merges, summed over the replicas that made them (one reset that several merges carry counts each time). */
  readonly uidValidityChangeCount: number;
  /** Distinct new UIDVALIDITYs (per mailbox) minted anywhere in the cluster. */
  readonly uidValidityResetCount: number;
  readonly deferredDeliveryCount: number;
  readonly visibilityDelayMsMean: number | null;
  readonly visibilityDelayMsMax: number | null;
  /** 99th percentile of the visibility delay (absent in older results). */
  readonly visibilityDelayMsP99?: number | null;
  /** Owner-lease messages on the wire, bytes per second of virtual time per server (absent in older results). */
  readonly leaseBytesPerSecPerServer?: number;
  /** Lease bytes as a share of replication bytes (pushes and acks) (absent in older results). */
  readonly leaseShareOfReplication?: number | null;
  /** From the last heal (or end of faults) until all replicas agree; null if they never did. */
  readonly convergenceTimeMs: number | null;
  readonly syncRounds: number;
  readonly cpuMsPerOp: number | null;
  readonly simTimeMs: number;
  readonly eventCount: number;
  readonly layout: string;
  readonly batched: boolean;
  readonly messagesPerMailbox: number;
  /** Offline edits the users of real client programs made (scenario realClients; 0 without). */
  readonly realClientEditCount?: number;
  /** The real client programs that synced in the run ('mbsync', 'offlineimap'), sorted. */
  readonly realClientPrograms?: readonly string[];
  /** Of those, edits that never reached the server (renumbered, UIDVALIDITY changed, sync refused). */
  readonly realClientEditsLost?: number;
  /** Flags a real client set or removed on a message its user never edited. */
  readonly realClientEditsMisapplied?: number;
  readonly realClientSyncsRefused?: number;
  /** Messages a real client uploaded to the server again, plus those it ended holding twice. */
  readonly realClientDuplicates?: number;
  /** Bytes real clients downloaded again for messages they already held. */
  readonly realClientRedownloadBytes?: number;
}

/** A compact timeline for the report: one lane per server. */
export interface Timeline {
  readonly nodes: readonly string[];
  /** Fault intervals; endMs null = lasted to the end of the run. */
  readonly faults: readonly { readonly kind: string; readonly nodes: readonly string[]; readonly startMs: number; readonly endMs: number | null; readonly label: string }[];
  /** Client operations (capped in count for large runs). */
  readonly ops: readonly { readonly node: string; readonly process: string; readonly f: string; readonly startMs: number; readonly endMs: number; readonly outcome: 'ok' | 'fail' | 'info' }[];
  readonly endMs: number;
}

/** Which code produced a result: the git commit (`+dirty` when tracked sources differ) and a hash of the source files. */
export interface CodeIdentity {
  readonly commit: string | null;
  readonly sourceSha256: string;
}

export interface RunResult {
  readonly mailsimVersion: string;
  /** Set by the CLI, which can read the files and git; absent from results written before it was recorded. */
  readonly code?: CodeIdentity;
  /** Path of the scenario file as given, and its `name`. */
  readonly scenario: string;
  readonly scenarioName: string;
  readonly strategy: string;
  readonly seed: number;
  readonly verdict: Verdict;
  readonly expect: 'valid' | 'invalid';
  /** The known finding in a real system this run reproduces, when its expectation comes from one. */
  readonly finding?: Finding;
  /** --set overrides applied, as given ('strategy=keep-uids'). */
  readonly overrides: readonly string[];
  readonly checks: Readonly<Record<string, CheckResult>>;
  readonly metrics: RunMetrics;
  readonly historyHash: string;
  readonly replayCommand: string;
  /** How often each coverage probe was hit (core/probes.ts), only those hit; absent from results written before probes were counted. Never part of the history hash. */
  readonly probes?: Readonly<Record<string, number>>;
  /** Path of the failure file, when the verdict was not the expected one. */
  readonly failureFile?: string;
  /** Where `--history` and `--finals` wrote the history and the final states (docs/history-format.md). */
  readonly historyFile?: string;
  readonly finalsFile?: string;
  readonly timeline?: Timeline;
  /** Real git's thin packs for this run's commits, measured by the CLI outside the simulation (scenarios with `gitReference: true`). */
  readonly gitReference?: GitReference;
}

/** What real git's `pack-objects --thin` sends for a run's client commits, per operation. */
export interface GitReference {
  readonly bytesPerFlagChange: number | null;
  readonly bytesPerDelivery: number | null;
  /** Commits measured. */
  readonly commitCount: number;
}
