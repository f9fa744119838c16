/**
 * Negative controls: named faults injected into a good strategy (SimConfig.mutant) so that
 * every checker has at least one real run it must call invalid. The cluster engineer
 * implements a hook for each name (sim/mutants.ts, whose maps the types keep complete); this
 * file is the only place the names are listed.
 */
import type { CheckName } from './types.ts';

export interface MutantSpec {
  /** The checker that must report `invalid` when this mutant is on. */
  readonly target: CheckName;
  /** Where it is hooked in (sim/mutants.ts): into the merge, as a follow-up commit, in the world, or in the owner lease (sim/leases.ts). */
  readonly hook: 'merge' | 'follow-up' | 'world' | 'lease';
  /** What the hook does, precisely enough to implement it. */
  readonly description: string;
  /**
   * Set on a planted bug: a subtle mutant that breaks its promise only on one rare path, for
   * measuring how long a sweep takes to find it (`mailsim bench find`, docs/planted-bugs.md),
   * not a negative control that must fail on every run. The value names the layer it is in.
   */
  readonly planted?: PlantedLayer;
}

/** Where a planted bug lives: the merge rules, the renumber strategy's UIDs, an IMAP operation's commit, replication, crash recovery. */
export type PlantedLayer = 'merge' | 'uid-strategy' | 'imap-op' | 'replication' | 'recovery';

/**
 * The planted bugs. Each breaks one promise on one narrow path that an ordinary run may never
 * take: the question is how many seeds of a swarm a sweep needs before some run takes it.
 */
const PLANTED = {
  'uidnext-join-forgets-expunged': {
    hook: 'merge',
    planted: 'uid-strategy',
    target: 'uid-stable',
    description:
      "A merge whose sides' UIDNEXTs differ sets the mailbox UIDNEXT to max(base UIDNEXT, 1 + highest UID present) when that is lower: UIDs a side handed out and expunged (or moved out) before the merge are handed out again.",
  },
  'renumber-keeps-last-clash': {
    hook: 'merge',
    planted: 'uid-strategy',
    target: 'uid-stable',
    description:
      'When both sides handed out the same UIDs, the renumbering gives every clashing message a fresh UID except the last in GUID order, which keeps the smaller of its side UIDs, one the other side had bound to another message.',
  },
  'uidnext-one-low-after-renumber': {
    hook: 'merge',
    planted: 'uid-strategy',
    target: 'uid-stable',
    description: 'A merge that gave fresh UIDs sets UIDNEXT to the highest fresh UID instead of one above it, so the next new message gets that UID again.',
  },
  'modseq-kept-on-double-change': {
    hook: 'merge',
    planted: 'merge',
    target: 'modseq',
    description:
      'When both sides changed the flags of one message and the merged flags differ from one side, the merged message keeps the larger side MODSEQ instead of a new one (the mailbox HIGHESTMODSEQ is still raised).',
  },
  'flags-whole-side-on-double-change': {
    hook: 'merge',
    planted: 'merge',
    target: 'no-lost-flags',
    description:
      "When both sides changed flags of one message, the merge takes the whole flag set of the side with the higher MODSEQ instead of merging flag by flag, so the other side's change to a different flag is lost.",
  },
  'keyword-removal-lost-vs-add': {
    hook: 'merge',
    planted: 'merge',
    target: 'keyword-set',
    description: 'A keyword one side removed comes back when the other side added a different keyword to the same message.',
  },
  'flag-lost-on-moved': {
    hook: 'merge',
    planted: 'merge',
    target: 'no-lost-flags',
    description: 'A message moved on one side and flagged on the other ends up in the target with the mover\'s flags: the flag change is lost (real dsync\'s finding).',
  },
  'expunge-loses-to-flag': {
    hook: 'merge',
    planted: 'merge',
    target: 'no-resurrection',
    description: 'A message one side expunged while the other side changed its flags (and left it in place) comes back: the flag change wins over the expunge.',
  },
  'expunge-lost-beside-move': {
    hook: 'merge',
    planted: 'merge',
    target: 'no-resurrection',
    description:
      'A message one side expunged comes back when that side also moved another message out of the same mailbox since the base, and the other side still holds it.',
  },
  'highestmodseq-stale-on-keyword': {
    hook: 'follow-up',
    planted: 'imap-op',
    target: 'modseq',
    description:
      "A commit (or merge) that changed only keywords of exactly one message (no system flag, no message added or removed) leaves the mailbox HIGHESTMODSEQ where it was, below that message's new MODSEQ.",
  },
  'anti-entropy-skips-last-peer': {
    hook: 'world',
    planted: 'replication',
    target: 'convergence',
    description:
      "Each anti-entropy round's gossip push skips the server's last peer in name order: the last server gets only pushes made after commits and merges, never the periodic repair.",
  },
  'recovery-forgets-sync': {
    hook: 'world',
    planted: 'recovery',
    target: 'no-lost-mail',
    description:
      'A server restarted after a crash reopens its volume without durable writes: its sync does nothing, so a later power loss on that server may take deliveries it acknowledged after the restart.',
  },
} as const satisfies Record<string, MutantSpec>;

export const MUTANTS = Object.freeze({
  'drop-flag-change': {
    hook: 'merge',
    target: 'no-lost-flags',
    description:
      'The merge drops one side\'s flag change: when exactly one side changed a flag of a message, the merged message keeps the base value of that flag (first such flag per merge).',
  },
  'lying-clocks-drop-flag': {
    hook: 'merge',
    target: 'no-lost-flags',
    description:
      'drop-flag-change, and the git adapter lies about causality: every vector clock it hands out (on write answers, on the server) is one constant clock above every other, so by those clocks every write causally follows every other and any two writes of different values look concurrent. A checker that took causality from the adapter would excuse the lost flag; no-lost-flags takes it from the history and must still catch it.',
  },
  'drop-keyword-change': {
    hook: 'merge',
    target: 'keyword-set',
    description:
      'The merge drops one side\'s keyword changes: for every keyword (not a system flag) of a message that exactly one side added or removed, the merged message keeps the base value.',
  },
  'lying-clock-drop-keyword': {
    hook: 'merge',
    target: 'keyword-set',
    description:
      'drop-keyword-change, and the git backend adapter lies about causality: every write it acknowledges is stamped with a vector clock above every stamp handed out before it anywhere, so every write claims to follow every other. keyword-set reads no clock, so the lie must not hide the dropped keyword (one name, because a run takes one mutant).',
  },
  'reuse-uid': {
    hook: 'follow-up',
    target: 'uid-stable',
    description:
      'After an expunge, the next new message in that mailbox gets the highest expunged UID again (uidNext is not advanced past it), so one (mailbox, UIDVALIDITY, UID) names two GUIDs. Only on the expunge\'s own commit, never after a merge (a follow-up after merges ping-pongs between replicas).',
  },
  'undo-expunge': {
    hook: 'merge',
    target: 'no-resurrection',
    description:
      'The merge puts back a message that one side expunged and the other side left unchanged (expunge loses instead of winning).',
  },
  'delete-drops-recovered': {
    hook: 'merge',
    target: 'no-lost-mail',
    description:
      'A message one side put into a mailbox the other side deleted is dropped instead of recovered into INBOX: the merge removes from INBOX every message that no input had in INBOX.',
  },
  'early-ack': {
    hook: 'world',
    target: 'no-lost-mail',
    description:
      'SMTP 250 is sent before the delivery commit is durable (before fs.sync); under a power crash the acknowledged delivery is lost. Run with crash-power faults. The restarted replica must still open (drop the torn commit), so the run ends and the checker can see the loss.',
  },
  'uidnext-backwards': {
    hook: 'follow-up',
    target: 'uid-order',
    description:
      "After every commit and every merge (not only merges: the top message is rarely expunged just before a merge, so a merge-only hook seldom fires), the mailbox's UIDNEXT is set to 1 + the highest UID present, so it goes down as soon as the top message is expunged or moved out; clients then see UIDNEXT decrease and the next new message reuses the UID.",
  },
  'modseq-stuck': {
    hook: 'follow-up',
    target: 'modseq',
    description:
      'STORE changes flags but leaves the message MODSEQ (and HIGHESTMODSEQ) unchanged. Only on the STORE\'s own commit, never after a merge (a follow-up after merges ping-pongs between replicas).',
  },
  'move-both': {
    hook: 'follow-up',
    target: 'move-atomic',
    description:
      "MOVE adds the message to the target but does not remove it from the source (a copy answered as a move). Only the MOVE's own commit: re-adding after merges ping-pongs with the merge's move rule and the run grows without bound.",
  },
  'stop-sync': {
    hook: 'world',
    target: 'convergence',
    description: 'One replica (the last server) stops sending and accepting replication after the first fault, so replicas never agree.',
  },
  'duplicate-on-merge': {
    hook: 'merge',
    target: 'no-duplicates',
    description:
      'The merge keeps a message delivered on one side twice: once under its GUID and once under a fresh GUID (same Message-ID, same attempt), as a tree merge that misses a rename would.',
  },
  'validity-bump': {
    hook: 'merge',
    target: 'uidvalidity',
    description:
      'Every merge raises UIDVALIDITY of the merged mailboxes by one although the strategy declares mayResetValidity = false.',
  },
  'drop-crashed-acks': {
    hook: 'world',
    target: 'completions',
    description:
      'A crash forgets the answers the server still owed for an open batch (batched mode): those requests never get an ok, fail or info, their clients stay busy, and their senders never retry. Run with a batch and crashes.',
  },
  'owner-no-fence': {
    hook: 'lease',
    target: 'lease-exclusive',
    description:
      'The owner checks its lease when it gets it, never again: a lease once held counts as valid after it expired by the owner\'s own clock. A pause longer than the lease, with another node taking over, lets the old owner assign under its superseded epoch when it resumes.',
  },
  'owner-trusts-clock': {
    hook: 'lease',
    target: 'lease-exclusive',
    description:
      'Leases and promises carry no drift allowance: the holder counts the whole lease by its own clock. An owner whose clock runs slow, within the scenario\'s drift bound, keeps assigning after a majority\'s promises expired and the next owner took over.',
  },
  ...PLANTED,
  'trust-reads': {
    hook: 'world',
    target: 'no-lost-mail',
    description:
      'The replica trusts what it reads: object reads skip the id check (zlib\'s own checksum still holds), so a file a misdirected write filled with another whole object counts as the object named. At its next open the replica cannot tell which object is wrong: it builds on the wrong bytes (a wrong state, or one that does not decode), and a peer\'s pack cannot repair it, since the wrong file already counts as present; its acknowledged messages are gone from it, or a message holds another\'s body (FinalReplica.wrongBodies, judged by no-lost-mail). Run with misdirect faults and a restart.',
  },
} as const satisfies Record<string, MutantSpec>);

export type MutantName = keyof typeof MUTANTS;
/** The names of the mutants whose hook is `hook`. */
export type MutantNameOf<H extends MutantSpec['hook']> = { [K in MutantName]: (typeof MUTANTS)[K]['hook'] extends H ? K : never }[MutantName];

export const MUTANT_NAMES: readonly MutantName[] = Object.freeze(Object.keys(MUTANTS) as MutantName[]);

/** The planted bugs (`planted` set), in catalogue order. */
export const PLANTED_BUG_NAMES: readonly MutantName[] = Object.freeze(MUTANT_NAMES.filter((name) => (MUTANTS[name] as MutantSpec).planted !== undefined));
