/**
 * modseq (RFC 7162): on each server, a message's MODSEQ never goes down and grows with
 * every change to it: two observations on one server (a select, a store answer, the final
 * state) showing different flags must show a greater MODSEQ for the later one.
 * HIGHESTMODSEQ never goes down for a client (per mailbox and UIDVALIDITY) and is never
 * below the MODSEQ of a message listed with it.
 */
import { allMessages } from '../../core/messageMap.ts';
import type { SelectValue } from '../historyTypes.ts';
import type { CheckResult } from '../resultTypes.ts';
import { clientOps, isNumber, onServers, sortedMailboxes, type ClientOp } from './historyView.ts';
import type { CheckInput } from './types.ts';
import { Violations } from './violations.ts';

interface Observation {
  readonly modseq: number;
  readonly flags: string;
  readonly index: number;
}

const flagKey = (flags: readonly string[]): string => [...flags].sort().join(' ');

export function checkModseq(input: CheckInput): CheckResult {
  const violations = new Violations();
  // (node, mailbox, uidValidity, guid) -> last observation on that server.
  const last = new Map<string, Observation>();
  let observed = 0;
  const observe = (node: string, mailbox: string, uidValidity: number, guid: string, seen: Observation, where: string): void => {
    const key = JSON.stringify([node, mailbox, uidValidity, guid]);
    const before = last.get(key);
    observed++;
    if (before && (seen.modseq < before.modseq || (seen.modseq === before.modseq && seen.flags !== before.flags))) {
      const what = seen.modseq < before.modseq ? 'went down' : `stayed while flags changed from [${before.flags}] to [${seen.flags}]`;
      violations.add([before.index, seen.index], `${guid} in ${mailbox} on ${node}: MODSEQ ${before.modseq} (record ${before.index}) ${what}: ${seen.modseq} ${where}`);
    }
    if (!before || seen.modseq >= before.modseq) last.set(key, seen);
  };
  const highest = new Map<string, { value: number; index: number }>();
  for (const op of clientOps(input.history)) {
    if (op.outcome !== 'ok') continue;
    if (op.f === 'select') checkSelect(input.history, op, highest, violations, observe);
    if (op.f === 'store') {
      const { mailbox, uidValidity, guid, flagsAfter, modseq } = op.value;
      if (!isNumber(modseq) || !Array.isArray(flagsAfter)) continue;
      observe(op.node, mailbox, uidValidity, guid, { modseq, flags: flagKey(flagsAfter), index: op.index }, `in the store answer (record ${op.index})`);
    }
  }
  for (const final of input.finals) {
    for (const mailbox of sortedMailboxes(final.state)) {
      for (const m of allMessages(mailbox.messages)) {
        const key = JSON.stringify([final.node, mailbox.name, mailbox.uidValidity, m.guid]);
        const before = last.get(key);
        if (before) observe(final.node, mailbox.name, mailbox.uidValidity, m.guid, { modseq: m.modseq, flags: flagKey(m.flags), index: before.index }, 'in the final state');
      }
    }
  }
  const judged = { count: observed + highest.size, what: 'MODSEQ observations and HIGHESTMODSEQ series' };
  return violations.result('MODSEQ violations', judged, `${observed} message observations and ${highest.size} client HIGHESTMODSEQ series are monotonic`);
}

function checkSelect(
  history: CheckInput['history'],
  op: ClientOp<SelectValue>,
  highest: Map<string, { value: number; index: number }>,
  violations: Violations,
  observe: (node: string, mailbox: string, uidValidity: number, guid: string, seen: Observation, where: string) => void,
): void {
  const { mailbox, uidValidity, highestModseq, messages } = op.value;
  if (!isNumber(uidValidity)) return;
  for (const seen of messages ?? []) {
    observe(op.node, mailbox, uidValidity, seen.guid, { modseq: seen.modseq, flags: flagKey(seen.flags), index: op.index }, `in a select (record ${op.index})`);
  }
  if (!isNumber(highestModseq)) return;
  const above = (messages ?? []).find((seen) => seen.modseq > highestModseq);
  if (above) violations.add([op.index], `${op.process} saw ${mailbox} HIGHESTMODSEQ ${highestModseq} below MODSEQ ${above.modseq} of ${above.guid}`);
  const key = JSON.stringify([op.process, mailbox, uidValidity]);
  const before = highest.get(key);
  if (before && highestModseq < before.value) {
    violations.add([before.index, op.index], `${op.process} saw ${mailbox} HIGHESTMODSEQ go down from ${before.value} to ${highestModseq}${onServers(history, before.index, op.index)}`);
  } else {
    highest.set(key, { value: highestModseq, index: op.index });
  }
}
