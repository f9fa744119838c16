/**
 * lease-exclusive: what the owner strategy's lease promises (sim/leases.ts). A mailbox's UIDs
 * are handed out by one owner at a time, and owners follow their lease epochs (fencing
 * tokens) in time: once a node has assigned UIDs in a mailbox under epoch E, no node assigns
 * there under an epoch below E, and no other node under E itself. Judged from the 'assign'
 * records, in history order, which is the simulator's true time: not by any node's clock.
 *
 * Why a checker of its own: a second owner does not make uid-stable fail in this model. The
 * owner merge sends both sides of a UID clash back to pending, and a client's session
 * guarantee refuses a server behind it, so the damage of two owners is renumbering, which a
 * partitioned owner's lease window also causes (docs/merge-rules.md). What a broken fence
 * does, and a sound one never does, is assign under a lease another owner has superseded.
 * Strategies without leases record no assignments: nothing to judge (not-applicable).
 */
import type { CheckResult } from '../resultTypes.ts';
import { isNumber, replicaEvents } from './historyView.ts';
import type { CheckInput } from './types.ts';
import { Violations } from './violations.ts';

interface Assigner {
  readonly node: string;
  readonly epoch: number;
  readonly index: number;
  readonly timeMs: number;
}

const uidList = (uids: readonly number[]): string => (uids.length === 1 ? `UID ${uids[0]}` : `UIDs ${uids[0]}-${uids[uids.length - 1]}`);
const seconds = (timeMs: number): string => `${(timeMs / 1000).toFixed(1)} s`;

export function checkLeaseExclusive(input: CheckInput): CheckResult {
  const violations = new Violations();
  // mailbox -> the assigner with the newest epoch so far.
  const newest = new Map<string, Assigner>();
  let count = 0;
  for (const { record, value } of replicaEvents(input.history, 'assign')) {
    const { mailbox, epoch, uids } = value;
    if (typeof mailbox !== 'string' || !isNumber(epoch) || !Array.isArray(uids) || uids.length === 0) continue;
    count++;
    const top = newest.get(mailbox);
    const here = `${record.node} assigned ${mailbox} ${uidList(uids)} under epoch ${epoch} at ${seconds(record.timeMs)}`;
    if (top !== undefined && epoch < top.epoch) {
      violations.add([top.index, record.index], `${here}, after ${top.node} had assigned under epoch ${top.epoch} at ${seconds(top.timeMs)}`);
    } else if (top !== undefined && epoch === top.epoch && record.node !== top.node) {
      violations.add([top.index, record.index], `${here}, which ${top.node} also held (assigned at ${seconds(top.timeMs)})`);
    } else if (top === undefined || epoch > top.epoch) {
      newest.set(mailbox, { node: record.node, epoch, index: record.index, timeMs: record.timeMs });
    }
  }
  return violations.result(
    'UID assignments under a superseded or shared lease',
    { count, what: 'UID assignments under a lease' },
    `${count} owner assignments in ${newest.size} mailbox(es) followed the lease epochs, one owner at a time`,
  );
}
