// Proves uid-stable judges APPENDUID and COPYUID answers in the client's scope, binds a copy under its new GUID, reports each conflict once, and explains what it checked.
import { describe, expect, it } from 'vitest';
import { checkUidStable } from '../../../sim/checkers/uidStable.ts';
import { checkInput, converged, finalReplica, HistoryBuilder, mailbox, message, seen } from './historyBuilder.ts';

describe('uid-stable (more)', () => {
  it('explains what it checked, counting only well-formed bindings and final messages with a UID', () => {
    const h = new HistoryBuilder();
    h.bind('n1', { uid: 1, guid: 'g1' });
    h.record('n1', 'replica', 'info', 'bind', { uidValidity: 1, uid: 2, guid: 'g2' });
    h.record('n1', 'replica', 'info', 'bind', { mailbox: 'INBOX', uidValidity: 1, uid: 2 });
    h.record('n1', 'replica', 'info', 'bind', { mailbox: 'INBOX', uid: 2, guid: 'g2' });
    h.bind('n1', { uid: 0, guid: 'pending' });
    const result = checkUidStable(checkInput(h, converged(['n1'], [mailbox('INBOX', [message('g1', 1), message('pending', 0)])])));
    expect(result.verdict).toBe('valid');
    expect(result.explanation).toBe('1 (scope, mailbox, UIDVALIDITY, UID) keys from 1 recorded bindings and 1 final messages each name one message');
  });

  it('explains a server-scope conflict from the final state, without a failover note', () => {
    const h = new HistoryBuilder();
    const bound = h.bind('n1', { uid: 3, guid: 'g3' });
    const result = checkUidStable(checkInput(h, [finalReplica('n1', [mailbox('INBOX', [message('gX', 3)])])]));
    // gX appears in no record: the final state alone shows it, so only the binding is evidence.
    expect(result.evidence).toEqual([bound]);
    expect(result.explanation).toBe('1 UIDs naming two messages; first: INBOX UIDVALIDITY 1 UID 3 names g3 (record 0) and gX (final state of n1) for server n1');
  });

  it('takes the first record of a GUID as the evidence for its final-state binding', () => {
    const h = new HistoryBuilder();
    const bound = h.bind('n1', { uid: 3, guid: 'g3' });
    const ack4 = h.deliver('n2', { messageId: 'd', guid: 'g4', uid: 3 }).done;
    h.select('n2', 'imap-1', { uidValidity: 1, uidNext: 4, messages: [seen(3, 'g4')] });
    const result = checkUidStable(checkInput(h, [finalReplica('n1', [mailbox('INBOX', [message('g4', 3)])])]));
    expect(result.evidence).toEqual([bound, ack4]);
  });

  it('reports each distinct conflict, and a repeated one once', () => {
    const h = new HistoryBuilder();
    h.bind('n1', { uid: 1, guid: 'g1' });
    h.bind('n1', { uid: 2, guid: 'g2' });
    h.bind('n1', { uid: 1, guid: 'h1' });
    h.bind('n1', { uid: 2, guid: 'h2' });
    h.bind('n1', { uid: 1, guid: 'h1' });
    expect(checkUidStable(checkInput(h, converged(['n1'], [mailbox('INBOX', [])]))).count).toBe(2);
  });

  it("judges an APPENDUID answer in the client's scope, across a failover", () => {
    const h = new HistoryBuilder();
    const append = h.op('a', 'imap-0', 'append', { mailbox: 'INBOX', messageId: 'x' }, 'ok', { uidValidity: 1, uid: 5, guid: 'gA' }).done;
    const sel = h.select('b', 'imap-0', { uidValidity: 1, uidNext: 6, messages: [seen(5, 'gB')] }).done;
    const result = checkUidStable(checkInput(h, converged(['a'], [mailbox('INBOX', [])])));
    expect(result.evidence).toEqual([append, sel]);
    expect(result.explanation).toBe(`1 UIDs naming two messages; first: INBOX UIDVALIDITY 1 UID 5 names gA (record ${append}) and gB (record ${sel}) for client imap-0 (on a, then b: failover)`);
  });

  it('judges a MOVE answer under the moved GUID, and a COPY answer under the new GUID', () => {
    const moved = new HistoryBuilder();
    const move = moved.transfer('move', 'a', 'imap-0', { to: 'Archive', uid: 1, guid: 'g1' }, 'ok', { toUid: 3, toGuid: undefined }).done;
    const sel = moved.select('b', 'imap-0', { mailbox: 'Archive', uidValidity: 1, uidNext: 4, messages: [seen(3, 'g2')] }).done;
    expect(checkUidStable(checkInput(moved, converged(['a'], [mailbox('Archive', [])]))).evidence).toEqual([move, sel]);

    const copied = new HistoryBuilder();
    copied.transfer('copy', 'a', 'imap-0', { to: 'Archive', uid: 1, guid: 'g1' }, 'ok', { toUid: 3, toGuid: 'g1c' });
    const finals = converged(['a'], [mailbox('INBOX', [message('g1', 1)]), mailbox('Archive', [message('g1c', 3)])]);
    expect(checkUidStable(checkInput(copied, finals)).verdict).toBe('valid');
    const wrong = converged(['a'], [mailbox('INBOX', []), mailbox('Archive', [message('g1', 3)])]);
    expect(checkUidStable(checkInput(copied, wrong)).verdict).toBe('invalid');
  });
});
