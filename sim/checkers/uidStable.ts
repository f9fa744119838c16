/**
 * uid-stable (RFC 9051 §2.3.1.1): a (mailbox, UIDVALIDITY, UID) never names two different
 * messages, for any server over its whole life and for any client over everything it was
 * told. Each binding is judged in the scopes that saw it: a server's 'bind' records and
 * final state, a select or APPENDUID/COPYUID answer (the server that answered and the
 * client that read it). Two servers that each hand out a UID during a partition are not
 * judged against each other, since a merge may retire the contested UID (renumber); but a
 * server that later shows the UID on the other message, or a client that sees both
 * (after failover), is a violation. Pending messages (uid 0) are invisible and bind nothing.
 */
import { allMessages } from '../../core/messageMap.ts';
import type { HistoryRecord } from '../historyTypes.ts';
import type { CheckResult } from '../resultTypes.ts';
import { clientOps, isNumber, onServers, replicaEvents, sortedMailboxes, transferCertain } from './historyView.ts';
import type { CheckInput } from './types.ts';
import { Violations } from './violations.ts';

export interface Binding {
  readonly mailbox: string;
  readonly uidValidity: number;
  readonly uid: number;
  readonly guid: string;
  /** The record that showed the binding. */
  readonly index: number;
  /** Who saw it: 'server a', 'client imap-0'. */
  readonly scopes: readonly string[];
}

/** Every binding shown by a history record, in history order, with the scopes that saw it (uid 0 skipped). */
export function bindingsInHistory(history: readonly HistoryRecord[]): Binding[] {
  const out: Binding[] = [];
  const push = (scopes: readonly string[], mailbox: unknown, uidValidity: unknown, uid: unknown, guid: unknown, index: number): void => {
    if (typeof mailbox !== 'string' || typeof guid !== 'string' || !isNumber(uidValidity) || !isNumber(uid) || uid <= 0) return;
    out.push({ mailbox, uidValidity, uid, guid, index, scopes });
  };
  for (const { record, value } of replicaEvents(history, 'bind')) {
    push([nodeScope(record.node)], value.mailbox, value.uidValidity, value.uid, value.guid, record.index);
  }
  // Only server answers bind: a request's UID is the client's cache, read from an earlier answer.
  for (const op of clientOps(history)) {
    if (op.outcome !== 'ok') continue;
    const scopes = [nodeScope(op.node), `client ${op.process}`];
    if (op.f === 'deliver' || op.f === 'append') {
      // An SMTP client is told no UID (the simulator records the server's): only the server saw it.
      const value = op.value;
      push(op.f === 'deliver' ? [nodeScope(op.node)] : scopes, value.mailbox, value.uidValidity, value.uid, value.guid, op.index);
    } else if (op.f === 'select') {
      const value = op.value;
      for (const seen of value.messages ?? []) push(scopes, value.mailbox, value.uidValidity, seen.uid, seen.guid, op.index);
    } else if ((op.f === 'move' || op.f === 'copy') && transferCertain(op)) {
      // Without COPYUID (nothing moved) the answer binds no target UID.
      const value = op.value;
      push(scopes, value.to, value.toUidValidity, value.toUid, op.f === 'move' ? value.guid : value.toGuid, op.index);
    }
  }
  return out.sort((a, b) => a.index - b.index);
}

const nodeScope = (node: string): string => `server ${node}`;

/**
 * One string per (scope, mailbox, UIDVALIDITY, UID), built without JSON: a run binds tens of
 * thousands of UIDs (every SELECT lists its mailbox). The numbers hold no `/`, and the scope's
 * length says where it ends and the mailbox name begins, so two keys are equal only when all
 * four parts are.
 */
const keyOf = (scope: string, b: { mailbox: string; uidValidity: number; uid: number }): string => `${b.uidValidity}/${b.uid}/${scope.length}:${scope}${b.mailbox}`;

export function checkUidStable(input: CheckInput): CheckResult {
  const violations = new Violations();
  const first = new Map<string, Binding>();
  const firstIndexOfGuid = new Map<string, number>();
  const reported = new Set<string>();
  const bind = (binding: Binding, where: string): void => {
    for (const scope of binding.scopes) {
      const key = keyOf(scope, binding);
      const known = first.get(key);
      if (!known) {
        first.set(key, binding);
        continue;
      }
      // Most bindings repeat one already known (every SELECT lists its mailbox again): only a clash needs its pair's key.
      if (known.guid === binding.guid) continue;
      const pair = JSON.stringify([binding.mailbox, binding.uidValidity, binding.uid, known.guid, binding.guid]);
      if (reported.has(pair)) continue;
      reported.add(pair);
      violations.add(
        [known.index, binding.index],
        `${binding.mailbox} UIDVALIDITY ${binding.uidValidity} UID ${binding.uid} names ${known.guid} (record ${known.index}) and ${binding.guid} (${where}) for ${scope}${scope.startsWith('client') ? onServers(input.history, known.index, binding.index) : ''}`,
      );
    }
  };
  const bindings = bindingsInHistory(input.history);
  for (const binding of bindings) if (!firstIndexOfGuid.has(binding.guid)) firstIndexOfGuid.set(binding.guid, binding.index);
  for (const binding of bindings) bind(binding, `record ${binding.index}`);
  let finalCount = 0;
  for (const final of input.finals) {
    for (const mailbox of sortedMailboxes(final.state)) {
      for (const message of allMessages(mailbox.messages)) {
        if (message.uid <= 0) continue;
        finalCount++;
        const index = firstIndexOfGuid.get(message.guid) ?? -1;
        const binding = { mailbox: mailbox.name, uidValidity: mailbox.uidValidity, uid: message.uid, guid: message.guid, index, scopes: [nodeScope(final.node)] };
        bind(binding, `final state of ${final.node}`);
      }
    }
  }
  return violations.result(
    'UIDs naming two messages',
    { count: bindings.length + finalCount, what: 'UID bindings (recorded and final)' },
    `${first.size} (scope, mailbox, UIDVALIDITY, UID) keys from ${bindings.length} recorded bindings and ${finalCount} final messages each name one message`,
  );
}
