// Proves mergeBase finds the nearest common ancestor, picks one deterministic base in criss-cross histories whichever side asks, and that the recursive virtual base prevents the resurrection a single criss-cross base causes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { merge3, mergeVirtualBase } from '../../core/merge/mergeStores.ts';
import { MERGE_BASE_BASES_MAX, mergeBase, mergeBases, recursiveMergeBaseWith } from '../../core/mergeBase.ts';
import { allMessages, removeMessage } from '../../core/messageMap.ts';
import type { StoreState } from '../../core/state.ts';
import { strategyByName as byName } from '../../core/strategies/registry.ts';
import { mailbox, msg, store } from './stateOps.ts';
import { strategyByName } from '../../core/strategies/registry.ts';
import { ModelViolation, ReplicaModel, type Op } from './mergeModel.ts';

function graph(edges: Record<string, string[]>): (id: string) => readonly string[] {
  return (id) => edges[id] ?? [];
}

describe('mergeBase', () => {
  const linear = graph({ c: ['b'], b: ['a'], a: [] });
  const fork = graph({ x: ['b'], y: ['c'], c: ['b'], b: ['a'], a: [] });

  it('is the commit itself or the older one on a line', () => {
    expect(mergeBase('c', 'c', linear)).toBe('c');
    expect(mergeBase('c', 'a', linear)).toBe('a');
    expect(mergeBase('a', 'c', linear)).toBe('a');
  });

  it('is the fork point of two branches, whichever side asks', () => {
    expect(mergeBase('x', 'y', fork)).toBe('b');
    expect(mergeBase('y', 'x', fork)).toBe('b');
  });

  it('is null for unrelated histories', () => {
    expect(mergeBase('p', 'q', graph({ p: [], q: [] }))).toBeNull();
    expect(mergeBases('p', 'q', graph({ p: [], q: [] }))).toEqual([]);
  });

  it('criss-cross: two best ancestors, the deeper first, then by id; the same answer from both sides', () => {
    // r <- a1 <- a2,  r <- b1;  m1 = (a1, b1), m2 = (a2, b1): best common ancestors a1 (gen 2) and b1 (gen 2).
    const cc = graph({ r: [], a1: ['r'], a2: ['a1'], b1: ['r'], m1: ['a1', 'b1'], m2: ['a2', 'b1'], n1: ['m1'], n2: ['m2'] });
    // Common ancestors of n1 and n2 are a1, b1 and r; r is an ancestor of both others.
    expect(mergeBases('n1', 'n2', cc)).toEqual(['a1', 'b1']);
    expect(mergeBases('n2', 'n1', cc)).toEqual(['a1', 'b1']);
    const cross = graph({ r: [], a: ['r'], b: ['r'], m1: ['a', 'b'], m2: ['b', 'a'], x: ['m1'], y: ['m2'] });
    expect(mergeBases('x', 'y', cross)).toEqual(['a', 'b']);
    expect(mergeBases('y', 'x', cross)).toEqual(['a', 'b']);
    expect(mergeBase('x', 'y', cross)).toBe('a');
    // A deeper best ancestor is preferred over a smaller id.
    const deeper = graph({ r: [], a: ['r'], b: ['r'], b2: ['b'], m1: ['a', 'b2'], m2: ['b2', 'a'] });
    expect(mergeBases('m1', 'm2', deeper)).toEqual(['b2', 'a']);
  });
});

/** Reference: every common ancestor by full ancestor sets, keeping those no other common ancestor descends from. */
function bestByAncestorSets(a: string, b: string, parentsOf: (id: string) => readonly string[]): Set<string> {
  const ancestors = (start: string): Set<string> => {
    const seen = new Set([start]);
    const stack = [start];
    while (stack.length > 0) for (const p of parentsOf(stack.pop() as string)) if (!seen.has(p)) seen.add(p), stack.push(p);
    return seen;
  };
  const ofA = ancestors(a);
  const common = [...ancestors(b)].filter((id) => ofA.has(id));
  return new Set(common.filter((c) => !common.some((other) => other !== c && ancestors(other).has(c))));
}

describe('mergeBases against the ancestor-set reference', () => {
  // Random DAGs: node i takes up to three parents among the nodes before it (none: a new root).
  const dag = fc.integer({ min: 2, max: 40 }).chain((n) =>
    fc.tuple(fc.constant(n), fc.array(fc.uniqueArray(fc.nat(), { maxLength: 3 }), { minLength: n, maxLength: n }), fc.nat(), fc.nat()),
  );

  const dagParents = (n: number, picks: readonly (readonly number[])[]): ((id: string) => readonly string[]) => {
    const parents = new Map<string, string[]>();
    for (let i = 0; i < n; i++) parents.set(`c${i}`, i === 0 ? [] : [...new Set((picks[i] ?? []).map((p) => `c${p % i}`))]);
    return (id) => parents.get(id) ?? [];
  };

  it('finds exactly the best common ancestors, with or without lent generations', () => {
    fc.assert(
      fc.property(dag, ([n, picks, x, y]) => {
        const parentsOf = dagParents(n, picks);
        const generation = new Map<string, number>();
        for (let i = 0; i < n; i++) generation.set(`c${i}`, 1 + Math.max(0, ...parentsOf(`c${i}`).map((p) => generation.get(p) as number)));
        const a = `c${x % n}`;
        const b = `c${y % n}`;
        const expected = bestByAncestorSets(a, b, parentsOf);
        const lent = mergeBases(a, b, parentsOf, (id) => generation.get(id) as number);
        expect(new Set(lent)).toEqual(expected);
        expect(lent).toEqual(mergeBases(b, a, parentsOf));
        for (let i = 1; i < lent.length; i++) expect(generation.get(lent[i - 1] as string)! >= generation.get(lent[i] as string)!).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('catches a search walked out of generation order (negative control)', () => {
    // Every generation 1: the heap order no longer puts children first, so a best ancestor can be
    // met after an ancestor of its own and both are returned; the comparison must notice.
    const broken = fc.check(
      fc.property(dag, ([n, picks, x, y]) => {
        const parentsOf = dagParents(n, picks);
        const a = `c${x % n}`;
        const b = `c${y % n}`;
        expect(new Set(mergeBases(a, b, parentsOf, () => 1))).toEqual(bestByAncestorSets(a, b, parentsOf));
      }),
      { numRuns: 500, seed: 1 },
    );
    expect(broken.failed).toBe(true);
  });
});

describe('recursive merge base', () => {
  it('merges several best ancestors into one virtual base, deterministically', async () => {
    const cross = graph({ r: [], a: ['r'], b: ['r'], m1: ['a', 'b'], m2: ['a', 'b'] });
    const states: Record<string, string[]> = { r: [], a: ['A'], b: ['B'] };
    const union = (base: string[], o: string[], t: string[]): string[] => [...new Set([...base, ...o, ...t])].sort();
    const calls: string[] = [];
    const load = (id: string): string[] => {
      calls.push(id);
      return states[id] ?? [];
    };
    expect(await recursiveMergeBaseWith('m1', 'm2', cross, load, union, [])).toEqual(['A', 'B']);
    expect(await recursiveMergeBaseWith('m2', 'm1', cross, load, union, [])).toEqual(['A', 'B']);
    expect(await recursiveMergeBaseWith('a', 'b', cross, load, union, [])).toEqual([]);
    expect(await recursiveMergeBaseWith('p', 'q', graph({}), load, union, [])).toBeNull();
  });

  // Found by the merge property test: r4 delivers d, r1 takes it, r0 and r4 then work concurrently and r4 expunges d.
  const criss: Op[] = [
    { kind: 'deliver', r: 4, box: 0, flags: 0 },
    { kind: 'expunge', r: 0, pick: 0 },
    { kind: 'sync', from: 4, to: 1 },
    { kind: 'deliver', r: 0, box: 0, flags: 0 },
    { kind: 'expunge', r: 4, pick: 0 },
  ];

  it('a single criss-cross base resurrects an expunged message (negative case)', async () => {
    const model = new ReplicaModel(strategyByName('renumber'), 5, [0, 0, 0, 0, 0], true, 'single');
    for (const op of criss) await model.apply(op);
    await model.converge();
    expect(() => model.checkFinal()).toThrow(ModelViolation);
    expect(() => model.checkFinal()).toThrow(/expunged but back/);
  });

  it('the recursive virtual base keeps the expunge', async () => {
    const model = new ReplicaModel(strategyByName('renumber'), 5, [0, 0, 0, 0, 0]);
    for (const op of criss) await model.apply(op);
    await model.converge();
    expect(model.crissCrossMerges).toBeGreaterThan(0);
    model.checkFinal();
  });
});

/**
 * Five servers each deliver one message from a common root; X merges the five tips in one
 * order and Y in the other, so no merge is shared, and X sets \Seen and Y \Flagged on all
 * five. Merging X and Y then has five best common ancestors, one more than are merged from a
 * recursive base of their own.
 */
function fiveTips(): { readonly states: Map<string, StoreState>; readonly parentsOf: (id: string) => readonly string[] } {
  const tips = ['t1', 't2', 't3', 't4', 't5'];
  const states = new Map<string, StoreState>([['r', store(mailbox('INBOX'))]]);
  const parents = new Map<string, string[]>([['r', []]]);
  tips.forEach((tip, i) => {
    states.set(tip, store(mailbox('INBOX', { messages: [msg(`m${i + 1}`, 1)] })));
    parents.set(tip, ['r']);
  });
  const chain = (prefix: string, order: readonly string[]): string => {
    let head = order[0] as string;
    order.slice(1).forEach((tip, i) => {
      const id = `${prefix}${i}`;
      states.set(id, merge3(states.get('r') as StoreState, states.get(head) as StoreState, states.get(tip) as StoreState));
      parents.set(id, [head, tip]);
      head = id;
    });
    return head;
  };
  const flagAll = (from: string, flag: string, to: string, modseqStep: number): void => {
    const box = (states.get(from) as StoreState).mailboxes.get('INBOX');
    const messages = [...allMessages(box!.messages)].map((m) => msg(m.guid, m.uid, [...m.flags, flag], m.modseq + modseqStep));
    states.set(to, store(mailbox('INBOX', { uidValidity: box!.uidValidity, uidNext: box!.uidNext, messages })));
    parents.set(to, [from]);
  };
  flagAll(chain('x', tips), '\\Seen', 'X', 10);
  flagAll(chain('y', [...tips].reverse()), '\\Flagged', 'Y', 20);
  return { states, parentsOf: (id) => parents.get(id) ?? [] };
}

const flagsByGuid = (state: StoreState): string[] => [...allMessages(state.mailboxes.get('INBOX')!.messages)].map((m) => `${m.guid} ${m.flags.join(' ')}`).sort();

describe('recursiveMergeBaseWith past MERGE_BASE_BASES_MAX best ancestors', () => {
  it('folds every best ancestor into the base, so both sides\' flag writes survive on every message', async () => {
    const { states, parentsOf } = fiveTips();
    expect(mergeBases('X', 'Y', parentsOf)).toHaveLength(MERGE_BASE_BASES_MAX + 1);
    const base = await recursiveMergeBaseWith('X', 'Y', parentsOf, (id) => states.get(id) as StoreState, mergeVirtualBase, store());
    expect(flagsByGuid(base as StoreState)).toEqual(['m1 ', 'm2 ', 'm3 ', 'm4 ', 'm5 ']);
    const merged = merge3(base as StoreState, states.get('X') as StoreState, states.get('Y') as StoreState);
    expect(flagsByGuid(merged)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5'].map((guid) => `${guid} \\Flagged \\Seen`));
  });

  it('negative control: a base that lacks one of the messages loses a side\'s write to it (the higher MODSEQ decides)', async () => {
    const { states, parentsOf } = fiveTips();
    const base = (await recursiveMergeBaseWith('X', 'Y', parentsOf, (id) => states.get(id) as StoreState, mergeVirtualBase, store())) as StoreState;
    const inbox = base.mailboxes.get('INBOX')!;
    const lacking = store({ ...inbox, messages: removeMessage(inbox.messages, 'm5') });
    const merged = merge3(lacking, states.get('X') as StoreState, states.get('Y') as StoreState);
    expect(flagsByGuid(merged)).toContain('m5 \\Flagged');
  });
});

describe('mergeVirtualBase', () => {
  it('never mints a UIDVALIDITY and keeps a record of a UID space that lost its name', () => {
    const root = store(mailbox('INBOX', { uidValidity: 7 }), mailbox('Box', { uidValidity: 8, messages: [msg('g', 1)] }));
    const recreated = store(mailbox('INBOX', { uidValidity: 7 }), mailbox('Box', { uidValidity: 30 }));
    const grown = store(mailbox('INBOX', { uidValidity: 7 }), mailbox('Box', { uidValidity: 8, uidNext: 9, messages: [msg('g', 1)] }));
    const virtual = mergeVirtualBase(root, recreated, grown);
    expect(virtual.mailboxes.get('Box')?.uidValidity).toBe(30);
    const record = [...virtual.mailboxes.values()].find((m) => m.uidValidity === 8);
    expect(record?.name.startsWith('\u0000')).toBe(true);
    expect(record?.uidNext).toBe(9);
    // A real merge never outputs the record.
    const merged = byName('renumber').merge(virtual, grown, grown, { node: 'n', oursTimeMs: 0, theirsTimeMs: 0 }).state;
    expect([...merged.mailboxes.keys()].some((n) => n.startsWith('\u0000'))).toBe(false);
  });
});
