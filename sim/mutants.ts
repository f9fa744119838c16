/**
 * Test-only hooks for the checkers' negative controls (sim/checkers/mutants.ts names them).
 * Each wraps a good strategy so that it breaks exactly one promise. Merge-level mutants
 * wrap `merge`; operation-level ones run as a `settle` follow-up that rewrites what the
 * node's last commit did (remembering the previous state per node), so the broken state
 * is committed and replicated like any other. 'early-ack' and 'stop-sync' live in the
 * world (a volume whose sync does nothing; a replica that stops replicating).
 */
import { MUTANTS, MUTANT_NAMES, type MutantNameOf } from './checkers/mutants.ts';
import { allMessages, EMPTY_MESSAGE_MAP, getMessage, removeMessage, setMessage } from '../core/messageMap.ts';
import type { Mailbox, Message, StoreState } from '../core/state.ts';
import type { MergeOutcome, UidStrategy } from '../core/strategy.ts';
import { PLANTED_FOLLOW_UP_BUGS, PLANTED_MERGE_BUGS, type FollowUp, type StateRewrite } from './subtleBugs.ts';

function replaceMailbox(state: StoreState, mailbox: Mailbox): StoreState {
  const mailboxes = new Map(state.mailboxes);
  mailboxes.set(mailbox.name, mailbox);
  return { mailboxes };
}

function sortedMessages(mailbox: Mailbox): Message[] {
  return [...allMessages(mailbox.messages)].sort((a, b) => (a.guid < b.guid ? -1 : a.guid > b.guid ? 1 : 0));
}

/**
 * Flags passing `which` that exactly one side changed go back to their base value: the first
 * such flag of the merge (`every` false), or every such flag of every message (`every` true).
 */
function dropChanges(which: (flag: string) => boolean, every: boolean): StateRewrite {
  return (base, ours, theirs, merged) => {
    let out = merged;
    for (const [name, mailbox] of merged.mailboxes) {
      for (const message of sortedMessages(mailbox)) {
        const b = getMessage(base.mailboxes.get(name)?.messages ?? mailbox.messages, message.guid);
        const o = getMessage(ours.mailboxes.get(name)?.messages ?? mailbox.messages, message.guid);
        const t = getMessage(theirs.mailboxes.get(name)?.messages ?? mailbox.messages, message.guid);
        if (!b || !o || !t) continue;
        const changed = [...new Set([...o.flags, ...t.flags, ...b.flags])]
          .sort()
          .filter((f) => which(f) && (o.flags.includes(f) !== b.flags.includes(f)) !== (t.flags.includes(f) !== b.flags.includes(f)));
        if (changed.length === 0) continue;
        const dropped = every ? changed : changed.slice(0, 1);
        const flags = [...message.flags.filter((f) => !dropped.includes(f)), ...dropped.filter((f) => b.flags.includes(f))].sort();
        const current = out.mailboxes.get(name) as Mailbox;
        out = replaceMailbox(out, { ...current, messages: setMessage(current.messages, { ...message, flags: [...new Set(flags)] }) });
        if (!every) return out;
      }
    }
    return out;
  };
}

const dropFlagChange = dropChanges(() => true, false);
/** Keywords only (system flags start with a backslash), every one-sided change of the merge. */
const dropKeywordChanges = dropChanges((flag) => !flag.startsWith('\\'), true);

/** A message one side expunged (and no side moved) comes back. */
const undoExpunge: StateRewrite = (base, ours, theirs, merged) => {
  const present = (state: StoreState, guid: string): boolean => [...state.mailboxes.values()].some((m) => getMessage(m.messages, guid) !== undefined);
  let out = merged;
  for (const [name, mailbox] of base.mailboxes) {
    const target = out.mailboxes.get(name);
    if (!target) continue;
    for (const message of sortedMessages(mailbox)) {
      if (present(out, message.guid)) continue;
      if (present(ours, message.guid) === present(theirs, message.guid)) continue;
      out = replaceMailbox(out, { ...(out.mailboxes.get(name) as Mailbox), messages: setMessage((out.mailboxes.get(name) as Mailbox).messages, message) });
    }
  }
  return out;
};

/** What the merge recovered into INBOX (a message no input had there) is dropped. */
const dropRecovered: StateRewrite = (base, ours, theirs, merged) => {
  const inbox = merged.mailboxes.get('INBOX');
  if (!inbox) return merged;
  const hadIt = (state: StoreState, guid: string): boolean => getMessage(state.mailboxes.get('INBOX')?.messages ?? EMPTY_MESSAGE_MAP, guid) !== undefined;
  let messages = inbox.messages;
  for (const message of sortedMessages(inbox)) {
    if (![base, ours, theirs].some((state) => hadIt(state, message.guid))) messages = removeMessage(messages, message.guid);
  }
  return messages === inbox.messages ? merged : replaceMailbox(merged, { ...inbox, messages });
};

/** After every commit, UIDNEXT becomes 1 + the highest UID present: it goes down once the top message is expunged. */
const uidNextBackwards: FollowUp = (_previous, current) => {
  for (const mailbox of current.mailboxes.values()) {
    const top = Math.max(0, ...[...allMessages(mailbox.messages)].map((m) => m.uid));
    if (mailbox.uidNext > top + 1) return replaceMailbox(current, { ...mailbox, uidNext: top + 1 });
  }
  return null;
};

/** A message new on one side is kept twice: once more under a fresh GUID. */
const duplicateOnMerge: StateRewrite = (base, ours, theirs, merged) => {
  for (const side of [ours, theirs]) {
    for (const [name, mailbox] of side.mailboxes) {
      const target = merged.mailboxes.get(name);
      if (!target) continue;
      const fresh = sortedMessages(mailbox).find((m) => m.uid > 0 && !getMessage(base.mailboxes.get(name)?.messages ?? target.messages, m.guid) && getMessage(target.messages, m.guid) && !getMessage(target.messages, `${m.guid}dup`));
      if (!fresh) continue;
      const copy: Message = { ...fresh, guid: `${fresh.guid}dup`, uid: target.uidNext, modseq: target.highestModseq + 1 };
      return replaceMailbox(merged, { ...target, uidNext: target.uidNext + 1, highestModseq: copy.modseq, messages: setMessage(target.messages, copy) });
    }
  }
  return merged;
};

const validityBump: StateRewrite = (_base, _ours, _theirs, merged) => {
  let out = merged;
  for (const mailbox of merged.mailboxes.values()) out = replaceMailbox(out, { ...mailbox, uidValidity: mailbox.uidValidity + 1 });
  return out;
};

/** STORE leaves MODSEQ where it was: a message whose flags changed gets its old MODSEQ back. */
const modseqStuck: FollowUp = (previous, current) => {
  for (const [name, mailbox] of current.mailboxes) {
    const old = previous.mailboxes.get(name);
    if (!old) continue;
    for (const message of allMessages(mailbox.messages)) {
      const before = getMessage(old.messages, message.guid);
      if (!before || before.modseq === message.modseq || before.flags.join() === message.flags.join()) continue;
      return replaceMailbox(current, { ...mailbox, highestModseq: old.highestModseq, messages: setMessage(mailbox.messages, { ...message, modseq: before.modseq }) });
    }
  }
  return null;
};

/** MOVE leaves the message in the source too. */
const moveBoth: FollowUp = (previous, current) => {
  for (const [name, old] of previous.mailboxes) {
    const now = current.mailboxes.get(name);
    if (!now) continue;
    for (const message of allMessages(old.messages)) {
      if (getMessage(now.messages, message.guid)) continue;
      const elsewhere = [...current.mailboxes.values()].some((m) => m.name !== name && getMessage(m.messages, message.guid));
      if (elsewhere) return replaceMailbox(current, { ...now, messages: setMessage(now.messages, message) });
    }
  }
  return null;
};

/** After an expunge of the top UID, UIDNEXT steps back onto it, so the next message reuses it. */
const reuseUid: FollowUp = (previous, current) => {
  for (const [name, old] of previous.mailboxes) {
    const now = current.mailboxes.get(name);
    if (!now) continue;
    const gone = [...allMessages(old.messages)].filter((m) => m.uid > 0 && !getMessage(now.messages, m.guid)).map((m) => m.uid);
    if (gone.length === 0) continue;
    const reuse = Math.max(...gone);
    if (reuse >= now.uidNext) continue;
    return replaceMailbox(current, { ...now, uidNext: reuse });
  }
  return null;
};

const MERGE_MUTANTS: Readonly<Record<MutantNameOf<'merge'>, StateRewrite>> = {
  'drop-flag-change': dropFlagChange,
  // Its other half, the adapter's lying clocks, is the server's (sim/world.ts).
  'lying-clocks-drop-flag': dropFlagChange,
  'drop-keyword-change': dropKeywordChanges,
  'lying-clock-drop-keyword': dropKeywordChanges,
  'undo-expunge': undoExpunge,
  'delete-drops-recovered': dropRecovered,
  'duplicate-on-merge': duplicateOnMerge,
  'validity-bump': validityBump,
  ...PLANTED_MERGE_BUGS,
};

const FOLLOW_UP_MUTANTS: Readonly<Record<MutantNameOf<'follow-up'>, FollowUp>> = {
  'modseq-stuck': modseqStuck,
  'move-both': moveBoth,
  'reuse-uid': reuseUid,
  'uidnext-backwards': uidNextBackwards,
  ...PLANTED_FOLLOW_UP_BUGS,
};

/** Mutants handled by the world or the owner lease (sim/ownerLeases.ts) rather than by the strategy. */
export const OUTSIDE_STRATEGY_MUTANTS: readonly string[] = MUTANT_NAMES.filter((name) => MUTANTS[name].hook === 'world' || MUTANTS[name].hook === 'lease');

export function withMutant(strategy: UidStrategy, mutant: string | null): UidStrategy {
  if (mutant === null || OUTSIDE_STRATEGY_MUTANTS.includes(mutant)) return strategy;
  const rewrite = (MERGE_MUTANTS as Readonly<Record<string, StateRewrite>>)[mutant];
  if (rewrite) {
    return {
      ...strategy,
      settle: strategy.settle?.bind(strategy),
      assignsUids: strategy.assignsUids.bind(strategy),
      merge(base, ours, theirs, ctx): MergeOutcome {
        const outcome = strategy.merge(base, ours, theirs, ctx);
        return { ...outcome, state: rewrite(base, ours, theirs, outcome.state) };
      },
    };
  }
  const followUp = (FOLLOW_UP_MUTANTS as Readonly<Record<string, FollowUp>>)[mutant];
  if (!followUp) throw new Error(`unknown mutant ${JSON.stringify(mutant)}`);
  const previousByNode = new Map<string, StoreState>();
  return {
    ...strategy,
    assignsUids: strategy.assignsUids.bind(strategy),
    merge: strategy.merge.bind(strategy),
    settle(state, ctx) {
      const settled = strategy.settle?.(state, ctx) ?? null;
      const current = settled ?? state;
      const previous = previousByNode.get(ctx.node);
      const rewritten = previous ? followUp(previous, current) : null;
      previousByNode.set(ctx.node, rewritten ?? current);
      return rewritten ?? settled;
    },
  };
}
