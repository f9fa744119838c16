// Proves every planted bug changes behaviour: for each merge and follow-up hook, a hand-built merge or commit where the bugged renumber strategy answers differently from the good one (and, for the follow-up, a commit it leaves alone); the world hooks are shown in plantedBugs.runs.test.ts.
import { describe, expect, it } from 'vitest';
import { MUTANTS, PLANTED_BUG_NAMES, type MutantSpec } from '../../sim/checkers/mutants.ts';
import { CHECK_NAMES } from '../../sim/checkers/names.ts';
import { withMutant } from '../../sim/mutants.ts';
import { renumberStrategy } from '../../core/strategies/renumber.ts';
import { allMessages } from '../../core/messageMap.ts';
import type { StoreState } from '../../core/state.ts';
import { mailbox, msg, store } from '../core/stateOps.ts';

const CTX = { node: 'a', oursTimeMs: 0, theirsTimeMs: 0 };
/** The planted bugs whose hook is in the world, shown by whole runs (plantedBugs.runs.test.ts). */
const PLANTED_WORLD_BUGS = ['anti-entropy-skips-last-peer', 'recovery-forgets-sync'] as const;

interface MergeCase {
  readonly base: StoreState;
  readonly ours: StoreState;
  readonly theirs: StoreState;
}

/** Both sides delivered one message at UID 2 during a partition: the clash renumber settles. */
const clash: MergeCase = {
  base: store(mailbox('INBOX', { messages: [msg('m1', 1)] })),
  ours: store(mailbox('INBOX', { messages: [msg('m1', 1), msg('a', 2, [], 2)] })),
  theirs: store(mailbox('INBOX', { messages: [msg('m1', 1), msg('b', 2, [], 2)] })),
};

/** Both sides changed a different flag of m1. */
const doubleChange: MergeCase = {
  base: store(mailbox('INBOX', { messages: [msg('m1', 1)] })),
  ours: store(mailbox('INBOX', { messages: [msg('m1', 1, ['\\Seen'], 2)] })),
  theirs: store(mailbox('INBOX', { messages: [msg('m1', 1, ['\\Flagged'], 3)] })),
};

const MERGE_CASES: Readonly<Record<string, MergeCase>> = {
  // ours delivered UID 3 and expunged it; theirs only flagged m1.
  'uidnext-join-forgets-expunged': {
    base: store(mailbox('INBOX', { messages: [msg('m1', 1), msg('m2', 2)] })),
    ours: store(mailbox('INBOX', { uidNext: 4, highestModseq: 3, messages: [msg('m1', 1), msg('m2', 2)] })),
    theirs: store(mailbox('INBOX', { messages: [msg('m1', 1, ['\\Seen'], 2), msg('m2', 2)] })),
  },
  'renumber-keeps-last-clash': clash,
  'uidnext-one-low-after-renumber': clash,
  'modseq-kept-on-double-change': doubleChange,
  'flags-whole-side-on-double-change': doubleChange,
  // ours removed $a, theirs added $b.
  'keyword-removal-lost-vs-add': {
    base: store(mailbox('INBOX', { messages: [msg('m1', 1, ['$a'])] })),
    ours: store(mailbox('INBOX', { messages: [msg('m1', 1, [], 2)] })),
    theirs: store(mailbox('INBOX', { messages: [msg('m1', 1, ['$a', '$b'], 2)] })),
  },
  // ours moved m1 to Archive, theirs marked it seen in INBOX.
  'flag-lost-on-moved': {
    base: store(mailbox('INBOX', { messages: [msg('m1', 1)] }), mailbox('Archive', { uidValidity: 200 })),
    ours: store(mailbox('INBOX', { uidNext: 2, highestModseq: 2 }), mailbox('Archive', { uidValidity: 200, messages: [msg('m1', 1, [], 2)] })),
    theirs: store(mailbox('INBOX', { messages: [msg('m1', 1, ['\\Seen'], 2)] }), mailbox('Archive', { uidValidity: 200 })),
  },
  // ours expunged m1, theirs marked it seen.
  'expunge-loses-to-flag': {
    base: store(mailbox('INBOX', { messages: [msg('m1', 1), msg('m2', 2)] })),
    ours: store(mailbox('INBOX', { uidNext: 3, highestModseq: 2, messages: [msg('m2', 2)] })),
    theirs: store(mailbox('INBOX', { messages: [msg('m1', 1, ['\\Seen'], 2), msg('m2', 2)] })),
  },
  // ours expunged m1 and moved m2 to Archive; theirs delivered m3.
  'expunge-lost-beside-move': {
    base: store(mailbox('INBOX', { messages: [msg('m1', 1), msg('m2', 2)] }), mailbox('Archive', { uidValidity: 200 })),
    ours: store(mailbox('INBOX', { uidNext: 3, highestModseq: 3 }), mailbox('Archive', { uidValidity: 200, messages: [msg('m2', 1, [], 3)] })),
    theirs: store(mailbox('INBOX', { messages: [msg('m1', 1), msg('m2', 2), msg('m3', 3, [], 2)] }), mailbox('Archive', { uidValidity: 200 })),
  },
};

/** A state as comparable data: mailbox fields and messages by GUID. */
function plain(state: StoreState): unknown {
  return [...state.mailboxes.values()].map((m) => ({ ...m, messages: [...allMessages(m.messages)].sort((a, b) => (a.guid < b.guid ? -1 : 1)) }));
}

describe('the planted bugs', () => {
  it('are catalogued with their layer, a checker that exists, and a hook that shows them', () => {
    expect(PLANTED_BUG_NAMES.length).toBeGreaterThanOrEqual(12);
    for (const name of PLANTED_BUG_NAMES) {
      const spec = MUTANTS[name] as MutantSpec;
      expect(spec.planted, name).toBeDefined();
      expect(CHECK_NAMES, name).toContain(spec.target);
      const shown = name in MERGE_CASES || name === 'highestmodseq-stale-on-keyword' || (PLANTED_WORLD_BUGS as readonly string[]).includes(name);
      expect(shown, `${name} has a case that shows it`).toBe(true);
    }
  });

  it('leave the negative controls unmarked', () => {
    expect(MUTANTS['drop-flag-change']).not.toHaveProperty('planted');
    expect(PLANTED_BUG_NAMES).not.toContain('drop-flag-change');
  });

  for (const [name, { base, ours, theirs }] of Object.entries(MERGE_CASES)) {
    it(`${name} merges differently from renumber, the same whichever side is ours`, () => {
      const good = renumberStrategy.merge(base, ours, theirs, CTX).state;
      const bugged = withMutant(renumberStrategy, name);
      const bad = bugged.merge(base, ours, theirs, CTX).state;
      expect(plain(bad)).not.toEqual(plain(good));
      expect(plain(bugged.merge(base, theirs, ours, CTX).state)).toEqual(plain(bad));
    });
  }

  it('the good merges of these cases are left alone by an unrelated planted bug (a hook that fired everywhere would not be subtle)', () => {
    const { base, ours, theirs } = doubleChange;
    const good = renumberStrategy.merge(base, ours, theirs, CTX).state;
    expect(plain(withMutant(renumberStrategy, 'expunge-loses-to-flag').merge(base, ours, theirs, CTX).state)).toEqual(plain(good));
    expect(plain(withMutant(renumberStrategy, 'renumber-keeps-last-clash').merge(base, ours, theirs, CTX).state)).toEqual(plain(good));
  });

  describe('highestmodseq-stale-on-keyword', () => {
    const before = store(mailbox('INBOX', { messages: [msg('m1', 1), msg('m2', 2)] }));
    const settleCtx = { node: 'a', leaseFor: () => null };

    it('leaves HIGHESTMODSEQ behind when a commit only changed a keyword of one message', () => {
      const bugged = withMutant(renumberStrategy, 'highestmodseq-stale-on-keyword');
      expect(bugged.settle?.(before, settleCtx)).toBeNull();
      const after = store(mailbox('INBOX', { messages: [msg('m1', 1, ['$Work'], 3), msg('m2', 2)] }));
      const rewritten = bugged.settle?.(after, settleCtx);
      expect(rewritten?.mailboxes.get('INBOX')?.highestModseq).toBe(1);
      expect(after.mailboxes.get('INBOX')?.highestModseq).toBe(3);
    });

    it('leaves a system flag change alone', () => {
      const bugged = withMutant(renumberStrategy, 'highestmodseq-stale-on-keyword');
      bugged.settle?.(before, settleCtx);
      expect(bugged.settle?.(store(mailbox('INBOX', { messages: [msg('m1', 1, ['\\Seen'], 3), msg('m2', 2)] })), settleCtx)).toBeNull();
    });
  });
});
