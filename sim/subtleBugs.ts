/**
 * The hooks of the planted bugs (sim/checkers/mutants.ts lists them, marked `planted`): subtle
 * mutants of the renumber merge and of one IMAP operation's commit, each a few lines that
 * break one promise on one narrow path only. `mailsim bench find` measures how many seeds a
 * sweep needs to find each. The world ones (replication, recovery) live in the git server
 * (backends/git/gitServer.ts).
 *
 * Every merge hook reads the three states by GUID, wherever a message is, and treats ours and
 * theirs alike, so a planted merge stays symmetric and only its one rule is wrong.
 */
import { EMPTY_MESSAGE_MAP, allMessages, getMessage, setMessage } from '../core/messageMap.ts';
import type { Mailbox, Message, StoreState } from '../core/state.ts';

export type StateRewrite = (base: StoreState, ours: StoreState, theirs: StoreState, merged: StoreState) => StoreState;
export type FollowUp = (previous: StoreState, current: StoreState) => StoreState | null;

interface Located {
  readonly mailbox: string;
  readonly message: Message;
}

export function withMailbox(state: StoreState, mailbox: Mailbox): StoreState {
  const mailboxes = new Map(state.mailboxes);
  mailboxes.set(mailbox.name, mailbox);
  return { mailboxes };
}

function locate(state: StoreState, guid: string): Located | undefined {
  for (const mailbox of state.mailboxes.values()) {
    const message = getMessage(mailbox.messages, guid);
    if (message) return { mailbox: mailbox.name, message };
  }
  return undefined;
}

function byGuid(a: Message, b: Message): number {
  return a.guid < b.guid ? -1 : a.guid > b.guid ? 1 : 0;
}

function sameFlags(a: Message, b: Message): boolean {
  return a.flags.join(' ') === b.flags.join(' ');
}

/** `message` put into `name` of `state` (added or replaced). */
function put(state: StoreState, name: string, message: Message): StoreState {
  const mailbox = state.mailboxes.get(name) as Mailbox;
  return withMailbox(state, { ...mailbox, messages: setMessage(mailbox.messages, message) });
}

/** Every message of `merged` that base, ours and theirs all hold, with those versions. */
function* threeWay(base: StoreState, ours: StoreState, theirs: StoreState, merged: StoreState): Generator<{ name: string; m: Message; b: Located; o: Located; t: Located }> {
  for (const [name, mailbox] of merged.mailboxes) {
    for (const m of [...allMessages(mailbox.messages)].sort(byGuid)) {
      const b = locate(base, m.guid);
      const o = locate(ours, m.guid);
      const t = locate(theirs, m.guid);
      if (b && o && t) yield { name, m, b, o, t };
    }
  }
}

/** Both sides changed the flags of a message since the base, and the merge agrees with neither one side. */
function bothChanged(m: Message, b: Located, o: Located, t: Located): boolean {
  return !sameFlags(o.message, b.message) && !sameFlags(t.message, b.message) && (!sameFlags(m, o.message) || !sameFlags(m, t.message));
}

/** The mailboxes both sides hold in one UID space: the ones whose UIDs a merge settled. */
function* joined(ours: StoreState, theirs: StoreState, merged: StoreState): Generator<{ mailbox: Mailbox; o: Mailbox; t: Mailbox }> {
  for (const [name, mailbox] of merged.mailboxes) {
    const o = ours.mailboxes.get(name);
    const t = theirs.mailboxes.get(name);
    if (o && t && o.uidValidity === mailbox.uidValidity && t.uidValidity === mailbox.uidValidity) yield { mailbox, o, t };
  }
}

function topUid(mailbox: Mailbox): number {
  return Math.max(0, ...[...allMessages(mailbox.messages)].map((m) => m.uid));
}

const uidNextJoinForgetsExpunged: StateRewrite = (base, ours, theirs, merged) => {
  let out = merged;
  for (const { mailbox, o, t } of joined(ours, theirs, merged)) {
    if (o.uidNext === t.uidNext) continue;
    const low = Math.max(base.mailboxes.get(mailbox.name)?.uidNext ?? 1, topUid(mailbox) + 1);
    if (low < mailbox.uidNext) out = withMailbox(out, { ...mailbox, uidNext: low });
  }
  return out;
};

const renumberKeepsLastClash: StateRewrite = (base, ours, theirs, merged) => {
  let out = merged;
  for (const { mailbox, o, t } of joined(ours, theirs, merged)) {
    const sideUids = (guid: string): number[] => [getMessage(o.messages, guid)?.uid ?? 0, getMessage(t.messages, guid)?.uid ?? 0].filter((uid) => uid > 0);
    const renumbered = [...allMessages(mailbox.messages)]
      .filter((m) => !locate(base, m.guid) && sideUids(m.guid).length > 0 && !sideUids(m.guid).includes(m.uid))
      .sort(byGuid);
    const last = renumbered.at(-1);
    if (!last) continue;
    const kept = Math.min(...sideUids(last.guid));
    if ([...allMessages(mailbox.messages)].some((m) => m.uid === kept)) continue;
    out = put(out, mailbox.name, { ...last, uid: kept });
  }
  return out;
};

const uidNextOneLowAfterRenumber: StateRewrite = (_base, ours, theirs, merged) => {
  let out = merged;
  for (const { mailbox, o, t } of joined(ours, theirs, merged)) {
    const top = topUid(mailbox);
    if (top >= Math.max(o.uidNext, t.uidNext) && mailbox.uidNext === top + 1) out = withMailbox(out, { ...mailbox, uidNext: top });
  }
  return out;
};

const modseqKeptOnDoubleChange: StateRewrite = (base, ours, theirs, merged) => {
  let out = merged;
  for (const { name, m, b, o, t } of threeWay(base, ours, theirs, merged)) {
    if (bothChanged(m, b, o, t)) out = put(out, name, { ...m, modseq: Math.max(o.message.modseq, t.message.modseq) });
  }
  return out;
};

const flagsWholeSideOnDoubleChange: StateRewrite = (base, ours, theirs, merged) => {
  let out = merged;
  for (const { name, m, b, o, t } of threeWay(base, ours, theirs, merged)) {
    if (!bothChanged(m, b, o, t)) continue;
    // The newer side by MODSEQ; on a tie the larger flag list, so the choice does not depend on which side is ours.
    const [x, y] = [o.message, t.message];
    const newer = x.modseq !== y.modseq ? (x.modseq > y.modseq ? x : y) : x.flags.join(' ') > y.flags.join(' ') ? x : y;
    out = put(out, name, { ...m, flags: newer.flags });
  }
  return out;
};

const isKeyword = (flag: string): boolean => !flag.startsWith('\\');

const keywordRemovalLostVsAdd: StateRewrite = (base, ours, theirs, merged) => {
  let out = merged;
  for (const { name, m, b, o, t } of threeWay(base, ours, theirs, merged)) {
    const back = new Set<string>();
    for (const [remover, adder] of [[o.message, t.message], [t.message, o.message]] as const) {
      const removed = b.message.flags.filter((f) => isKeyword(f) && !remover.flags.includes(f) && adder.flags.includes(f));
      const added = adder.flags.filter((f) => isKeyword(f) && !b.message.flags.includes(f));
      if (added.length > 0) for (const flag of removed) back.add(flag);
    }
    const missing = [...back].filter((f) => !m.flags.includes(f));
    if (missing.length > 0) out = put(out, name, { ...m, flags: [...m.flags, ...missing].sort() });
  }
  return out;
};

const flagLostOnMoved: StateRewrite = (base, ours, theirs, merged) => {
  let out = merged;
  for (const { name, m, b, o, t } of threeWay(base, ours, theirs, merged)) {
    for (const [mover, other] of [[o, t], [t, o]] as const) {
      const moved = mover.mailbox !== b.mailbox && other.mailbox === b.mailbox;
      if (moved && !sameFlags(other.message, b.message) && !sameFlags(m, mover.message)) out = put(out, name, { ...m, flags: mover.message.flags });
    }
  }
  return out;
};

/** Messages of the base that `side` holds nowhere (expunged, or gone with a deleted mailbox). */
function expungedOn(base: StoreState, side: StoreState): Located[] {
  const out: Located[] = [];
  for (const [name, mailbox] of base.mailboxes) {
    for (const message of allMessages(mailbox.messages)) if (!locate(side, message.guid)) out.push({ mailbox: name, message });
  }
  return out.sort((a, b) => byGuid(a.message, b.message));
}

/** `message` back in `name` of `merged`, if the mailbox is there and its UID is free. */
function restore(merged: StoreState, name: string, message: Message): StoreState {
  const mailbox = merged.mailboxes.get(name);
  if (!mailbox || locate(merged, message.guid) || [...allMessages(mailbox.messages)].some((m) => m.uid === message.uid)) return merged;
  return put(merged, name, message);
}

const expungeLosesToFlag: StateRewrite = (base, ours, theirs, merged) => {
  let out = merged;
  for (const [side, other] of [[ours, theirs], [theirs, ours]] as const) {
    for (const gone of expungedOn(base, side)) {
      const kept = locate(other, gone.message.guid);
      if (kept && kept.mailbox === gone.mailbox && !sameFlags(kept.message, gone.message)) out = restore(out, kept.mailbox, kept.message);
    }
  }
  return out;
};

const expungeLostBesideMove: StateRewrite = (base, ours, theirs, merged) => {
  let out = merged;
  for (const [side, other] of [[ours, theirs], [theirs, ours]] as const) {
    for (const gone of expungedOn(base, side)) {
      const movedOut = [...allMessages(base.mailboxes.get(gone.mailbox)?.messages ?? EMPTY_MESSAGE_MAP)].some((m) => {
        const now = locate(side, m.guid);
        return now !== undefined && now.mailbox !== gone.mailbox;
      });
      if (movedOut && locate(other, gone.message.guid)) out = restore(out, gone.mailbox, gone.message);
    }
  }
  return out;
};

const highestModseqStaleOnKeyword: FollowUp = (previous, current) => {
  for (const [name, mailbox] of current.mailboxes) {
    const old = previous.mailboxes.get(name);
    if (!old || old.messages.size !== mailbox.messages.size || mailbox.highestModseq === old.highestModseq) continue;
    const changed = [...allMessages(mailbox.messages)].filter((m) => {
      const before = getMessage(old.messages, m.guid);
      return !before || !sameFlags(before, m);
    });
    const only = changed.length === 1 ? changed[0] : undefined;
    const before = only && getMessage(old.messages, only.guid);
    if (!only || !before) continue;
    const system = (m: Message): string => m.flags.filter((f) => !isKeyword(f)).join(' ');
    if (system(only) === system(before)) return withMailbox(current, { ...mailbox, highestModseq: old.highestModseq });
  }
  return null;
};

export const PLANTED_MERGE_BUGS = {
  'uidnext-join-forgets-expunged': uidNextJoinForgetsExpunged,
  'renumber-keeps-last-clash': renumberKeepsLastClash,
  'uidnext-one-low-after-renumber': uidNextOneLowAfterRenumber,
  'modseq-kept-on-double-change': modseqKeptOnDoubleChange,
  'flags-whole-side-on-double-change': flagsWholeSideOnDoubleChange,
  'keyword-removal-lost-vs-add': keywordRemovalLostVsAdd,
  'flag-lost-on-moved': flagLostOnMoved,
  'expunge-loses-to-flag': expungeLosesToFlag,
  'expunge-lost-beside-move': expungeLostBesideMove,
} as const satisfies Record<string, StateRewrite>;

export const PLANTED_FOLLOW_UP_BUGS = {
  'highestmodseq-stale-on-keyword': highestModseqStaleOnKeyword,
} as const satisfies Record<string, FollowUp>;
