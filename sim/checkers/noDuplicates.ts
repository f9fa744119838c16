/**
 * no-duplicates: after convergence, one message (by Message-ID) appears on a replica at
 * most as many times as clients may have created it. Each SMTP/APPEND attempt that was
 * acknowledged or ended with an unknown outcome ('info': timeout, crash) may have stored
 * one copy, and each COPY (ok or info) one more; a message no client created (the
 * initial population) may appear once. Copies beyond that were made by a merge and are
 * violations; copies explained only by info attempts are SMTP retries, reported as the
 * cost `retryCopies`. Messages without a Message-ID cannot be told apart and are skipped.
 */
import { allMessages } from '../../core/messageMap.ts';
import type { CheckResult } from '../resultTypes.ts';
import { clientOps, copyMayHaveCreated, opsOf, replicaEvents, sortedMailboxes } from './historyView.ts';
import type { CheckInput } from './types.ts';
import { unknownResult, Violations } from './violations.ts';

interface Sources {
  /** Some deliver/append record names the Message-ID (else it came with the initial population). */
  delivered: boolean;
  ok: number;
  info: number;
  copies: number;
  readonly indexes: number[];
}

const JUDGED_WHAT = 'Message-IDs on the final replicas';

export function checkNoDuplicates(input: CheckInput): CheckResult {
  if (input.finals.length === 0) return unknownResult('no final replica states to check', { count: 0, what: JUDGED_WHAT });
  const ops = clientOps(input.history);
  const messageIdOfGuid = new Map<string, string>();
  for (const final of input.finals) {
    for (const mailbox of sortedMailboxes(final.state)) for (const m of allMessages(mailbox.messages)) messageIdOfGuid.set(m.guid, m.messageId);
  }
  const sources = new Map<string, Sources>();
  const sourcesOf = (messageId: string): Sources => {
    let found = sources.get(messageId);
    if (!found) {
      found = { delivered: false, ok: 0, info: 0, copies: 0, indexes: [] };
      sources.set(messageId, found);
    }
    return found;
  };
  for (const op of [...opsOf(ops, 'deliver'), ...opsOf(ops, 'append')]) {
    if (typeof op.value.messageId !== 'string') continue;
    const found = sourcesOf(op.value.messageId);
    found.delivered = true;
    if (op.outcome === 'fail') continue;
    if (op.outcome === 'ok') found.ok++;
    else found.info++;
    found.indexes.push(op.index);
    if (typeof op.value.guid === 'string') messageIdOfGuid.set(op.value.guid, op.value.messageId);
  }
  for (const op of opsOf(ops, 'copy')) {
    const messageId = messageIdOfGuid.get(op.value.guid) ?? (op.value.toGuid === undefined ? undefined : messageIdOfGuid.get(op.value.toGuid));
    if (!copyMayHaveCreated(op) || messageId === undefined) continue;
    const found = sourcesOf(messageId);
    found.copies++;
    found.indexes.push(op.index);
  }
  const violations = new Violations();
  // messageId -> worst case over replicas.
  const excessById = new Map<string, { excess: number; node: string; guids: string[] }>();
  const retryById = new Map<string, number>();
  const judgedIds = new Set<string>();
  for (const final of input.finals) {
    const countById = new Map<string, number>();
    const guidsById = new Map<string, string[]>();
    for (const mailbox of sortedMailboxes(final.state)) {
      for (const m of allMessages(mailbox.messages)) {
        if (m.messageId === '') continue;
        countById.set(m.messageId, (countById.get(m.messageId) ?? 0) + 1);
        guidsById.set(m.messageId, [...(guidsById.get(m.messageId) ?? []), m.guid]);
      }
    }
    for (const [messageId, count] of countById) {
      judgedIds.add(messageId);
      const found = sources.get(messageId);
      const allowed = allowedCopies(found);
      const sure = allowed - (found?.info ?? 0);
      const excess = count - allowed;
      if (excess > (excessById.get(messageId)?.excess ?? 0)) excessById.set(messageId, { excess, node: final.node, guids: guidsById.get(messageId) ?? [] });
      const retries = Math.max(0, Math.min(count, allowed) - Math.max(1, sure));
      retryById.set(messageId, Math.max(retryById.get(messageId) ?? 0, retries));
    }
  }
  // Evidence: the client records that created the message, and where each copy was first bound.
  const firstBind = new Map<string, number>();
  for (const { record, value } of replicaEvents(input.history, 'bind')) {
    if (typeof value.guid === 'string' && !firstBind.has(value.guid)) firstBind.set(value.guid, record.index);
  }
  for (const [messageId, { excess, node, guids }] of [...excessById].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const found = sources.get(messageId);
    const allowed = allowedCopies(found);
    const evidence = [...(found?.indexes ?? []), ...guids.map((guid) => firstBind.get(guid) ?? -1)];
    for (let i = 0; i < excess; i++) {
      violations.add(evidence, `${messageId} appears ${allowed + excess} times on ${node} (${guids.join(', ')}), but clients created it at most ${allowed} times`);
    }
  }
  const retryCopies = [...retryById.values()].reduce((sum, n) => sum + n, 0);
  return violations.result('duplicate copies made by merges', { count: judgedIds.size, what: JUDGED_WHAT }, `no message appears more often than clients created it (${retryCopies} SMTP retry copies)`, { retryCopies });
}

/** How many copies clients may have created: attempts ok or info, copies, and the population's one. */
function allowedCopies(found: Sources | undefined): number {
  if (!found) return 1;
  return (found.delivered ? 0 : 1) + found.ok + found.info + found.copies;
}
