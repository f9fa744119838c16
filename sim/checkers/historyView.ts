/**
 * Read-only views of the history and the final states that several checkers share:
 * client operations paired (invoke + completion), replica events, and where each GUID
 * sits in a final state.
 */
import { allMessages } from '../../core/messageMap.ts';
import type { Mailbox, Message, StoreState } from '../../core/state.ts';
import type { ClientKind, ClientValues, ExpungeValue, HistoryRecord, MoveValue, ReplicaValues } from '../historyTypes.ts';

/** Processes whose records are not client operations. */
export const NON_CLIENT_PROCESSES: ReadonlySet<string> = new Set(['nemesis', 'net', 'replica']);

export type Outcome = 'ok' | 'fail' | 'info';

/** One client operation: its invoke and its completion, values merged (completion wins). */
export interface ClientOp<V = Record<string, unknown>> {
  readonly process: string;
  readonly node: string;
  readonly f: string;
  readonly invokeIndex: number | null;
  /** Index of the completion record (of the invoke when the op never completed). */
  readonly index: number;
  readonly timeMs: number;
  /** An op that never completed counts as 'info': it may or may not have happened. */
  readonly outcome: Outcome;
  readonly value: V;
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/** A client operation of kind `F`, its value typed (and still checked at run time: a history may be malformed). */
export type ClientOpOf<F extends ClientKind> = ClientOp<ClientValues[F]> & { readonly f: F };
/** Any client operation: a union by `f`. */
export type AnyClientOp = { [F in ClientKind]: ClientOpOf<F> }[ClientKind];

/** Client operations in completion order. A process has at most one op in flight. */
export function clientOps(history: readonly HistoryRecord[]): AnyClientOp[] {
  return pairOps(history) as unknown as AnyClientOp[];
}

function pairOps(history: readonly HistoryRecord[]): ClientOp[] {
  const open = new Map<string, HistoryRecord>();
  const ops: ClientOp[] = [];
  for (const record of history) {
    if (NON_CLIENT_PROCESSES.has(record.process)) continue;
    if (record.type === 'invoke') {
      const stale = open.get(record.process);
      if (stale) ops.push(openOp(stale));
      open.set(record.process, record);
      continue;
    }
    const invoke = open.get(record.process);
    open.delete(record.process);
    ops.push({
      process: record.process,
      node: record.node,
      f: record.f,
      invokeIndex: invoke?.index ?? null,
      index: record.index,
      timeMs: record.timeMs,
      outcome: record.type,
      value: { ...asObject(invoke?.value), ...asObject(record.value) },
    });
  }
  for (const invoke of open.values()) ops.push(openOp(invoke));
  return ops.sort((a, b) => a.index - b.index);
}

function openOp(invoke: HistoryRecord): ClientOp {
  return {
    process: invoke.process,
    node: invoke.node,
    f: invoke.f,
    invokeIndex: invoke.index,
    index: invoke.index,
    timeMs: invoke.timeMs,
    outcome: 'info',
    value: asObject(invoke.value),
  };
}

/** The ops of one kind. */
export function opsOf<F extends ClientKind>(ops: readonly AnyClientOp[], f: F): ClientOpOf<F>[] {
  return ops.filter((op) => op.f === f) as ClientOpOf<F>[];
}

/** Records of process 'replica' with the given f; fields may be missing in a malformed history. */
export function replicaEvents<F extends keyof ReplicaValues>(history: readonly HistoryRecord[], f: F): { record: HistoryRecord; value: Partial<ReplicaValues[F]> }[] {
  return history
    .filter((record) => record.process === 'replica' && record.f === f)
    .map((record) => ({ record, value: asObject(record.value) as Partial<ReplicaValues[F]> }));
}

export interface Location {
  readonly mailbox: Mailbox;
  readonly message: Message;
}

/** GUID -> every mailbox holding it in one state (more than one is a move-atomic violation). */
export function locateAll(state: StoreState): Map<string, Location[]> {
  const out = new Map<string, Location[]>();
  for (const mailbox of sortedMailboxes(state)) {
    for (const message of allMessages(mailbox.messages)) {
      const list = out.get(message.guid);
      if (list) list.push({ mailbox, message });
      else out.set(message.guid, [{ mailbox, message }]);
    }
  }
  return out;
}

/** Mailboxes by name (code-unit order), so results never depend on map insertion order. */
export function sortedMailboxes(state: StoreState): Mailbox[] {
  return [...state.mailboxes.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/**
 * The GUIDs an expunge removed, or may have removed. UIDs absent on the server are
 * ignored by UID EXPUNGE and answered OK, so an ok record counts only the GUIDs whose
 * UIDs it lists in `expunged`; an info record may have removed all; a fail removed none.
 */
export function expungedGuids(op: ClientOp<ExpungeValue>): string[] {
  if (op.outcome === 'fail') return [];
  const guids = op.value.guids ?? [];
  const done: unknown = op.value.expunged;
  if (op.outcome === 'info' || !Array.isArray(done)) return [...guids];
  const uids = op.value.uids ?? [];
  return guids.filter((_, i) => done.includes(uids[i]));
}

/** An expunge or a mailbox DELETE: client operations that remove messages from one mailbox. */
export interface Removal {
  readonly op: ClientOpOf<'expunge'> | ClientOpOf<'delete'>;
  readonly mailbox: string;
  /** The GUIDs it removed (ok), or may have removed (info); none for a fail. */
  readonly guids: readonly string[];
}

/** Every expunge and DELETE, in completion order. A DELETE removes every message its server held in the mailbox. */
export function removals(ops: readonly AnyClientOp[]): Removal[] {
  const out: Removal[] = [];
  for (const op of ops) if (op.f === 'expunge' || op.f === 'delete') out.push({ op, mailbox: op.value.mailbox, guids: removedGuids(op) });
  return out;
}

/** The GUIDs an expunge or a DELETE removed, or may have removed (none for a fail). */
export function removedGuids(op: ClientOpOf<'expunge'> | ClientOpOf<'delete'>): string[] {
  if (op.f === 'expunge') return expungedGuids(op);
  return op.outcome === 'fail' || !Array.isArray(op.value.guids) ? [] : [...op.value.guids];
}

/** Mailboxes a DELETE may have removed (ok or info): a merge recovers into INBOX what the other side put into them meanwhile. */
export function mayBeDeleted(ops: readonly AnyClientOp[]): Set<string> {
  return new Set(opsOf(ops, 'delete').filter((op) => op.outcome !== 'fail').map((op) => op.value.mailbox));
}

/**
 * A move or copy that certainly moved or copied the message: ok with a target UID.
 * An ok answer without one is ambiguous (an absent UID is ignored and answered OK, and a
 * target that defers UIDs answers 0), so it counts like an info: it may have happened.
 */
export function transferCertain(op: ClientOp<MoveValue>): boolean {
  return op.outcome === 'ok' && isNumber(op.value.toUid) && op.value.toUid > 0;
}

/** A copy that may have made a new message: info, or ok naming a new GUID (an absent UID copies nothing). */
export function copyMayHaveCreated(op: ClientOp<MoveValue>): boolean {
  if (op.outcome === 'info') return true;
  return op.outcome === 'ok' && typeof op.value.toGuid === 'string' && op.value.toGuid !== op.value.guid;
}

/** ' (on a)' or ' (on a, then b)': which servers a client saw two things on (a failover shows as two). */
export function onServers(history: readonly HistoryRecord[], earlierIndex: number, laterIndex: number): string {
  const earlier = history[earlierIndex]?.node;
  const later = history[laterIndex]?.node;
  if (earlier === undefined || later === undefined) return '';
  return earlier === later ? ` (on ${later})` : ` (on ${earlier}, then ${later}: failover)`;
}
