// Proves the history's causality: session order, a read on the writer's server, and transitivity make a write causally later; nothing else does, and stamped vector clocks are never read.
import { describe, expect, it } from 'vitest';
import { historyClocks } from '../../../sim/checkers/historyCausality.ts';
import { clientOps } from '../../../sim/checkers/historyView.ts';
import { happenedBefore } from '../../../sim/checkers/vclock.ts';
import { HistoryBuilder, seen } from './historyBuilder.ts';

function follows(h: HistoryBuilder, earlier: number, later: number): boolean {
  const clocks = historyClocks(clientOps(h.records));
  const a = clocks.get(earlier);
  const b = clocks.get(later);
  if (!a || !b) throw new Error('both writes need a clock');
  return happenedBefore(a, b);
}

const set = (h: HistoryBuilder, node: string, process: string, vclock = {}): number =>
  h.store(node, process, { uid: 1, guid: 'g1', mode: '+', flags: ['\\Seen'] }, 'ok', { flagsAfter: ['\\Seen'], modseq: 2, vclock }).done;
const clear = (h: HistoryBuilder, node: string, process: string, vclock = {}): number =>
  h.store(node, process, { uid: 1, guid: 'g1', mode: '-', flags: ['\\Seen'] }, 'ok', { flagsAfter: [], modseq: 3, vclock }).done;

describe('historyClocks', () => {
  it('orders a client\'s own writes (session order), on any server', () => {
    const h = new HistoryBuilder();
    const a = set(h, 'n1', 'imap-0');
    const b = clear(h, 'n2', 'imap-0');
    expect(follows(h, a, b)).toBe(true);
    expect(follows(h, b, a)).toBe(false);
  });

  it('orders writes on one server by acknowledgement: the server holds what it acknowledged', () => {
    const h = new HistoryBuilder();
    const a = set(h, 'n1', 'imap-0');
    const b = clear(h, 'n1', 'imap-1');
    expect(follows(h, a, b)).toBe(true);
  });

  it('leaves writes on two servers concurrent unless a client read one after the write, whatever clocks they carry', () => {
    const h = new HistoryBuilder();
    const a = set(h, 'n1', 'imap-0', { n1: 1 });
    const b = clear(h, 'n2', 'imap-1', { n1: 1, n2: 1 });
    expect(follows(h, a, b)).toBe(false);
    expect(follows(h, b, a)).toBe(false);
    const read = new HistoryBuilder();
    const ra = set(read, 'n1', 'imap-0');
    read.select('n1', 'imap-1', { uidValidity: 1, uidNext: 2, messages: [seen(1, 'g1', ['\\Seen'], 2)] });
    const rb = clear(read, 'n2', 'imap-1');
    expect(follows(read, ra, rb)).toBe(true);
  });

  it('does not count a read invoked before the write was acknowledged, nor a failed or unknown one', () => {
    const h = new HistoryBuilder();
    const invoke = h.record('n1', 'imap-1', 'invoke', 'select', { mailbox: 'INBOX' });
    const a = set(h, 'n1', 'imap-0');
    h.record('n1', 'imap-1', 'ok', 'select', { mailbox: 'INBOX', uidValidity: 1, uidNext: 2, highestModseq: 2, messages: [] });
    expect(invoke).toBeLessThan(a);
    h.op('n1', 'imap-2', 'select', { mailbox: 'INBOX' }, 'fail', { reason: 'NO' });
    const b = clear(h, 'n2', 'imap-1');
    const c = clear(h, 'n3', 'imap-2');
    expect(follows(h, a, b)).toBe(false);
    expect(follows(h, a, c)).toBe(false);
  });

  it('carries nothing through an SMTP sender, which may deliver on both sides of a partition', () => {
    const h = new HistoryBuilder();
    const a = set(h, 'n1', 'imap-0');
    h.deliver('n1', { messageId: 'm1', guid: 'g8', uid: 8 }, 'ok', 'smtp-0');
    h.deliver('n2', { messageId: 'm2', guid: 'g9', uid: 9 }, 'ok', 'smtp-0');
    const b = clear(h, 'n2', 'imap-1');
    expect(follows(h, a, b)).toBe(false);
    // The same hop by an IMAP client does order them (negative control).
    const imap = new HistoryBuilder();
    const ia = set(imap, 'n1', 'imap-0');
    imap.select('n1', 'imap-2', { uidValidity: 1, uidNext: 2, messages: [] });
    imap.select('n2', 'imap-2', { uidValidity: 1, uidNext: 2, messages: [] });
    const ib = clear(imap, 'n2', 'imap-1');
    expect(follows(imap, ia, ib)).toBe(true);
  });

  it('is transitive through other clients and servers', () => {
    const h = new HistoryBuilder();
    const a = set(h, 'n1', 'imap-0');
    // imap-1 writes on n1 after a, then on n2: n2 now reflects a (session guarantee).
    h.store('n1', 'imap-1', { uid: 2, guid: 'g2', mode: '+', flags: ['\\Flagged'] }, 'ok', { flagsAfter: ['\\Flagged'], modseq: 3 });
    h.store('n2', 'imap-1', { uid: 3, guid: 'g3', mode: '+', flags: ['\\Flagged'] }, 'ok', { flagsAfter: ['\\Flagged'], modseq: 2 });
    // imap-2 reads n2, then writes on n3.
    h.select('n2', 'imap-2', { uidValidity: 1, uidNext: 4, messages: [] });
    const b = clear(h, 'n3', 'imap-2');
    expect(follows(h, a, b)).toBe(true);
  });
});
