/**
 * The IMAP/SMTP operations as pure functions: state in, {state, result} out. Each validates
 * first (typed errors, nothing built), then builds the new state. An operation that changes
 * nothing returns the very same state object, so the replica makes no commit for it.
 *
 * Rules kept after every operation (RFC 9051 §2.3.1.1, RFC 7162 §3.1): a new UID is the
 * mailbox's UIDNEXT, which then grows, so UIDs ascend and are never reused; every change
 * gets MODSEQ = HIGHESTMODSEQ + 1 (one value per operation and mailbox).
 */
import { UidIndex, messagesWithUids, updateIndexed } from './uidIndex.ts';
import { ImapNoError } from './errors.ts';
import { EMPTY_MESSAGE_MAP, sortedGuids } from './messageMap.ts';
import type { Mailbox, Message, StoreState } from './state.ts';
import { extendKeywordTable, normalizeFlags, validateFlag, validateMailboxName } from './names.ts';
import { sortedMailboxes } from './layout.ts';

/** The largest UID, UIDVALIDITY (nz-number, RFC 9051). */
export const UID_MAX = 0xffff_ffff;

export interface OpContext {
  /** The node's clock at the operation (INTERNALDATE, UIDVALIDITY of new mailboxes). */
  readonly timeMs: number;
  /** A fresh, unique Maildir base name. */
  newGuid(): string;
  /** The strategy's decision: does a new message in this mailbox get a UID now? */
  assignsUids(mailbox: Mailbox): boolean;
  /** The UID lookup memo the caller owns (core/uidIndex.ts). */
  readonly uidIndex: UidIndex;
}

export interface Body {
  readonly blobId: string;
  readonly sizeBytes: number;
  readonly messageId: string;
}

export interface OpResult<R> {
  readonly state: StoreState;
  readonly result: R;
}

export interface AppendResult {
  readonly guid: string;
  readonly uid: number;
  readonly uidValidity: number;
  readonly modseq: number;
}

export interface StoreResult {
  readonly changed: { uid: number; guid: string; flags: readonly string[]; modseq: number }[];
  readonly highestModseq: number;
}

export interface TransferResult {
  readonly uidValidity: number;
  readonly sourceUids: number[];
  readonly targetUids: number[];
  readonly targetGuids: string[];
}

function mailboxOf(state: StoreState, name: string, op: string): Mailbox {
  const mailbox = state.mailboxes.get(name);
  if (!mailbox) throw new ImapNoError(op, `[TRYCREATE] no mailbox ${name}`);
  return mailbox;
}

function withMailboxes(state: StoreState, changed: readonly Mailbox[], removed: readonly string[] = []): StoreState {
  const mailboxes = new Map(state.mailboxes);
  for (const name of removed) mailboxes.delete(name);
  for (const mailbox of changed) mailboxes.set(mailbox.name, mailbox);
  return { mailboxes: sortedMailboxes(mailboxes) };
}

function checkFlags(flags: readonly string[], op: string): string[] {
  for (const flag of flags) {
    try {
      validateFlag(flag);
    } catch (error) {
      if (error instanceof ImapNoError) throw new ImapNoError(op, error.data.reason);
      throw error;
    }
  }
  return normalizeFlags(flags);
}

function nextModseq(mailbox: Mailbox): number {
  return mailbox.highestModseq + 1;
}

function takeUid(mailbox: Mailbox, assign: boolean, op: string): number {
  if (!assign) return 0;
  if (mailbox.uidNext > UID_MAX) throw new ImapNoError(op, `mailbox ${mailbox.name} ran out of UIDs`);
  return mailbox.uidNext;
}

/** SMTP delivery (flags = []) and IMAP APPEND: one new message. */
export function appendMessage(state: StoreState, name: string, body: Body, flagsIn: readonly string[], ctx: OpContext): OpResult<AppendResult> {
  const op = 'APPEND';
  const mailbox = mailboxOf(state, name, op);
  const flags = checkFlags(flagsIn, op);
  const keywords = extendKeywordTable(mailbox.keywords, flags);
  const uid = takeUid(mailbox, ctx.assignsUids(mailbox), op);
  const modseq = nextModseq(mailbox);
  const guid = ctx.newGuid();
  const message: Message = { guid, uid, flags, modseq, internalDateMs: ctx.timeMs, sizeBytes: body.sizeBytes, blobId: body.blobId, messageId: body.messageId };
  const next: Mailbox = {
    ...mailbox,
    keywords,
    uidNext: uid > 0 ? uid + 1 : mailbox.uidNext,
    highestModseq: modseq,
    messages: updateIndexed(ctx.uidIndex, mailbox.messages, [message], []),
  };
  return { state: withMailboxes(state, [next]), result: { guid, uid, uidValidity: mailbox.uidValidity, modseq } };
}

function applyMode(current: readonly string[], mode: '+' | '-' | '=', flags: readonly string[]): string[] {
  if (mode === '=') return [...flags];
  if (mode === '+') return normalizeFlags([...current, ...flags]);
  return current.filter((flag) => !flags.includes(flag));
}

/** UID STORE +FLAGS / -FLAGS / FLAGS. Only messages whose flags really change get the new MODSEQ. */
export function storeFlags(state: StoreState, name: string, uids: readonly number[], mode: '+' | '-' | '=', flagsIn: readonly string[], uidIndex: UidIndex = new UidIndex()): OpResult<StoreResult> {
  const op = 'STORE';
  const mailbox = mailboxOf(state, name, op);
  const flags = checkFlags(flagsIn, op);
  const keywords = mode === '-' ? mailbox.keywords : extendKeywordTable(mailbox.keywords, flags);
  const modseq = nextModseq(mailbox);
  const puts: Message[] = [];
  for (const message of messagesWithUids(uidIndex, mailbox.messages, uids)) {
    const after = applyMode(message.flags, mode, flags);
    if (after.length === message.flags.length && after.every((flag, i) => flag === message.flags[i])) continue;
    puts.push({ ...message, flags: after, modseq });
  }
  if (puts.length === 0) return { state, result: { changed: [], highestModseq: mailbox.highestModseq } };
  const next: Mailbox = { ...mailbox, keywords, highestModseq: modseq, messages: updateIndexed(uidIndex, mailbox.messages, puts, []) };
  const changed = puts.map((m) => ({ uid: m.uid, guid: m.guid, flags: m.flags, modseq }));
  return { state: withMailboxes(state, [next]), result: { changed, highestModseq: modseq } };
}

/** UID EXPUNGE of the given UIDs (whether or not they carry \Deleted: the caller decides). */
export function expungeMessages(state: StoreState, name: string, uids: readonly number[], uidIndex: UidIndex = new UidIndex()): OpResult<{ expunged: number[]; highestModseq: number }> {
  const mailbox = mailboxOf(state, name, 'EXPUNGE');
  const gone = messagesWithUids(uidIndex, mailbox.messages, uids);
  if (gone.length === 0) return { state, result: { expunged: [], highestModseq: mailbox.highestModseq } };
  const modseq = nextModseq(mailbox);
  const next: Mailbox = { ...mailbox, highestModseq: modseq, messages: updateIndexed(uidIndex, mailbox.messages, [], gone) };
  return { state: withMailboxes(state, [next]), result: { expunged: gone.map((m) => m.uid), highestModseq: modseq } };
}

/** Adds copies of `sources` to `target` with new UIDs (or 0 when the strategy defers), ascending in source order. */
function addToTarget(uidIndex: UidIndex, target: Mailbox, sources: readonly Message[], guids: readonly string[], assign: boolean, op: string): { mailbox: Mailbox; added: Message[] } {
  const keywords = extendKeywordTable(target.keywords, sources.flatMap((m) => m.flags));
  const modseq = nextModseq(target);
  let uidNext = target.uidNext;
  const added = sources.map((source, i) => {
    if (assign && uidNext > UID_MAX) throw new ImapNoError(op, `mailbox ${target.name} ran out of UIDs`);
    const uid = assign ? uidNext++ : 0;
    return { ...source, guid: guids[i] as string, uid, modseq };
  });
  const mailbox: Mailbox = { ...target, keywords, uidNext, highestModseq: modseq, messages: updateIndexed(uidIndex, target.messages, added, []) };
  return { mailbox, added };
}

function transferCheck(state: StoreState, from: string, to: string, op: string): { source: Mailbox; target: Mailbox } {
  const source = mailboxOf(state, from, op);
  const target = mailboxOf(state, to, op);
  if (from === to) throw new ImapNoError(op, 'source and target are the same mailbox');
  return { source, target };
}

/** RFC 6851 MOVE: the message keeps its GUID, leaves the source and gets a new UID in the target. */
export function moveMessages(state: StoreState, from: string, uids: readonly number[], to: string, ctx: OpContext): OpResult<TransferResult> {
  const { source, target } = transferCheck(state, from, to, 'MOVE');
  const moving = messagesWithUids(ctx.uidIndex, source.messages, uids);
  if (moving.length === 0) return { state, result: { uidValidity: target.uidValidity, sourceUids: [], targetUids: [], targetGuids: [] } };
  const guids = moving.map((m) => m.guid);
  const { mailbox, added } = addToTarget(ctx.uidIndex, target, moving, guids, ctx.assignsUids(target), 'MOVE');
  const left: Mailbox = { ...source, highestModseq: nextModseq(source), messages: updateIndexed(ctx.uidIndex, source.messages, [], moving) };
  const result = { uidValidity: target.uidValidity, sourceUids: moving.map((m) => m.uid), targetUids: added.map((m) => m.uid), targetGuids: guids };
  return { state: withMailboxes(state, [left, mailbox]), result };
}

/** COPY: new messages (new GUIDs) in the target sharing the source bodies. */
export function copyMessages(state: StoreState, from: string, uids: readonly number[], to: string, ctx: OpContext): OpResult<TransferResult> {
  const { source, target } = transferCheck(state, from, to, 'COPY');
  const copying = messagesWithUids(ctx.uidIndex, source.messages, uids);
  if (copying.length === 0) return { state, result: { uidValidity: target.uidValidity, sourceUids: [], targetUids: [], targetGuids: [] } };
  const guids = copying.map(() => ctx.newGuid());
  const { mailbox, added } = addToTarget(ctx.uidIndex, target, copying, guids, ctx.assignsUids(target), 'COPY');
  const result = { uidValidity: target.uidValidity, sourceUids: copying.map((m) => m.uid), targetUids: added.map((m) => m.uid), targetGuids: guids };
  return { state: withMailboxes(state, [mailbox]), result };
}

/** A UIDVALIDITY from the clock, above every one in the store so a recreated name never repeats one. */
function freshUidValidity(state: StoreState, timeMs: number): number {
  let highest = 0;
  for (const mailbox of state.mailboxes.values()) highest = Math.max(highest, mailbox.uidValidity);
  const validity = Math.max(Math.floor(timeMs / 1000), highest + 1, 1);
  if (validity > UID_MAX) throw new ImapNoError('CREATE', 'UIDVALIDITY space exhausted');
  return validity;
}

export function emptyMailbox(name: string, uidValidity: number): Mailbox {
  return { name, uidValidity, uidNext: 1, highestModseq: 1, keywords: [], messages: EMPTY_MESSAGE_MAP };
}

export function createMailbox(state: StoreState, name: string, ctx: OpContext): OpResult<{ uidValidity: number }> {
  validateMailboxName(name);
  if (state.mailboxes.has(name)) throw new ImapNoError('CREATE', `[ALREADYEXISTS] mailbox ${name} exists`);
  const mailbox = emptyMailbox(name, freshUidValidity(state, ctx.timeMs));
  return { state: withMailboxes(state, [mailbox]), result: { uidValidity: mailbox.uidValidity } };
}

/** RENAME moves the mailbox and its inferiors (A -> B also renames A.x -> B.x); UIDVALIDITY stays. INBOX cannot be renamed here. */
export function renameMailbox(state: StoreState, from: string, to: string): OpResult<{ renamed: string[] }> {
  validateMailboxName(from);
  validateMailboxName(to);
  mailboxOf(state, from, 'RENAME');
  if (from === 'INBOX' || to === 'INBOX') throw new ImapNoError('RENAME', 'renaming INBOX is not supported');
  if (to === from || to.startsWith(`${from}.`)) throw new ImapNoError('RENAME', 'cannot rename a mailbox into itself');
  const moving = [...state.mailboxes.values()].filter((m) => m.name === from || m.name.startsWith(`${from}.`));
  const renamed = moving.map((m) => ({ ...m, name: to + m.name.slice(from.length) }));
  for (const mailbox of renamed) {
    validateMailboxName(mailbox.name);
    if (state.mailboxes.has(mailbox.name)) throw new ImapNoError('RENAME', `[ALREADYEXISTS] mailbox ${mailbox.name} exists`);
  }
  return { state: withMailboxes(state, renamed, moving.map((m) => m.name)), result: { renamed: renamed.map((m) => m.name) } };
}

/** DELETE removes one mailbox and its messages (their GUIDs answered, in order); inferiors stay. INBOX cannot be deleted. */
export function deleteMailbox(state: StoreState, name: string): OpResult<{ guids: string[] }> {
  validateMailboxName(name);
  const mailbox = mailboxOf(state, name, 'DELETE');
  if (name === 'INBOX') throw new ImapNoError('DELETE', 'INBOX cannot be deleted');
  const guids = sortedGuids(mailbox.messages);
  return { state: withMailboxes(state, [], [name]), result: { guids } };
}
