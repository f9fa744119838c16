/**
 * convergence: after the last heal, all replicas hold identical mailbox states and
 * identical trees, and the simulator saw them agree within the bound. The convergence
 * time and the number of sync rounds are reported as costs. Evidence is the last
 * heal/restart record (the start of quiescence), or the last record.
 */
import { allMessages } from '../../core/messageMap.ts';
import type { Mailbox, StoreState } from '../../core/state.ts';
import type { HistoryRecord } from '../historyTypes.ts';
import type { CheckResult } from '../resultTypes.ts';
import { sortedMailboxes } from './historyView.ts';
import type { CheckInput } from './types.ts';
import { unknownResult, Violations } from './violations.ts';

/** A canonical text of a state's IMAP-visible content (and the owner), for equality; without MODSEQs where each replica counts its own. */
export function stateFingerprint(state: StoreState, ownModseqs = false): string {
  return JSON.stringify(sortedMailboxes(state).map((mailbox) => mailboxFingerprint(mailbox, ownModseqs)));
}

function mailboxFingerprint(mailbox: Mailbox, ownModseqs: boolean): unknown {
  const messages = [...allMessages(mailbox.messages)]
    .sort((a, b) => (a.guid < b.guid ? -1 : a.guid > b.guid ? 1 : 0))
    .map((m) => [m.guid, m.uid, m.flags, ownModseqs ? null : m.modseq, m.internalDateMs, m.sizeBytes, m.blobId, m.messageId]);
  return [mailbox.name, mailbox.uidValidity, mailbox.uidNext, ownModseqs ? null : mailbox.highestModseq, mailbox.keywords, mailbox.strategyData ?? null, messages];
}

function quiescenceRecord(history: readonly HistoryRecord[], lastHealMs: number): number {
  let found = -1;
  for (const record of history) {
    if (record.process !== 'nemesis' || record.timeMs > lastHealMs) continue;
    const kind = (record.value as { kind?: unknown } | null)?.kind;
    if (kind === 'heal' || kind === 'restart') found = record.index;
  }
  return found >= 0 ? found : (history[history.length - 1]?.index ?? -1);
}

export function checkConvergence(input: CheckInput): CheckResult {
  const { lastHealMs, convergedAtMs, boundMs, syncRounds } = input.convergence;
  const costs: Record<string, number> = { syncRounds };
  if (convergedAtMs !== null) costs['convergenceTimeMs'] = convergedAtMs - lastHealMs;
  // Each other replica is compared with the first; a lone replica has nothing to agree with.
  const judged = { count: Math.max(0, input.finals.length - 1), what: 'replicas compared with the first' };
  if (input.finals.length === 0) return unknownResult('no final replica states to check', judged, costs);
  const evidence = quiescenceRecord(input.history, lastHealMs);
  const violations = new Violations();
  const [first, ...rest] = input.finals;
  if (first) {
    const ownModseqs = input.finals.some((final) => final.ownModseqs === true);
    const fingerprint = stateFingerprint(first.state, ownModseqs);
    for (const other of rest) {
      if (other.treeId !== first.treeId) violations.add([evidence], `${other.node} ends with tree ${other.treeId}, ${first.node} with ${first.treeId}`);
      else if (stateFingerprint(other.state, ownModseqs) !== fingerprint) violations.add([evidence], `${other.node} and ${first.node} share tree ${first.treeId} but hold different mailbox states`);
    }
  }
  if (convergedAtMs === null) {
    if (violations.count === 0) return unknownResult(`final states agree but the simulator never saw the replicas agree after ${lastHealMs} ms`, judged, costs);
  } else if (convergedAtMs - lastHealMs > boundMs) {
    violations.add([evidence], `replicas agreed ${convergedAtMs - lastHealMs} ms after the last heal, bound ${boundMs} ms`);
  }
  return violations.result(
    'convergence violations',
    judged,
    `${input.finals.length} replicas agree; converged ${(convergedAtMs ?? lastHealMs) - lastHealMs} ms after the last heal (bound ${boundMs} ms) in ${syncRounds} sync rounds`,
    costs,
  );
}
