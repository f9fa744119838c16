/**
 * uidvalidity: every UIDVALIDITY change is counted per mailbox, from the replicas'
 * 'uidvalidity' records and from what each client saw. A change is a violation unless the
 * strategy declares it may reset (then it is a cost); a new value must always be greater
 * than the old one (RFC 9051 §2.3.1.1), for a replica and for a client.
 */
import type { CheckResult } from '../resultTypes.ts';
import { clientOps, isNumber, onServers, replicaEvents, transferCertain, type ClientOp } from './historyView.ts';
import type { CheckInput } from './types.ts';
import { Violations } from './violations.ts';

export function checkUidValidity(input: CheckInput): CheckResult {
  const violations = new Violations();
  const allowed = input.strategy.mayResetValidity;
  // Distinct transitions per mailbox: one reset learnt by every replica is one change.
  const changes = new Map<string, Set<string>>();
  const count = (mailbox: string, before: number, after: number): void => {
    const set = changes.get(mailbox) ?? new Set<string>();
    set.add(`${before}>${after}`);
    changes.set(mailbox, set);
  };
  // Every UIDVALIDITY a replica reported changing and every one a client was told is judged.
  let observed = 0;
  for (const { record, value } of replicaEvents(input.history, 'uidvalidity')) {
    const { mailbox, before, after } = value;
    if (typeof mailbox !== 'string' || !isNumber(before) || !isNumber(after) || before === after) continue;
    observed++;
    count(mailbox, before, after);
    if (after < before) {
      violations.add([record.index], `${record.node} lowered ${mailbox} UIDVALIDITY from ${before} to ${after}`);
    } else if (!allowed) {
      violations.add([record.index], `${record.node} changed ${mailbox} UIDVALIDITY from ${before} to ${after} under ${input.strategy.name}, which declares it never resets`);
    }
  }
  // What clients saw: the last UIDVALIDITY per (process, mailbox).
  const lastSeen = new Map<string, { value: number; index: number }>();
  const see = (op: ClientOp<unknown>, mailbox: unknown, uidValidity: unknown): void => {
    if (typeof mailbox !== 'string' || !isNumber(uidValidity)) return;
    observed++;
    const key = JSON.stringify([op.process, mailbox]);
    const last = lastSeen.get(key);
    lastSeen.set(key, { value: uidValidity, index: op.index });
    if (!last || last.value === uidValidity) return;
    count(mailbox, last.value, uidValidity);
    if (uidValidity < last.value) {
      violations.add([last.index, op.index], `${op.process} saw ${mailbox} UIDVALIDITY go down from ${last.value} to ${uidValidity}${onServers(input.history, last.index, op.index)}`);
    } else if (!allowed) {
      violations.add([last.index, op.index], `${op.process} saw ${mailbox} UIDVALIDITY change from ${last.value} to ${uidValidity} under ${input.strategy.name}${onServers(input.history, last.index, op.index)}`);
    }
  };
  for (const op of clientOps(input.history)) {
    if (op.outcome !== 'ok') continue;
    // Only server answers count (SELECT, COPYUID): a request's uidValidity is the client's own cache.
    if (op.f === 'select') {
      const value = op.value;
      see(op, value.mailbox, value.uidValidity);
    } else if ((op.f === 'move' || op.f === 'copy') && transferCertain(op)) {
      // An OK without COPYUID (the UID was gone, nothing moved) answers no UIDVALIDITY.
      const value = op.value;
      see(op, value.to, value.toUidValidity);
    }
  }
  const costs: Record<string, number> = {};
  let total = 0;
  for (const [mailbox, set] of [...changes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    costs[`uidValidityChanges:${mailbox}`] = set.size;
    total += set.size;
  }
  costs['uidValidityChanges'] = total;
  return violations.result(
    'UIDVALIDITY violations',
    { count: observed, what: 'UIDVALIDITY changes and client observations' },
    `${total} UIDVALIDITY changes${total > 0 ? ' (allowed: the strategy may reset)' : ''}`,
    costs,
  );
}
