/**
 * What clients did to each GUID after it was created: expunges (and mailbox DELETEs) and
 * moves, acknowledged ('ok') or of unknown outcome ('info', and ok answers that may have done
 * nothing). Failed operations did nothing and are left out.
 */
import type { MoveValue } from '../historyTypes.ts';
import { opsOf, removals, transferCertain, type ClientOp, type AnyClientOp, type Removal } from './historyView.ts';

export interface GuidTrail {
  /** ok expunges (or DELETEs) that removed the GUID. */
  readonly expungedOk: Removal[];
  /** info expunges (or DELETEs) naming the GUID: may have happened. */
  readonly expungedInfo: Removal[];
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
  for (const removal of removals(ops)) {
    for (const guid of removal.guids) (removal.op.outcome === 'ok' ? trail(guid).expungedOk : trail(guid).expungedInfo).push(removal);
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
 * it out, plus INBOX when one of those may have been deleted (a merge recovers there what
 * the other side put into a mailbox one side deleted). null when an expunge or a DELETE (ok
 * or info) may have removed it.
 */
export function allowedHomes(created: string, trail: GuidTrail | undefined, deleted: ReadonlySet<string> = NONE_DELETED): Set<string> | null {
  const homes = new Set<string>();
  if (!trail) homes.add(created);
  else {
    if (trail.expungedOk.length > 0 || trail.expungedInfo.length > 0) return null;
    if (trail.movesOk.length === 0) homes.add(created);
    for (const move of [...trail.movesOk, ...trail.movesInfo]) homes.add(move.value.to);
  }
  if ([...homes].some((home) => deleted.has(home))) homes.add(RECOVERY_MAILBOX);
  return homes;
}

const NONE_DELETED: ReadonlySet<string> = new Set();
/** Where the merge puts a message whose mailbox the other side deleted (docs/merge-rules.md). */
const RECOVERY_MAILBOX = 'INBOX';
