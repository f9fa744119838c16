// Test helper: builds small histories, mailboxes and final replica states by hand for the checker tests.
import { asHistoryRecord } from '../fixtures/looseHistory.ts';
import { messageMapFrom } from '../../../core/messageMap.ts';
import type { Mailbox, Message, StoreState } from '../../../core/state.ts';
import type { FaultValue, HistoryRecord, RecordType, SeenMessage, VectorClock } from '../../../sim/historyTypes.ts';
import type { CheckInput, FinalReplica } from '../../../sim/checkers/types.ts';

type Outcome = 'ok' | 'fail' | 'info';
type Value = Record<string, unknown>;

export interface OpIndexes {
  readonly invoke: number;
  readonly done: number;
}

/** Appends records with consecutive indexes; time advances 1 ms per record unless set with at(). */
export class HistoryBuilder {
  readonly records: HistoryRecord[] = [];
  private timeMs = 0;

  at(timeMs: number): this {
    this.timeMs = timeMs;
    return this;
  }

  record(node: string, process: string, type: RecordType, f: string, value: unknown, timeMs?: number): number {
    const index = this.records.length;
    this.records.push(asHistoryRecord({ index, timeMs: timeMs ?? this.timeMs++, node, process, type, f, value }));
    return index;
  }

  /** An invoke and its completion; the completion value is the invoke value plus `extra`. */
  op(node: string, process: string, f: string, value: Value, outcome: Outcome, extra: Value = {}): OpIndexes {
    const invoke = this.record(node, process, 'invoke', f, value);
    const done = this.record(node, process, outcome, f, { ...value, ...extra });
    return { invoke, done };
  }

  deliver(node: string, v: { mailbox?: string; messageId: string; attempt?: number; guid?: string; uid?: number; uidValidity?: number }, outcome: Outcome = 'ok', process = 'smtp-0'): OpIndexes {
    const base = { mailbox: v.mailbox ?? 'INBOX', messageId: v.messageId, attempt: v.attempt ?? 1, sizeBytes: 100 };
    const extra = outcome === 'ok' ? { guid: v.guid, uid: v.uid ?? 1, uidValidity: v.uidValidity ?? 1 } : { reason: outcome === 'info' ? 'crash' : '451 try later' };
    return this.op(node, process, 'deliver', base, outcome, extra);
  }

  select(node: string, process: string, v: { mailbox?: string; uidValidity: number; uidNext: number; highestModseq?: number; messages?: SeenMessage[] }): OpIndexes {
    const { mailbox = 'INBOX', ...rest } = v;
    const messages = v.messages ?? [];
    return this.op(node, process, 'select', { mailbox }, 'ok', { ...rest, exists: messages.length, messages, highestModseq: v.highestModseq ?? Math.max(1, ...messages.map((m) => m.modseq)) });
  }

  store(
    node: string,
    process: string,
    v: { mailbox?: string; uidValidity?: number; uid: number; guid: string; mode: '+' | '-' | '='; flags: string[] },
    outcome: Outcome,
    answer: { flagsAfter?: string[] | null; modseq?: number | null; vclock?: VectorClock } = {},
  ): OpIndexes {
    const value = { mailbox: v.mailbox ?? 'INBOX', uidValidity: v.uidValidity ?? 1, uid: v.uid, guid: v.guid, mode: v.mode, flags: v.flags };
    return this.op(node, process, 'store', value, outcome, outcome === 'ok' ? answer : { reason: 'crash' });
  }

  expunge(node: string, process: string, v: { mailbox?: string; uidValidity?: number; uids: number[]; guids: string[] }, outcome: Outcome, vclock: VectorClock = {}): OpIndexes {
    const value = { mailbox: v.mailbox ?? 'INBOX', uidValidity: v.uidValidity ?? 1, uids: v.uids, guids: v.guids };
    return this.op(node, process, 'expunge', value, outcome, outcome === 'ok' ? { expunged: v.uids, vclock } : { reason: 'crash' });
  }

  transfer(
    f: 'move' | 'copy',
    node: string,
    process: string,
    v: { from?: string; to: string; uidValidity?: number; uid: number; guid: string },
    outcome: Outcome,
    answer: { toUidValidity?: number; toUid?: number; toGuid?: string; vclock?: VectorClock } = {},
  ): OpIndexes {
    const value = { from: v.from ?? 'INBOX', to: v.to, uidValidity: v.uidValidity ?? 1, uid: v.uid, guid: v.guid };
    const extra = outcome === 'ok' ? { toUidValidity: 1, toGuid: v.guid, vclock: {}, ...answer } : { reason: 'crash' };
    return this.op(node, process, f, value, outcome, extra);
  }

  bind(node: string, v: { mailbox?: string; uidValidity?: number; uid: number; guid: string }, timeMs?: number): number {
    return this.record(node, 'replica', 'info', 'bind', { mailbox: v.mailbox ?? 'INBOX', uidValidity: v.uidValidity ?? 1, uid: v.uid, guid: v.guid }, timeMs);
  }

  /** An owner's UID assignment under a lease epoch (strategy owner). */
  assign(node: string, epoch: number, uids: readonly number[], mailbox = 'INBOX', timeMs?: number): number {
    return this.record(node, 'replica', 'info', 'assign', { mailbox, uidValidity: 1, epoch, uids }, timeMs);
  }

  validityChange(node: string, mailbox: string, before: number, after: number): number {
    return this.record(node, 'replica', 'info', 'uidvalidity', { mailbox, before, after });
  }

  fault(value: FaultValue): number {
    return this.record('nemesis', 'nemesis', 'info', value.kind, value);
  }
}

export function seen(uid: number, guid: string, flags: string[] = [], modseq = 1): SeenMessage {
  return { uid, guid, flags, modseq };
}

export function message(guid: string, uid: number, opts: { flags?: string[]; modseq?: number; messageId?: string } = {}): Message {
  return {
    guid,
    uid,
    flags: [...(opts.flags ?? [])].sort(),
    modseq: opts.modseq ?? 1,
    internalDateMs: 0,
    sizeBytes: 100,
    blobId: `blob-${guid}`,
    messageId: opts.messageId ?? `${guid}@test`,
  };
}

export function mailbox(name: string, messages: Message[], opts: { uidValidity?: number; uidNext?: number; highestModseq?: number } = {}): Mailbox {
  return {
    name,
    uidValidity: opts.uidValidity ?? 1,
    uidNext: opts.uidNext ?? Math.max(0, ...messages.map((m) => m.uid)) + 1,
    highestModseq: opts.highestModseq ?? Math.max(1, ...messages.map((m) => m.modseq)),
    keywords: [],
    messages: messageMapFrom(messages),
  };
}

export function storeState(mailboxes: Mailbox[]): StoreState {
  return { mailboxes: new Map(mailboxes.map((m) => [m.name, m])) };
}

export function finalReplica(node: string, mailboxes: Mailbox[], treeId = 'tree-1'): FinalReplica {
  return { node, head: `head-${treeId}`, treeId, state: storeState(mailboxes) };
}

/** The same final state on every node (a converged cluster). */
export function converged(nodes: string[], mailboxes: Mailbox[]): FinalReplica[] {
  return nodes.map((node) => finalReplica(node, mailboxes));
}

export function checkInput(
  history: HistoryBuilder | readonly HistoryRecord[],
  finals: readonly FinalReplica[],
  opts: { strategy?: string; mayResetValidity?: boolean; convergence?: Partial<CheckInput['convergence']> } = {},
): CheckInput {
  return {
    history: history instanceof HistoryBuilder ? history.records : history,
    finals,
    strategy: { name: opts.strategy ?? 'renumber', mayResetValidity: opts.mayResetValidity ?? false },
    convergence: { lastHealMs: 0, convergedAtMs: 10, boundMs: 1000, syncRounds: 2, ...opts.convergence },
  };
}
