/** The GUIDs whose entries differ between the two sides, with where each is on every side. */
import { BUCKET_COUNT, EMPTY_MESSAGE_MAP, getMessage } from '../messageMap.ts';
import type { Message, StoreState } from '../state.ts';
import { bucketDifference } from '../bucketLineage.ts';
import { compareStrings, minString, sameList } from './compare.ts';
import { buildNameMap, mergedNameOf, sideMailbox, type NameMap } from './names.ts';

/** Where a GUID is on one side: merged mailbox name and the message. */
export interface Located {
  readonly mailbox: string;
  /** UIDVALIDITY of the side's mailbox holding it (the UID space its UID belongs to). */
  readonly uidValidity: number;
  readonly message: Message;
}

export interface Changed {
  readonly ours: Map<string, Located>;
  readonly theirs: Map<string, Located>;
  /** merged mailbox name -> the changed GUIDs either side has there */
  readonly touched: Map<string, string[]>;
}

/** Every GUID whose entry differs between ours and theirs, with its place on each side. */
export function changedGuids(ours: StoreState, theirs: StoreState, maps: readonly [NameMap, NameMap, NameMap]): Changed {
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
      const candidates = bo && bt ? bucketDifference(bo, bt) : undefined;
      if (candidates) {
        // Both buckets of one lineage: only the GUIDs changed since their common root can differ.
        for (const guid of candidates) {
          const message = bo?.get(guid);
          const other = bt?.get(guid);
          if (message === other || (message !== undefined && sameMessage(message, other))) continue;
          if (message !== undefined) changed.ours.set(guid, { mailbox: name, uidValidity: vo, message });
          if (other !== undefined) changed.theirs.set(guid, { mailbox: name, uidValidity: vt, message: other });
          touched.push(guid);
        }
        continue;
      }
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

export function locateInBase(base: StoreState, map: NameMap, guid: string): Located | undefined {
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
