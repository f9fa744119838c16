// Test-only pure IMAP operations on StoreState (deliver, store, expunge, move, copy, mailbox ops), following the RFC rules the merge relies on.
import { EMPTY_MESSAGE_MAP, allMessages, getMessage, removeMessage, setMessage, messageMapFrom } from '../../core/messageMap.ts';
import type { Mailbox, Message, StoreState } from '../../core/state.ts';
import { ownerData, type MailboxOwner } from '../../core/strategies/owner.ts';

export function msg(guid: string, uid: number, flags: readonly string[] = [], modseq = 1): Message {
  return {
    guid,
    uid,
    flags: [...new Set(flags)].sort(),
    modseq,
    internalDateMs: 1_000,
    sizeBytes: 100,
    blobId: `blob-${guid.split('.dup')[0]}`,
    messageId: `<${guid.split('.dup')[0]}@test>`,
  };
}

export interface MailboxSpec {
  readonly uidValidity?: number;
  readonly uidNext?: number;
  readonly highestModseq?: number;
  readonly messages?: readonly Message[];
  readonly owner?: MailboxOwner;
}

export function mailbox(name: string, spec: MailboxSpec = {}): Mailbox {
  const messages = spec.messages ?? [];
  const keywords = [...new Set(messages.flatMap((m) => m.flags.filter((f) => !f.startsWith('\\'))))].sort();
  return {
    name,
    uidValidity: spec.uidValidity ?? 100,
    uidNext: spec.uidNext ?? Math.max(0, ...messages.map((m) => m.uid)) + 1,
    highestModseq: spec.highestModseq ?? Math.max(1, ...messages.map((m) => m.modseq)),
    keywords,
    messages: messageMapFrom(messages),
    ...(spec.owner ? { strategyData: ownerData(spec.owner.node, spec.owner.epoch) } : {}),
  };
}

export function store(...boxes: Mailbox[]): StoreState {
  return { mailboxes: new Map(boxes.map((b) => [b.name, b])) };
}

function box(state: StoreState, name: string): Mailbox {
  const found = state.mailboxes.get(name);
  if (!found) throw new Error(`no mailbox ${name}`);
  return found;
}

function withBox(state: StoreState, next: Mailbox): StoreState {
  const mailboxes = new Map(state.mailboxes);
  mailboxes.set(next.name, next);
  return { mailboxes };
}

function addKeywords(keywords: readonly string[], flags: readonly string[]): readonly string[] {
  const missing = flags.filter((f) => !f.startsWith('\\') && !keywords.includes(f));
  return missing.length === 0 ? keywords : [...keywords, ...new Set(missing)];
}

/** Where a GUID is in a state. */
export function findGuid(state: StoreState, guid: string): { mailbox: Mailbox; message: Message } | undefined {
  for (const mailbox of state.mailboxes.values()) {
    const message = getMessage(mailbox.messages, guid);
    if (message) return { mailbox, message };
  }
  return undefined;
}

/** A new message: uid = UIDNEXT (or 0 when the strategy does not assign here), modseq = HIGHESTMODSEQ + 1. */
export function deliver(state: StoreState, name: string, message: Omit<Message, 'uid' | 'modseq'>, assigns = true): StoreState {
  const target = box(state, name);
  const modseq = target.highestModseq + 1;
  const uid = assigns ? target.uidNext : 0;
  return withBox(state, {
    ...target,
    uidNext: assigns ? target.uidNext + 1 : target.uidNext,
    highestModseq: modseq,
    keywords: addKeywords(target.keywords, message.flags),
    messages: setMessage(target.messages, { ...message, uid, modseq }),
  });
}

export function storeFlag(state: StoreState, guid: string, mode: '+' | '-', flag: string): StoreState {
  const found = findGuid(state, guid);
  if (!found) return state;
  const has = found.message.flags.includes(flag);
  if ((mode === '+') === has) return state;
  const flags = mode === '+' ? [...found.message.flags, flag].sort() : found.message.flags.filter((f) => f !== flag);
  const modseq = found.mailbox.highestModseq + 1;
  return withBox(state, {
    ...found.mailbox,
    highestModseq: modseq,
    keywords: addKeywords(found.mailbox.keywords, flags),
    messages: setMessage(found.mailbox.messages, { ...found.message, flags, modseq }),
  });
}

export function expunge(state: StoreState, guid: string): StoreState {
  const found = findGuid(state, guid);
  if (!found) return state;
  return withBox(state, {
    ...found.mailbox,
    highestModseq: found.mailbox.highestModseq + 1,
    messages: removeMessage(found.mailbox.messages, guid),
  });
}

export function move(state: StoreState, guid: string, to: string, assigns = true): StoreState {
  const found = findGuid(state, guid);
  if (!found || found.mailbox.name === to || !state.mailboxes.has(to)) return state;
  const removed = expunge(state, guid);
  return deliver(removed, to, found.message, assigns);
}

export function copy(state: StoreState, guid: string, to: string, newGuid: string, assigns = true): StoreState {
  const found = findGuid(state, guid);
  if (!found || !state.mailboxes.has(to)) return state;
  return deliver(state, to, { ...found.message, guid: newGuid }, assigns);
}

export function createMailbox(state: StoreState, name: string, uidValidity: number, owner?: MailboxOwner): StoreState {
  if (state.mailboxes.has(name)) return state;
  return withBox(state, {
    name,
    uidValidity,
    uidNext: 1,
    highestModseq: 1,
    keywords: [],
    messages: EMPTY_MESSAGE_MAP,
    ...(owner ? { strategyData: ownerData(owner.node, owner.epoch) } : {}),
  });
}

export function deleteMailbox(state: StoreState, name: string): StoreState {
  if (name === 'INBOX' || !state.mailboxes.has(name)) return state;
  const mailboxes = new Map(state.mailboxes);
  mailboxes.delete(name);
  return { mailboxes };
}

export function renameMailbox(state: StoreState, from: string, to: string): StoreState {
  const old = state.mailboxes.get(from);
  if (from === 'INBOX' || !old || state.mailboxes.has(to)) return state;
  const mailboxes = new Map(state.mailboxes);
  mailboxes.delete(from);
  mailboxes.set(to, { ...old, name: to });
  return { mailboxes };
}

/** A canonical plain snapshot for equality checks: mailboxes and messages sorted. */
export function snapshot(state: StoreState): unknown {
  return [...state.mailboxes.values()]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((m) => ({
      name: m.name,
      uidValidity: m.uidValidity,
      uidNext: m.uidNext,
      highestModseq: m.highestModseq,
      keywords: m.keywords,
      strategyData: m.strategyData ?? null,
      size: m.messages.size,
      messages: [...allMessages(m.messages)].sort((a, b) => (a.guid < b.guid ? -1 : 1)),
    }));
}

/** guid -> [mailbox, uid, flags] of every message. */
export function where(state: StoreState): Record<string, [string, number, string]> {
  const out: Record<string, [string, number, string]> = {};
  for (const m of state.mailboxes.values()) for (const x of allMessages(m.messages)) out[x.guid] = [m.name, x.uid, x.flags.join(' ')];
  return out;
}
