// Proves the move trail sorts a GUID's expunges and moves by outcome, leaves failed ones out, and derives the mailboxes the message may end in.
import { describe, expect, it } from 'vitest';
import { clientOps } from '../../../sim/checkers/historyView.ts';
import { allowedHomes, guidTrails } from '../../../sim/checkers/moveTrail.ts';
import { HistoryBuilder } from './historyBuilder.ts';

describe('guidTrails', () => {
  it('files expunges and moves by outcome and leaves out failed ones and moves without a GUID', () => {
    const h = new HistoryBuilder();
    const expOk = h.expunge('n1', 'imap-0', { uids: [1], guids: ['g1'] }, 'ok').done;
    const expInfo = h.expunge('n1', 'imap-0', { uids: [1], guids: ['g1'] }, 'info').done;
    h.expunge('n1', 'imap-0', { uids: [1], guids: ['g1'] }, 'fail');
    const moveOk = h.transfer('move', 'n1', 'imap-0', { to: 'Archive', uid: 1, guid: 'g1' }, 'ok', { toUid: 3 }).done;
    const moveMaybe = h.transfer('move', 'n1', 'imap-0', { to: 'Trash', uid: 1, guid: 'g1' }, 'ok', { toUid: 0 }).done;
    const moveInfo = h.transfer('move', 'n1', 'imap-0', { to: 'Junk', uid: 1, guid: 'g1' }, 'info').done;
    h.transfer('move', 'n1', 'imap-0', { to: 'Spam', uid: 1, guid: 'g1' }, 'fail');
    h.op('n1', 'imap-0', 'move', { from: 'INBOX', to: 'X', uidValidity: 1, uid: 2 }, 'ok', { toUid: 5 });
    const trails = guidTrails(clientOps(h.records));
    expect([...trails.keys()]).toEqual(['g1']);
    const trail = trails.get('g1');
    expect(trail?.expungedOk.map((r) => r.op.index)).toEqual([expOk]);
    expect(trail?.expungedInfo.map((r) => r.op.index)).toEqual([expInfo]);
    expect(trail?.movesOk.map((op) => op.index)).toEqual([moveOk]);
    expect(trail?.movesInfo.map((op) => op.index)).toEqual([moveMaybe, moveInfo]);
  });
});

describe('allowedHomes', () => {
  it('is the creation mailbox without a trail, the targets after a certain move, both after an uncertain one, and null after an expunge', () => {
    const h = new HistoryBuilder();
    h.transfer('move', 'n1', 'imap-0', { to: 'Archive', uid: 1, guid: 'certain' }, 'ok', { toUid: 3 });
    h.transfer('move', 'n1', 'imap-0', { to: 'Trash', uid: 2, guid: 'maybe' }, 'info');
    h.expunge('n1', 'imap-0', { uids: [3], guids: ['gone'] }, 'info');
    const trails = guidTrails(clientOps(h.records));
    expect(allowedHomes('INBOX', undefined)).toEqual(new Set(['INBOX']));
    expect(allowedHomes('INBOX', trails.get('certain'))).toEqual(new Set(['Archive']));
    expect(allowedHomes('INBOX', trails.get('maybe'))).toEqual(new Set(['INBOX', 'Trash']));
    expect(allowedHomes('INBOX', trails.get('gone'))).toBeNull();
  });
});
