// Proves each UID strategy's rule on examples: the measured dsync renumbering figure, owner assignment/fencing/fail-over, reset-validity, and the three known-bad controls producing their defect.
import { ownerOf } from '../../core/strategies/owner.ts';
import { describe, expect, it } from 'vitest';
import { MailsimError } from '../../core/errors.ts';
import { type MergeContext } from '../../core/strategy.ts';
import { STRATEGY_NAMES, strategyByName } from '../../core/strategies/registry.ts';
import { flatPath, pathKept } from '../../core/strategies/naiveGit.ts';
import type { Mailbox, StoreState } from '../../core/state.ts';
import { deliver, expunge, findGuid, mailbox, move, msg, snapshot, store, storeFlag, where } from './stateOps.ts';

const ctx: MergeContext = { node: 'n1', oursTimeMs: 1_000, theirsTimeMs: 2_000 };
const swapped: MergeContext = { node: 'n2', oursTimeMs: 2_000, theirsTimeMs: 1_000 };

const five = store(mailbox('INBOX', { uidValidity: 42, messages: [1, 2, 3, 4, 5].map((i) => msg(`g${i}`, i)) }));

function deliverAll(state: StoreState, guids: readonly string[], assigns = true): StoreState {
  return guids.reduce((s, g) => deliver(s, 'INBOX', msg(g, 0), assigns), state);
}

describe('registry', () => {
  it('lists the six strategies and finds each by name', () => {
    expect(STRATEGY_NAMES).toEqual(['renumber', 'owner', 'reset-validity', 'naive-git', 'lww-wallclock', 'keep-uids']);
    for (const name of STRATEGY_NAMES) expect(strategyByName(name).name).toBe(name);
    expect(STRATEGY_NAMES.filter((n) => strategyByName(n).mayResetValidity)).toEqual(['reset-validity']);
  });

  it('refuses an unknown name with E_UNKNOWN_STRATEGY', () => {
    expect(() => strategyByName('nope')).toThrow(MailsimError);
    try {
      strategyByName('nope');
    } catch (error) {
      expect((error as MailsimError).code).toBe('E_UNKNOWN_STRATEGY');
    }
  });

  it.each(STRATEGY_NAMES)('%s: merge(b,o,t) equals merge(b,t,o) with the times swapped', (name) => {
    const strategy = strategyByName(name);
    const a = storeFlag(deliverAll(five, ['a6', 'a7']), 'g1', '+', '\\Seen');
    const b = storeFlag(deliverAll(five, ['b6']), 'g1', '+', '\\Flagged');
    expect(snapshot(strategy.merge(five, b, a, swapped).state)).toEqual(snapshot(strategy.merge(five, a, b, ctx).state));
  });
});

describe('renumber (dsync rule)', () => {
  it('reproduces the measured Dovecot figure: A 6,7,8 and B 6,7 -> A\'s 8 kept, the others 9-12, UIDNEXT 13', () => {
    const a = deliverAll(five, ['a6', 'a7', 'a8']);
    const b = deliverAll(five, ['b6', 'b7']);
    const outcome = strategyByName('renumber').merge(five, a, b, ctx);
    const uids = where(outcome.state);
    expect(uids['a8']?.[1]).toBe(8);
    expect([uids['a6']?.[1], uids['a7']?.[1], uids['b6']?.[1], uids['b7']?.[1]]).toEqual([9, 10, 11, 12]);
    const inbox = outcome.state.mailboxes.get('INBOX');
    expect(inbox?.uidNext).toBe(13);
    expect(inbox?.uidValidity).toBe(42);
    expect(outcome.renumbered).toBe(4);
    expect(outcome.uidValidityChanges).toEqual([]);
  });

  it('keeps every UID when only one side added messages', () => {
    const outcome = strategyByName('renumber').merge(five, deliverAll(five, ['a6', 'a7']), storeFlag(five, 'g2', '+', '\\Seen'), ctx);
    expect(where(outcome.state)['a7']?.[1]).toBe(7);
    expect(outcome.renumbered).toBe(0);
  });
});

describe('reset-validity', () => {
  it('on a clash raises UIDVALIDITY and reassigns every UID from 1', () => {
    const outcome = strategyByName('reset-validity').merge(five, deliverAll(five, ['a6']), deliverAll(five, ['b6']), ctx);
    const inbox = outcome.state.mailboxes.get('INBOX');
    expect(inbox?.uidValidity).toBeGreaterThan(42);
    expect(outcome.uidValidityChanges).toEqual([{ mailbox: 'INBOX', before: 42, after: inbox?.uidValidity }]);
    expect(Object.values(where(outcome.state)).map((w) => w[1]).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(inbox?.uidNext).toBe(8);
  });

  it('without a clash keeps UIDVALIDITY', () => {
    const outcome = strategyByName('reset-validity').merge(five, deliverAll(five, ['a6']), storeFlag(five, 'g1', '+', '\\Seen'), ctx);
    expect(outcome.state.mailboxes.get('INBOX')?.uidValidity).toBe(42);
    expect(outcome.uidValidityChanges).toEqual([]);
  });
});

describe('owner', () => {
  const owner = strategyByName('owner');
  const owned = store(mailbox('INBOX', { uidValidity: 42, messages: [1, 2, 3].map((i) => msg(`g${i}`, i)), owner: { node: 'n1', epoch: 1 } }));
  const inbox = owned.mailboxes.get('INBOX');

  it('assigns no UID at delivery: the message is stored pending (uid 0)', () => {
    expect(inbox && owner.assignsUids(inbox, 'n1')).toBe(false);
    expect(inbox && owner.assignsUids(inbox, 'n2')).toBe(false);
  });

  /** A settle context holding the lease at `epoch` for every mailbox (null: no lease). */
  const leased = (node: string, epoch: number | null) => ({ node, leaseFor: () => epoch });

  it('the owner gives pending messages UIDs in settle, only while it holds the lease', () => {
    const pending = deliverAll(owned, ['p2', 'p1'], false);
    expect(owner.settle?.(pending, leased('n1', null))).toBeNull();
    expect(owner.settle?.(pending, leased('n2', null))).toBeNull();
    const settled = owner.settle?.(pending, leased('n1', 1));
    expect(settled && [where(settled)['p1']?.[1], where(settled)['p2']?.[1]]).toEqual([4, 5]);
    expect(settled?.mailboxes.get('INBOX')?.uidNext).toBe(6);
  });

  it('a mailbox created without an owner belongs to INBOX\'s owner', () => {
    const withWork = store(...owned.mailboxes.values(), mailbox('Work', { uidValidity: 50 }));
    const pending = deliver(withWork, 'Work', msg('w1', 0), false);
    expect(owner.settle?.(pending, leased('n2', null))).toBeNull();
    const settled = owner.settle?.(pending, leased('n1', 1)) as StoreState;
    expect(ownerOf(settled.mailboxes.get('Work'))).toEqual({ node: 'n1', epoch: 1 });
    expect(where(settled)['w1']?.[1]).toBe(1);
  });

  it('takes over only with a lease at a higher epoch than the recorded owner; an older or equal lease assigns nothing (the fence)', () => {
    expect(owner.settle?.(owned, leased('n2', null))).toBeNull();
    expect(owner.settle?.(owned, leased('n2', 1))).toBeNull();
    expect(owner.settle?.(deliverAll(owned, ['z'], false), leased('n2', 1))).toBeNull();
    const taken = owner.settle?.(owned, leased('n2', 2));
    expect(ownerOf(taken?.mailboxes.get('INBOX'))).toEqual({ node: 'n2', epoch: 2 });
    // n1's lease at epoch 1 no longer assigns once the state records epoch 2.
    expect(owner.settle?.(deliverAll(taken as StoreState, ['late'], false), leased('n1', 1))).toBeNull();
  });

  it('on merge the higher epoch owner wins, and a UID handed out twice goes back to pending', () => {
    // Both n1 (epoch 1) and n2 (epoch 2) gave UID 4 (leases overlapping, as a clock past its drift bound allows): the merge repairs it.
    const byOld = owner.settle?.(deliverAll(owned, ['x'], false), leased('n1', 1)) as StoreState;
    const taken = owner.settle?.(deliverAll(owned, ['y'], false), leased('n2', 2)) as StoreState;
    expect(where(byOld)['x']?.[1]).toBe(4);
    expect(where(taken)['y']?.[1]).toBe(4);
    const merged = owner.merge(owned, byOld, taken, ctx).state;
    expect(ownerOf(merged.mailboxes.get('INBOX'))).toEqual({ node: 'n2', epoch: 2 });
    expect([where(merged)['x']?.[1], where(merged)['y']?.[1]]).toEqual([0, 0]);
    const resettled = owner.settle?.(merged, leased('n2', 2)) as StoreState;
    expect([where(resettled)['x']?.[1], where(resettled)['y']?.[1]]).toEqual([5, 6]);
  });
});

describe('known-bad controls', () => {
  it('naive-git: two concurrent flag changes of one message become two messages with the same Message-ID', () => {
    const base = store(mailbox('INBOX', { uidValidity: 42, messages: [msg('u', 1, ['\\Seen'])] }));
    const a = storeFlag(base, 'u', '+', '\\Flagged');
    const b = storeFlag(base, 'u', '+', '\\Answered');
    const merged = strategyByName('naive-git').merge(base, a, b, ctx).state;
    const all = Object.entries(where(merged));
    expect(all).toHaveLength(2);
    expect(all.map(([, w]) => w[2]).sort()).toEqual(['\\Answered \\Seen', '\\Flagged \\Seen']);
    const ids = all.map(([guid]) => findGuid(merged, guid)?.message.messageId);
    expect(ids[0]).toBe(ids[1]);
    expect(all.map(([guid]) => guid).find((g) => g !== 'u')).toMatch(/^u\.dup-[0-9a-f]{8}$/);
  });

  it('naive-git: an expunge against a flag change resurrects the message; path rule table', () => {
    const base = store(mailbox('INBOX', { uidValidity: 42, messages: [msg('u', 1, ['\\Seen'])] }));
    const merged = strategyByName('naive-git').merge(base, expunge(base, 'u'), storeFlag(base, 'u', '+', '\\Flagged'), ctx).state;
    expect(where(merged)['u']?.[2]).toBe('\\Flagged \\Seen');
    expect(flatPath(base.mailboxes.get('INBOX') as Mailbox, msg('u', 1, ['\\Seen', '\\Flagged']))).toBe('cur/u:2,FS');
    expect([pathKept(true, true, true), pathKept(true, false, true), pathKept(false, true, false), pathKept(true, true, false)]).toEqual([true, false, true, false]);
  });

  it('naive-git: a move against a flag change duplicates the message across folders', () => {
    const base = store(mailbox('INBOX', { uidValidity: 42, messages: [msg('u', 1)] }), mailbox('Archive', { uidValidity: 43 }));
    const merged = strategyByName('naive-git').merge(base, move(base, 'u', 'Archive'), storeFlag(base, 'u', '+', '\\Seen'), ctx).state;
    expect(Object.values(where(merged)).map((w) => w[0]).sort()).toEqual(['Archive', 'INBOX']);
  });

  it('lww-wallclock: the later head clock takes the whole flag set, losing the other write (and skew picks the wrong side)', () => {
    const a = storeFlag(five, 'g1', '+', '\\Seen');
    const b = storeFlag(five, 'g1', '+', '\\Flagged');
    const lww = strategyByName('lww-wallclock');
    expect(where(lww.merge(five, a, b, { node: 'n', oursTimeMs: 5, theirsTimeMs: 9 }).state)['g1']?.[2]).toBe('\\Flagged');
    expect(where(lww.merge(five, a, b, { node: 'n', oursTimeMs: 9, theirsTimeMs: 5 }).state)['g1']?.[2]).toBe('\\Seen');
    // The correct merge keeps both.
    expect(where(strategyByName('renumber').merge(five, a, b, ctx).state)['g1']?.[2]).toBe('\\Flagged \\Seen');
  });

  it('keep-uids: concurrent deliveries end up sharing a UID', () => {
    const merged = strategyByName('keep-uids').merge(five, deliverAll(five, ['a6']), deliverAll(five, ['b6']), ctx).state;
    expect([where(merged)['a6']?.[1], where(merged)['b6']?.[1]]).toEqual([6, 6]);
  });
});
