/**
 * One backend's run as `mailsim diff` compares it: every message keyed by its Message-ID
 * (the one name a message has on every backend; GUIDs are each backend's own), where it ended
 * on the first replica, what the clients did to it, and what the checkers said. Built from
 * the history and the final states alone, so a hand-built view is as good as a real run's.
 */
import { messagesByUid } from '../../core/messageMap.ts';
import { historyClocks } from '../../sim/checkers/historyCausality.ts';
import { clientOps, removedGuids, type AnyClientOp } from '../../sim/checkers/historyView.ts';
import type { FinalReplica } from '../../sim/checkers/types.ts';
import type { HistoryRecord, VectorClock } from '../../sim/historyTypes.ts';
import type { CheckResult } from '../../sim/resultTypes.ts';
import type { ReplicaKind } from '../../sim/replicaKinds.ts';
import { messageTrace, type TraceStep } from './trace.ts';

/** Where one copy of a message ended: its mailbox, UID and flags. */
export interface MessageCopy {
  readonly mailbox: string;
  readonly uid: number;
  /** System flags and keywords together, sorted. */
  readonly flags: readonly string[];
}

export interface MailboxEnd {
  readonly uidValidity: number;
  /** The UIDVALIDITY clients first saw (each backend picks its own): a different one above means it was reset. */
  readonly initialUidValidity: number;
}

export interface RunView {
  readonly replica: ReplicaKind;
  /** Message-ID -> its copies on the first replica, by mailbox then UID. */
  readonly copies: ReadonlyMap<string, readonly MessageCopy[]>;
  /** Message-ID -> the client writes that named it, in history order. */
  readonly traces: ReadonlyMap<string, readonly TraceStep[]>;
  /** Message-ID -> mailbox -> the last UID a client was answered for it there (delivery, append, move, copy). */
  readonly answeredUids: ReadonlyMap<string, ReadonlyMap<string, number>>;
  readonly mailboxes: ReadonlyMap<string, MailboxEnd>;
  /** Whether every replica ended with the same messages, UIDs and flags. */
  readonly replicasAgree: boolean;
  readonly checks: Readonly<Record<string, Pick<CheckResult, 'verdict' | 'explanation'>>>;
  /** Check name -> the Message-IDs its evidence records name. */
  readonly evidence: ReadonlyMap<string, readonly string[]>;
  /** The client operations as issued (no answers), for where two workloads part. */
  readonly invokes: readonly string[];
  /** Every mailbox DELETE that may have happened (ok or info), as a trace step naming its mailbox. */
  readonly deletes: readonly TraceStep[];
}

/** What the scenario says about the initial population (its Message-IDs follow from it). */
export interface PopulationPlan {
  readonly mailboxes: readonly { readonly name: string; readonly initialMessages: number }[];
}

export interface RunInput {
  readonly replica: ReplicaKind;
  readonly history: readonly HistoryRecord[];
  readonly finals: readonly FinalReplica[];
  readonly checks: Readonly<Record<string, CheckResult>>;
  readonly population: PopulationPlan;
}

/** The Message-ID the world gives the n-th (0-based) initial message of a mailbox (sim/world.ts). */
export function populationMessageId(mailbox: string, index: number): string {
  return `<p${index}.${mailbox}@mailsim.test>`;
}

export function runViewOf(input: RunInput): RunView {
  const ops = clientOps(input.history);
  const firstSeen = firstUidValidities(ops);
  const names = guidNames(input, ops, firstSeen);
  const clocks = historyClocks(ops);
  const first = input.finals[0];
  return {
    replica: input.replica,
    copies: first === undefined ? new Map() : copiesOf(first),
    traces: traces(ops, names, clocks),
    answeredUids: answeredUids(ops, names),
    mailboxes: mailboxEnds(first, firstSeen),
    replicasAgree: input.finals.every((final) => first === undefined || sameCopies(copiesOf(final), copiesOf(first))),
    checks: Object.fromEntries(Object.entries(input.checks).map(([name, check]) => [name, { verdict: check.verdict, explanation: check.explanation }])),
    evidence: evidenceNames(input.history, input.checks, names),
    invokes: input.history.filter((record) => record.type === 'invoke').map(invokeKey),
    deletes: ops.flatMap((op) => (op.f === 'delete' ? [messageTrace(op, clocks.get(op.index) ?? null)].filter((step) => step !== null) : [])),
  };
}

function copiesOf(final: FinalReplica): Map<string, MessageCopy[]> {
  const copies = new Map<string, MessageCopy[]>();
  const mailboxes = [...final.state.mailboxes.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const mailbox of mailboxes) {
    const messages = messagesByUid(mailbox.messages);
    for (const message of messages) {
      const list = copies.get(message.messageId) ?? [];
      list.push({ mailbox: mailbox.name, uid: message.uid, flags: [...message.flags].sort() });
      copies.set(message.messageId, list);
    }
  }
  return copies;
}

function sameCopies(a: ReadonlyMap<string, readonly MessageCopy[]>, b: ReadonlyMap<string, readonly MessageCopy[]>): boolean {
  return JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
}

/**
 * GUID -> Message-ID, from everything that pairs them: the final states, the answers to
 * deliveries and appends, the initial population (UIDs 1..N under the first UIDVALIDITY,
 * never reused), and copies (a copy carries its source's Message-ID).
 */
function guidNames(input: RunInput, ops: readonly AnyClientOp[], firstSeen: ReadonlyMap<string, number>): Map<string, string> {
  const names = new Map<string, string>();
  for (const final of input.finals) {
    for (const mailbox of final.state.mailboxes.values()) for (const message of messagesByUid(mailbox.messages)) names.set(message.guid, message.messageId);
  }
  const plan = new Map(input.population.mailboxes.map((mailbox) => [mailbox.name, mailbox]));
  const initial = (mailbox: unknown, uidValidity: unknown, uid: unknown, guid: unknown): void => {
    const planned = typeof mailbox === 'string' ? plan.get(mailbox) : undefined;
    if (planned === undefined || typeof guid !== 'string' || typeof uid !== 'number' || uidValidity !== firstSeen.get(planned.name)) return;
    if (uid >= 1 && uid <= planned.initialMessages && !names.has(guid)) names.set(guid, populationMessageId(planned.name, uid - 1));
  };
  for (const op of ops) {
    const value = op.value as unknown as Record<string, unknown>;
    if ((op.f === 'deliver' || op.f === 'append') && typeof value['guid'] === 'string' && typeof value['messageId'] === 'string') names.set(value['guid'], value['messageId']);
    if (op.f === 'store' || op.f === 'move' || op.f === 'copy') initial(value['mailbox'] ?? value['from'], value['uidValidity'], value['uid'], value['guid']);
    if (op.f === 'expunge' && op.value.guids !== undefined) op.value.guids.forEach((guid, i) => initial(op.value.mailbox, op.value.uidValidity, op.value.uids[i], guid));
    if (op.f === 'select' && op.outcome === 'ok') for (const seen of op.value.messages ?? []) initial(op.value.mailbox, op.value.uidValidity, seen.uid, seen.guid);
  }
  for (const op of ops) {
    if (op.f !== 'copy' || typeof op.value.toGuid !== 'string') continue;
    const source = names.get(op.value.guid);
    if (source !== undefined && !names.has(op.value.toGuid)) names.set(op.value.toGuid, source);
  }
  return names;
}

/** The Message-IDs a client write names (an expunge or a DELETE: what it removed, or may have). */
function namedIds(op: AnyClientOp, names: ReadonlyMap<string, string>): string[] {
  const guids = op.f === 'expunge' || op.f === 'delete' ? removedGuids(op) : op.f === 'store' || op.f === 'move' || op.f === 'copy' ? [op.value.guid] : [];
  const ids = guids.map((guid) => names.get(guid) ?? `guid:${guid}`);
  if ((op.f === 'deliver' || op.f === 'append') && typeof op.value.messageId === 'string') ids.push(op.value.messageId);
  return ids;
}

function traces(ops: readonly AnyClientOp[], names: ReadonlyMap<string, string>, clocks: ReadonlyMap<number, VectorClock>): Map<string, TraceStep[]> {
  const byId = new Map<string, TraceStep[]>();
  for (const op of ops) {
    if (op.outcome === 'fail') continue;
    const step = messageTrace(op, clocks.get(op.index) ?? null);
    if (step === null) continue;
    for (const id of namedIds(op, names)) {
      const steps = byId.get(id) ?? [];
      steps.push(step);
      byId.set(id, steps);
    }
  }
  return byId;
}

function answeredUids(ops: readonly AnyClientOp[], names: ReadonlyMap<string, string>): Map<string, Map<string, number>> {
  const answered = new Map<string, Map<string, number>>();
  const note = (id: string | undefined, mailbox: unknown, uid: unknown): void => {
    if (id === undefined || typeof mailbox !== 'string' || typeof uid !== 'number' || uid <= 0) return;
    const uids = answered.get(id) ?? new Map<string, number>();
    uids.set(mailbox, uid);
    answered.set(id, uids);
  };
  for (const op of ops) {
    if (op.outcome !== 'ok') continue;
    if (op.f === 'deliver' || op.f === 'append') note(op.value.messageId, op.value.mailbox, op.value.uid);
    if (op.f === 'move' || op.f === 'copy') note(names.get(op.value.guid), op.value.to, op.value.toUid);
  }
  return answered;
}

/** Mailbox -> the UIDVALIDITY of the first acknowledged client operation there. */
function firstUidValidities(ops: readonly AnyClientOp[]): Map<string, number> {
  const first = new Map<string, number>();
  for (const op of ops) {
    const value = op.value as unknown as Record<string, unknown>;
    const mailbox = value['mailbox'] ?? value['from'];
    const uidValidity = value['uidValidity'];
    if (op.outcome === 'ok' && typeof mailbox === 'string' && typeof uidValidity === 'number' && uidValidity > 0 && !first.has(mailbox)) first.set(mailbox, uidValidity);
  }
  return first;
}

function mailboxEnds(first: FinalReplica | undefined, firstSeen: ReadonlyMap<string, number>): Map<string, MailboxEnd> {
  const ends = new Map<string, MailboxEnd>();
  for (const mailbox of first?.state.mailboxes.values() ?? []) {
    ends.set(mailbox.name, { uidValidity: mailbox.uidValidity, initialUidValidity: firstSeen.get(mailbox.name) ?? mailbox.uidValidity });
  }
  return ends;
}

/** The Message-IDs named by the records each check gives as evidence. */
function evidenceNames(history: readonly HistoryRecord[], checks: Readonly<Record<string, CheckResult>>, names: ReadonlyMap<string, string>): Map<string, string[]> {
  const evidence = new Map<string, string[]>();
  for (const [name, check] of Object.entries(checks)) {
    const ids = new Set<string>();
    for (const index of check.evidence) {
      const value = (history[index]?.value ?? {}) as Record<string, unknown>;
      const guids = [value['guid'], ...(Array.isArray(value['guids']) ? value['guids'] : [])].filter((guid): guid is string => typeof guid === 'string');
      for (const guid of guids) ids.add(names.get(guid) ?? `guid:${guid}`);
      if (typeof value['messageId'] === 'string') ids.add(value['messageId']);
    }
    evidence.set(name, [...ids].sort());
  }
  return evidence;
}

/** An invoke as the client issued it: who, when, what, without the backend's own names. */
function invokeKey(record: HistoryRecord): string {
  const { guid: _guid, guids: _guids, uidValidity: _uidValidity, ...value } = (record.value ?? {}) as Record<string, unknown>;
  return JSON.stringify([record.timeMs, record.process, record.node, record.f, value]);
}
