/**
 * uid-order (RFC 9051 §2.3.1.1): on each server, UIDs in a mailbox are handed out strictly
 * ascending in arrival order (judged from the 'bind' records; bindings a replica learns
 * in one step, same node and time, form one batch); a server never shows a UIDNEXT at or
 * below a UID it handed out; a client never sees a new UID below a UIDNEXT it saw earlier
 * under the same UIDVALIDITY; UIDNEXT never goes down for a
 * client. Expectations are kept per UIDVALIDITY, so a reset starts them afresh.
 */
import { allMessages } from '../../core/messageMap.ts';
import type { HistoryRecord } from '../historyTypes.ts';
import type { CheckResult } from '../resultTypes.ts';
import { clientOps, isNumber, onServers, replicaEvents, transferCertain, type ClientOp } from './historyView.ts';
import type { CheckInput } from './types.ts';
import { Violations } from './violations.ts';

export function checkUidOrder(input: CheckInput): CheckResult {
  const violations = new Violations();
  const bindCount = checkServerOrder(input.history, violations);
  checkServerUidNext(input, violations);
  const selectCount = checkClientViews(input.history, violations);
  return violations.result(
    'UID order violations',
    { count: bindCount + selectCount, what: 'server UID assignments and client selects' },
    `${bindCount} server UID assignments ascend and ${selectCount} client selects saw no UIDNEXT go down and no new UID below it`,
  );
}

function checkServerOrder(history: readonly HistoryRecord[], violations: Violations): number {
  // (node, mailbox, uidValidity) -> highest UID of earlier batches, and of the batch in progress.
  const done = new Map<string, { uid: number; index: number }>();
  const current = new Map<string, { uid: number; index: number; timeMs: number }>();
  // (node, mailbox, uidValidity, uid) -> GUID: learning a binding again (after a crash lost it) assigns nothing new.
  const bound = new Map<string, string>();
  let count = 0;
  for (const { record, value } of replicaEvents(history, 'bind')) {
    const { mailbox, uidValidity, uid, guid } = value;
    if (typeof mailbox !== 'string' || !isNumber(uidValidity) || !isNumber(uid) || uid <= 0) continue;
    count++;
    const key = JSON.stringify([record.node, mailbox, uidValidity]);
    const uidKey = JSON.stringify([record.node, mailbox, uidValidity, uid]);
    if (bound.get(uidKey) === guid) continue;
    if (typeof guid === 'string') bound.set(uidKey, guid);
    const batch = current.get(key);
    if (batch && batch.timeMs !== record.timeMs) {
      const before = done.get(key);
      if (!before || batch.uid > before.uid) done.set(key, { uid: batch.uid, index: batch.index });
      current.delete(key);
    }
    const before = done.get(key);
    if (before && uid <= before.uid) {
      violations.add([before.index, record.index], `${record.node} bound ${mailbox} UID ${uid} after UID ${before.uid} (UIDVALIDITY ${uidValidity})`);
    }
    const open = current.get(key);
    if (!open || uid > open.uid) current.set(key, { uid, index: record.index, timeMs: record.timeMs });
  }
  return count;
}

/**
 * A server never shows a UIDNEXT at or below a UID it has handed out in that mailbox and
 * UIDVALIDITY (UIDNEXT only grows past every UID): judged at each select it answered and
 * on its final state.
 */
function checkServerUidNext(input: CheckInput, violations: Violations): void {
  const top = new Map<string, { uid: number; index: number }>();
  const keyOf = (node: string, mailbox: string, uidValidity: number): string => JSON.stringify([node, mailbox, uidValidity]);
  const events: { index: number; run: () => void }[] = [];
  for (const { record, value } of replicaEvents(input.history, 'bind')) {
    const { mailbox, uidValidity, uid } = value;
    if (typeof mailbox !== 'string' || !isNumber(uidValidity) || !isNumber(uid)) continue;
    events.push({
      index: record.index,
      run: () => {
        const key = keyOf(record.node, mailbox, uidValidity);
        if (uid > (top.get(key)?.uid ?? 0)) top.set(key, { uid, index: record.index });
      },
    });
  }
  for (const op of clientOps(input.history)) {
    if (op.outcome !== 'ok' || op.f !== 'select') continue;
    const { mailbox, uidValidity, uidNext } = op.value;
    if (!isNumber(uidValidity) || !isNumber(uidNext)) continue;
    events.push({
      index: op.index,
      run: () => {
        const handed = top.get(keyOf(op.node, mailbox, uidValidity));
        if (handed && uidNext <= handed.uid) {
          violations.add([handed.index, op.index], `${op.node} announced ${mailbox} UIDNEXT ${uidNext} after handing out UID ${handed.uid} (UIDVALIDITY ${uidValidity})`);
        }
      },
    });
  }
  for (const event of events.sort((a, b) => a.index - b.index)) event.run();
  for (const final of input.finals) {
    for (const box of final.state.mailboxes.values()) {
      const handed = top.get(keyOf(final.node, box.name, box.uidValidity));
      let highest = handed?.uid ?? 0;
      for (const m of allMessages(box.messages)) if (m.uid > highest) highest = m.uid;
      if (box.uidNext <= highest) {
        violations.add([handed?.index ?? -1], `${final.node} ends with ${box.name} UIDNEXT ${box.uidNext} at or below UID ${highest} it handed out`);
      }
    }
  }
}

/** One client's view of one (mailbox, UIDVALIDITY). */
interface ClientView {
  uidNext: number;
  uidNextIndex: number;
  readonly seenUids: Set<number>;
}

function checkClientViews(history: readonly HistoryRecord[], violations: Violations): number {
  const on = (earlier: number, later: number): string => onServers(history, earlier, later);
  const views = new Map<string, ClientView>();
  const viewOf = (process: string, mailbox: string, uidValidity: number): ClientView => {
    const key = JSON.stringify([process, mailbox, uidValidity]);
    let view = views.get(key);
    if (!view) {
      view = { uidNext: 0, uidNextIndex: -1, seenUids: new Set() };
      views.set(key, view);
    }
    return view;
  };
  const seeNew = (op: ClientOp<unknown>, mailbox: string, uidValidity: number, uid: number): void => {
    const view = viewOf(op.process, mailbox, uidValidity);
    if (uid > 0 && !view.seenUids.has(uid) && uid < view.uidNext) {
      violations.add(
        [view.uidNextIndex, op.index],
        `${op.process} saw new ${mailbox} UID ${uid} below UIDNEXT ${view.uidNext} it saw earlier (UIDVALIDITY ${uidValidity})${on(view.uidNextIndex, op.index)}`,
      );
    }
    if (uid > 0) view.seenUids.add(uid);
  };
  const ops = clientOps(history).filter((op) => op.outcome === 'ok');
  let selectCount = 0;
  for (const op of ops) {
    if (op.f === 'select') {
      const { mailbox, uidValidity, uidNext, messages } = op.value;
      if (!isNumber(uidValidity)) continue;
      selectCount++;
      for (const seen of messages ?? []) seeNew(op, mailbox, uidValidity, seen.uid);
      if (!isNumber(uidNext)) continue;
      const view = viewOf(op.process, mailbox, uidValidity);
      if (uidNext < view.uidNext) {
        violations.add([view.uidNextIndex, op.index], `${op.process} saw ${mailbox} UIDNEXT go down from ${view.uidNext} to ${uidNext} (UIDVALIDITY ${uidValidity})${on(view.uidNextIndex, op.index)}`);
      } else {
        view.uidNext = uidNext;
        view.uidNextIndex = op.index;
      }
    } else if (op.f === 'append') {
      const { mailbox, uidValidity, uid } = op.value;
      if (isNumber(uidValidity) && isNumber(uid)) seeNew(op, mailbox, uidValidity, uid);
    } else if ((op.f === 'move' || op.f === 'copy') && transferCertain(op)) {
      const { to, toUidValidity, toUid } = op.value;
      if (isNumber(toUidValidity) && isNumber(toUid)) seeNew(op, to, toUidValidity, toUid);
    }
  }
  return selectCount;
}
