/**
 * The IMAP/SMTP operations as pure functions: state in, {state, result} out. Each validates
 * first (typed errors, nothing built), then builds the new state. An operation that changes
 * nothing returns the very same state object, so the replica makes no commit for it.
 *
 * Rules kept after every operation (RFC 9051 §2.3.1.1, RFC 7162 §3.1): a new UID is the
 * mailbox's UIDNEXT, which then grows, so UIDs ascend and are never reused; every change
 * gets MODSEQ = HIGHESTMODSEQ + 1 (one value per operation and mailbox).
 */
import { ImapNoError } from './errors.ts';
import { EMPTY_MESSAGE_MAP, allMessages, bucketOf, updateMessages, type MessageMap } from './messageMap.ts';
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

/** Per bucket: uid -> its messages (one, except while a merge has not yet renumbered a clash). */
const uidIndexes = new WeakMap<ReadonlyMap<string, Message>, Map<number, Message[]>>();

function uidIndexOf(bucket: ReadonlyMap<string, Message>): Map<number, Message[]> {
  let index = uidIndexes.get(bucket);
  if (!index) {
    index = new Map();
    for (const message of bucket.values()) {
      if (message.uid <= 0) continue;
      const same = index.get(message.uid);
      if (same) same.push(message);
      else index.set(message.uid, [message]);
    }
    uidIndexes.set(bucket, index);
  }
  return index;
}

/** Lookups of at most this many UIDs in a map without a whole-map index go bucket by bucket (named limit). */
export const UID_LOOKUP_BY_BUCKET_MAX = 8;
/** UIDs above this are looked up by scanning buckets instead of through a typed-array index. */
export const UID_INDEX_MAX = 1 << 22;

/** uid -> bucket index + 1 (0: none; SHARED_UID: several messages share the UID, scan every bucket). */
const SHARED_UID = 0xffff;
const uidBuckets = new WeakMap<MessageMap, Uint16Array>();

function setUidBucket(index: Uint16Array, uid: number, bucket: number): void {
  const slot = index[uid] ?? 0;
  index[uid] = slot === 0 || slot === bucket + 1 ? bucket + 1 : SHARED_UID;
}

/** The uid -> bucket index of a map, built once (O(n)) and then carried along by `updateIndexed`; null past UID_INDEX_MAX. */
function uidBucketsOf(messages: MessageMap): Uint16Array | null {
  let index = uidBuckets.get(messages);
  if (!index) {
    let maxUid = 0;
    for (const message of allMessages(messages)) maxUid = Math.max(maxUid, message.uid);
    if (maxUid > UID_INDEX_MAX) return null;
    index = new Uint16Array(maxUid + 1);
    messages.buckets.forEach((bucket, b) => {
      if (bucket) for (const message of bucket.values()) if (message.uid > 0) setUidBucket(index as Uint16Array, message.uid, b);
    });
    uidBuckets.set(messages, index);
  }
  return index;
}

/** updateMessages that also derives the new map's uid index from the old one (a typed-array copy). */
function updateIndexed(messages: MessageMap, puts: readonly Message[], removals: readonly Message[]): MessageMap {
  const next = updateMessages(messages, puts, removals.map((m) => m.guid));
  const old = uidBuckets.get(messages);
  if (!old) return next;
  let maxUid = old.length - 1;
  for (const message of puts) maxUid = Math.max(maxUid, message.uid);
  if (maxUid > UID_INDEX_MAX) return next;
  const index = new Uint16Array(maxUid + 1);
  index.set(old);
  for (const message of removals) if (message.uid > 0 && index[message.uid] !== SHARED_UID) index[message.uid] = 0;
  for (const message of puts) if (message.uid > 0) setUidBucket(index, message.uid, bucketOf(message.guid));
  uidBuckets.set(next, index);
  return next;
}

/** The visible messages with the given UIDs, in ascending UID order; absent UIDs are ignored (as IMAP does). */
export function messagesWithUids(messages: MessageMap, uids: readonly number[]): Message[] {
  const wanted = new Set(uids.filter((uid) => Number.isInteger(uid) && uid > 0));
  const found: Message[] = [];
  if (wanted.size === 0) return found;
  // UIDs looked up in every bucket's own index (shared by every map holding that bucket):
  // a few UIDs in a map with no whole-map index yet (one just read or merged), so one lookup
  // does not index the whole mailbox; UIDs the whole-map index marks as shared; any UID when
  // the map has none (UIDs past UID_INDEX_MAX). The rest go straight to their one bucket.
  const index = !uidBuckets.has(messages) && wanted.size <= UID_LOOKUP_BY_BUCKET_MAX ? null : uidBucketsOf(messages);
  const everyBucket: number[] = [];
  if (index === null) everyBucket.push(...wanted);
  else for (const uid of wanted) {
    const slot = index[uid] ?? 0;
    if (slot === SHARED_UID) everyBucket.push(uid);
    else if (slot !== 0) found.push(...(uidIndexOf(messages.buckets[slot - 1] as ReadonlyMap<string, Message>).get(uid) ?? []));
  }
  if (everyBucket.length > 0) {
    for (const bucket of messages.buckets) {
      if (!bucket) continue;
      const byUid = uidIndexOf(bucket);
      for (const uid of everyBucket) found.push(...(byUid.get(uid) ?? []));
    }
  }
  return found.sort((a, b) => a.uid - b.uid || (a.guid < b.guid ? -1 : 1));
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
    messages: updateIndexed(mailbox.messages, [message], []),
  };
  return { state: withMailboxes(state, [next]), result: { guid, uid, uidValidity: mailbox.uidValidity, modseq } };
}

function applyMode(current: readonly string[], mode: '+' | '-' | '=', flags: readonly string[]): string[] {
  if (mode === '=') return [...flags];
  if (mode === '+') return normalizeFlags([...current, ...flags]);
  return current.filter((flag) => !flags.includes(flag));
}

/** UID STORE +FLAGS / -FLAGS / FLAGS. Only messages whose flags really change get the new MODSEQ. */
export function storeFlags(state: StoreState, name: string, uids: readonly number[], mode: '+' | '-' | '=', flagsIn: readonly string[]): OpResult<StoreResult> {
  const op = 'STORE';
  const mailbox = mailboxOf(state, name, op);
  const flags = checkFlags(flagsIn, op);
  const keywords = mode === '-' ? mailbox.keywords : extendKeywordTable(mailbox.keywords, flags);
  const modseq = nextModseq(mailbox);
  const puts: Message[] = [];
  for (const message of messagesWithUids(mailbox.messages, uids)) {
    const after = applyMode(message.flags, mode, flags);
    if (after.length === message.flags.length && after.every((flag, i) => flag === message.flags[i])) continue;
    puts.push({ ...message, flags: after, modseq });
  }
  if (puts.length === 0) return { state, result: { changed: [], highestModseq: mailbox.highestModseq } };
  const next: Mailbox = { ...mailbox, keywords, highestModseq: modseq, messages: updateIndexed(mailbox.messages, puts, []) };
  const changed = puts.map((m) => ({ uid: m.uid, guid: m.guid, flags: m.flags, modseq }));
  return { state: withMailboxes(state, [next]), result: { changed, highestModseq: modseq } };
}

/** UID EXPUNGE of the given UIDs (whether or not they carry \Deleted: the caller decides). */
export function expungeMessages(state: StoreState, name: string, uids: readonly number[]): OpResult<{ expunged: number[]; highestModseq: number }> {
  const mailbox = mailboxOf(state, name, 'EXPUNGE');
  const gone = messagesWithUids(mailbox.messages, uids);
  if (gone.length === 0) return { state, result: { expunged: [], highestModseq: mailbox.highestModseq } };
  const modseq = nextModseq(mailbox);
  const next: Mailbox = { ...mailbox, highestModseq: modseq, messages: updateIndexed(mailbox.messages, [], gone) };
  return { state: withMailboxes(state, [next]), result: { expunged: gone.map((m) => m.uid), highestModseq: modseq } };
}

/** Adds copies of `sources` to `target` with new UIDs (or 0 when the strategy defers), ascending in source order. */
function addToTarget(target: Mailbox, sources: readonly Message[], guids: readonly string[], assign: boolean, op: string): { mailbox: Mailbox; added: Message[] } {
  const keywords = extendKeywordTable(target.keywords, sources.flatMap((m) => m.flags));
  const modseq = nextModseq(target);
  let uidNext = target.uidNext;
  const added = sources.map((source, i) => {
    if (assign && uidNext > UID_MAX) throw new ImapNoError(op, `mailbox ${target.name} ran out of UIDs`);
    const uid = assign ? uidNext++ : 0;
    return { ...source, guid: guids[i] as string, uid, modseq };
  });
  const mailbox: Mailbox = { ...target, keywords, uidNext, highestModseq: modseq, messages: updateIndexed(target.messages, added, []) };
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
  const moving = messagesWithUids(source.messages, uids);
  if (moving.length === 0) return { state, result: { uidValidity: target.uidValidity, sourceUids: [], targetUids: [], targetGuids: [] } };
  const guids = moving.map((m) => m.guid);
  const { mailbox, added } = addToTarget(target, moving, guids, ctx.assignsUids(target), 'MOVE');
  const left: Mailbox = { ...source, highestModseq: nextModseq(source), messages: updateIndexed(source.messages, [], moving) };
  const result = { uidValidity: target.uidValidity, sourceUids: moving.map((m) => m.uid), targetUids: added.map((m) => m.uid), targetGuids: guids };
  return { state: withMailboxes(state, [left, mailbox]), result };
}

/** COPY: new messages (new GUIDs) in the target sharing the source bodies. */
export function copyMessages(state: StoreState, from: string, uids: readonly number[], to: string, ctx: OpContext): OpResult<TransferResult> {
  const { source, target } = transferCheck(state, from, to, 'COPY');
  const copying = messagesWithUids(source.messages, uids);
  if (copying.length === 0) return { state, result: { uidValidity: target.uidValidity, sourceUids: [], targetUids: [], targetGuids: [] } };
  const guids = copying.map(() => ctx.newGuid());
  const { mailbox, added } = addToTarget(target, copying, guids, ctx.assignsUids(target), 'COPY');
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

/** DELETE removes one mailbox and its messages; inferiors stay. INBOX cannot be deleted. */
export function deleteMailbox(state: StoreState, name: string): OpResult<{ expunged: number }> {
  validateMailboxName(name);
  const mailbox = mailboxOf(state, name, 'DELETE');
  if (name === 'INBOX') throw new ImapNoError('DELETE', 'INBOX cannot be deleted');
  return { state: withMailboxes(state, [], [name]), result: { expunged: mailbox.messages.size } };
}
