/**
 * no-lost-mail: every delivery acknowledged with 250 (and every APPEND or COPY answered
 * OK) is present, by GUID, on every replica at the end, unless an expunge or a mailbox
 * DELETE by a client (acknowledged, or of unknown outcome) may have removed it. A message
 * put into a mailbox that a DELETE may have removed may be in INBOX instead (recovered). A move keeps the GUID, so a
 * moved message must be in a move target. Pending messages (uid 0) count as present. A
 * message a replica holds with another message's body (FinalReplica.wrongBodies: its disk
 * handed back wrong bytes and the replica took them) counts as lost there.
 */
import type { CheckResult } from '../resultTypes.ts';
import { clientOps, copyMayHaveCreated, locateAll, mayBeDeleted, opsOf } from './historyView.ts';
import { allowedHomes, guidTrails } from './moveTrail.ts';
import type { CheckInput } from './types.ts';
import { unknownResult, Violations } from './violations.ts';

export interface Creation {
  readonly guid: string;
  readonly mailbox: string;
  /** The acknowledgement record. */
  readonly index: number;
}

export function acknowledgedCreations(ops: ReturnType<typeof clientOps>): Creation[] {
  const out: Creation[] = [];
  for (const f of ['deliver', 'append'] as const) {
    for (const op of opsOf(ops, f)) {
      if (op.outcome === 'ok' && typeof op.value.guid === 'string') out.push({ guid: op.value.guid, mailbox: op.value.mailbox, index: op.index });
    }
  }
  for (const op of opsOf(ops, 'copy')) {
    if (op.outcome === 'ok' && copyMayHaveCreated(op) && typeof op.value.toGuid === 'string') out.push({ guid: op.value.toGuid, mailbox: op.value.to, index: op.index });
  }
  return out.sort((a, b) => a.index - b.index);
}

const JUDGED_WHAT = 'acknowledged messages';

export function checkNoLostMail(input: CheckInput): CheckResult {
  if (input.finals.length === 0) return unknownResult('no final replica states to check', { count: 0, what: JUDGED_WHAT });
  const ops = clientOps(input.history);
  const trails = guidTrails(ops);
  const deleted = mayBeDeleted(ops);
  const creations = acknowledgedCreations(ops);
  const located = input.finals.map((final) => ({ node: final.node, where: locateAll(final.state), wrong: new Set(final.wrongBodies ?? []) }));
  const violations = new Violations();
  let excused = 0;
  for (const creation of creations) {
    const homes = allowedHomes(creation.mailbox, trails.get(creation.guid), deleted);
    if (homes === null) {
      excused++;
      continue;
    }
    const missing = located.filter(({ where }) => !(where.get(creation.guid) ?? []).some((l) => homes.has(l.mailbox.name)));
    const expected = [...homes].sort().join(' or ');
    if (missing.length > 0) violations.add([creation.index], `${creation.guid} acknowledged at record ${creation.index} is missing from ${expected} on ${missing.map((m) => m.node).join(', ')}`);
    const wrong = located.filter((at) => !missing.includes(at) && at.wrong.has(creation.guid));
    if (wrong.length > 0) violations.add([creation.index], `${creation.guid} acknowledged at record ${creation.index} holds another message's body on ${wrong.map((m) => m.node).join(', ')}`);
  }
  return violations.result(
    'acknowledged messages lost',
    { count: creations.length - excused, what: JUDGED_WHAT },
    `${creations.length - excused} acknowledged messages present on all ${input.finals.length} replicas (${excused} excused by an expunge)`,
  );
}
