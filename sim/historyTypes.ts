/**
 * The shapes of the run history, Jepsen style: a flat list of records. Checkers and
 * reports read the history and the final states and nothing else, so every field a
 * checker needs is written here by the simulator.
 *
 * Client operations appear as an `invoke` record followed by one completion (`ok`,
 * `fail`, or `info` when the outcome is unknown: timeout, crash). Faults are `info`
 * records of process `nemesis`. Network traffic is recorded under process `net`.
 * Replication events are recorded under process `replica`.
 */
export type RecordType = 'invoke' | 'ok' | 'fail' | 'info';

export interface HistoryRecord {
  readonly index: number;
  /** Virtual (true) time of the record, in ms. */
  readonly timeMs: number;
  /** The server the record concerns (for a client op: the server it talked to). */
  readonly node: string;
  /** 'smtp-0', 'imap-2', 'nemesis', 'net', 'replica'. */
  readonly process: string;
  readonly type: RecordType;
  readonly f: string;
  readonly value: unknown;
}

/** A vector clock kept by the simulator (never by the replica): node -> count. */
export type VectorClock = Readonly<Record<string, number>>;

/** One message as a client saw it in a FETCH. */
export interface SeenMessage {
  readonly uid: number;
  readonly guid: string;
  readonly flags: readonly string[];
  readonly modseq: number;
}

// ---- client operations: `value` of each record, by f and type ----

/** f 'deliver' (SMTP). invoke and completion carry the same identity fields. */
export interface DeliverValue {
  readonly mailbox: string;
  /** Message-ID of the message: equal across retries of one message. */
  readonly messageId: string;
  /** 1 for the first try, then 2, 3... for retries of the same Message-ID. */
  readonly attempt: number;
  readonly sizeBytes: number;
  /** On ok: what the server answered. uid 0 = stored but not yet visible (owner). */
  readonly guid?: string;
  readonly uid?: number;
  readonly uidValidity?: number;
  /** On fail: '4xx ...' or '5xx ...'; on info: 'timeout' or 'crash'. */
  readonly reason?: string;
}

/** f 'select' ok: the mailbox status and a FETCH of every visible message. */
export interface SelectValue {
  readonly mailbox: string;
  readonly uidValidity?: number;
  readonly uidNext?: number;
  readonly exists?: number;
  readonly highestModseq?: number;
  readonly messages?: readonly SeenMessage[];
  readonly reason?: string;
}

/** f 'store': one message, one STORE. `vclock` stamps the write (simulator's vector clock). */
export interface StoreValue {
  readonly mailbox: string;
  readonly uidValidity: number;
  readonly uid: number;
  readonly guid: string;
  readonly mode: '+' | '-' | '=';
  readonly flags: readonly string[];
  /** On ok: the message's flags and MODSEQ after the store, and the write's vector clock. */
  readonly flagsAfter?: readonly string[];
  readonly modseq?: number;
  readonly vclock?: VectorClock;
  readonly reason?: string;
}

/** f 'expunge': the listed messages (their \Deleted set first, then EXPUNGE of exactly them). */
export interface ExpungeValue {
  readonly mailbox: string;
  readonly uidValidity: number;
  readonly uids: readonly number[];
  readonly guids: readonly string[];
  readonly vclock?: VectorClock;
  readonly reason?: string;
}

/** f 'move' and f 'copy': one message from one mailbox to another. */
export interface MoveValue {
  readonly from: string;
  readonly to: string;
  readonly uidValidity: number;
  readonly uid: number;
  readonly guid: string;
  /** On ok (COPYUID): the target's UIDVALIDITY and the new UID; for copy, the new GUID. */
  readonly toUidValidity?: number;
  readonly toUid?: number;
  readonly toGuid?: string;
  readonly vclock?: VectorClock;
  readonly reason?: string;
}

// ---- faults: process 'nemesis', type 'info' ----
export type FaultValue =
  | { readonly kind: 'partition'; readonly groups: readonly (readonly string[])[] }
  | { readonly kind: 'one-way'; readonly from: string; readonly to: string }
  | { readonly kind: 'bridge'; readonly groups: readonly (readonly string[])[]; readonly bridge: string }
  | { readonly kind: 'heal' }
  | { readonly kind: 'crash'; readonly node: string; readonly mode: 'process' | 'power' }
  | { readonly kind: 'restart'; readonly node: string }
  | { readonly kind: 'skew'; readonly node: string; readonly offsetMs: number }
  | { readonly kind: 'jump'; readonly node: string; readonly deltaMs: number };

