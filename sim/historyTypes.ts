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

/** What every record carries besides its kind and value. */
export interface RecordBase {
  readonly index: number;
  /** Virtual (true) time of the record, in ms. */
  readonly timeMs: number;
  /** The server the record concerns (for a client op: the server it talked to). */
  readonly node: string;
  /** 'smtp-0', 'imap-2', 'script-a', 'nemesis', 'net', 'replica'. */
  readonly process: string;
  readonly type: RecordType;
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
  /** On ok: the message's flags and MODSEQ after the store (null: the UID named no message), and the write's vector clock. */
  readonly flagsAfter?: readonly string[] | null;
  readonly modseq?: number | null;
  readonly vclock?: VectorClock;
  readonly reason?: string;
}

/** f 'expunge': the listed messages (their \Deleted set first, then EXPUNGE of exactly them). */
export interface ExpungeValue {
  readonly mailbox: string;
  readonly uidValidity: number;
  readonly uids: readonly number[];
  readonly guids: readonly string[];
  /** On ok: the UIDs the server expunged (an absent UID is ignored and answered OK). */
  readonly expunged?: readonly number[];
  readonly vclock?: VectorClock;
  readonly reason?: string;
}

/**
 * f 'delete': IMAP DELETE of a mailbox and its messages. `guids` on the invoke: what the
 * server showed in the mailbox when the client sent it; on ok: what the server answered it
 * held. A merge puts a message the other side added to the mailbox meanwhile into INBOX.
 */
export interface DeleteValue {
  readonly mailbox: string;
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
  | { readonly kind: 'jump'; readonly node: string; readonly deltaMs: number }
  /** The node handles no event for durationMs (a stopped process, a GC pause) while its clock runs on. */
  | { readonly kind: 'pause'; readonly node: string; readonly durationMs: number }
  | DiskFaultValue;

/** Disk faults on a node's volume (sim/diskFaults.ts): rot, a misdirected write, EIO, a full disk and its end. */
export type DiskFaultValue =
  | { readonly kind: 'rot'; readonly node: string }
  | { readonly kind: 'misdirect'; readonly node: string }
  | { readonly kind: 'eio'; readonly node: string; readonly op: 'read' | 'write' }
  | { readonly kind: 'disk-full'; readonly node: string }
  | { readonly kind: 'disk-free'; readonly node: string };


// ---- network: process 'net', type 'info' ----
/** f 'send', 'deliver', 'drop' (with its reason), 'duplicate'. */
export interface NetValue {
  readonly id: number;
  readonly from: string;
  readonly to: string;
  readonly kind: string;
  readonly sizeBytes?: number;
  readonly reason?: string;
}

// ---- replication: process 'replica', type 'info' ----
/** f 'bind': a (mailbox, UIDVALIDITY, UID) the replica's head newly binds to a GUID. */
export interface BindValue {
  readonly mailbox: string;
  readonly uidValidity: number;
  readonly uid: number;
  readonly guid: string;
}

/** f 'assign': UIDs a mailbox's owner (strategy owner) just handed out, under the lease epoch it recorded. */
export interface AssignValue {
  readonly mailbox: string;
  readonly uidValidity: number;
  readonly epoch: number;
  readonly uids: readonly number[];
}

/** f 'merge' and 'fast-forward': the new head. */
export interface HeadValue {
  readonly head: string;
  readonly renumbered: number;
}

/** f 'uidvalidity': a mailbox's UIDVALIDITY changed by a merge. */
export interface UidValidityChangeValue {
  readonly mailbox: string;
  readonly before: number;
  readonly after: number;
}

/** f 'power-loss': what the power cut did to unsynced writes, and acknowledgements lost with it. */
export interface PowerLossValue {
  readonly lostAcks: number;
  readonly [field: string]: unknown;
}

// ---- real client programs (scenario realClients): process 'mbsync-0'..., type 'info' ----
/** f 'client-edit': the user's offline edit of a message in the program's local Maildir. */
export interface ClientEditValue {
  readonly messageId: string;
  readonly action: 'flag' | 'seen' | 'delete';
  /** The message's GUID on the client's server at the time of the edit ('' if it held none). */
  readonly guid: string;
}

/** f 'client-sync': one run of the program against `node` (the record's node), keyed by Message-ID. */
export interface ClientSyncValue {
  readonly status: 'ok' | 'refused' | 'failed';
  readonly exitCode: number | null;
  /** The program's own words; not in the history hash (they name temporary paths and pids). */
  readonly words: string;
  readonly flagged: readonly { readonly messageId: string; readonly added: readonly string[]; readonly removed: readonly string[] }[];
  readonly expunged: readonly string[];
  readonly appended: readonly string[];
  readonly missing: readonly string[];
  readonly extra: readonly string[];
  readonly localDuplicates: readonly string[];
  readonly redownloadBytes: number;
}

export interface RealClientValues {
  readonly 'client-edit': ClientEditValue;
  readonly 'client-sync': ClientSyncValue;
}

/** The value of each kind of record, by f. */
export interface ClientValues {
  readonly deliver: DeliverValue;
  readonly append: DeliverValue;
  readonly select: SelectValue;
  readonly store: StoreValue;
  readonly expunge: ExpungeValue;
  readonly move: MoveValue;
  readonly copy: MoveValue;
  readonly delete: DeleteValue;
}
/** The kinds of client operation. */
export type ClientKind = keyof ClientValues & string;
export interface NetValues {
  readonly send: NetValue;
  readonly deliver: NetValue;
  readonly drop: NetValue;
  readonly duplicate: NetValue;
}
export interface ReplicaValues {
  readonly bind: BindValue;
  readonly assign: AssignValue;
  readonly merge: HeadValue;
  readonly 'fast-forward': HeadValue;
  readonly uidvalidity: UidValidityChangeValue;
  readonly 'receive-failed': { readonly from: string; readonly code: string };
  /** A backend's sync session between two servers (a real dsync run): its stream's bytes, whether it completed, whether it left both stores alike, and whether it was a full one. */
  readonly sync: { readonly with: string; readonly bytes: number; readonly ok: boolean; readonly alike: boolean; readonly full: boolean };
  readonly down: { readonly mode: 'process' | 'power' };
  readonly 'power-loss': PowerLossValue;
  /** A disk fault struck: which file, and how a misdirected write will land. */
  readonly 'disk-fault': { readonly fault: string; readonly path?: string; readonly how?: string };
  /** The replica found its repository damaged (or unreadable) and stopped serving to repair it. */
  readonly damaged: { readonly code: string };
  /** A peer's full pack repaired it (`adopted`: no peer held what it lost, so it took that peer's head). */
  readonly repaired: { readonly from: string; readonly adopted: boolean };
}
export type FaultValues = { readonly [K in FaultValue['kind']]: Extract<FaultValue, { kind: K }> };

type RecordsOf<V> = { [F in keyof V]: RecordBase & { readonly f: F; readonly value: V[F] } }[keyof V];

export type ClientRecord = RecordsOf<ClientValues>;
export type NetRecord = RecordsOf<NetValues>;
export type ReplicaRecord = RecordsOf<ReplicaValues>;
export type FaultRecord = RecordsOf<FaultValues>;
export type RealClientRecord = RecordsOf<RealClientValues>;

/**
 * One history record: a discriminated union by `f`, so a checker that tests `record.f` reads
 * a typed value. 'deliver' is both an SMTP delivery (a client process) and a network delivery
 * (process 'net'); `process` tells them apart. Histories read from files or built by tests
 * may still be malformed, so checkers keep checking values at run time.
 */
export type HistoryRecord = ClientRecord | NetRecord | ReplicaRecord | FaultRecord | RealClientRecord;
export type RecordKind = HistoryRecord['f'];
/** The value of a record of kind `F`. */
export type ValueOf<F extends RecordKind> = Extract<HistoryRecord, { readonly f: F }>['value'];
