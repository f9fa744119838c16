// Proves the shared history views pair invokes with completions, treat unfinished ops as info, and read expunges, moves and copies as the checkers need.
import { describe, expect, it } from 'vitest';
import {
  clientOps,
  copyMayHaveCreated,
  expungedGuids,
  isNumber,
  onServers,
  opsOf,
  replicaEvents,
  sortedMailboxes,
  transferCertain,
  type ClientOp,
} from '../../../sim/checkers/historyView.ts';
import type { ExpungeValue, MoveValue } from '../../../sim/historyTypes.ts';
import { HistoryBuilder, mailbox, storeState } from './historyBuilder.ts';

function op<V>(outcome: 'ok' | 'fail' | 'info', value: V): ClientOp<V> {
  return { process: 'imap-0', node: 'n1', f: 'x', invokeIndex: 0, index: 1, timeMs: 1, outcome, value };
}

describe('clientOps', () => {
  it('pairs each invoke with its completion, merging values (completion wins), and skips nemesis, net and replica records', () => {
    const h = new HistoryBuilder();
    h.fault({ kind: 'heal' });
    h.record('n1', 'net', 'invoke', 'push', { bytes: 1 });
    h.bind('n1', { uid: 1, guid: 'g1' });
    const sel = h.op('n2', 'imap-0', 'select', { mailbox: 'INBOX', a: 1 }, 'ok', { a: 2, uidNext: 3 });
    expect(clientOps(h.records)).toEqual([
      { process: 'imap-0', node: 'n2', f: 'select', invokeIndex: sel.invoke, index: sel.done, timeMs: 4, outcome: 'ok', value: { mailbox: 'INBOX', a: 2, uidNext: 3 } },
    ]);
  });

  it('reads an op that never completed as info at its invoke, and one superseded by a new invoke of its process too, in index order', () => {
    const h = new HistoryBuilder();
    const lost = h.record('n1', 'imap-1', 'invoke', 'store', { uid: 1 });
    const stale = h.record('n1', 'imap-0', 'invoke', 'select', { mailbox: 'A' });
    const next = h.op('n2', 'imap-0', 'select', { mailbox: 'B' }, 'fail', { reason: 'no' });
    const ops = clientOps(h.records);
    expect(ops.map((o) => [o.index, o.invokeIndex, o.outcome, o.f])).toEqual([
      [lost, lost, 'info', 'store'],
      [stale, stale, 'info', 'select'],
      [next.done, next.invoke, 'fail', 'select'],
    ]);
    expect(ops[0]?.value).toEqual({ uid: 1 });
    expect(ops[0]?.node).toBe('n1');
  });

  it('reads a completion without an invoke, and non-object values, as empty values', () => {
    const h = new HistoryBuilder();
    const orphan = h.record('n1', 'imap-0', 'ok', 'select', null);
    h.record('n1', 'imap-1', 'invoke', 'store', 'text');
    h.record('n1', 'imap-1', 'ok', 'store', null);
    h.record('n1', 'imap-2', 'invoke', 'store', null);
    const ops = clientOps(h.records);
    expect(ops.map((o) => [o.invokeIndex, o.value])).toEqual([
      [null, {}],
      [1, {}],
      [3, {}],
    ]);
    expect(ops[0]?.index).toBe(orphan);
  });

  it('opsOf keeps one kind; replicaEvents keeps replica records of one f', () => {
    const h = new HistoryBuilder();
    h.op('n1', 'imap-0', 'select', { mailbox: 'INBOX' }, 'ok');
    h.op('n1', 'imap-0', 'store', { uid: 1 }, 'ok');
    const bind = h.bind('n1', { uid: 1, guid: 'g1' });
    h.validityChange('n1', 'INBOX', 1, 2);
    h.record('n1', 'imap-0', 'info', 'bind', { uid: 9 });
    expect(opsOf(clientOps(h.records), 'store').map((o) => o.f)).toEqual(['store']);
    const events = replicaEvents(h.records, 'bind');
    expect(events.map((e) => [e.record.index, e.value.uid])).toEqual([[bind, 1]]);
  });
});

describe('value readers', () => {
  it('sortedMailboxes orders by name in code-unit order', () => {
    const state = storeState(['b', 'Trash', 'a', 'INBOX'].map((name) => mailbox(name, [])));
    expect(sortedMailboxes(state).map((m) => m.name)).toEqual(['INBOX', 'Trash', 'a', 'b']);
  });

  it('isNumber accepts only finite numbers', () => {
    expect([1, 0, -2.5].map(isNumber)).toEqual([true, true, true]);
    expect([Number.NaN, Number.POSITIVE_INFINITY, '1', null, undefined].map(isNumber)).toEqual([false, false, false, false, false]);
  });

  it('expungedGuids: fail removes none, info may remove all, ok removes those whose UIDs it lists as expunged', () => {
    const value = { mailbox: 'INBOX', uidValidity: 1, uids: [1, 2], guids: ['g1', 'g2'] };
    expect(expungedGuids(op<ExpungeValue>('fail', value))).toEqual([]);
    expect(expungedGuids(op<ExpungeValue>('info', { ...value, expunged: [2] } as ExpungeValue))).toEqual(['g1', 'g2']);
    expect(expungedGuids(op<ExpungeValue>('ok', { ...value, expunged: [2] } as ExpungeValue))).toEqual(['g2']);
    // An ok answer that does not say what it expunged counts every listed GUID.
    expect(expungedGuids(op<ExpungeValue>('ok', value))).toEqual(['g1', 'g2']);
    expect(expungedGuids(op<ExpungeValue>('info', { mailbox: 'INBOX' } as ExpungeValue))).toEqual([]);
  });

  it('transferCertain needs an ok answer with a positive target UID', () => {
    const value: MoveValue = { from: 'INBOX', to: 'Archive', uidValidity: 1, uid: 1, guid: 'g1', toUid: 5 };
    expect(transferCertain(op('ok', value))).toBe(true);
    expect(transferCertain(op('info', value))).toBe(false);
    expect(transferCertain(op('ok', { ...value, toUid: 0 }))).toBe(false);
    expect(transferCertain(op('ok', { ...value, toUid: undefined }))).toBe(false);
  });

  it('copyMayHaveCreated: info may have, ok only when it names a new GUID, fail never', () => {
    const value: MoveValue = { from: 'INBOX', to: 'Archive', uidValidity: 1, uid: 1, guid: 'g1' };
    expect(copyMayHaveCreated(op('info', value))).toBe(true);
    expect(copyMayHaveCreated(op('ok', { ...value, toGuid: 'g2' }))).toBe(true);
    expect(copyMayHaveCreated(op('ok', { ...value, toGuid: 'g1' }))).toBe(false);
    expect(copyMayHaveCreated(op('ok', value))).toBe(false);
    expect(copyMayHaveCreated(op('fail', { ...value, toGuid: 'g2' }))).toBe(false);
  });

  it('onServers names one server, a failover between two, or nothing for an unknown record', () => {
    const h = new HistoryBuilder();
    h.record('a', 'imap-0', 'invoke', 'select', {});
    h.record('a', 'imap-0', 'ok', 'select', {});
    h.record('b', 'imap-0', 'ok', 'select', {});
    expect(onServers(h.records, 0, 1)).toBe(' (on a)');
    expect(onServers(h.records, 1, 2)).toBe(' (on a, then b: failover)');
    expect(onServers(h.records, -1, 2)).toBe('');
    expect(onServers(h.records, 0, 9)).toBe('');
  });
});
