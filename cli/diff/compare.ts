/**
 * The differences between two backends' runs of one scenario and seed, message by message
 * (keyed by Message-ID): whether it survived, where, with which flags, how its UID relates,
 * and what each checker said. Pure: two RunViews in, a list of facts out; what explains
 * each fact is ./classes.ts's business.
 */
import type { MessageCopy, RunView } from './runView.ts';

export type Difference =
  /** Held on one side, not on the other (expunged, or never made). */
  | { readonly kind: 'presence'; readonly messageId: string; readonly reference: number; readonly other: number }
  /** Held on both, a different number of times. */
  | { readonly kind: 'duplicates'; readonly messageId: string; readonly reference: number; readonly other: number }
  /** Held as often on both, in different mailboxes. */
  | { readonly kind: 'mailbox'; readonly messageId: string; readonly reference: readonly string[]; readonly other: readonly string[] }
  /** In the same mailbox on both, with other flags; `flags` are the ones held on one side only. */
  | { readonly kind: 'flags'; readonly messageId: string; readonly mailbox: string; readonly reference: readonly string[]; readonly other: readonly string[]; readonly flags: readonly string[] }
  /** In the same mailbox on both; its UID there differs from the one its client was answered on one side only. */
  | { readonly kind: 'renumbered'; readonly messageId: string; readonly mailbox: string; readonly reference: boolean; readonly other: boolean }
  /** Two messages of one mailbox in one UID order on one side and the other order on the other. */
  | { readonly kind: 'uid-order'; readonly messageId: string; readonly otherMessageId: string; readonly mailbox: string }
  | { readonly kind: 'uidvalidity'; readonly mailbox: string; readonly reference: boolean; readonly other: boolean }
  /** One side's replicas ended alike and the other's did not. */
  | { readonly kind: 'replicas'; readonly reference: boolean; readonly other: boolean }
  /** A checker passed on one side and failed on the other. */
  | { readonly kind: 'verdict'; readonly check: string; readonly reference: string; readonly other: string; readonly explanation: string };

export function compareViews(reference: RunView, other: RunView): Difference[] {
  const differences: Difference[] = [];
  const ids = [...new Set([...reference.copies.keys(), ...other.copies.keys()])].sort();
  for (const id of ids) differences.push(...messageDifferences(id, reference, other));
  differences.push(...orderDifferences(reference, other));
  for (const [name, end] of reference.mailboxes) {
    const otherEnd = other.mailboxes.get(name);
    if (otherEnd === undefined) continue;
    const reset = end.uidValidity !== end.initialUidValidity;
    const otherReset = otherEnd.uidValidity !== otherEnd.initialUidValidity;
    if (reset !== otherReset) differences.push({ kind: 'uidvalidity', mailbox: name, reference: reset, other: otherReset });
  }
  if (reference.replicasAgree !== other.replicasAgree) differences.push({ kind: 'replicas', reference: reference.replicasAgree, other: other.replicasAgree });
  for (const [check, result] of Object.entries(reference.checks)) {
    const otherVerdict = other.checks[check]?.verdict ?? 'not-applicable';
    if (passes(result.verdict) === passes(otherVerdict)) continue;
    // The failing side's words: what it found broken.
    const explanation = passes(otherVerdict) ? result.explanation : (other.checks[check]?.explanation ?? '');
    differences.push({ kind: 'verdict', check, reference: result.verdict, other: otherVerdict, explanation });
  }
  return differences;
}

/** valid and not-applicable both pass: a check with nothing to judge on one side is not a finding. */
function passes(verdict: string): boolean {
  return verdict === 'valid' || verdict === 'not-applicable';
}

function messageDifferences(id: string, reference: RunView, other: RunView): Difference[] {
  const mine = reference.copies.get(id) ?? [];
  const theirs = other.copies.get(id) ?? [];
  if (mine.length === 0 || theirs.length === 0) return [{ kind: 'presence', messageId: id, reference: mine.length, other: theirs.length }];
  if (mine.length !== theirs.length) return [{ kind: 'duplicates', messageId: id, reference: mine.length, other: theirs.length }];
  const boxes = mine.map((copy) => copy.mailbox);
  const otherBoxes = theirs.map((copy) => copy.mailbox);
  if (boxes.join('\n') !== otherBoxes.join('\n')) return [{ kind: 'mailbox', messageId: id, reference: boxes, other: otherBoxes }];
  const differences: Difference[] = [];
  mine.forEach((copy, i) => {
    const twin = theirs[i] as MessageCopy;
    const onlyOneSide = [...copy.flags.filter((f) => !twin.flags.includes(f)), ...twin.flags.filter((f) => !copy.flags.includes(f))].sort();
    if (onlyOneSide.length > 0) differences.push({ kind: 'flags', messageId: id, mailbox: copy.mailbox, reference: copy.flags, other: twin.flags, flags: onlyOneSide });
    const renumbered = isRenumbered(reference, id, copy);
    const otherRenumbered = isRenumbered(other, id, twin);
    if (renumbered !== otherRenumbered) differences.push({ kind: 'renumbered', messageId: id, mailbox: copy.mailbox, reference: renumbered, other: otherRenumbered });
  });
  return differences;
}

/** The message's final UID is not the one its client was last answered in that mailbox. */
export function isRenumbered(view: RunView, id: string, copy: MessageCopy): boolean {
  const answered = view.answeredUids.get(id)?.get(copy.mailbox);
  return answered !== undefined && answered !== copy.uid;
}

/**
 * Pairs of messages held once in the same mailbox on both sides whose UIDs are in opposite
 * orders. Absolute UIDs are not compared: how many UIDs a backend spends (on expunged
 * messages, on renumbering) is its own.
 */
function orderDifferences(reference: RunView, other: RunView): Difference[] {
  const differences: Difference[] = [];
  for (const [mailbox, pairs] of commonUids(reference, other)) {
    pairs.sort((a, b) => a.uid - b.uid);
    for (let i = 0; i < pairs.length; i++) {
      for (let j = i + 1; j < pairs.length; j++) {
        const [a, b] = [pairs[i], pairs[j]] as [UidPair, UidPair];
        if (a.otherUid > b.otherUid) differences.push({ kind: 'uid-order', messageId: a.id, otherMessageId: b.id, mailbox });
      }
    }
  }
  return differences;
}

interface UidPair {
  readonly id: string;
  readonly uid: number;
  readonly otherUid: number;
}

function commonUids(reference: RunView, other: RunView): Map<string, UidPair[]> {
  const byMailbox = new Map<string, UidPair[]>();
  for (const [id, copies] of reference.copies) {
    const theirs = other.copies.get(id) ?? [];
    const [copy] = copies;
    const [twin] = theirs;
    if (copies.length !== 1 || theirs.length !== 1 || copy === undefined || twin === undefined || copy.mailbox !== twin.mailbox) continue;
    const pairs = byMailbox.get(copy.mailbox) ?? [];
    pairs.push({ id, uid: copy.uid, otherUid: twin.uid });
    byMailbox.set(copy.mailbox, pairs);
  }
  return byMailbox;
}
