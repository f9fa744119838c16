/** UIDVALIDITY across a merge: which one survives, fresh ones, frame records, no shared UID spaces. */
import { allMessages, EMPTY_MESSAGE_MAP, guidHash } from '../messageMap.ts';
import { assert } from '../errors.ts';
import type { Mailbox, StoreState } from '../state.ts';
import { compareStrings } from './compare.ts';
import { messageMapSorted } from './buckets.ts';

/**
 * Virtual merge bases only: a UID space that some input knew but the merged mailboxes no longer
 * hold (two incarnations of one name met, and only one name survives) is kept as a frame record,
 * a message-less entry under a name no IMAP mailbox can have. The real merge reads its UIDNEXT
 * as the base's floor for that space and then drops it, so a side that dropped the space is
 * still noticed (and the space started afresh).
 */
export function keepFrameRecords(mailboxes: Map<string, Mailbox>, inputs: readonly ReadonlyMap<number, Mailbox>[]): void {
  const held = new Set([...mailboxes.values()].map((m) => m.uidValidity));
  const missing = new Map<number, Mailbox>();
  for (const frames of inputs) {
    for (const [validity, mailbox] of frames) {
      if (held.has(validity)) continue;
      const seen = missing.get(validity);
      if (!seen || seen.uidNext < mailbox.uidNext) missing.set(validity, mailbox);
    }
  }
  for (const [validity, mailbox] of [...missing].sort((x, y) => x[0] - y[0])) {
    const name = `${FRAME_RECORD_PREFIX}${validity}`;
    mailboxes.set(name, { name, uidValidity: validity, uidNext: mailbox.uidNext, highestModseq: mailbox.highestModseq, keywords: [], messages: EMPTY_MESSAGE_MAP });
  }
}

/** Names of frame records in virtual bases: a NUL byte, which no mailbox name may contain. */
export const FRAME_RECORD_PREFIX = '\u0000uidvalidity:';

export function withoutFrameRecords(state: StoreState): StoreState {
  let found = false;
  for (const name of state.mailboxes.keys()) if (name.startsWith(FRAME_RECORD_PREFIX)) found = true;
  if (!found) return state;
  return { mailboxes: new Map([...state.mailboxes].filter(([name]) => !name.startsWith(FRAME_RECORD_PREFIX))) };
}

/**
 * The merged mailbox's UIDVALIDITY. Equal on both sides (or one side only): that one. Created
 * on both sides concurrently: the larger. Replaced on one side since the base (re-created,
 * another mailbox renamed onto the name, or a reset) by a larger one: the larger. Otherwise
 * (replaced by a smaller one, or replaced on both sides) neither side's UID space is safe to
 * continue: a side that dropped a UID space after the base may have bound UIDs in it that no
 * state shows any more. Then a fresh UIDVALIDITY above all, and every UID reassigned.
 */
export function mergedUidValidity(
  base: Mailbox | undefined,
  ours: Mailbox | undefined,
  theirs: Mailbox | undefined,
  fresh: number,
): { uidValidity: number; replaced: boolean } {
  const vo = ours?.uidValidity;
  const vt = theirs?.uidValidity;
  const vb = base?.uidValidity;
  if (vo === undefined || vt === undefined || vo === vt) return { uidValidity: vo ?? vt ?? vb ?? 1, replaced: false };
  if (vb === undefined || (vo === vb && vt > vo) || (vt === vb && vo > vt)) return { uidValidity: Math.max(vo, vt), replaced: false };
  return { uidValidity: fresh, replaced: true };
}

/** How far above the highest UIDVALIDITY of the three states a fresh one may land. */
export const FRESH_UIDVALIDITY_SPREAD = 1 << 20;

/**
 * Fresh UIDVALIDITYs for one merge: each above every UIDVALIDITY in the three states, distinct
 * within the merge, and spread by a hash of both sides' mailbox summaries, the GUIDs that
 * differ between them, and the name. Two
 * different merges on two replicas (which cannot coordinate) then almost never mint the same
 * number for different contents (about 1 in FRESH_UIDVALIDITY_SPREAD), while the same merge
 * computed on two nodes, or with the sides swapped, mints the same numbers.
 */
export function validityMint(base: StoreState, ours: StoreState, theirs: StoreState, changedGuids: readonly string[]): (name: string) => number {
  let top = 0;
  for (const state of [base, ours, theirs]) for (const m of state.mailboxes.values()) top = Math.max(top, m.uidValidity);
  const summary = (state: StoreState): string =>
    [...state.mailboxes.values()].map((m) => `${m.name}:${m.uidValidity}:${m.uidNext}:${m.highestModseq}:${m.messages.size}`).sort(compareStrings).join(',');
  // The GUIDs that differ between the sides tell two merges apart when the summaries agree.
  const seed = [summary(ours), summary(theirs)].sort(compareStrings).join('|') + `|${summary(base)}|${guidHash(changedGuids.join(' '))}`;
  const used = new Set<number>();
  return (name) => {
    let value = top + 1 + (guidHash(`${seed}|${name}`) % FRESH_UIDVALIDITY_SPREAD);
    while (used.has(value)) value++;
    assert(value <= UIDVALIDITY_MAX, 'UIDVALIDITY space exhausted');
    used.add(value);
    return value;
  };
}

/** UIDVALIDITY is a 32-bit unsigned value (RFC 9051). */
export const UIDVALIDITY_MAX = 0xffff_ffff;

/** UIDVALIDITY -> mailbox of a state (the smallest name if several share one). */
export function framesOf(state: StoreState): Map<number, Mailbox> {
  const frames = new Map<number, Mailbox>();
  for (const name of [...state.mailboxes.keys()].sort(compareStrings)) {
    const mailbox = state.mailboxes.get(name) as Mailbox;
    if (!frames.has(mailbox.uidValidity)) frames.set(mailbox.uidValidity, mailbox);
  }
  return frames;
}

/**
 * No two merged mailboxes may share a UIDVALIDITY: concurrent renames of one mailbox that the
 * merge could not recognise (to two names) would otherwise leave one UID space under two names,
 * handing out the same UIDs twice, and a later rename back would rebind them. The smallest name
 * keeps the UIDVALIDITY; every other one gets a new one above any in the three states, and its
 * visible messages UIDs 1..n in (INTERNALDATE, GUID) order. Returns how many UIDs changed.
 */
export function separateSharedValidities(
  mailboxes: Map<string, Mailbox>,
  mint: (name: string) => number,
  changes: { mailbox: string; before: number; after: number }[],
): number {
  const seen = new Set<number>();
  let renumbered = 0;
  for (const name of [...mailboxes.keys()].sort(compareStrings)) {
    const mailbox = mailboxes.get(name) as Mailbox;
    if (!seen.has(mailbox.uidValidity)) {
      seen.add(mailbox.uidValidity);
      continue;
    }
    const modseq = mailbox.highestModseq + 1;
    const visible = [...allMessages(mailbox.messages)]
      .filter((m) => m.uid > 0)
      .sort((a, b) => a.internalDateMs - b.internalDateMs || compareStrings(a.guid, b.guid));
    const pending = [...allMessages(mailbox.messages)].filter((m) => m.uid === 0);
    const messages = visible.map((m, index) => ({ ...m, uid: index + 1, modseq }));
    renumbered += visible.length;
    const uidValidity = mint(`${name}\u0000separate`);
    changes.push({ mailbox: name, before: mailbox.uidValidity, after: uidValidity });
    mailboxes.set(name, {
      ...mailbox,
      uidValidity,
      uidNext: visible.length + 1,
      highestModseq: modseq,
      messages: messageMapSorted([...messages, ...pending.map((m) => ({ ...m, modseq }))]),
    });
  }
  return renumbered;
}
