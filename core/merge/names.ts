/** Mailbox names across a merge: renames recognised on each side, and three-way existence. */
import { getMessage, type MessageMap } from '../messageMap.ts';
import type { Mailbox, StoreState } from '../state.ts';
import { compareStrings, minString } from './compare.ts';

export const INBOX = 'INBOX';

/** Side mailbox name -> merged name, and back. */
export interface NameMap {
  readonly toMerged: ReadonlyMap<string, string>;
  readonly fromMerged: ReadonlyMap<string, string>;
}

export function mergedNameOf(map: NameMap, name: string): string {
  return map.toMerged.get(name) ?? name;
}

export function sideMailbox(state: StoreState, map: NameMap, merged: string): Mailbox | undefined {
  const own = map.fromMerged.get(merged);
  return own === undefined ? undefined : state.mailboxes.get(own);
}

export function buildNameMap(state: StoreState, renames: ReadonlyMap<string, string>): NameMap {
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
export function detectRenames(base: StoreState, side: StoreState, other: StoreState): Map<string, string> {
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
export function nameMaps(base: StoreState, ours: StoreState, theirs: StoreState): [NameMap, NameMap, NameMap] {
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
export function mergedMailboxNames(states: readonly [StoreState, StoreState, StoreState], maps: readonly [NameMap, NameMap, NameMap]): Set<string> {
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


export function firstGuid(map: MessageMap): string | undefined {
  for (const bucket of map.buckets) if (bucket) for (const guid of bucket.keys()) return guid;
  return undefined;
}

export function containsAnyOf(haystack: MessageMap, needles: MessageMap): boolean {
  for (const bucket of needles.buckets) if (bucket) for (const guid of bucket.keys()) if (getMessage(haystack, guid)) return true;
  return false;
}
