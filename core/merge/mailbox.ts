/** The merge of one mailbox: UIDVALIDITY, UIDs by the strategy, MODSEQs, keywords, the strategy's data. */
import { EMPTY_MESSAGE_MAP, updateMessages, type MessageMap } from '../messageMap.ts';
import { assert } from '../errors.ts';
import type { Mailbox, Message } from '../state.ts';
import type { MergePolicy, UidEntry } from './policy.ts';
import { reassignAll } from './uids.ts';
import { compareStrings, sameList } from './compare.ts';
import { messageMapSorted } from './buckets.ts';
import { mergedUidValidity } from './validity.ts';
import type { Changed, Located } from './changed.ts';
import type { Pending } from './pending.ts';
import type { ProbeSink } from '../probes.ts';

export interface MailboxMergeInput {
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
  /** The world's coverage probes (core/probes.ts): they only count. */
  readonly probes: ProbeSink;
}

export function mergeMailbox(name: string, input: MailboxMergeInput): { mailbox: Mailbox; renumbered: number } {
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
  const finish: Finish = (message, uid, flags, o, t, moved = false) => {
    const sameAs = (l: Located | undefined): boolean => l !== undefined && l.mailbox === name && l.message.uid === uid && sameList(l.message.flags, flags);
    const had = (l: Located | undefined): boolean => l !== undefined && l.message.uid > 0;
    const keptOn = (l: Located | undefined): boolean => l !== undefined && l.mailbox === name && l.message.uid === uid;
    if ((had(o) || had(t)) && !keptOn(o) && !keptOn(t)) {
      renumbered++;
      if (moved) input.probes.hit('renumber-moved');
    }
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
  const strategyData = input.policy.mergeStrategyData ? input.policy.mergeStrategyData(ours?.strategyData, theirs?.strategyData) : (ours?.strategyData ?? theirs?.strategyData);
  const template = ours ?? theirs ?? base;
  assert(template !== undefined, `merged mailbox ${name} exists on some side`);
  const mailbox: Mailbox = {
    name,
    uidValidity: settled.uidValidity,
    uidNext: Math.max(settled.uidNext, settled.uidValidity === uidValidity ? Math.max(floorOurs, floorTheirs) : 1),
    highestModseq: dirty || settled.reassignedAll ? newModseq : highestModseq,
    keywords,
    messages,
    ...(strategyData ? { strategyData } : {}),
  };
  return { mailbox, renumbered };
}

/** A merged message with its settled UID, flags and MODSEQ; `moved`: moved since the merge base (a probe's input only). */
export type Finish = (message: Message, uid: number, flags: readonly string[], o: Located | undefined, t: Located | undefined, moved?: boolean) => Message;

/** `start` without the changed GUIDs it holds, with the settled arrivals. */
export function rebuildTouched(
  start: MessageMap,
  touched: readonly string[],
  arrivals: readonly Pending[],
  uids: ReadonlyMap<string, number>,
  finish: Finish,
): MessageMap {
  const puts = arrivals.map((p) => {
    const uid = uids.get(p.guid);
    assert(uid !== undefined, `strategy settled ${p.guid}`);
    return finish(p.any, uid, p.flags, p.ours, p.theirs, p.moved);
  });
  // Only the buckets concerned change (copied, or edited as views when big); removals of GUIDs start lacks are ignored.
  return updateMessages(start, puts, touched);
}

/** A full reassignment (UIDVALIDITY reset): every message gets the UID the strategy gave it. */
export function rebuildAll(
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
    all.push(finish(p.any, uid, p.flags, p.ours, p.theirs, p.moved));
  }
  return messageMapSorted(all);
}

export function mergedKeywords(ours: Mailbox | undefined, theirs: Mailbox | undefined, arrivals: readonly Pending[]): readonly string[] {
  const all = new Set([...(ours?.keywords ?? []), ...(theirs?.keywords ?? [])]);
  for (const p of arrivals) for (const flag of p.flags) if (!flag.startsWith('\\')) all.add(flag);
  return [...all].sort(compareStrings);
}
