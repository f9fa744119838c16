/**
 * no-resurrection: an acknowledged expunge is never undone. After the OK, the message
 * must not come back to that mailbox: not in a later select on the server that expunged
 * it (other servers may still lag), not in a later 'bind' record of that server, and not
 * in any final state. A move of the same GUID into the mailbox (ok or info) that had not completed when the
 * expunge was sent excuses it.
 */
import type { CheckResult } from '../resultTypes.ts';
import { clientOps, locateAll, opsOf, removals, replicaEvents } from './historyView.ts';
import type { CheckInput } from './types.ts';
import { Violations } from './violations.ts';

interface Expunged {
  readonly guid: string;
  readonly mailbox: string;
  readonly node: string;
  readonly index: number;
}

export function checkNoResurrection(input: CheckInput): CheckResult {
  const ops = clientOps(input.history);
  // Completion index of the last move (ok or info) of a GUID into a mailbox.
  const movedInIndex = new Map<string, number>();
  for (const op of opsOf(ops, 'move')) {
    if (op.outcome === 'fail') continue;
    const key = JSON.stringify([op.value.guid, op.value.to]);
    movedInIndex.set(key, Math.max(movedInIndex.get(key) ?? -1, op.index));
  }
  const expunged = new Map<string, Expunged>();
  for (const { op, mailbox, guids } of removals(ops)) {
    if (op.outcome !== 'ok') continue;
    for (const guid of guids) {
      const key = JSON.stringify([guid, mailbox]);
      // A move into the mailbox that had not completed when the expunge was sent may bring the GUID back.
      const excused = (movedInIndex.get(key) ?? -1) > (op.invokeIndex ?? op.index);
      if (!expunged.has(key) && !excused) expunged.set(key, { guid, mailbox, node: op.node, index: op.index });
    }
  }
  const violations = new Violations();
  const reported = new Set<string>();
  const report = (key: string, gone: Expunged, index: number, where: string): void => {
    if (reported.has(key)) return;
    reported.add(key);
    violations.add([gone.index, index], `${gone.guid} expunged from ${gone.mailbox} (record ${gone.index}) is back ${where}`);
  };
  for (const op of opsOf(ops, 'select')) {
    if (op.outcome !== 'ok') continue;
    for (const seen of op.value.messages ?? []) {
      const key = JSON.stringify([seen.guid, op.value.mailbox]);
      const gone = expunged.get(key);
      // Only an op invoked after the ack, on the server that expunged, must not see it.
      if (gone && gone.node === op.node && (op.invokeIndex ?? op.index) > gone.index) report(key, gone, op.index, `in a select on ${op.node} (record ${op.index})`);
    }
  }
  for (const { record, value } of replicaEvents(input.history, 'bind')) {
    const key = JSON.stringify([value.guid, value.mailbox]);
    const gone = expunged.get(key);
    if (gone && gone.node === record.node && record.index > gone.index) report(key, gone, record.index, `bound again on ${record.node} (record ${record.index})`);
  }
  for (const final of input.finals) {
    for (const [guid, list] of locateAll(final.state)) {
      for (const { mailbox } of list) {
        const key = JSON.stringify([guid, mailbox.name]);
        const gone = expunged.get(key);
        if (gone) report(key, gone, gone.index, `in the final state of ${final.node}`);
      }
    }
  }
  return violations.result('expunges undone', { count: expunged.size, what: 'acknowledged expunges' }, `${expunged.size} acknowledged expunges stay expunged on the expunging server and in all ${input.finals.length} final states`);
}
