/**
 * uid-stable (RFC 9051 §2.3.1.1): across all replicas and all clients, one
 * (mailbox, UIDVALIDITY, UID) never names two different messages. Bindings come from the
 * replicas' 'bind' records, from everything clients were told (APPENDUID, COPYUID, FETCH
 * in a select, store/expunge answers) and from the final states. Pending messages (uid 0)
 * are invisible and bind nothing.
 */
import { allMessages } from '../../core/messageMap.ts';
import type { DeliverValue, ExpungeValue, HistoryRecord, MoveValue, SelectValue, StoreValue } from '../historyTypes.ts';
import type { CheckResult } from '../resultTypes.ts';
import { clientOps, isNumber, opsOf, replicaEvents, sortedMailboxes } from './historyView.ts';
import type { CheckInput } from './types.ts';
import { Violations } from './violations.ts';

export interface Binding {
  readonly mailbox: string;
  readonly uidValidity: number;
  readonly uid: number;
  readonly guid: string;
  /** The record that showed the binding. */
  readonly index: number;
}

/** Every binding shown by a history record, in history order (uid 0 and incomplete values skipped). */
export function bindingsInHistory(history: readonly HistoryRecord[]): Binding[] {
  const out: Binding[] = [];
  const push = (mailbox: unknown, uidValidity: unknown, uid: unknown, guid: unknown, index: number): void => {
    if (typeof mailbox !== 'string' || typeof guid !== 'string' || !isNumber(uidValidity) || !isNumber(uid) || uid <= 0) return;
    out.push({ mailbox, uidValidity, uid, guid, index });
  };
  for (const { record, value } of replicaEvents<Partial<Binding>>(history, 'bind')) {
    push(value.mailbox, value.uidValidity, value.uid, value.guid, record.index);
  }
  const ops = clientOps(history).filter((op) => op.outcome === 'ok');
  for (const op of [...opsOf<DeliverValue>(ops, 'deliver'), ...opsOf<DeliverValue>(ops, 'append')]) {
    push(op.value.mailbox, op.value.uidValidity, op.value.uid, op.value.guid, op.index);
  }
  for (const op of opsOf<SelectValue>(ops, 'select')) {
    for (const seen of op.value.messages ?? []) push(op.value.mailbox, op.value.uidValidity, seen.uid, seen.guid, op.index);
  }
  for (const op of opsOf<StoreValue>(ops, 'store')) push(op.value.mailbox, op.value.uidValidity, op.value.uid, op.value.guid, op.index);
  for (const op of opsOf<ExpungeValue>(ops, 'expunge')) {
    const guids = op.value.guids ?? [];
    (op.value.uids ?? []).forEach((uid, i) => push(op.value.mailbox, op.value.uidValidity, uid, guids[i], op.index));
  }
  for (const f of ['move', 'copy']) {
    for (const op of opsOf<MoveValue>(ops, f)) {
      push(op.value.from, op.value.uidValidity, op.value.uid, op.value.guid, op.index);
      const targetGuid = f === 'move' ? op.value.guid : op.value.toGuid;
      push(op.value.to, op.value.toUidValidity, op.value.toUid, targetGuid, op.index);
    }
  }
  return out.sort((a, b) => a.index - b.index);
}

const keyOf = (mailbox: string, uidValidity: number, uid: number): string => JSON.stringify([mailbox, uidValidity, uid]);

export function checkUidStable(input: CheckInput): CheckResult {
  const violations = new Violations();
  const first = new Map<string, Binding>();
  const firstIndexOfGuid = new Map<string, number>();
  const reported = new Set<string>();
  const bind = (binding: Binding, evidence: readonly number[], where: string): void => {
    const key = keyOf(binding.mailbox, binding.uidValidity, binding.uid);
    const known = first.get(key);
    if (!known) {
      first.set(key, binding);
      return;
    }
    if (known.guid === binding.guid || reported.has(`${key} ${binding.guid}`)) return;
    reported.add(`${key} ${binding.guid}`);
    violations.add(
      [known.index, ...evidence],
      `${binding.mailbox} UIDVALIDITY ${binding.uidValidity} UID ${binding.uid} names ${known.guid} (record ${known.index}) and ${binding.guid} (${where})`,
    );
  };
  const bindings = bindingsInHistory(input.history);
  for (const binding of bindings) if (!firstIndexOfGuid.has(binding.guid)) firstIndexOfGuid.set(binding.guid, binding.index);
  for (const binding of bindings) bind(binding, [binding.index], `record ${binding.index}`);
  let finalCount = 0;
  for (const final of input.finals) {
    for (const mailbox of sortedMailboxes(final.state)) {
      for (const message of allMessages(mailbox.messages)) {
        if (message.uid <= 0) continue;
        finalCount++;
        const index = firstIndexOfGuid.get(message.guid) ?? -1;
        bind({ mailbox: mailbox.name, uidValidity: mailbox.uidValidity, uid: message.uid, guid: message.guid, index }, [index], `final state of ${final.node}`);
      }
    }
  }
  return violations.result(
    'UIDs naming two messages',
    `${first.size} (mailbox, UIDVALIDITY, UID) keys from ${bindings.length} recorded bindings and ${finalCount} final messages each name one message`,
  );
}
