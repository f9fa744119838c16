/**
 * The Maildir-aware three-way merge of two replica states, keyed by GUID. Pure: plain
 * state in, plain state out, no I/O. UID strategies plug in through `MergePolicy`
 * (core/strategies/*.ts); everything else below is shared by all of them.
 *
 * Rules (also in docs/merge-rules.md):
 * - Messages are matched by GUID across all mailboxes (a MOVE keeps the GUID, a COPY makes a
 *   new one). Only GUIDs whose entries differ between ours and theirs are looked at: buckets
 *   that are reference-equal on both sides are skipped, and two buckets copied from one root
 *   are compared on the GUIDs changed since it (core/bucketLineage.ts), so the cost follows the
 *   divergence.
 * - Flags: each flag and keyword is merged three-way: a change on one side wins; where both
 *   sides changed it they agree. Only without a base version of the message (it reached both
 *   sides by different paths) can they disagree: then the side with the higher per-message
 *   MODSEQ wins, and on a MODSEQ tie the flag is set (add wins): symmetric and deterministic.
 * - Expunge wins over any flag change, and over a concurrent MOVE: a move keeps the GUID, so
 *   the expunge reaches the message wherever it went. A COPY made concurrently with an
 *   expunge of its source survives: the copy is a new message with its own GUID.
 * - Move: the location (mailbox) is merged three-way like a flag, so a message moved on one
 *   side and flagged on the other ends up in the target with the flag. Moved to two
 *   different mailboxes concurrently, it ends up in exactly one: the smaller name (UTF-16
 *   code unit order).
 * - Mailboxes: existence is merged three-way by name, where a name whose UIDVALIDITY differs
 *   from the base's on a side is a new incarnation there (that side deleted the old mailbox and
 *   created this one), which the other side's delete of the old one does not remove. Created
 *   on one or both sides: it exists (both: one mailbox, UIDVALIDITY the larger, the other
 *   side's UIDs settled by the strategy). Deleted on one side: it is gone, with the messages it held at the base (a
 *   mailbox delete is an expunge of its contents, and wins over their flag changes and
 *   moves). Messages the other side put into it after the base (deliveries, appends,
 *   copies, moves in) are not dropped: they are recovered into INBOX, keep their flags and
 *   get UIDs there as new arrivals. INBOX is never deleted.
 * - Renames: the state has no mailbox id, so a rename X -> Y on one side is recognised when
 *   X is gone from that side, Y is new there, Y has X's UIDVALIDITY and at least X's
 *   UIDNEXT, the other side has no unrelated Y, and (if X held messages at the base) Y
 *   holds at least one of them. The other side's X is then read as Y, so its concurrent
 *   deliveries into X land in Y. Renamed to two different names concurrently: the smaller
 *   name wins. Rename against delete: the delete wins (a rename is a change to the mailbox,
 *   and a delete wins over changes, as an expunge does); what was put into the mailbox after
 *   the base is recovered into INBOX like any delivery into a deleted mailbox. A rename that
 *   is not recognised is read as delete + create + moves, which the rules above settle.
 * - UIDVALIDITY: a UIDVALIDITY names one UID space, whatever mailbox name holds it on a side.
 *   Equal on both sides: kept. Created on both sides concurrently: the larger. Replaced on
 *   one side since the base (re-created, another mailbox renamed onto the name, a reset) by a
 *   larger one: the larger. Otherwise (replaced by a smaller one, or on both sides) a fresh
 *   UIDVALIDITY above every one in the three states and every UID reassigned, because a side
 *   that dropped a UID space may have bound UIDs in it that no state shows any more. The same
 *   holds when one side no longer has the base's UID space at all (deleted, or renamed in a
 *   way the merge does not recognise) while the other still uses it. Two merged mailboxes
 *   never share a UIDVALIDITY (an unrecognised concurrent rename could leave one space under
 *   two names): all but the smallest name get a fresh one. Fresh values are spread by a hash
 *   of both sides so that concurrent merges on different replicas do not mint the same one.
 * - UIDs (the strategy decides; the merge offers): a UID is *safe* for a message when each
 *   side either binds that UID to this very message or never handed it out (it is at or above
 *   that side's UIDNEXT in that UID space). So no replica ever sees one UID name two messages.
 * - MODSEQ: every message whose merged value differs from either side's gets one MODSEQ
 *   above both sides' HIGHESTMODSEQ, and so does the mailbox.
 * - Limitation (inherent to a state-based merge): an add and a remove of one flag that were
 *   concurrent somewhere in the history may leave either value, even when each add was later
 *   removed on its own path; without such a conflict the causally last write always wins.
 * - Canonical: the result depends only on the three states (never on which side is ours,
 *   nor on MergeContext.node): keyword tables are the sorted union of both sides', UIDNEXT
 *   and HIGHESTMODSEQ derive from both sides symmetrically. (The order of entries inside a
 *   bucket Map is not part of the state: layouts write trees sorted by name.)
 * - Criss-cross histories: merge from `recursiveMergeBaseState` (core/mergeBase.ts): the best
 *   common ancestors merged into one virtual base with `mergeVirtualBase`, which never mints a
 *   UIDVALIDITY. A single criss-cross base (`mergeBase`) can resurrect expunged messages.
 */
import { assert } from '../errors.ts';
import type { Mailbox, StoreState } from '../state.ts';
import type { MergeContext, MergeOutcome } from '../strategy.ts';
import type { MergePolicy } from './policy.ts';
import { renumberMailbox } from './uids.ts';
import { mergeFlagsThreeWay } from './flags.ts';
import { compareStrings } from './compare.ts';
import { INBOX, mergedMailboxNames, nameMaps, sideMailbox } from './names.ts';
import { changedGuids, locateInBase, mergeLocation } from './changed.ts';
import { framesOf, keepFrameRecords, separateSharedValidities, validityMint, withoutFrameRecords } from './validity.ts';
import { mergeMailbox } from './mailbox.ts';
import type { Pending } from './pending.ts';
import { NO_PROBES, type ProbeSink } from '../probes.ts';
import type { Located } from './changed.ts';

/** The merge used to combine several best common ancestors into one virtual base. */
export function mergeVirtualBase(base: StoreState, ours: StoreState, theirs: StoreState): StoreState {
  return mergeStores(base, ours, theirs, NEUTRAL_CONTEXT, { settleMailbox: renumberMailbox, virtualBase: true }).state;
}

/** Merge with the renumber policy and a neutral context: the plain merged state. */
export function merge3(base: StoreState, ours: StoreState, theirs: StoreState): StoreState {
  return mergeStores(base, ours, theirs, NEUTRAL_CONTEXT, { settleMailbox: renumberMailbox }).state;
}

const NEUTRAL_CONTEXT: MergeContext = { node: '', oursTimeMs: 0, theirsTimeMs: 0 };


export function mergeStores(baseIn: StoreState, oursIn: StoreState, theirsIn: StoreState, ctx: MergeContext, policy: MergePolicy): MergeOutcome {
  // UID spaces every input knows of, frame records of virtual bases included; then the real mailboxes.
  const frames = { base: framesOf(baseIn), ours: framesOf(oursIn), theirs: framesOf(theirsIn) };
  const base = withoutFrameRecords(baseIn);
  const ours = withoutFrameRecords(oursIn);
  const theirs = withoutFrameRecords(theirsIn);
  const maps = nameMaps(base, ours, theirs);
  const [b, o, t] = maps;
  const names = mergedMailboxNames([base, ours, theirs], maps);
  const changed = changedGuids(ours, theirs, maps);
  const arrivals = new Map<string, Pending[]>(); // merged mailbox -> messages landing there
  const guids = [...new Set([...changed.ours.keys(), ...changed.theirs.keys()])].sort(compareStrings);
  const probes = ctx.probes ?? NO_PROBES;
  for (const guid of guids) {
    const inOurs = changed.ours.get(guid);
    const inTheirs = changed.theirs.get(guid);
    const inBase = locateInBase(base, b, guid);
    let target = mergeLocation(inBase?.mailbox, inOurs?.mailbox, inTheirs?.mailbox);
    const moved = movedSinceBase(inBase, inOurs, inTheirs);
    probeLocation(probes, inBase, inOurs, inTheirs, target);
    if (target === undefined) continue;
    if (!names.has(target)) {
      // Put into a mailbox the other side deleted: recovered into INBOX, never dropped.
      if (!names.has(INBOX)) names.add(target);
      else {
        target = INBOX;
        probes.hit('recovered-into-inbox');
      }
    }
    const any = (inOurs ?? inTheirs)?.message;
    assert(any !== undefined, 'a changed GUID is on at least one side');
    const flags =
      inOurs && inTheirs ? (policy.mergeFlags ?? mergeFlagsThreeWay)(inBase?.message, inOurs.message, inTheirs.message, ctx) : any.flags;
    let list = arrivals.get(target);
    if (!list) arrivals.set(target, (list = []));
    list.push({ guid, flags, ours: inOurs, theirs: inTheirs, any, moved });
  }
  const mailboxes = new Map<string, Mailbox>();
  let renumbered = 0;
  const uidValidityChanges: { mailbox: string; before: number; after: number }[] = [];
  const mint = validityMint(baseIn, oursIn, theirsIn, guids);
  for (const name of [...names].sort(compareStrings)) {
    const merged = mergeMailbox(name, {
      frames,
      freshUidValidity: mint(name),
      base: sideMailbox(base, b, name),
      ours: sideMailbox(ours, o, name),
      theirs: sideMailbox(theirs, t, name),
      arrivals: arrivals.get(name) ?? [],
      touched: changed.touched.get(name) ?? [],
      changed,
      policy,
      probes,
    });
    mailboxes.set(name, merged.mailbox);
    renumbered += merged.renumbered;
    for (const side of [sideMailbox(ours, o, name), sideMailbox(theirs, t, name)]) {
      if (side && side.uidValidity !== merged.mailbox.uidValidity && !uidValidityChanges.some((c) => c.mailbox === name && c.before === side.uidValidity)) {
        uidValidityChanges.push({ mailbox: name, before: side.uidValidity, after: merged.mailbox.uidValidity });
      }
    }
  }
  if (policy.virtualBase) keepFrameRecords(mailboxes, [frames.base, frames.ours, frames.theirs]);
  else renumbered += separateSharedValidities(mailboxes, mint, uidValidityChanges);
  if (uidValidityChanges.length > 0) probes.hit('uidvalidity-changed');
  return { state: { mailboxes }, renumbered, uidValidityChanges };
}

/** In another mailbox than the base's on some side: moved since the merge base. */
function movedSinceBase(inBase: Located | undefined, inOurs: Located | undefined, inTheirs: Located | undefined): boolean {
  if (inBase === undefined) return false;
  return (inOurs !== undefined && inOurs.mailbox !== inBase.mailbox) || (inTheirs !== undefined && inTheirs.mailbox !== inBase.mailbox);
}

/** The rare location paths of the three-way location merge (core/probes.ts). Only counts. */
function probeLocation(probes: ProbeSink, inBase: Located | undefined, inOurs: Located | undefined, inTheirs: Located | undefined, target: string | undefined): void {
  if (inBase === undefined) return;
  const movedOn = (side: Located | undefined): boolean => side !== undefined && side.mailbox !== inBase.mailbox;
  // A side without it, where the base had it, expunged it; the other side moved it.
  if (target === undefined && (movedOn(inOurs) || movedOn(inTheirs))) probes.hit('expunge-vs-move');
  if (movedOn(inOurs) && movedOn(inTheirs) && inOurs?.mailbox !== inTheirs?.mailbox) probes.hit('move-vs-move');
}
