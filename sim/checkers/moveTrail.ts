/**
 * What clients did to each GUID after it was created: expunges and moves, acknowledged
 * ('ok') or of unknown outcome ('info', and ok answers that may have done nothing).
 * Failed operations did nothing and are left out.
 */
import type { ExpungeValue, MoveValue } from '../historyTypes.ts';
import { expungedGuids, opsOf, transferCertain, type ClientOp, type AnyClientOp } from './historyView.ts';

export interface GuidTrail {
  /** ok expunges that removed the GUID. */
  readonly expungedOk: ClientOp<ExpungeValue>[];
  /** info expunges naming the GUID: may have happened. */
  readonly expungedInfo: ClientOp<ExpungeValue>[];
  /** Moves that certainly happened (ok with a target UID). */
  readonly movesOk: ClientOp<MoveValue>[];
  /** Moves that may have happened (info, or ok without a target UID). */
  readonly movesInfo: ClientOp<MoveValue>[];
}

export function guidTrails(ops: readonly AnyClientOp[]): Map<string, GuidTrail> {
  const trails = new Map<string, GuidTrail>();
  const trail = (guid: string): GuidTrail => {
    let found = trails.get(guid);
    if (!found) {
      found = { expungedOk: [], expungedInfo: [], movesOk: [], movesInfo: [] };
      trails.set(guid, found);
    }
    return found;
  };
  for (const op of opsOf(ops, 'expunge')) {
    for (const guid of expungedGuids(op)) (op.outcome === 'ok' ? trail(guid).expungedOk : trail(guid).expungedInfo).push(op);
  }
  for (const op of opsOf(ops, 'move')) {
    if (op.outcome === 'fail' || typeof op.value.guid !== 'string') continue;
    (transferCertain(op) ? trail(op.value.guid).movesOk : trail(op.value.guid).movesInfo).push(op);
  }
  return trails;
}

/**
 * The mailboxes a GUID created in `created` may legitimately end in: the targets of its
 * moves (ok or info), plus the mailbox it was created in unless an acknowledged move took
 * it out. null when an expunge (ok or info) may have removed it.
 */
export function allowedHomes(created: string, trail: GuidTrail | undefined): Set<string> | null {
  if (!trail) return new Set([created]);
  if (trail.expungedOk.length > 0 || trail.expungedInfo.length > 0) return null;
  const homes = new Set<string>();
  if (trail.movesOk.length === 0) homes.add(created);
  for (const move of [...trail.movesOk, ...trail.movesInfo]) homes.add(move.value.to);
  return homes;
}
