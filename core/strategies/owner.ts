/**
 * UID strategy `owner`: one replica per mailbox hands out UIDs. Who it is (node and fencing
 * epoch) is this strategy's own data (Mailbox.strategyData `owner`), which the shared merge
 * engine and the layout carry without reading it.
 *
 * - Every delivery, append, copy or move target is stored durably at once with uid 0
 *   (pending: invisible to IMAP). `assignsUids` is false on every node, the owner included,
 *   because the owner may assign only while it has quorum, and that is known only in settle.
 * - settle(state, ctx) on the node that holds the mailbox's owner lease (ctx.leaseFor: granted
 *   by a majority over the network and unexpired by the node's own clock, sim/leases.ts): gives
 *   every pending message a UID from UIDNEXT, in GUID order, with one new MODSEQ.
 * - Fail-over: a node that won the lease at a higher epoch than the recorded owner's records
 *   itself as the owner at that epoch, then assigns. A lease at an epoch below the recorded
 *   one assigns nothing (the fence). A mailbox with no owner yet (one created by CREATE) goes
 *   with INBOX's lease; its holder records itself as the owner when it first settles it.
 * - Merge: the owner with the higher epoch wins (equal epochs: the smaller node name). A UID
 *   is kept only when it is safe on both sides (each side binds it to this message or never
 *   handed it out); a message whose UID is not safe goes back to pending (uid 0) and the
 *   winning owner gives it a new UID: a UID never names two messages on one replica.
 *
 * Leases rest on bounded clock drift: a clock that drifts past the bound the scenario states
 * (`leases.driftPpmMax`), or jumps, can let two owners assign at once (a control shows it).
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

/** The owner's follow-up: record itself as owner of the mailboxes it holds a newer lease for, then give pending messages UIDs. */
export function ownerSettle(state: StoreState, ctx: SettleContext): StoreState | null {
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
  // A mailbox with no owner of its own (made by CREATE) goes with INBOX's owner and lease.
  const lease = ctx.leaseFor(recorded === undefined ? 'INBOX' : mailbox.name);
  if (lease === null) return mailbox;
  const current = recorded ?? fallback;
  // The fence: a lease older than the owner this state records assigns nothing.
  if (current !== undefined && (current.epoch > lease || (current.epoch === lease && current.node !== ctx.node))) return mailbox;
  const owner: MailboxOwner = { node: ctx.node, epoch: lease };
  if (current !== undefined && current.node !== ctx.node) ctx.probes?.hit('owner-takeover');
  const pending = [...allMessages(mailbox.messages)].filter((m) => m.uid === 0).sort((a, b) => (a.guid < b.guid ? -1 : a.guid > b.guid ? 1 : 0));
  const sameOwner = recorded !== undefined && recorded.node === owner.node && recorded.epoch === owner.epoch;
  if (pending.length === 0 && sameOwner) return mailbox;
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
  usesLeases: true,
};
