/**
 * move-atomic (RFC 6851 §3.3): a moved message ends up in exactly one mailbox. A move
 * keeps the GUID, so one GUID in two mailboxes of one final state is a violation, and a
 * message moved with an OK answer must still be somewhere on every replica unless an
 * expunge (ok or info) may have removed it.
 */
import type { CheckResult } from '../resultTypes.ts';
import { clientOps, locateAll, opsOf, transferCertain } from './historyView.ts';
import { acknowledgedCreations } from './noLostMail.ts';
import { guidTrails } from './moveTrail.ts';
import type { CheckInput } from './types.ts';
import { unknownResult, Violations } from './violations.ts';

export function checkMoveAtomic(input: CheckInput): CheckResult {
  const ops = clientOps(input.history);
  // Every move that may have happened is judged (one GUID in one mailbox); an acknowledged one also must not vanish.
  const judged = { count: opsOf(ops, 'move').filter((op) => op.outcome !== 'fail').length, what: 'moves (ok or info)' };
  if (input.finals.length === 0) return unknownResult('no final replica states to check', judged);
  const trails = guidTrails(ops);
  const createdAt = new Map<string, number>();
  for (const creation of acknowledgedCreations(ops)) if (!createdAt.has(creation.guid)) createdAt.set(creation.guid, creation.index);
  const moveIndexes = (guid: string): number[] => {
    const trail = trails.get(guid);
    const indexes = trail ? [...trail.movesOk, ...trail.movesInfo].map((op) => op.index) : [];
    return indexes.length > 0 ? indexes : [createdAt.get(guid) ?? -1];
  };
  const violations = new Violations();
  const reported = new Set<string>();
  const located = input.finals.map((final) => ({ node: final.node, where: locateAll(final.state) }));
  for (const { node, where } of located) {
    for (const [guid, list] of where) {
      if (list.length < 2 || reported.has(guid)) continue;
      reported.add(guid);
      violations.add(moveIndexes(guid), `${guid} is in ${list.map((l) => l.mailbox.name).join(' and ')} on ${node}`);
    }
  }
  const moves = opsOf(ops, 'move').filter(transferCertain);
  for (const move of moves) {
    const trail = trails.get(move.value.guid);
    if (reported.has(move.value.guid) || (trail && trail.expungedOk.length + trail.expungedInfo.length > 0)) continue;
    const lostOn = located.filter(({ where }) => !where.has(move.value.guid)).map(({ node }) => node);
    if (lostOn.length === 0) continue;
    reported.add(move.value.guid);
    violations.add([move.index], `${move.value.guid} moved from ${move.value.from} to ${move.value.to} (record ${move.index}) is in neither on ${lostOn.join(', ')}`);
  }
  return violations.result('messages not in exactly one mailbox', judged, `${moves.length} acknowledged moves each left the message in exactly one mailbox on all ${input.finals.length} replicas`);
}
