/**
 * UID strategy `owner`: one replica per mailbox hands out UIDs. Who it is (node and fencing
 * epoch) is this strategy's own data (Mailbox.strategyData `owner`), which the shared merge
 * engine and the layout carry without reading it.
 *
 * - Every delivery, append, copy or move target is stored durably at once with uid 0
 *   (pending: invisible to IMAP). `assignsUids` is false on every node, the owner included,
 *   because the owner may assign only while it has quorum, and that is known only in settle.
 * - settle(state, ctx) on the owner, while ctx.quorum: gives every pending message of its
 *   mailboxes a UID from UIDNEXT, in GUID order, with one new MODSEQ.
 * - Fail-over: a node with quorum whose state names an owner in ctx.unreachable takes the
 *   mailbox over at epoch + 1, then assigns as the owner. A mailbox with no owner yet (one
 *   created by CREATE) belongs to INBOX's owner, who records itself as its owner when it
 *   first settles it; with no INBOX owner either, the first node to settle with quorum
 *   claims it at epoch 1 (concurrent claims: the merge keeps the smaller node name).
 * - Merge: the owner with the higher epoch wins (equal epochs: the smaller node name). A UID
 *   is kept only when it is safe on both sides (each side binds it to this message or never
 *   handed it out); a message whose UID is not safe goes back to pending (uid 0) and the
 *   winning owner gives it a new UID: a UID never names two messages on one replica.
 *
 * Remaining window (honest): quorum is the simulator's reachability oracle, not a lease that a
 * majority acknowledged. With non-transitive reachability (one-way or bridged partitions) an
 * old owner can still reach a majority while a new owner, which cannot reach it, takes over;
 * both then assign the same UIDs for a while. Clients of the two replicas see the same
 * (UIDVALIDITY, UID) name different messages until the merge, which sends the loser's
 * messages back to pending and lets the winner renumber them.
 */
import { mergeStores } from '../merge/mergeStores.ts';
import { type MailboxUidInput, type MailboxUidResult } from '../merge/policy.ts';
import { updateMessages, allMessages } from '../messageMap.ts';
import type { Mailbox, Message, StoreState } from '../state.ts';
import type { SettleContext, UidStrategy } from '../strategy.ts';

/** The replica that hands out UIDs for a mailbox, with its fencing epoch. */
export interface MailboxOwner {
  readonly node: string;
  readonly epoch: number;
}

/** The key of the owner in Mailbox.strategyData: the value is '<node> <epoch>'. */
const OWNER_KEY = 'owner';

/** The strategy data that names `node` as the owner at `epoch` (for initial mailboxes). */
export function ownerData(node: string, epoch: number): Readonly<Record<string, string>> {
  return { [OWNER_KEY]: `${node} ${epoch}` };
}

/** The owner a mailbox records, if any. */
export function ownerOf(mailbox: Mailbox | undefined): MailboxOwner | undefined {
  return ownerIn(mailbox?.strategyData);
}

function ownerIn(data: Readonly<Record<string, string>> | undefined): MailboxOwner | undefined {
  const value = data?.[OWNER_KEY];
  if (value === undefined) return undefined;
  const [node, epoch] = value.split(' ');
  return node !== undefined && epoch !== undefined && /^\d+$/.test(epoch) ? { node, epoch: Number(epoch) } : undefined;
}

function withOwner(mailbox: Mailbox, owner: MailboxOwner): Mailbox {
  return { ...mailbox, strategyData: { ...mailbox.strategyData, ...ownerData(owner.node, owner.epoch) } };
}

/** The higher epoch's owner; equal epochs (two concurrent take-overs): the smaller node name. */
export function mergeOwner(ours: MailboxOwner | undefined, theirs: MailboxOwner | undefined): MailboxOwner | undefined {
  if (!ours) return theirs;
  if (!theirs) return ours;
  if (ours.epoch !== theirs.epoch) return ours.epoch > theirs.epoch ? ours : theirs;
  return ours.node <= theirs.node ? ours : theirs;
}

function mergeOwnerData(ours: Readonly<Record<string, string>> | undefined, theirs: Readonly<Record<string, string>> | undefined): Readonly<Record<string, string>> | undefined {
  const owner = mergeOwner(ownerIn(ours), ownerIn(theirs));
  return owner ? ownerData(owner.node, owner.epoch) : undefined;
}

export function ownerMailbox(input: MailboxUidInput): MailboxUidResult {
  const uids = new Map<string, number>();
  for (const entry of input.entries) uids.set(entry.guid, entry.safeUids[0] ?? 0);
  return { uids, uidValidity: input.uidValidity, uidNext: input.uidNextMin, reassignedAll: false };
}

/** The owner's follow-up: take over dead owners' mailboxes, then give pending messages UIDs. */
export function ownerSettle(state: StoreState, ctx: SettleContext): StoreState | null {
  if (!ctx.quorum) return null;
  let changed = false;
  const mailboxes = new Map<string, Mailbox>();
  const fallback = ownerOf(state.mailboxes.get('INBOX'));
  for (const [name, mailbox] of state.mailboxes) {
    const next = settleMailbox(mailbox, ctx, fallback);
    if (next !== mailbox) changed = true;
    mailboxes.set(name, next);
  }
  return changed ? { mailboxes } : null;
}

function settleMailbox(mailbox: Mailbox, ctx: SettleContext, fallback: MailboxOwner | undefined): Mailbox {
  const recorded = ownerOf(mailbox);
  let owner = recorded ?? fallback;
  if (owner === undefined) owner = { node: ctx.node, epoch: 1 };
  else if (owner.node !== ctx.node && ctx.unreachable.includes(owner.node)) owner = { node: ctx.node, epoch: owner.epoch + 1 };
  if (owner.node !== ctx.node) return mailbox;
  if (recorded === undefined) owner = { ...owner };
  const pending = [...allMessages(mailbox.messages)].filter((m) => m.uid === 0).sort((a, b) => (a.guid < b.guid ? -1 : a.guid > b.guid ? 1 : 0));
  if (pending.length === 0 && owner === recorded) return mailbox;
  const modseq = mailbox.highestModseq + 1;
  let uidNext = mailbox.uidNext;
  const puts: Message[] = pending.map((m) => ({ ...m, uid: uidNext++, modseq }));
  return {
    ...withOwner(mailbox, owner),
    uidNext,
    highestModseq: pending.length > 0 ? modseq : mailbox.highestModseq,
    messages: updateMessages(mailbox.messages, puts, []),
  };
}

export const ownerStrategy: UidStrategy = {
  name: 'owner',
  mayResetValidity: false,
  assignsUids: () => false,
  merge: (base, ours, theirs, ctx) => mergeStores(base, ours, theirs, ctx, { settleMailbox: ownerMailbox, mergeStrategyData: mergeOwnerData }),
  settle: ownerSettle,
};
