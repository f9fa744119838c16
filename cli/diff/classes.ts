/**
 * The named classes of difference between two backends' runs, each with its explanation and
 * the evidence it needs (docs/diff.md lists them). A difference gets a class only when the
 * runs themselves show that evidence; one that no class explains is left unexplained, and
 * `mailsim diff` then exits 1.
 */
import type { ReplicaKind } from '../../sim/replicaKinds.ts';
import { causallyLast, compare, happenedBefore } from '../../sim/checkers/vclock.ts';
import type { VectorClock } from '../../sim/historyTypes.ts';
import { isRenumbered, type Difference } from './compare.ts';
import type { MessageCopy, RunView } from './runView.ts';
import { compareTraces, type TraceStep } from './trace.ts';

export const DIFF_CLASSES = {
  'workload-diverged': 'The simulated clients draw each operation from what their server answered before, so once two backends answer differently (a MODSEQ, a UID, a flag set) the same seed asks them different things. The message\'s client writes differ between the two runs, so its end states are not comparable.',
  'timing-only': 'The same client writes reached the message on both backends, in another order: which write came last, and so how the message ended, follows the order.',
  'concurrent-flag-either-value': 'Concurrent writes (no client saw one before the other) set and cleared the flag on different servers. Either end value is one of those writes, and no-lost-flags accepts both; the backends settled it differently.',
  'causal-order-differs': 'The same client writes reached the message, but replication carried them at other times on the two backends: on one, the server that wrote last had already seen the other server\'s write to the flag, so its write decides; on the other the two writes were concurrent, and either value is one of them. Each backend\'s end value is one its own history allows (no-lost-flags judges each by its own causality).',
  'clash-timing': 'A message is renumbered when another server gave its UID to another message before replication carried it across (a split-brain clash). How far replication had got when the partition began is each backend\'s own timing, so a delivery that clashed on one backend did not on the other, and only the one that clashed renumbered it.',
  'renumber-order': 'Both backends renumbered both messages after a split brain, in a different order: the reference replica and Dovecot dsync order the clashing messages by GUID, and a GUID is each backend\'s own name (Cyrus\'s is the SHA-1 of the stored message, with lmtpd\'s Received header and its wall time).',
  'move-is-copy-plus-expunge': 'Dovecot dsync carries a MOVE as a copy and an expunge: the expunge wins over a flag written concurrently on the source on another server, and the copy keeps the flags it had when moved, so that acknowledged STORE is lost.',
  'flag-record-overwrite': 'Cyrus replication sends a message\'s whole flag record, and the side that runs sync_client overwrites the other: after concurrent STOREs on two servers the message ends with one server\'s flags exactly, and the other server\'s acknowledged change is lost.',
  'move-outlives-expunge': 'A MOVE on one server and an EXPUNGE of the source mailbox (or a DELETE of it) on another, concurrent. The reference replica lets the expunge or delete win wherever the message went (docs/merge-rules.md: the move keeps the GUID, so the expunge reaches it); a real backend carries the MOVE as a copy and an expunge, so the EXPUNGE or DELETE removes only the source and the moved message survives in the target.',
  'delete-drops-delivery': 'A DELETE of a mailbox on one server while another server, cut off from it, took a delivery into that mailbox. The reference replica\'s merge keeps the new message and puts it into INBOX (docs/merge-rules.md); the real backend carries the DELETE as the removal of the mailbox with everything in it, so the message delivered meanwhile goes too, and its acknowledged delivery is lost.',
  'copy-back-duplicate': 'Cyrus repairs a split brain by renumbering the clashing messages and copying back to the master what only the replica held, each as a new record under a new UID. A message that reached two replicas while they were apart from their master (here b, which replicates to c) is copied back once through each: the master first takes it from one replica under a new UID, and then from the other, where it still sits at its old UID, under another. Every replica then holds the same bytes (Cyrus\'s GUID is their SHA-1) twice, one record at a UID no client was answered. Cyrus\'s replication expects one master per mailbox; in this mesh each pair has its own.',
} as const;

export type DiffClass = keyof typeof DIFF_CLASSES;

export interface ClassifiedDifference {
  readonly difference: Difference;
  /** null: no class explains it. */
  readonly diffClass: DiffClass | null;
}

/** A backend's own behaviour, seen in one run alone: true when its evidence is there for the message. */
type Detector = (view: RunView, messageId: string) => boolean;

const DETECTORS: readonly { readonly diffClass: DiffClass; readonly replicas: readonly ReplicaKind[]; readonly detect: Detector }[] = [
  { diffClass: 'flag-record-overwrite', replicas: ['cyrus'], detect: flagRecordOverwritten },
  { diffClass: 'move-is-copy-plus-expunge', replicas: ['dsync', 'dsync-plain'], detect: moveLostFlag },
  { diffClass: 'copy-back-duplicate', replicas: ['cyrus'], detect: copiedBackTwice },
  { diffClass: 'move-outlives-expunge', replicas: ['dsync', 'dsync-plain', 'cyrus'], detect: moveOutlivedExpunge },
  { diffClass: 'delete-drops-delivery', replicas: ['dsync', 'dsync-plain', 'cyrus'], detect: deleteDroppedDelivery },
];

export function classify(differences: readonly Difference[], reference: RunView, other: RunView): ClassifiedDifference[] {
  return differences.map((difference) => ({ difference, diffClass: classOf(difference, reference, other) }));
}

function classOf(difference: Difference, reference: RunView, other: RunView): DiffClass | null {
  switch (difference.kind) {
    case 'duplicates':
      return detected(other, difference.messageId) ?? detected(reference, difference.messageId) ?? traceClass(reference, other, [difference.messageId]);
    case 'presence':
      return traceClass(reference, other, [difference.messageId]) ?? detected(other, difference.messageId);
    case 'mailbox':
      return traceClass(reference, other, [difference.messageId]);
    case 'flags':
      return diverged(reference, other, [difference.messageId]) ?? flagsClass(difference, reference, other);
    case 'renumbered':
      return (
        diverged(reference, other, [difference.messageId]) ??
        mailboxDiverged(reference, other, difference.mailbox) ??
        traceClass(reference, other, [difference.messageId]) ??
        clashClass(difference, reference, other)
      );
    case 'uid-order': {
      const ids = [difference.messageId, difference.otherMessageId];
      if (diverged(reference, other, ids) !== null) return 'workload-diverged';
      if (ids.every((id) => renumberedOnBoth(id, difference.mailbox, reference, other))) return 'renumber-order';
      return mailboxDiverged(reference, other, difference.mailbox) ?? traceClass(reference, other, ids) ?? clashOrder(ids, difference.mailbox, reference, other);
    }
    case 'verdict':
      return verdictClass(difference.check, reference, other);
    case 'uidvalidity':
    case 'replicas':
      return null;
  }
}

/**
 * Whether a message is renumbered, and where, depends on every message that arrived in its
 * mailbox: workload-diverged when the writes of any of them differ between the runs.
 */
function mailboxDiverged(reference: RunView, other: RunView, mailbox: string): DiffClass | null {
  const arrived = (view: RunView): string[] => [...view.answeredUids].filter(([, uids]) => uids.has(mailbox)).map(([id]) => id);
  return diverged(reference, other, [...new Set([...arrived(reference), ...arrived(other)])]);
}

/** clash-timing when the side that renumbered the message had given its UID to another message there, and the other side had not. */
function clashClass(difference: Extract<Difference, { kind: 'renumbered' }>, reference: RunView, other: RunView): DiffClass | null {
  return clashedOnOneSide(difference.messageId, difference.mailbox, reference, other) ? 'clash-timing' : null;
}

/** Renumbered on one side only, which had given its UID to another message in the mailbox, where the other side had not. */
function clashedOnOneSide(id: string, mailbox: string, reference: RunView, other: RunView): boolean {
  const clashed = (view: RunView): boolean => {
    const uid = view.answeredUids.get(id)?.get(mailbox);
    return uid !== undefined && [...view.answeredUids].some(([otherId, byMailbox]) => otherId !== id && byMailbox.get(mailbox) === uid);
  };
  const onReference = renumberedIn(reference, id, mailbox);
  if (onReference === renumberedIn(other, id, mailbox)) return false;
  const [renumbering, keeping] = onReference ? [reference, other] : [other, reference];
  return clashed(renumbering) && !clashed(keeping);
}

/** Two messages in another order because the clash renumbered them on one side only: clash-timing when each renumbered one is so explained. */
function clashOrder(ids: readonly string[], mailbox: string, reference: RunView, other: RunView): DiffClass | null {
  const renumberedSomewhere = ids.filter((id) => renumberedIn(reference, id, mailbox) || renumberedIn(other, id, mailbox));
  if (renumberedSomewhere.length === 0) return null;
  return renumberedSomewhere.every((id) => clashedOnOneSide(id, mailbox, reference, other)) ? 'clash-timing' : null;
}

/** workload-diverged when the messages' client writes differ, timing-only when only their order does; null when they are the same. */
function traceClass(reference: RunView, other: RunView, ids: readonly string[]): DiffClass | null {
  const relations = ids.map((id) => compareTraces(reference.traces.get(id) ?? [], other.traces.get(id) ?? []));
  if (relations.includes('different')) return 'workload-diverged';
  return relations.includes('reordered') ? 'timing-only' : null;
}

/** workload-diverged when the messages' client writes differ; else null, for a closer look. */
function diverged(reference: RunView, other: RunView, ids: readonly string[]): DiffClass | null {
  return traceClass(reference, other, ids) === 'workload-diverged' ? 'workload-diverged' : null;
}

function flagsClass(difference: Extract<Difference, { kind: 'flags' }>, reference: RunView, other: RunView): DiffClass | null {
  const id = difference.messageId;
  const local = detected(other, id) ?? detected(reference, id);
  if (local !== null) return local;
  const steps = reference.traces.get(id) ?? [];
  if (difference.flags.every((flag) => bothValuesConcurrent(steps, flag))) return 'concurrent-flag-either-value';
  const relation = compareTraces(steps, other.traces.get(id) ?? []);
  if (relation === 'reordered') return 'timing-only';
  const allowed = (view: RunView, held: readonly string[]) => difference.flags.every((flag) => lastWritesAllow(view.traces.get(id) ?? [], flag, held.includes(flag)));
  return relation === 'same' && allowed(reference, difference.reference) && allowed(other, difference.other) ? 'causal-order-differs' : null;
}

/** What an acknowledged store wrote to `flag`: set, cleared (also by an `=` store that does not name it), or nothing. */
function flagWrite(step: TraceStep, flag: string): boolean | undefined {
  return step.writes?.[flag] ?? (step.detail.startsWith('=') ? false : undefined);
}

/** Some acknowledged store wrote `value` to the flag and no acknowledged store that wrote it happened after it, by the run's own causality. */
function lastWritesAllow(steps: readonly TraceStep[], flag: string, value: boolean): boolean {
  // acknowledgedStores keeps only steps with a clock.
  const writers = acknowledgedStores(steps).filter((step) => flagWrite(step, flag) !== undefined);
  return causallyLast(writers, (step) => step.clock as VectorClock).some((step) => flagWrite(step, flag) === value);
}

/** A verdict a side failed is explained by a backend's own behaviour shown on a message the failing check names. */
function verdictClass(check: string, reference: RunView, other: RunView): DiffClass | null {
  const failing = other.checks[check]?.verdict === 'invalid' ? other : reference;
  for (const id of failing.evidence.get(check) ?? []) {
    const local = detected(failing, id);
    if (local !== null) return local;
  }
  return null;
}

function detected(view: RunView, messageId: string): DiffClass | null {
  return DETECTORS.find((d) => d.replicas.includes(view.replica) && d.detect(view, messageId))?.diffClass ?? null;
}

/** A copy of the message in `mailbox` ended at a UID other than the one its client was answered there. */
function renumberedIn(view: RunView, id: string, mailbox: string): boolean {
  return view.copies.get(id)?.some((copy) => copy.mailbox === mailbox && isRenumbered(view, id, copy)) ?? false;
}

function renumberedOnBoth(id: string, mailbox: string, reference: RunView, other: RunView): boolean {
  return [reference, other].every((view) => renumberedIn(view, id, mailbox));
}

function acknowledgedStores(steps: readonly TraceStep[]): TraceStep[] {
  return steps.filter((step) => step.f === 'store' && step.outcome === 'ok' && step.clock !== null);
}

function concurrent(a: TraceStep, b: TraceStep): boolean {
  return a.clock !== null && b.clock !== null && compare(a.clock, b.clock) === 'concurrent';
}

/** Acknowledged stores on different servers, concurrent, wrote the flag true and false. */
function bothValuesConcurrent(steps: readonly TraceStep[], flag: string): boolean {
  const stores = acknowledgedStores(steps).filter((step) => step.writes?.[flag] !== undefined);
  return stores.some((a) => stores.some((b) => a.node !== b.node && a.writes?.[flag] === true && b.writes?.[flag] === false && concurrent(a, b)));
}

/**
 * Cyrus's whole-record overwrite, seen one of two ways: the last acknowledged stores on two
 * servers were concurrent, answered different flag sets, and the message ended with exactly
 * one of them; or an acknowledged store's write is lost (no later store undid it), and a
 * store on another server, concurrent with it, answered a record without that write, the
 * record that replaced it. Stores made later that change nothing (a `-` of an absent flag)
 * do not hide the second.
 */
function flagRecordOverwritten(view: RunView, messageId: string): boolean {
  const copy = singleCopy(view, messageId);
  if (copy === null) return false;
  const stores = acknowledgedStores(view.traces.get(messageId) ?? []);
  const lastByNode = new Map<string, TraceStep>();
  for (const step of stores) if (step.flagsAfter !== undefined) lastByNode.set(step.node, step);
  const lasts = [...lastByNode.values()];
  const ended = copy.flags.join(' ');
  if (lasts.some((winner) => winner.flagsAfter?.join(' ') === ended && lasts.some((loser) => loser.flagsAfter?.join(' ') !== ended && concurrent(winner, loser)))) return true;
  return stores.some((lost) =>
    Object.entries(lost.writes ?? {}).some(([flag, value]) => {
      if (copy.flags.includes(flag) === value) return false;
      const undone = stores.some((later) => happenedBefore(lost.clock as VectorClock, later.clock as VectorClock) && flagWrite(later, flag) === !value);
      const replacedBy = stores.some((other) => other.node !== lost.node && concurrent(lost, other) && other.flagsAfter !== undefined && other.flagsAfter.includes(flag) !== value);
      return !undone && replacedBy;
    }),
  );
}

/** An acknowledged move and an acknowledged store on another server, concurrent, and the store's flag is gone. */
function moveLostFlag(view: RunView, messageId: string): boolean {
  const copy = singleCopy(view, messageId);
  if (copy === null) return false;
  const steps = view.traces.get(messageId) ?? [];
  const moves = steps.filter((step) => step.f === 'move' && step.outcome === 'ok' && step.clock !== null);
  const lost = acknowledgedStores(steps).filter((store) => Object.entries(store.writes ?? {}).some(([flag, set]) => set && !copy.flags.includes(flag)));
  return moves.some((move) => lost.some((store) => store.node !== move.node && concurrent(move, store)));
}

/**
 * The message is held more often than client writes made copies of it, every copy in one
 * mailbox, and some copy sits at a UID no client was answered for it there: the extra record
 * was made by replication, not by a client.
 */
function copiedBackTwice(view: RunView, messageId: string): boolean {
  const copies = view.copies.get(messageId) ?? [];
  const [first] = copies;
  if (first === undefined || copies.length < 2 || copies.some((copy) => copy.mailbox !== first.mailbox)) return false;
  const made = (view.traces.get(messageId) ?? []).filter((step) => step.f === 'deliver' || step.f === 'append' || step.f === 'copy').length;
  const answered = view.answeredUids.get(messageId)?.get(first.mailbox);
  return copies.length > Math.max(1, made) && copies.some((copy) => copy.uid !== answered);
}

/** Every copy sits in the target of an acknowledged MOVE, and an acknowledged EXPUNGE of its source on another server was concurrent with it. */
function moveOutlivedExpunge(view: RunView, messageId: string): boolean {
  const copies = view.copies.get(messageId) ?? [];
  const steps = view.traces.get(messageId) ?? [];
  const acknowledged = steps.filter((step) => step.outcome === 'ok' && step.clock !== null);
  return (
    copies.length > 0 &&
    acknowledged.some((move) => {
      if (move.f !== 'move') return false;
      const [from, to] = move.detail.split('->');
      const expunged = acknowledged.some((expunge) => (expunge.f === 'expunge' || expunge.f === 'delete') && expunge.detail === from && expunge.node !== move.node && concurrent(move, expunge));
      return expunged && copies.every((copy) => copy.mailbox === to);
    })
  );
}

/** No copy is left of a message acknowledged into a mailbox that another server deleted concurrently. */
function deleteDroppedDelivery(view: RunView, messageId: string): boolean {
  if ((view.copies.get(messageId) ?? []).length > 0) return false;
  const created = (view.traces.get(messageId) ?? []).filter((step) => (step.f === 'deliver' || step.f === 'append') && step.outcome === 'ok' && step.clock !== null);
  return created.some((delivery) => view.deletes.some((del) => del.outcome === 'ok' && del.detail === delivery.detail && del.node !== delivery.node && concurrent(delivery, del)));
}

function singleCopy(view: RunView, messageId: string): MessageCopy | null {
  const copies = view.copies.get(messageId) ?? [];
  return copies.length === 1 ? (copies[0] as MessageCopy) : null;
}
