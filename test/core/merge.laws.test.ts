// Proves which laws of a join the three-way merge keeps, for states that diverged from one base by deliveries, flag changes, expunges and moves: commutative and idempotent on whole states; associative on what a message is (mailbox, flags, presence) but not on UIDs and MODSEQs, which is why replicas do not merge in arbitrary pairs but through one designated merger (docs/merge-rules.md).
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { merge3 } from '../../core/merge/mergeStores.ts';
import type { StoreState } from '../../core/state.ts';
import { deliver, expunge, mailbox, move, msg, snapshot, store, storeFlag } from './stateOps.ts';

const FLAGS = ['\\Seen', '\\Flagged', '$Junk'] as const;
const BOXES = ['INBOX', 'Archive'] as const;
const BASE_GUIDS = ['g1', 'g2', 'g3', 'g4'];

type Op =
  | { kind: 'deliver'; box: number }
  | { kind: 'store'; guid: number; add: boolean; flag: number }
  | { kind: 'expunge'; guid: number }
  | { kind: 'move'; guid: number; box: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('deliver' as const), box: fc.nat(1) }),
  fc.record({ kind: fc.constant('store' as const), guid: fc.nat(3), add: fc.boolean(), flag: fc.nat(2) }),
  fc.record({ kind: fc.constant('expunge' as const), guid: fc.nat(3) }),
  fc.record({ kind: fc.constant('move' as const), guid: fc.nat(3), box: fc.nat(1) }),
);

function base(): StoreState {
  return store(mailbox('INBOX', { uidValidity: 1, messages: BASE_GUIDS.map((g, i) => msg(g, i + 1)) }), mailbox('Archive', { uidValidity: 2 }));
}

/** One side's history from the base; `side` names its new messages apart from the others'. */
function apply(state: StoreState, ops: readonly Op[], side: string): StoreState {
  return ops.reduce((s, op, index) => {
    if (op.kind === 'deliver') return deliver(s, BOXES[op.box] as string, { ...msg(`${side}${index}`, 0), internalDateMs: 2_000 + index });
    const guid = BASE_GUIDS[op.guid] as string;
    if (op.kind === 'store') return storeFlag(s, guid, op.add ? '+' : '-', FLAGS[op.flag] as string);
    if (op.kind === 'expunge') return expunge(s, guid);
    return move(s, guid, BOXES[op.box] as string);
  }, state);
}

/** What a message is, UIDs and MODSEQs aside: guid -> mailbox and flags. */
function content(state: StoreState): Record<string, string> {
  const out: Record<string, string> = {};
  for (const box of state.mailboxes.values()) for (const bucket of box.messages.buckets) if (bucket) for (const m of bucket.values()) out[m.guid] = `${box.name} ${m.flags.join(' ')}`;
  return out;
}

const sides = fc.tuple(fc.array(opArb, { maxLength: 6 }), fc.array(opArb, { maxLength: 6 }), fc.array(opArb, { maxLength: 6 }));
/** The mutation run (vitest.mutation.config.ts) sets MAILSIM_PROPERTY_QUICK: 100 histories per law instead of 300, so each mutant of the merge costs about a second here. */
const RUNS = { numRuns: process.env['MAILSIM_PROPERTY_QUICK'] === '1' ? 100 : 300, seed: 20261201 };

describe('laws of the three-way merge', () => {
  it('is commutative: merging theirs into ours equals merging ours into theirs', () => {
    fc.assert(
      fc.property(sides, ([a, b]) => {
        const o = apply(base(), a, 'o');
        const t = apply(base(), b, 't');
        expect(snapshot(merge3(base(), o, t))).toEqual(snapshot(merge3(base(), t, o)));
      }),
      RUNS,
    );
  });

  it('is idempotent: a state merged with itself is itself', () => {
    fc.assert(
      fc.property(sides, ([a]) => {
        const s = apply(base(), a, 'o');
        expect(snapshot(merge3(base(), s, s))).toEqual(snapshot(s));
      }),
      RUNS,
    );
  });

  it('is associative on what each message is (mailbox, flags, presence), whatever the grouping', () => {
    fc.assert(
      fc.property(sides, ([a, b, c]) => {
        const [x, y, z] = [apply(base(), a, 'x'), apply(base(), b, 'y'), apply(base(), c, 'z')];
        const left = merge3(base(), merge3(base(), x, y), z);
        const right = merge3(base(), x, merge3(base(), y, z));
        expect(content(left)).toEqual(content(right));
      }),
      RUNS,
    );
  });

  it('is not associative on UIDs and MODSEQs: each grouping mints its own (why one designated merger merges)', () => {
    const found = fc.check(
      fc.property(sides, ([a, b, c]) => {
        const [x, y, z] = [apply(base(), a, 'x'), apply(base(), b, 'y'), apply(base(), c, 'z')];
        const left = merge3(base(), merge3(base(), x, y), z);
        const right = merge3(base(), x, merge3(base(), y, z));
        return JSON.stringify(snapshot(left)) === JSON.stringify(snapshot(right));
      }),
      RUNS,
    );
    expect(found.failed).toBe(true);
  });
});
