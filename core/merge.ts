/**
 * The Maildir-aware three-way merge of two replica states, keyed by GUID. Pure: plain
 * state in, plain state out, no I/O. UID strategies plug in through `MergePolicy`
 * (core/strategies/*.ts); everything else below is shared by all of them.
 *
 * Rules (also in docs/merge-rules.md):
 * - Messages are matched by GUID across all mailboxes (a MOVE keeps the GUID, a COPY makes a
 *   new one). Only GUIDs whose entries differ between ours and theirs are looked at: buckets
 *   that are reference-equal on both sides are skipped, so the cost follows the divergence.
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
import { assert } from './errors.ts';
import { BUCKET_COUNT, EMPTY_MESSAGE_MAP, allMessages, bucketOf, getMessage, guidHash, type MessageMap } from './messageMap.ts';
import type { Mailbox, MailboxOwner, Message, StoreState } from './state.ts';
import type { MergeContext, MergeOutcome } from './strategy.ts';

export const INBOX = 'INBOX';

/** One message of a merged mailbox whose UID the strategy must settle. */
export interface UidEntry {
  readonly guid: string;
  /** Its UID in ours' version of this mailbox, in the merged UIDVALIDITY frame; 0 = none or pending. */
  readonly oursUid: number;
  readonly theirsUid: number;
  /**
   * The non-zero candidates (oursUid, theirsUid) that are safe: each side either binds this very
   * GUID to it or never handed it out (it is at or above that side's UIDNEXT). Ascending.
   */
  readonly safeUids: readonly number[];
  readonly internalDateMs: number;
}

/** What a strategy sees of one merged mailbox. */
export interface MailboxUidInput {
  readonly name: string;
  readonly ours: Mailbox | undefined;
  readonly theirs: Mailbox | undefined;
  /** The merged UIDVALIDITY unless the strategy resets it: the larger of both sides'. */
  readonly uidValidity: number;
  /** For a strategy that resets: a UIDVALIDITY above every one in the three states, unique to this mailbox in this merge. */
  readonly freshUidValidity: number;
  /** Lowest UID no side has handed out in this frame (max of the sides' UIDNEXTs, at least 1). */
  readonly uidNextMin: number;
  /** The messages to settle, in GUID order. */
  readonly entries: readonly UidEntry[];
  /** Every message that will be in the mailbox (entries and untouched ones), for strategies that reassign all. */
  readonly allMessages: () => readonly { readonly guid: string; readonly internalDateMs: number }[];
}

export interface MailboxUidResult {
  /** UID for each entry; for a full reassignment, for every message. Missing = keep the untouched message's UID. */
  readonly uids: ReadonlyMap<string, number>;
  readonly uidValidity: number;
  readonly uidNext: number;
  /** true when every message got a new UID (UIDVALIDITY reset). */
  readonly reassignedAll: boolean;
}

/** The variable part of a merge: how UIDs are settled and (for a control) how flags are merged. */
export interface MergePolicy {
  settleMailbox(input: MailboxUidInput): MailboxUidResult;
  /** Defaults to the per-flag three-way merge. */
  mergeFlags?(base: Message | undefined, ours: Message, theirs: Message, ctx: MergeContext): readonly string[];
  /**
   * true when merging best common ancestors into a virtual base (core/mergeBase.ts): never mint
   * a UIDVALIDITY (the larger existing one is kept), so the base only holds UID spaces that real
   * commits hold.
   */
  readonly virtualBase?: boolean;
}

/** Fresh UIDs from `start` upward for `guids` in GUID order (the caller passes them sorted). */
export function assignFresh(guids: readonly string[], start: number, into: Map<string, number>): number {
  let next = start;
  for (const guid of guids) into.set(guid, next++);
  return next;
}

/** The dsync rule: keep a safe UID, else a fresh one above both UIDNEXTs in GUID order. */
export function renumberMailbox(input: MailboxUidInput): MailboxUidResult {
  const uids = new Map<string, number>();
  const fresh: string[] = [];
  for (const entry of input.entries) {
    const kept = entry.safeUids[0];
    if (kept !== undefined) uids.set(entry.guid, kept);
    else fresh.push(entry.guid);
  }
  const uidNext = assignFresh(fresh, input.uidNextMin, uids);
  return { uids, uidValidity: input.uidValidity, uidNext: Math.max(uidNext, input.uidNextMin), reassignedAll: false };
}

/** Per-flag three-way merge (see the rules above). */
export function mergeFlagsThreeWay(base: Message | undefined, ours: Message, theirs: Message): readonly string[] {
  if (sameList(ours.flags, theirs.flags)) return ours.flags;
  const all = new Set([...ours.flags, ...theirs.flags, ...(base?.flags ?? [])]);
  const out: string[] = [];
  for (const flag of all) {
    const inOurs = ours.flags.includes(flag);
    const inTheirs = theirs.flags.includes(flag);
    let value: boolean;
    if (inOurs === inTheirs) value = inOurs;
    else if (base !== undefined) value = base.flags.includes(flag) === inOurs ? inTheirs : inOurs;
    else value = ours.modseq === theirs.modseq ? true : ours.modseq > theirs.modseq ? inOurs : inTheirs;
    if (value) out.push(flag);
  }
  return out.sort(compareStrings);
}

/** The merge used to combine several best common ancestors into one virtual base. */
export function mergeVirtualBase(base: StoreState, ours: StoreState, theirs: StoreState): StoreState {
  return mergeStores(base, ours, theirs, NEUTRAL_CONTEXT, { settleMailbox: renumberMailbox, virtualBase: true }).state;
}

/** Merge with the renumber policy and a neutral context: the plain merged state. */
export function merge3(base: StoreState, ours: StoreState, theirs: StoreState): StoreState {
  return mergeStores(base, ours, theirs, NEUTRAL_CONTEXT, { settleMailbox: renumberMailbox }).state;
}

const NEUTRAL_CONTEXT: MergeContext = { node: '', oursTimeMs: 0, theirsTimeMs: 0 };

// ---------------------------------------------------------------------------------------
// Mailbox names: renames and existence

/** Side mailbox name -> merged name, and back. */
interface NameMap {
  readonly toMerged: ReadonlyMap<string, string>;
  readonly fromMerged: ReadonlyMap<string, string>;
}

function mergedNameOf(map: NameMap, name: string): string {
  return map.toMerged.get(name) ?? name;
}

function sideMailbox(state: StoreState, map: NameMap, merged: string): Mailbox | undefined {
  const own = map.fromMerged.get(merged);
  return own === undefined ? undefined : state.mailboxes.get(own);
}

function buildNameMap(state: StoreState, renames: ReadonlyMap<string, string>): NameMap {
  const toMerged = new Map<string, string>();
  const fromMerged = new Map<string, string>();
  for (const name of state.mailboxes.keys()) {
    const merged = renames.get(name) ?? name;
    toMerged.set(name, merged);
    fromMerged.set(merged, name);
  }
  return { toMerged, fromMerged };
}

/** Renames X -> Y that `side` made since `base` (see the rules above). */
function detectRenames(base: StoreState, side: StoreState, other: StoreState): Map<string, string> {
  const renames = new Map<string, string>();
  const used = new Set<string>();
  const added = [...side.mailboxes.keys()].filter((name) => !base.mailboxes.has(name)).sort(compareStrings);
  if (added.length === 0) return renames;
  for (const from of [...base.mailboxes.keys()].sort(compareStrings)) {
    const old = base.mailboxes.get(from) as Mailbox;
    // Gone from the side: deleted, renamed, or renamed and the name re-created (another UIDVALIDITY).
    if (side.mailboxes.get(from)?.uidValidity === old.uidValidity || from === INBOX) continue;
    const sample = firstGuid(old.messages);
    let chosen: string | undefined;
    for (const to of added) {
      const renamed = side.mailboxes.get(to) as Mailbox;
      if (used.has(to) || renamed.uidValidity !== old.uidValidity || renamed.uidNext < old.uidNext) continue;
      if (sample !== undefined && !containsAnyOf(renamed.messages, old.messages)) continue;
      const otherTo = other.mailboxes.get(to);
      if (otherTo !== undefined && (other.mailboxes.get(from)?.uidValidity === old.uidValidity || otherTo.uidValidity !== old.uidValidity)) continue;
      chosen = to;
      break;
    }
    if (chosen !== undefined) {
      renames.set(from, chosen);
      used.add(chosen);
    }
  }
  return renames;
}

/** Name maps for base, ours and theirs that read every recognised rename as its target name. */
function nameMaps(base: StoreState, ours: StoreState, theirs: StoreState): [NameMap, NameMap, NameMap] {
  const byOurs = detectRenames(base, ours, theirs);
  const byTheirs = detectRenames(base, theirs, ours);
  const baseRenames = new Map<string, string>();
  for (const from of new Set([...byOurs.keys(), ...byTheirs.keys()])) {
    const a = byOurs.get(from);
    const b = byTheirs.get(from);
    baseRenames.set(from, a === undefined ? (b as string) : b === undefined ? a : minString(a, b));
  }
  const sideRenames = (own: Map<string, string>, state: StoreState): Map<string, string> => {
    const out = new Map<string, string>();
    for (const [from, target] of baseRenames) {
      const mine = own.get(from);
      if (mine !== undefined) out.set(mine, target);
      // The side still has the base mailbox (same UIDVALIDITY): read it under the new name.
      else if (state.mailboxes.get(from)?.uidValidity === base.mailboxes.get(from)?.uidValidity) out.set(from, target);
    }
    return out;
  };
  const maps: [NameMap, NameMap, NameMap] = [
    buildNameMap(base, baseRenames),
    buildNameMap(ours, sideRenames(byOurs, ours)),
    buildNameMap(theirs, sideRenames(byTheirs, theirs)),
  ];
  // A name map must be one-to-one; if two mailboxes of one side would share a name, ignore renames.
  const states = [base, ours, theirs];
  if (maps.some((map, i) => map.fromMerged.size !== (states[i] as StoreState).mailboxes.size)) {
    return [buildNameMap(base, new Map()), buildNameMap(ours, new Map()), buildNameMap(theirs, new Map())];
  }
  return maps;
}

/** Merged mailbox names: three-way existence; INBOX is never deleted. */
/**
 * Merged mailbox names. A side's mailbox whose UIDVALIDITY differs from the base's under the
 * same name is another incarnation (re-created, or another mailbox renamed onto the name): the
 * side deleted the base's mailbox and created a new one, so a delete of the old one on the
 * other side does not remove it. The base's incarnation survives only where both sides kept
 * it (three-way existence); INBOX is never deleted.
 */
function mergedMailboxNames(states: readonly [StoreState, StoreState, StoreState], maps: readonly [NameMap, NameMap, NameMap]): Set<string> {
  const [b, o, t] = maps;
  const names = new Set<string>();
  for (const name of new Set([...b.fromMerged.keys(), ...o.fromMerged.keys(), ...t.fromMerged.keys()])) {
    const base = sideMailbox(states[0], b, name);
    const ours = sideMailbox(states[1], o, name);
    const theirs = sideMailbox(states[2], t, name);
    const replaced = (side: Mailbox | undefined): boolean => side !== undefined && base !== undefined && side.uidValidity !== base.uidValidity;
    const created = (side: Mailbox | undefined): boolean => side !== undefined && (base === undefined || replaced(side));
    const keptOld = (side: Mailbox | undefined): boolean => side !== undefined && base !== undefined && !replaced(side);
    const oldSurvives = base !== undefined && keptOld(ours) && keptOld(theirs);
    if (oldSurvives || created(ours) || created(theirs) || (name === INBOX && (ours || theirs))) names.add(name);
  }
  return names;
}

// ---------------------------------------------------------------------------------------
// Changed GUIDs

/** Where a GUID is on one side: merged mailbox name and the message. */
export interface Located {
  readonly mailbox: string;
  /** UIDVALIDITY of the side's mailbox holding it (the UID space its UID belongs to). */
  readonly uidValidity: number;
  readonly message: Message;
}

interface Changed {
  readonly ours: Map<string, Located>;
  readonly theirs: Map<string, Located>;
  /** merged mailbox name -> the changed GUIDs either side has there */
  readonly touched: Map<string, string[]>;
}

/** Every GUID whose entry differs between ours and theirs, with its place on each side. */
function changedGuids(ours: StoreState, theirs: StoreState, maps: readonly [NameMap, NameMap, NameMap]): Changed {
  const [, o, t] = maps;
  const changed: Changed = { ours: new Map(), theirs: new Map(), touched: new Map() };
  for (const name of new Set([...o.fromMerged.keys(), ...t.fromMerged.keys()])) {
    const boxOurs = sideMailbox(ours, o, name);
    const boxTheirs = sideMailbox(theirs, t, name);
    const mo = boxOurs?.messages ?? EMPTY_MESSAGE_MAP;
    const mt = boxTheirs?.messages ?? EMPTY_MESSAGE_MAP;
    if (mo.buckets === mt.buckets) continue;
    for (let index = 0; index < BUCKET_COUNT; index++) {
      const bo = mo.buckets[index];
      const bt = mt.buckets[index];
      if (bo === bt) continue;
      let touched = changed.touched.get(name);
      if (!touched) changed.touched.set(name, (touched = []));
      const vo = boxOurs?.uidValidity ?? 0;
      const vt = boxTheirs?.uidValidity ?? 0;
      if (bo) {
        for (const [guid, message] of bo) {
          const other = bt?.get(guid);
          if (other === message || (other !== undefined && sameMessage(message, other))) continue;
          changed.ours.set(guid, { mailbox: name, uidValidity: vo, message });
          if (other !== undefined) changed.theirs.set(guid, { mailbox: name, uidValidity: vt, message: other });
          touched.push(guid);
        }
      }
      if (bt) {
        for (const [guid, message] of bt) {
          if (bo?.has(guid)) continue; // compared above
          changed.theirs.set(guid, { mailbox: name, uidValidity: vt, message });
          touched.push(guid);
        }
      }
    }
  }
  // A GUID is in one mailbox per state and differs wherever either side has it, so every place
  // of a changed GUID on both sides has been visited: no lookup across mailboxes is needed.
  return changed;
}

function locateInBase(base: StoreState, map: NameMap, guid: string): Located | undefined {
  for (const [name, mailbox] of base.mailboxes) {
    const message = getMessage(mailbox.messages, guid);
    if (message) return { mailbox: mergedNameOf(map, name), uidValidity: mailbox.uidValidity, message };
  }
  return undefined;
}

/** A GUID whose entries differ between ours and theirs, where it is in base, ours and theirs. */
export interface GuidPlaces {
  readonly guid: string;
  readonly base: Located | undefined;
  readonly ours: Located | undefined;
  readonly theirs: Located | undefined;
}

/**
 * The GUIDs that differ between ours and theirs, by plain mailbox name (no rename reading), in
 * GUID order, with the bucket indexes they sit in per mailbox. For merges that know no Maildir
 * rules (the naive-git control).
 */
export function divergedGuids(base: StoreState, ours: StoreState, theirs: StoreState): { places: GuidPlaces[]; touched: ReadonlyMap<string, readonly string[]> } {
  const identity: [NameMap, NameMap, NameMap] = [buildNameMap(base, new Map()), buildNameMap(ours, new Map()), buildNameMap(theirs, new Map())];
  const changed = changedGuids(ours, theirs, identity);
  const guids = [...new Set([...changed.ours.keys(), ...changed.theirs.keys()])].sort(compareStrings);
  const places = guids.map((guid) => ({
    guid,
    base: locateInBase(base, identity[0], guid),
    ours: changed.ours.get(guid),
    theirs: changed.theirs.get(guid),
  }));
  return { places, touched: changed.touched };
}

/** Three-way merge of a GUID's mailbox (undefined = not there). */
export function mergeLocation(base: string | undefined, ours: string | undefined, theirs: string | undefined): string | undefined {
  if (ours === theirs) return ours;
  if (base !== undefined && (ours === undefined || theirs === undefined)) return undefined; // expunge wins
  if (ours === undefined) return theirs; // new on theirs only
  if (theirs === undefined) return ours;
  if (ours === base) return theirs;
  if (theirs === base) return ours;
  return minString(ours, theirs); // moved to two mailboxes: exactly one, deterministically
}

// ---------------------------------------------------------------------------------------
// The merge

/** A merged message before its UID is settled. */
interface Pending {
  readonly guid: string;
  readonly flags: readonly string[];
  readonly ours: Located | undefined;
  readonly theirs: Located | undefined;
  readonly any: Message;
}

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
  for (const guid of guids) {
    const inOurs = changed.ours.get(guid);
    const inTheirs = changed.theirs.get(guid);
    const inBase = locateInBase(base, b, guid);
    let target = mergeLocation(inBase?.mailbox, inOurs?.mailbox, inTheirs?.mailbox);
    if (target === undefined) continue;
    if (!names.has(target)) {
      // Put into a mailbox the other side deleted: recovered into INBOX, never dropped.
      if (!names.has(INBOX)) names.add(target);
      else target = INBOX;
    }
    const any = (inOurs ?? inTheirs)?.message;
    assert(any !== undefined, 'a changed GUID is on at least one side');
    const flags =
      inOurs && inTheirs ? (policy.mergeFlags ?? mergeFlagsThreeWay)(inBase?.message, inOurs.message, inTheirs.message, ctx) : any.flags;
    let list = arrivals.get(target);
    if (!list) arrivals.set(target, (list = []));
    list.push({ guid, flags, ours: inOurs, theirs: inTheirs, any });
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
  return { state: { mailboxes }, renumbered, uidValidityChanges };
}

/**
 * Virtual merge bases only: a UID space that some input knew but the merged mailboxes no longer
 * hold (two incarnations of one name met, and only one name survives) is kept as a frame record,
 * a message-less entry under a name no IMAP mailbox can have. The real merge reads its UIDNEXT
 * as the base's floor for that space and then drops it, so a side that dropped the space is
 * still noticed (and the space started afresh).
 */
function keepFrameRecords(mailboxes: Map<string, Mailbox>, inputs: readonly ReadonlyMap<number, Mailbox>[]): void {
  const held = new Set([...mailboxes.values()].map((m) => m.uidValidity));
  const missing = new Map<number, Mailbox>();
  for (const frames of inputs) {
    for (const [validity, mailbox] of frames) {
      if (held.has(validity)) continue;
      const seen = missing.get(validity);
      if (!seen || seen.uidNext < mailbox.uidNext) missing.set(validity, mailbox);
    }
  }
  for (const [validity, mailbox] of [...missing].sort((x, y) => x[0] - y[0])) {
    const name = `${FRAME_RECORD_PREFIX}${validity}`;
    mailboxes.set(name, { name, uidValidity: validity, uidNext: mailbox.uidNext, highestModseq: mailbox.highestModseq, keywords: [], messages: EMPTY_MESSAGE_MAP });
  }
}

/** Names of frame records in virtual bases: a NUL byte, which no mailbox name may contain. */
const FRAME_RECORD_PREFIX = '\u0000uidvalidity:';

function withoutFrameRecords(state: StoreState): StoreState {
  let found = false;
  for (const name of state.mailboxes.keys()) if (name.startsWith(FRAME_RECORD_PREFIX)) found = true;
  if (!found) return state;
  return { mailboxes: new Map([...state.mailboxes].filter(([name]) => !name.startsWith(FRAME_RECORD_PREFIX))) };
}

/**
 * The merged mailbox's UIDVALIDITY. Equal on both sides (or one side only): that one. Created
 * on both sides concurrently: the larger. Replaced on one side since the base (re-created,
 * another mailbox renamed onto the name, or a reset) by a larger one: the larger. Otherwise
 * (replaced by a smaller one, or replaced on both sides) neither side's UID space is safe to
 * continue: a side that dropped a UID space after the base may have bound UIDs in it that no
 * state shows any more. Then a fresh UIDVALIDITY above all, and every UID reassigned.
 */
function mergedUidValidity(
  base: Mailbox | undefined,
  ours: Mailbox | undefined,
  theirs: Mailbox | undefined,
  fresh: number,
): { uidValidity: number; replaced: boolean } {
  const vo = ours?.uidValidity;
  const vt = theirs?.uidValidity;
  const vb = base?.uidValidity;
  if (vo === undefined || vt === undefined || vo === vt) return { uidValidity: vo ?? vt ?? vb ?? 1, replaced: false };
  if (vb === undefined || (vo === vb && vt > vo) || (vt === vb && vo > vt)) return { uidValidity: Math.max(vo, vt), replaced: false };
  return { uidValidity: fresh, replaced: true };
}

/** Every message UIDs 1..n in (INTERNALDATE, GUID) order, under the given (fresh) UIDVALIDITY. */
export function reassignAll(input: MailboxUidInput): MailboxUidResult {
  const all = [...input.allMessages()].sort((a, b) => a.internalDateMs - b.internalDateMs || compareStrings(a.guid, b.guid));
  const uids = new Map<string, number>();
  all.forEach((m, index) => uids.set(m.guid, index + 1));
  return { uids, uidValidity: input.uidValidity, uidNext: all.length + 1, reassignedAll: true };
}

/** How far above the highest UIDVALIDITY of the three states a fresh one may land. */
export const FRESH_UIDVALIDITY_SPREAD = 1 << 20;

/**
 * Fresh UIDVALIDITYs for one merge: each above every UIDVALIDITY in the three states, distinct
 * within the merge, and spread by a hash of both sides' mailbox summaries, the GUIDs that
 * differ between them, and the name. Two
 * different merges on two replicas (which cannot coordinate) then almost never mint the same
 * number for different contents (about 1 in FRESH_UIDVALIDITY_SPREAD), while the same merge
 * computed on two nodes, or with the sides swapped, mints the same numbers.
 */
function validityMint(base: StoreState, ours: StoreState, theirs: StoreState, changedGuids: readonly string[]): (name: string) => number {
  let top = 0;
  for (const state of [base, ours, theirs]) for (const m of state.mailboxes.values()) top = Math.max(top, m.uidValidity);
  const summary = (state: StoreState): string =>
    [...state.mailboxes.values()].map((m) => `${m.name}:${m.uidValidity}:${m.uidNext}:${m.highestModseq}:${m.messages.size}`).sort(compareStrings).join(',');
  // The GUIDs that differ between the sides tell two merges apart when the summaries agree.
  const seed = [summary(ours), summary(theirs)].sort(compareStrings).join('|') + `|${summary(base)}|${guidHash(changedGuids.join(' '))}`;
  const used = new Set<number>();
  return (name) => {
    let value = top + 1 + (guidHash(`${seed}|${name}`) % FRESH_UIDVALIDITY_SPREAD);
    while (used.has(value)) value++;
    assert(value <= UIDVALIDITY_MAX, 'UIDVALIDITY space exhausted');
    used.add(value);
    return value;
  };
}

/** UIDVALIDITY is a 32-bit unsigned value (RFC 9051). */
const UIDVALIDITY_MAX = 0xffff_ffff;

/** UIDVALIDITY -> mailbox of a state (the smallest name if several share one). */
function framesOf(state: StoreState): Map<number, Mailbox> {
  const frames = new Map<number, Mailbox>();
  for (const name of [...state.mailboxes.keys()].sort(compareStrings)) {
    const mailbox = state.mailboxes.get(name) as Mailbox;
    if (!frames.has(mailbox.uidValidity)) frames.set(mailbox.uidValidity, mailbox);
  }
  return frames;
}

/**
 * No two merged mailboxes may share a UIDVALIDITY: concurrent renames of one mailbox that the
 * merge could not recognise (to two names) would otherwise leave one UID space under two names,
 * handing out the same UIDs twice, and a later rename back would rebind them. The smallest name
 * keeps the UIDVALIDITY; every other one gets a new one above any in the three states, and its
 * visible messages UIDs 1..n in (INTERNALDATE, GUID) order. Returns how many UIDs changed.
 */
function separateSharedValidities(
  mailboxes: Map<string, Mailbox>,
  mint: (name: string) => number,
  changes: { mailbox: string; before: number; after: number }[],
): number {
  const seen = new Set<number>();
  let renumbered = 0;
  for (const name of [...mailboxes.keys()].sort(compareStrings)) {
    const mailbox = mailboxes.get(name) as Mailbox;
    if (!seen.has(mailbox.uidValidity)) {
      seen.add(mailbox.uidValidity);
      continue;
    }
    const modseq = mailbox.highestModseq + 1;
    const visible = [...allMessages(mailbox.messages)]
      .filter((m) => m.uid > 0)
      .sort((a, b) => a.internalDateMs - b.internalDateMs || compareStrings(a.guid, b.guid));
    const pending = [...allMessages(mailbox.messages)].filter((m) => m.uid === 0);
    const messages = visible.map((m, index) => ({ ...m, uid: index + 1, modseq }));
    renumbered += visible.length;
    const uidValidity = mint(`${name}\u0000separate`);
    changes.push({ mailbox: name, before: mailbox.uidValidity, after: uidValidity });
    mailboxes.set(name, {
      ...mailbox,
      uidValidity,
      uidNext: visible.length + 1,
      highestModseq: modseq,
      messages: messageMapSorted([...messages, ...pending.map((m) => ({ ...m, modseq }))]),
    });
  }
  return renumbered;
}

interface MailboxMergeInput {
  readonly base: Mailbox | undefined;
  readonly ours: Mailbox | undefined;
  readonly theirs: Mailbox | undefined;
  readonly arrivals: readonly Pending[];
  /** Changed GUIDs either side has in this mailbox. */
  readonly touched: readonly string[];
  readonly changed: Changed;
  readonly policy: MergePolicy;
  readonly freshUidValidity: number;
  readonly frames: { readonly base: ReadonlyMap<number, Mailbox>; readonly ours: ReadonlyMap<number, Mailbox>; readonly theirs: ReadonlyMap<number, Mailbox> };
}

function mergeMailbox(name: string, input: MailboxMergeInput): { mailbox: Mailbox; renumbered: number } {
  const { ours, theirs, base, arrivals } = input;
  const start = ours?.messages ?? theirs?.messages ?? EMPTY_MESSAGE_MAP;
  const dirty = arrivals.length > 0 || input.touched.length > 0;
  if (ours && theirs && ours === theirs && !dirty) return { mailbox: ours, renumbered: 0 };
  const merged = mergedUidValidity(base, ours, theirs, input.freshUidValidity);
  // A side without this UID space that the base had dropped it since (deleted, or renamed in a way
  // the merge did not recognise): it may have bound UIDs in it that no state shows. Start afresh.
  const dropped = (frames: ReadonlyMap<number, Mailbox>): boolean => !frames.has(merged.uidValidity) && input.frames.base.has(merged.uidValidity);
  const virtual = input.policy.virtualBase === true;
  const replaced = !virtual && (merged.replaced || dropped(input.frames.ours) || dropped(input.frames.theirs));
  const uidValidity = replaced
    ? input.freshUidValidity
    : merged.replaced
      ? Math.max(ours?.uidValidity ?? 0, theirs?.uidValidity ?? 0)
      : merged.uidValidity;
  // A UIDVALIDITY names one UID space, whatever mailbox name holds it on a side (a rename the
  // merge did not recognise leaves the same space under two names): the floor of a side is the
  // UIDNEXT of its mailbox with this UIDVALIDITY, or the base's if the side dropped it.
  const floor = (frames: ReadonlyMap<number, Mailbox>): number =>
    frames.get(uidValidity)?.uidNext ?? input.frames.base.get(uidValidity)?.uidNext ?? 0;
  const floorOurs = floor(input.frames.ours);
  const floorTheirs = floor(input.frames.theirs);
  const inFrame = (located: Located | undefined): number => (located?.uidValidity === uidValidity ? located.message.uid : 0);
  const entries: UidEntry[] = arrivals.map((p) => {
    const oursUid = inFrame(p.ours);
    const theirsUid = inFrame(p.theirs);
    const safe = (uid: number): boolean =>
      uid > 0 && (oursUid === uid || uid >= floorOurs) && (theirsUid === uid || uid >= floorTheirs);
    const safeUids = [...new Set([oursUid, theirsUid])].filter(safe).sort((x, y) => x - y);
    return { guid: p.guid, oursUid, theirsUid, safeUids, internalDateMs: p.any.internalDateMs };
  });
  // Untouched messages: those of the start map outside the rebuilt buckets, plus unchanged ones inside.
  const leaving = (guid: string): boolean => input.changed.ours.has(guid) || input.changed.theirs.has(guid);
  const everyMessage = (): { guid: string; internalDateMs: number }[] => {
    const out: { guid: string; internalDateMs: number }[] = [];
    for (const bucket of start.buckets) if (bucket) for (const m of bucket.values()) if (!leaving(m.guid)) out.push(m);
    for (const p of arrivals) out.push({ guid: p.guid, internalDateMs: p.any.internalDateMs });
    return out;
  };
  const settle = replaced ? reassignAll : input.policy.settleMailbox;
  const settled = settle({
    name,
    ours,
    theirs,
    uidValidity,
    freshUidValidity: input.freshUidValidity,
    uidNextMin: Math.max(1, floorOurs, floorTheirs),
    entries,
    allMessages: everyMessage,
  });
  const highestModseq = Math.max(ours?.highestModseq ?? 0, theirs?.highestModseq ?? 0, base?.highestModseq ?? 0);
  const newModseq = highestModseq + 1;
  let renumbered = 0;
  const finish = (message: Message, uid: number, flags: readonly string[], o: Located | undefined, t: Located | undefined): Message => {
    const sameAs = (l: Located | undefined): boolean => l !== undefined && l.mailbox === name && l.message.uid === uid && sameList(l.message.flags, flags);
    const had = (l: Located | undefined): boolean => l !== undefined && l.message.uid > 0;
    const keptOn = (l: Located | undefined): boolean => l !== undefined && l.mailbox === name && l.message.uid === uid;
    if ((had(o) || had(t)) && !keptOn(o) && !keptOn(t)) renumbered++;
    const modseq = sameAs(o) && sameAs(t) ? Math.max(o?.message.modseq ?? 0, t?.message.modseq ?? 0) : newModseq;
    if (message.uid === uid && message.modseq === modseq && message.flags === flags) return message;
    return { ...message, uid, flags, modseq };
  };
  let messages: MessageMap;
  if (settled.reassignedAll) {
    messages = rebuildAll(name, start, arrivals, settled.uids, input.changed, finish);
  } else {
    messages = rebuildTouched(start, input.touched, arrivals, settled.uids, finish);
  }
  const keywords = mergedKeywords(ours, theirs, arrivals);
  const owner = mergeOwner(ours?.owner, theirs?.owner);
  const template = ours ?? theirs ?? base;
  assert(template !== undefined, `merged mailbox ${name} exists on some side`);
  const mailbox: Mailbox = {
    name,
    uidValidity: settled.uidValidity,
    uidNext: Math.max(settled.uidNext, settled.uidValidity === uidValidity ? Math.max(floorOurs, floorTheirs) : 1),
    highestModseq: dirty || settled.reassignedAll ? newModseq : highestModseq,
    keywords,
    messages,
    ...(owner ? { owner } : {}),
  };
  return { mailbox, renumbered };
}

type Finish = (message: Message, uid: number, flags: readonly string[], o: Located | undefined, t: Located | undefined) => Message;

/** `start` without the changed GUIDs it holds, with the settled arrivals. */
function rebuildTouched(
  start: MessageMap,
  touched: readonly string[],
  arrivals: readonly Pending[],
  uids: ReadonlyMap<string, number>,
  finish: Finish,
): MessageMap {
  const puts = arrivals.map((p) => {
    const uid = uids.get(p.guid);
    assert(uid !== undefined, `strategy settled ${p.guid}`);
    return finish(p.any, uid, p.flags, p.ours, p.theirs);
  });
  return rebuildBuckets(start, touched, puts);
}

/**
 * `start` without `removals` (GUIDs not there are ignored) and with `puts` (added or replaced).
 * Only the buckets concerned are copied; the others stay shared. The content is a function of
 * the inputs; the order inside a bucket is not part of the state (trees are written sorted).
 */
export function rebuildBuckets(start: MessageMap, removals: Iterable<string>, puts: readonly Message[]): MessageMap {
  const buckets = start.buckets.slice();
  const copied = new Map<number, Map<string, Message>>();
  const writable = (index: number): Map<string, Message> => {
    let bucket = copied.get(index);
    if (!bucket) copied.set(index, (bucket = new Map(start.buckets[index] ?? [])));
    return bucket;
  };
  for (const guid of removals) {
    const index = bucketOf(guid);
    if (start.buckets[index]?.has(guid)) writable(index).delete(guid);
  }
  for (const m of puts) writable(bucketOf(m.guid)).set(m.guid, m);
  if (copied.size === 0) return start;
  let size = start.size;
  for (const [index, bucket] of copied) {
    size += bucket.size - (start.buckets[index]?.size ?? 0);
    buckets[index] = bucket.size === 0 ? undefined : bucket;
  }
  return { buckets, size };
}

/** A full reassignment (UIDVALIDITY reset): every message gets the UID the strategy gave it. */
function rebuildAll(
  name: string,
  start: MessageMap,
  arrivals: readonly Pending[],
  uids: ReadonlyMap<string, number>,
  changed: Changed,
  finish: Finish,
): MessageMap {
  const all: Message[] = [];
  for (const bucket of start.buckets) {
    if (!bucket) continue;
    for (const m of bucket.values()) {
      if (changed.ours.has(m.guid) || changed.theirs.has(m.guid)) continue;
      const uid = uids.get(m.guid);
      assert(uid !== undefined, `full reassignment of ${name} covers ${m.guid}`);
      const here: Located = { mailbox: name, uidValidity: 0, message: m };
      all.push(finish(m, uid, m.flags, here, here));
    }
  }
  for (const p of arrivals) {
    const uid = uids.get(p.guid);
    assert(uid !== undefined, `full reassignment of ${name} covers ${p.guid}`);
    all.push(finish(p.any, uid, p.flags, p.ours, p.theirs));
  }
  return messageMapSorted(all);
}

/** A MessageMap whose buckets hold their entries in GUID order (canonical structure). */
export function messageMapSorted(messages: readonly Message[]): MessageMap {
  const groups = new Map<number, Message[]>();
  for (const m of messages) {
    const index = bucketOf(m.guid);
    const list = groups.get(index);
    if (list) list.push(m);
    else groups.set(index, [m]);
  }
  const buckets = new Array<ReadonlyMap<string, Message> | undefined>(BUCKET_COUNT).fill(undefined);
  for (const [index, list] of groups) buckets[index] = sortedBucket(list);
  return { buckets, size: messages.length };
}

function sortedBucket(entries: Message[]): ReadonlyMap<string, Message> {
  entries.sort((x, y) => compareStrings(x.guid, y.guid));
  return new Map(entries.map((m) => [m.guid, m]));
}

function mergedKeywords(ours: Mailbox | undefined, theirs: Mailbox | undefined, arrivals: readonly Pending[]): readonly string[] {
  const all = new Set([...(ours?.keywords ?? []), ...(theirs?.keywords ?? [])]);
  for (const p of arrivals) for (const flag of p.flags) if (!flag.startsWith('\\')) all.add(flag);
  return [...all].sort(compareStrings);
}

/** The higher epoch's owner; equal epochs (two concurrent take-overs): the smaller node name. */
export function mergeOwner(ours: MailboxOwner | undefined, theirs: MailboxOwner | undefined): MailboxOwner | undefined {
  if (!ours) return theirs;
  if (!theirs) return ours;
  if (ours.epoch !== theirs.epoch) return ours.epoch > theirs.epoch ? ours : theirs;
  return ours.node <= theirs.node ? ours : theirs;
}

// ---------------------------------------------------------------------------------------
// Small helpers

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function minString(a: string, b: string): string {
  return a <= b ? a : b;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Equal content (GUID aside): reference-equal messages short-cut. */
export function sameMessage(a: Message, b: Message | undefined): boolean {
  if (b === undefined) return false;
  if (a === b) return true;
  return (
    a.guid === b.guid &&
    a.uid === b.uid &&
    a.modseq === b.modseq &&
    a.internalDateMs === b.internalDateMs &&
    a.sizeBytes === b.sizeBytes &&
    a.blobId === b.blobId &&
    a.messageId === b.messageId &&
    sameList(a.flags, b.flags)
  );
}

function firstGuid(map: MessageMap): string | undefined {
  for (const bucket of map.buckets) if (bucket) for (const guid of bucket.keys()) return guid;
  return undefined;
}

function containsAnyOf(haystack: MessageMap, needles: MessageMap): boolean {
  for (const bucket of needles.buckets) if (bucket) for (const guid of bucket.keys()) if (getMessage(haystack, guid)) return true;
  return false;
}
