// Coverage probes: the sink counts per world, the merge hits each of its probes on a worked example and none on a plain merge, and probes never change the merged state.
import { describe, expect, it } from 'vitest';
import { mergeStores } from '../../core/merge/mergeStores.ts';
import { renumberMailbox } from '../../core/merge/uids.ts';
import { NO_PROBES, PROBE_NAMES, PROBES, ProbeCounts, isProbeName } from '../../core/probes.ts';
import { renumberStrategy } from '../../core/strategies/renumber.ts';
import { ownerSettle } from '../../core/strategies/owner.ts';
import { withProbes } from '../../core/strategies/withProbes.ts';
import type { StoreState } from '../../core/state.ts';
import type { MergeContext } from '../../core/strategy.ts';
import { deleteMailbox, deliver, expunge, mailbox, move, msg, snapshot, store, storeFlag } from './stateOps.ts';

const base = store(
  mailbox('INBOX', { uidValidity: 7, messages: [msg('g1', 1, ['\\Seen']), msg('g2', 2), msg('g3', 3)] }),
  mailbox('Archive', { uidValidity: 8, messages: [msg('g4', 1)] }),
  mailbox('Trash', { uidValidity: 9 }),
);

/** The probes one merge hits (renumber policy), and the merged state. */
function probed(b: StoreState, o: StoreState, t: StoreState): { hits: Record<string, number>; state: StoreState } {
  const probes = new ProbeCounts();
  const ctx: MergeContext = { node: 'a', oursTimeMs: 0, theirsTimeMs: 0, probes };
  const state = mergeStores(b, o, t, ctx, { settleMailbox: renumberMailbox }).state;
  return { hits: probes.snapshot(), state };
}

const fresh = (guid: string): Parameters<typeof deliver>[2] => {
  const { uid: _uid, modseq: _modseq, ...rest } = msg(guid, 0);
  return rest;
};

describe('the probe sink', () => {
  it('counts each hit, and reports only the probes hit, in catalogue order', () => {
    const counts = new ProbeCounts();
    counts.hit('owner-takeover');
    counts.hit('merge-three-heads');
    counts.hit('owner-takeover');
    expect(counts.snapshot()).toEqual({ 'merge-three-heads': 1, 'owner-takeover': 2 });
    expect(Object.keys(counts.snapshot())).toEqual(['merge-three-heads', 'owner-takeover']);
  });

  it('keeps the counts of two worlds apart', () => {
    const one = new ProbeCounts();
    const other = new ProbeCounts();
    one.hit('move-vs-move');
    expect(other.snapshot()).toEqual({});
    NO_PROBES.hit('move-vs-move');
    expect(one.snapshot()).toEqual({ 'move-vs-move': 1 });
  });

  it('has a layer and a description for every probe, and knows its names', () => {
    for (const name of PROBE_NAMES) {
      expect(['core', 'sim', 'backends']).toContain(PROBES[name].layer);
      expect(PROBES[name].description.length).toBeGreaterThan(20);
    }
    expect(isProbeName('move-vs-move')).toBe(true);
    expect(isProbeName('toString')).toBe(false);
  });
});

describe('the merge probes', () => {
  it('hit nothing on a merge without a rare path (the control)', () => {
    const { hits } = probed(base, storeFlag(base, 'g2', '+', '\\Seen'), storeFlag(base, 'g3', '+', '\\Flagged'));
    expect(hits).toEqual({});
  });

  it('move-vs-move: one message moved to two mailboxes', () => {
    expect(probed(base, move(base, 'g2', 'Archive'), move(base, 'g2', 'Trash')).hits).toMatchObject({ 'move-vs-move': 1 });
    expect(probed(base, move(base, 'g2', 'Archive'), move(base, 'g3', 'Trash')).hits['move-vs-move']).toBeUndefined();
  });

  it('expunge-vs-move: expunged on one side, moved on the other', () => {
    expect(probed(base, expunge(base, 'g2'), move(base, 'g2', 'Archive')).hits).toMatchObject({ 'expunge-vs-move': 1 });
    expect(probed(base, expunge(base, 'g2'), move(base, 'g3', 'Archive')).hits['expunge-vs-move']).toBeUndefined();
  });

  it('renumber-moved: a moved message whose UID clashes with a delivery on the other side', () => {
    const moved = move(base, 'g2', 'Archive');
    const delivered = deliver(base, 'Archive', fresh('g9'));
    expect(probed(base, moved, delivered).hits).toMatchObject({ 'renumber-moved': 1 });
    // The same clash without a move renumbers too, but marks nothing.
    expect(probed(base, deliver(base, 'Archive', fresh('g8')), delivered).hits['renumber-moved']).toBeUndefined();
  });

  it('flag-add-remove-race: one side added and removed a flag the other side added', () => {
    const addedRemoved = storeFlag(storeFlag(base, 'g2', '+', '\\Flagged'), 'g2', '-', '\\Flagged');
    const added = storeFlag(base, 'g2', '+', '\\Flagged');
    expect(probed(base, addedRemoved, added).hits).toMatchObject({ 'flag-add-remove-race': 1 });
    // The other side untouched: a one-sided change, no race.
    expect(probed(base, storeFlag(base, 'g3', '+', '\\Seen'), added).hits['flag-add-remove-race']).toBeUndefined();
  });

  it('recovered-into-inbox: a delivery into a mailbox the other side deleted', () => {
    const { hits } = probed(base, deleteMailbox(base, 'Trash'), deliver(base, 'Trash', fresh('g7')));
    expect(hits).toMatchObject({ 'recovered-into-inbox': 1 });
  });

  it('never change the merged state', () => {
    const o = storeFlag(storeFlag(move(base, 'g2', 'Archive'), 'g1', '+', '\\Flagged'), 'g1', '-', '\\Flagged');
    const t = deliver(storeFlag(base, 'g1', '+', '\\Flagged'), 'Archive', fresh('g9'));
    const plain = mergeStores(base, o, t, { node: 'a', oursTimeMs: 0, theirsTimeMs: 0 }, { settleMailbox: renumberMailbox }).state;
    const { hits, state } = probed(base, o, t);
    expect(Object.keys(hits).length).toBeGreaterThan(0);
    expect(snapshot(state)).toEqual(snapshot(plain));
  });
});

describe('withProbes', () => {
  it('hands the sink to every merge of the strategy, and keeps what the strategy is', () => {
    const probes = new ProbeCounts();
    const strategy = withProbes(renumberStrategy, probes);
    expect(strategy.name).toBe('renumber');
    expect(strategy.settle).toBeUndefined();
    strategy.merge(base, move(base, 'g2', 'Archive'), move(base, 'g2', 'Trash'), { node: 'a', oursTimeMs: 0, theirsTimeMs: 0 });
    expect(probes.snapshot()).toEqual({ 'move-vs-move': 1 });
  });
});

describe('owner-takeover', () => {
  it('is hit when a node settles a mailbox another node owns, under a newer lease, and not by the owner itself', () => {
    const owned = store(mailbox('INBOX', { uidValidity: 7, owner: { node: 'a', epoch: 1 }, messages: [msg('g1', 1)] }));
    const probes = new ProbeCounts();
    expect(ownerSettle(owned, { node: 'b', leaseFor: () => 2, probes })).not.toBeNull();
    expect(probes.snapshot()).toEqual({ 'owner-takeover': 1 });
    const own = new ProbeCounts();
    ownerSettle(owned, { node: 'a', leaseFor: () => 1, probes: own });
    expect(own.snapshot()).toEqual({});
  });
});
